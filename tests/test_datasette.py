"""The release's database, served by Datasette as a downloader would serve it
(`datasette serve NAME-vX_Y_Z.sqlite --metadata NAME-vX_Y_Z-datasette.json`): it routes
under its own name, its foreign-key links answer and show names, and its pages carry
the package's title, descriptions and licence.

The server listens on 127.0.0.1 on a free port, is waited for at most STARTUP seconds,
and is always stopped."""
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from test_release import DATABASE, MINOR, NAME, TITLE, released  # noqa: F401 -- the module's built release

DATASETTE = Path(sys.executable).with_name("datasette")
STARTUP = 30  # seconds
# Only ever this machine: no proxy from the environment may carry a request elsewhere.
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url: str) -> tuple[int, str]:
    try:
        with LOCAL.open(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(released, tmp_path_factory):  # noqa: F811
    dist = released / "dist"
    port = free_port()
    log = tmp_path_factory.mktemp("datasette") / "log"
    with log.open("wb") as output:  # a file, not a pipe: a full pipe would stall the server
        server = subprocess.Popen([str(DATASETTE), "serve", "-i", f"{DATABASE}.sqlite", "--metadata",
                                   f"{DATABASE}-datasette.json", "--host", "127.0.0.1", "--port", str(port)],
                                  cwd=dist, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(server, base, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_for(server: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"datasette stopped: {log.read_text(encoding='utf-8', errors='replace')!r}")
        try:
            if get(f"{base}/-/versions.json")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"datasette did not answer within {STARTUP} s")


@pytest.fixture(scope="module")
def descriptor(released) -> dict:  # noqa: F811
    return json.loads((released / "datapackage.json").read_text(encoding="utf-8"))


def referencing(descriptor: dict) -> list[tuple[str, str, str]]:
    """(table, column, table it refers to) for every single-column foreign key."""
    return [(r["name"], key["fields"][0], key["reference"]["resource"]) for r in descriptor["resources"]
            for key in r["schema"].get("foreignKeys", []) if len(key["fields"]) == 1]


def test_the_database_is_routed_under_its_file_name(served):
    status, page = get(f"{served}/{DATABASE}.json")
    assert status == 200
    assert json.loads(page)["database"] == DATABASE


def test_foreign_key_links_on_a_table_page_answer_and_show_a_name(served, descriptor):
    table, column, target = next((t, c, r) for t, c, r in referencing(descriptor) if r == "sources")
    status, page = get(f"{served}/{DATABASE}/{table}")
    assert status == 200
    links = re.findall(rf'<a href="/{DATABASE}/{target}/([^"]+)">([^<]*)</a>', page)
    assert links, f"no link from {table}.{column} to {target}"
    key, label = links[0]
    status, row_page = get(f"{served}/{DATABASE}/{target}/{key}.json?_shape=objects")
    assert status == 200
    row = json.loads(row_page)["rows"][0]
    assert label == row["title_en"] != key  # the source's English title, not its slug
    assert get(f"{served}/{DATABASE}/{target}/no-such-row")[0] == 404  # the other side: a wrong key does not answer


def test_every_foreign_key_link_of_every_table_answers(served, descriptor):
    for table, _, target in referencing(descriptor):
        page = get(f"{served}/{DATABASE}/{table}?_size=max")[1]
        for key in sorted(set(re.findall(rf'<a href="/{DATABASE}/{target}/([^"]+)">', page)))[:5]:
            assert get(f"{served}/{DATABASE}/{target}/{key}")[0] == 200, (table, target, key)


def test_pages_show_the_title_description_and_licence(served, descriptor):
    metadata = json.loads(get(f"{served}/-/metadata.json")[1])
    assert metadata["license"] == "CC-BY-4.0"
    assert metadata["license_url"] == descriptor["licenses"][0]["path"]
    status, page = get(f"{served}/{DATABASE}/visits")
    assert status == 200
    assert f'<a href="{descriptor["licenses"][0]["path"]}">CC-BY-4.0</a>' in page  # the footer of every page
    index = get(f"{served}/")[1]
    assert f"{TITLE} {MINOR}" in index.replace("&nbsp;", " ")


def test_the_metadata_describes_every_table_and_column(released, descriptor):  # noqa: F811
    metadata = json.loads((released / "dist" / f"{DATABASE}-datasette.json").read_text(encoding="utf-8"))
    tables = metadata["databases"][DATABASE]["tables"]
    assert list(tables) == [r["name"] for r in descriptor["resources"]] + ["_metadata"]
    for resource in descriptor["resources"]:
        table = tables[resource["name"]]
        assert (table["title"], table["description"]) == (resource["title"], resource["description"])
        assert table["columns"] == {f["name"]: f["description"] for f in resource["schema"]["fields"]}
    assert metadata["description"] == descriptor["description"]
    assert metadata["source"].split("; ") == [s["title"] for s in descriptor["sources"]]
    assert "about_url" not in metadata  # the repository's address is not known yet (CITATION.cff)


def test_label_columns_are_english_names_and_titles_where_a_table_has_one(released):  # noqa: F811
    metadata = json.loads((released / "dist" / f"{DATABASE}-datasette.json").read_text(encoding="utf-8"))
    labels = {name: table.get("label_column") for name, table in metadata["databases"][DATABASE]["tables"].items()}
    assert labels["regions"] == "name_en" and labels["sources"] == "title_en"
    assert labels["treaties"] == "title_en" and labels["indicator_definitions"] == "name_en"
    assert labels["visits"] is None and labels["indicators"] is None  # no such column: Datasette shows the key
