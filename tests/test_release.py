"""`kzuz release`: it refuses, saying why and what to do, when the package is invalid, the
version disagrees between files, CHANGELOG has no section for it, or the bump is smaller
than the changes since the previous release need; otherwise it builds `dist/` — a zip
that frictionless loads and whose hashes verify, SQLite that enforces the keys, typed
Parquet, SHA256SUMS and release notes — the same bytes every time.

Each test works in a git repository holding the frozen package of tests/fixtures
(tests/repository.py), tagged as its version and then changed and cut with bump2version,
as a maintainer would: nothing here reads the project's own version or CHANGELOG."""
import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import frictionless
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from conftest import FIXTURE_DATA, FIXTURE_VERSION, ROOT, edit_descriptor, fixture_descriptor, read_rows, set_cell
from conftest import resource as named_resource
from conftest import write_rows
from repository import bump, commit, git, make_repository
from kzuz import diff
from kzuz.cli import main
from kzuz.datasette import database_name
from kzuz.load import load
from kzuz.release import MARKER, release
from kzuz.versions import changelog_section

OLD = FIXTURE_VERSION
NAME, TITLE = fixture_descriptor()["name"], fixture_descriptor()["title"]
NEW_TREATY = "1998-10-31-eternal-friendship-copy"


def next_version(version: str, part: str) -> str:
    major, minor, patch = map(int, version.split("."))
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[part]


MINOR, PATCH = next_version(OLD, "minor"), next_version(OLD, "patch")
DATABASE = database_name(NAME, MINOR)


def add_a_treaty(repo: Path) -> None:
    """A valid new row: a copy of the 1998 treaty under a new id (a minor change)."""
    path = repo / "data" / "treaties.csv"
    rows = read_rows(path)
    rows.append([NEW_TREATY, *next(r for r in rows if r[0] == "1998-10-31-eternal-friendship")[1:]])
    write_rows(path, rows)


def correct_a_region(repo: Path) -> None:
    set_cell(repo, "regions", "KZ-11", "name_en", "Aqmola Region")


def note(repo: Path, line: str) -> None:
    """A line under CHANGELOG's Unreleased, as CONTRIBUTING asks of every change."""
    path = repo / "CHANGELOG.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## [Unreleased]\n", f"## [Unreleased]\n\n{line}\n", 1),
                    encoding="utf-8")


def cut(repo: Path, part: str) -> None:
    done = bump(repo, part)
    assert done.returncode == 0, done.stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# Refused -----------------------------------------------------------------------------

@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The project as released: tagged with its current version."""
    repo = make_repository(tmp_path / "repo")
    git(repo, "tag", f"v{OLD}")
    return repo


def refused(capsys, repo: Path, *argv: str) -> list[str]:
    """What `kzuz release` prints on refusing; it must exit 1 and build nothing."""
    assert main(["release", str(repo), *argv]) == 1
    out, err = capsys.readouterr()
    assert out == "" and not (repo / "dist").exists()
    return err.splitlines()


def test_refused_when_the_package_is_invalid(repo, capsys):
    cut(repo, "minor")
    set_cell(repo, "regions", "KZ-11", "name_en", " Aqmola Region")
    assert refused(capsys, repo) == [
        "kzuz release: refused: the package is invalid (1 problem): run kzuz validate and fix what it lists"]


def test_refused_when_the_version_disagrees_between_files(repo, capsys):
    cut(repo, "minor")
    path = repo / "pyproject.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(f'version = "{MINOR}"', 'version = "9.9.9"'),
                    encoding="utf-8")
    assert refused(capsys, repo) == [f"kzuz release: refused: pyproject.toml says 9.9.9, but datapackage.json says "
                                     f"{MINOR}: change versions only with bump2version"]


def test_refused_when_the_version_disagrees_and_the_data_are_invalid(repo, capsys):
    cut(repo, "minor")
    set_cell(repo, "regions", "KZ-11", "name_en", " Aqmola Region ")
    set_cell(repo, "regions", "KZ-15", "name_en", "")
    path = repo / "CITATION.cff"
    path.write_text(path.read_text(encoding="utf-8").replace(f"version: {MINOR}", f"version: {OLD}"), encoding="utf-8")
    assert refused(capsys, repo) == [
        "kzuz release: refused: the package is invalid (2 problems): run kzuz validate and fix what it lists",
        f"kzuz release: refused: CITATION.cff says {OLD}, but datapackage.json says {MINOR}: "
        "change versions only with bump2version"]


def test_refused_when_the_changelog_has_no_section_for_the_version(repo, capsys):
    """The version moved by hand: the files agree, but Unreleased was never filed under it."""
    for name, old, new in [("datapackage.json", f'"version": "{OLD}"', f'"version": "{MINOR}"'),
                           ("pyproject.toml", f'version = "{OLD}"', f'version = "{MINOR}"'),
                           ("CITATION.cff", f"\nversion: {OLD}", f"\nversion: {MINOR}")]:
        path = repo / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert refused(capsys, repo) == [
        f"kzuz release: refused: CHANGELOG.md has no section '## [{MINOR}] - YYYY-MM-DD': cut the version with "
        "bump2version, which moves 'Unreleased' under it"]


def test_refused_when_added_rows_get_only_a_patch_bump(repo, capsys):
    add_a_treaty(repo)
    commit(repo, "Add a treaty")
    cut(repo, "patch")
    assert refused(capsys, repo) == [
        f"kzuz release: refused: v{OLD} → {PATCH} is a patch bump, but the changes since v{OLD} need a minor bump "
        "(treaties: 1 row(s) added)"]


def test_refused_when_a_changed_key_gets_only_a_minor_bump(repo, capsys):
    edit_descriptor(repo, lambda d: named_resource(d, "visits")["schema"].update(primaryKey=["visit_id", "start_date"]))
    commit(repo, "Key visits by id and date")
    cut(repo, "minor")
    assert refused(capsys, repo) == [
        f"kzuz release: refused: v{OLD} → {MINOR} is a minor bump, but the changes since v{OLD} need a major bump "
        "(visits: primary key changed: ['visit_id'] → ['visit_id', 'start_date'])"]


def test_refused_when_a_released_version_would_be_built_from_other_data(repo, capsys):
    """Data changed after the tag, and no new version cut: the artefacts would carry the
    released version's name but not its data."""
    cut(repo, "minor")
    git(repo, "tag", f"v{MINOR}")
    correct_a_region(repo)
    commit(repo, "Correct a region")
    assert refused(capsys, repo) == [
        f"kzuz release: refused: {MINOR} is already released as v{MINOR}, and the data have changed since: "
        "cut a new version with bump2version"]


def test_refused_when_the_previous_release_cannot_be_read(repo, capsys):
    cut(repo, "minor")
    assert refused(capsys, repo, "--previous", "v0.0.9") == [
        "kzuz release: refused: --previous v0.0.9 is not a package directory, a zip or a git ref"]


def test_refused_when_the_changelog_section_says_nothing(repo, capsys):
    """bump2version files an empty Unreleased too: the release notes would say nothing."""
    path = repo / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("## [Unreleased]\n", 1)
    links = rest[rest.index("\n[Unreleased]: "):]
    path.write_text(head + "## [Unreleased]\n" + links, encoding="utf-8")
    commit(repo, "Nothing unreleased")
    cut(repo, "minor")
    assert refused(capsys, repo) == [
        f"kzuz release: refused: CHANGELOG.md's section for {MINOR} says nothing: write what changed (under "
        "'## [Unreleased]' before bump2version, or under the section now)"]


def test_the_released_citation_is_dated_as_the_changelog_dates_the_version(released):
    day, _ = changelog_section(released, MINOR)
    with zipfile.ZipFile(released / "dist" / f"{NAME}-{MINOR}.zip") as archive:
        cited = archive.read("CITATION.cff").decode("utf-8")
    assert f"\nversion: {MINOR}\ndate-released: {day}\n" in cited
    assert "date-released" not in (released / "CITATION.cff").read_text(encoding="utf-8")


def test_refused_without_the_data_licence(repo, capsys):
    cut(repo, "minor")
    (repo / "LICENSE-DATA.md").unlink()
    assert refused(capsys, repo) == ["kzuz release: refused: LICENSE-DATA.md is missing: every release carries it"]


def test_a_table_kept_under_dist_is_refused_and_kept(repo, capsys):
    """kzuz release empties dist/ before it builds: a CSV of the package there would be lost."""
    cut(repo, "minor")
    (repo / "dist").mkdir()
    (repo / "data" / "events.csv").rename(repo / "dist" / "events.csv")
    edit_descriptor(repo, lambda d: named_resource(d, "events").update(path="dist/events.csv"))
    kept = (repo / "dist" / "events.csv").read_bytes()
    assert main(["release", str(repo)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "kzuz release: refused: dist/ holds dist/events.csv, a file of the package, and kzuz release empties dist/ "
        "before each build: move the file out of dist/"]
    assert sorted(tree(repo / "dist")) == ["events.csv"] and (repo / "dist" / "events.csv").read_bytes() == kept


def test_a_dist_holding_files_kzuz_did_not_write_is_refused_and_kept(repo, capsys):
    cut(repo, "minor")
    (repo / "dist").mkdir()
    (repo / "dist" / "my-notes.txt").write_text("mine", encoding="utf-8")
    assert main(["release", str(repo)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "kzuz release: refused: dist/ holds files kzuz release did not write (it has no .kzuz-release), and it "
        "empties dist/ before each build: move them, or remove dist/"]
    assert tree(repo / "dist") == {"my-notes.txt": b"mine"}


def test_a_dist_kzuz_release_wrote_is_emptied_and_rebuilt(repo, capsys):
    cut(repo, "minor")
    assert main(["release", str(repo)]) == 0
    (repo / "dist" / "stale.zip").write_bytes(b"from a build before")
    assert main(["release", str(repo)]) == 0
    capsys.readouterr()
    assert "stale.zip" not in tree(repo / "dist") and MARKER in tree(repo / "dist")


def test_a_folder_that_is_not_a_package_is_a_usage_error(tmp_path, capsys):
    assert main(["release", str(tmp_path)]) == 2
    assert capsys.readouterr() == ("", f"kzuz release: {tmp_path} has no datapackage.json: is it the package's "
                                       "directory?\n")


# Built -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """A repository tagged at the current version, then a treaty added and a region's name
    corrected, cut as the next minor version and released."""
    repo = make_repository(tmp_path_factory.mktemp("released") / "repo")
    git(repo, "tag", f"v{OLD}")
    add_a_treaty(repo)
    correct_a_region(repo)
    commit(repo, "Add a treaty, correct a region")
    cut(repo, "minor")
    built = release(load(repo))
    assert (built.version, built.previous) == (MINOR, f"v{OLD}")
    return repo


@pytest.fixture(scope="module")
def resources(released) -> list[dict]:
    return json.loads((released / "datapackage.json").read_text(encoding="utf-8"))["resources"]


def csv_rows(repo: Path, resource: dict) -> list[list[str]]:
    return read_rows(repo / resource["path"])[1:]


def test_dist_holds_every_artefact_and_nothing_else(released):
    assert sorted(tree(released / "dist")) == sorted([
        ".kzuz-release",  # the folder is kzuz release's to empty (not published)
        f"{NAME}-{MINOR}.zip", f"{DATABASE}.sqlite", f"{DATABASE}-datasette.json", f"{NAME}-{MINOR}.xlsx",
        f"{NAME}-{MINOR}-parquet.zip", "RELEASE_NOTES.md", "SHA256SUMS"])


def test_the_database_is_named_as_datasette_routes_it():
    """Datasette escapes a dot in a database's name, and its foreign-key links then 404."""
    assert DATABASE == f"{NAME}-v{MINOR.replace('.', '_')}"
    assert "." not in DATABASE


def test_the_zip_loads_with_frictionless_and_validates(released, resources):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # DESIGN.md: loads "with no warnings and no extra steps"
        package = frictionless.Package(str(released / "dist" / f"{NAME}-{MINOR}.zip"))
        report = package.validate()
    assert report.valid, report.flatten(["type", "note"])
    assert package.version == MINOR
    for resource in resources:
        assert len(package.get_resource(resource["name"]).read_rows()) == len(csv_rows(released, resource))


DOCUMENTS = ["README.md", "LICENSE-DATA.md", "DATA-DICTIONARY.md", "CHANGELOG.md", "CITATION.cff"]


def test_the_zip_holds_the_descriptor_with_hash_and_bytes_and_the_csvs_as_they_are(released, resources):
    with zipfile.ZipFile(released / "dist" / f"{NAME}-{MINOR}.zip") as archive:
        assert archive.namelist() == ["datapackage.json", *(r["path"] for r in resources), *DOCUMENTS]
        files = {name: archive.read(name) for name in archive.namelist() if name not in DOCUMENTS}
    descriptor = json.loads(files.pop("datapackage.json"))
    expected = json.loads((released / "datapackage.json").read_text(encoding="utf-8"))
    for resource in expected["resources"]:
        raw = (released / resource["path"]).read_bytes()
        assert files[resource["path"]] == raw  # the same rows as data/, byte for byte
        resource.update(hash="sha256:" + hashlib.sha256(raw).hexdigest(), bytes=len(raw))
    assert descriptor == expected


def test_the_zip_carries_its_documents(released):
    with zipfile.ZipFile(released / "dist" / f"{NAME}-{MINOR}.zip") as archive:
        files = {name: archive.read(name).decode("utf-8") for name in DOCUMENTS}
    for name in ("LICENSE-DATA.md", "CHANGELOG.md"):
        assert files[name] == (released / name).read_text(encoding="utf-8"), name
    day, _ = changelog_section(released, MINOR)
    cited = (released / "CITATION.cff").read_text(encoding="utf-8")
    assert files["CITATION.cff"] == cited.replace(f"\nversion: {MINOR}\n", f"\nversion: {MINOR}\ndate-released: {day}\n")
    assert files["DATA-DICTIONARY.md"] == written_dictionary(released)
    readme = files["README.md"]
    day, _ = changelog_section(released, MINOR)
    assert readme.startswith(f"# {TITLE}\n")
    assert f"Version {MINOR}, released {day}." in readme
    assert f"({day[:4]}). {TITLE} (version {MINOR})." in readme  # the citation, with the release's year
    assert "Creative Commons Attribution 4.0 International (CC-BY-4.0)" in readme and "LICENSE-DATA.md" in readme
    assert "Report an error" in readme
    assert f"- `visits` ({len(read_rows(FIXTURE_DATA / 'visits.csv')) - 1} rows):" in readme


def written_dictionary(repo: Path) -> str:
    """What `kzuz docs` writes as the data dictionary of the package in `repo`."""
    copy = repo.parent / "docs-copy"
    if not copy.exists():
        shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".git", "dist"))
        assert main(["docs", str(copy)]) == 0
    return (copy / "DATA-DICTIONARY.md").read_text(encoding="utf-8")


def test_a_tampered_zip_fails_its_hash(released, tmp_path):
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(released / "dist" / f"{NAME}-{MINOR}.zip") as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            raw = source.read(name)
            target.writestr(name, raw.replace(b"Aqmola Region", b"Akmola Region") if name == "data/regions.csv" else raw)
    report = frictionless.Package(str(tampered)).validate()
    assert [error[0] for error in report.flatten(["type"])] == ["hash-count"]  # same bytes count, other hash


@pytest.fixture
def database(released, tmp_path):
    copy = tmp_path / "copy.sqlite"
    shutil.copy(released / "dist" / f"{DATABASE}.sqlite", copy)
    db = sqlite3.connect(copy)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")
    yield db
    db.close()


def test_sqlite_has_one_table_per_resource_with_every_row(database, released, resources):
    names = [row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert sorted(names) == sorted([r["name"] for r in resources] + ["_metadata"])  # each after those it refers to
    for resource in resources:
        count = database.execute(f'SELECT count(*) FROM "{resource["name"]}"').fetchone()[0]
        assert count == len(csv_rows(released, resource))
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []


def test_sqlite_declares_the_keys_of_the_descriptor(database, resources):
    for resource in resources:
        schema, table = resource["schema"], resource["name"]
        primary = [row["name"] for row in sorted(database.execute(f'PRAGMA table_info("{table}")'), key=lambda r: r["pk"])
                   if row["pk"]]
        assert primary == schema["primaryKey"]
        listed = database.execute(f'PRAGMA foreign_key_list("{table}")')
        foreign = sorted((row["from"], row["table"], row["to"]) for row in listed)
        assert foreign == sorted((k["fields"][0], k["reference"]["resource"], k["reference"]["fields"][0])
                                 for k in schema.get("foreignKeys", []))


def test_sqlite_rejects_a_row_with_an_unknown_source(database):
    visit = dict(database.execute("SELECT * FROM visits LIMIT 1").fetchone())
    insert = f"INSERT INTO visits ({', '.join(visit)}) VALUES ({', '.join('?' for _ in visit)})"
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
        database.execute(insert, list({**visit, "visit_id": "2030-01-01-new", "source_id": "no-such-source"}.values()))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed: visits.visit_id"):
        database.execute(insert, list(visit.values()))
    database.execute(insert, list({**visit, "visit_id": "2030-01-01-new"}.values()))  # a known source is fine


def test_sqlite_stores_numbers_as_numbers_and_dates_as_iso_text(database):
    row = database.execute("SELECT typeof(value), typeof(period_start), period_start FROM indicators LIMIT 1").fetchone()
    assert row[0] in ("integer", "real") and row[1] == "text"
    assert datetime.date.fromisoformat(row[2])


def test_sqlite_says_what_it_is(database, released):
    about = dict(database.execute("SELECT key, value FROM _metadata").fetchall())
    descriptor = json.loads((released / "datapackage.json").read_text(encoding="utf-8"))
    day, _ = changelog_section(released, MINOR)
    assert json.loads(about.pop("descriptor")) == descriptor
    assert about == {"name": NAME, "title": TITLE, "version": MINOR, "released": day, "license": "CC-BY-4.0",
                     "license_title": "Creative Commons Attribution 4.0 International",
                     "license_url": "https://creativecommons.org/licenses/by/4.0/",
                     "citation": f"{descriptor['contributors'][0]['title']} ({day[:4]}). {TITLE} (version {MINOR})."}


ARROW = {"string": pa.string(), "date": pa.date32(), "number": pa.float64(), "integer": pa.int64(), "boolean": pa.bool_()}
FROM_TEXT = {"string": str, "date": datetime.date.fromisoformat, "number": float, "integer": int,
             "boolean": lambda text: text == "true"}


def parquet_file(released: Path, name: str) -> pa.BufferReader:
    """A Parquet file of the release, as a downloader unzips it from the parquet zip."""
    with zipfile.ZipFile(released / "dist" / f"{NAME}-{MINOR}-parquet.zip") as archive:
        return pa.BufferReader(archive.read(f"parquet/{name}.parquet"))


def test_parquet_has_typed_columns_with_the_values_of_the_csvs(released, resources):
    for resource in resources:
        fields = resource["schema"]["fields"]
        table = pq.read_table(parquet_file(released, resource["name"]))
        assert table.schema.names == [f["name"] for f in fields]
        assert table.schema.types == [ARROW[f["type"]] for f in fields]  # dates as date32, not text
        expected = [{f["name"]: FROM_TEXT[f["type"]](cell) if cell else None for f, cell in zip(fields, row)}
                    for row in csv_rows(released, resource)]
        assert table.to_pylist() == expected


def test_parquet_says_what_it_is_and_which_columns_are_required(released, resources):
    day, _ = changelog_section(released, MINOR)
    for resource in resources:
        schema = pq.read_schema(parquet_file(released, resource["name"]))
        about = {key.decode(): value.decode() for key, value in schema.metadata.items()}
        assert {key: about[key] for key in ("name", "version", "released", "license", "license_url")} == {
            "name": NAME, "version": MINOR, "released": day, "license": "CC-BY-4.0",
            "license_url": "https://creativecommons.org/licenses/by/4.0/"}
        assert json.loads(about["resource"]) == resource
        for field in resource["schema"]["fields"]:
            column = schema.field(field["name"])
            assert column.nullable is not bool(field.get("constraints", {}).get("required")), field["name"]
            assert column.metadata[b"description"].decode() == field["description"]
    assert any(not f.nullable for f in schema) and any(f.nullable for f in schema)  # both sides are seen


def test_the_parquet_zip_holds_one_parquet_file_per_resource(released, resources):
    with zipfile.ZipFile(released / "dist" / f"{NAME}-{MINOR}-parquet.zip") as archive:
        assert archive.namelist() == [f"parquet/{r['name']}.parquet" for r in resources]
        assert all(archive.read(name).startswith(b"PAR1") for name in archive.namelist())


def test_sha256sums_verifies_every_artefact(released):
    dist = released / "dist"
    lines = (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert sorted(listed) == sorted(name for name in tree(dist) if name not in ("SHA256SUMS", MARKER))
    assert [line.split("  ", 1)[1] for line in lines] == sorted(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest, name


def test_release_notes_hold_the_changelog_section_and_the_diff(released):
    notes = (released / "dist" / "RELEASE_NOTES.md").read_text(encoding="utf-8")
    day, section = changelog_section(released, MINOR)
    change = diff.diff(diff.read(f"v{OLD}", released), diff.read(str(released)))
    assert notes == (f"# {TITLE} {MINOR} ({day})\n\n{section}\n\n"
                     f"## Changes in the data since v{OLD}\n\n{diff.as_markdown(change)}")
    assert section and section in notes
    assert f"- added `{NEW_TREATY}`" in notes
    assert "- changed `KZ-11`: name_en `Akmola Region` → `Aqmola Region`" in notes
    assert "Smallest version bump required: **minor** (treaties: 1 row(s) added)." in notes


def test_two_builds_of_the_same_commit_are_byte_identical(released, tmp_path, capsys):
    """Once more in a fresh clone (another path, other file times), twice."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(released), str(clone))
    for _ in range(2):
        assert main(["release", str(clone)]) == 0
        assert tree(clone / "dist") == tree(released / "dist")
    assert capsys.readouterr().out.splitlines()[:3] == [
        f"built {MINOR} (changes since v{OLD}):", f"  dist/{NAME}-{MINOR}.zip", f"  dist/{DATABASE}.sqlite"]


# Other ways to release ---------------------------------------------------------------

def test_the_first_release_has_every_row_as_new(tmp_path, capsys):
    repo = make_repository(tmp_path / "repo", released=False)  # at 0.0.0, CHANGELOG dates no version
    cut(repo, "minor")
    assert main(["release", str(repo)]) == 0
    assert capsys.readouterr().out.startswith("built 0.1.0 (first release):\n")
    notes = (repo / "dist" / "RELEASE_NOTES.md").read_text(encoding="utf-8")
    assert "## Changes in the data (first release: every row is new)\n" in notes
    assert f"| `visits` | {len(read_rows(FIXTURE_DATA / 'visits.csv')) - 1} | 0 | 0 |" in notes


def test_without_the_previous_tag_the_release_before_is_the_commit_that_cut_its_version(tmp_path, capsys):
    """A fork or a clone without tags: CHANGELOG dates OLD, and git's history finds where it was cut."""
    repo = make_repository(tmp_path / "repo")  # its first commit states OLD; no tag
    cut_at = git(repo, "rev-parse", "HEAD").strip()
    correct_a_region(repo)
    commit(repo, "Correct a region, still at OLD")  # work after the release, before the next bump
    add_a_treaty(repo)
    commit(repo, "Add a treaty")
    cut(repo, "minor")
    assert main(["release", str(repo)]) == 0
    since = f"{OLD} (commit {cut_at[:12]}; its tag v{OLD} is not in this repository)"
    assert capsys.readouterr().out.startswith(f"built {MINOR} (changes since {since}):\n")
    notes = (repo / "dist" / "RELEASE_NOTES.md").read_text(encoding="utf-8")
    assert f"## Changes in the data since {since}\n" in notes
    assert f"- added `{NEW_TREATY}`" in notes and "`Akmola Region` → `Aqmola Region`" in notes
    assert "every row is new" not in notes


def test_without_the_previous_tag_a_version_stated_moved_back_and_stated_again_was_cut_the_last_time(
        tmp_path, capsys):
    """The project's own history stated 0.1.0 once, moved back to 0.0.0, then cut 0.1.0."""
    repo = make_repository(tmp_path / "repo")
    path = repo / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'"version": "{OLD}"', '"version": "0.0.0"'), encoding="utf-8")
    commit(repo, "Back to 0.0.0")
    path.write_text(text, encoding="utf-8")
    commit(repo, "Cut OLD again")
    cut_at = git(repo, "rev-parse", "HEAD").strip()
    add_a_treaty(repo)
    commit(repo, "Add a treaty")
    cut(repo, "minor")
    assert main(["release", str(repo)]) == 0
    assert capsys.readouterr().out.startswith(f"built {MINOR} (changes since {OLD} (commit {cut_at[:12]}; ")


def test_without_the_previous_tag_a_patch_bump_for_added_rows_is_still_refused(tmp_path, capsys):
    repo = make_repository(tmp_path / "repo")
    add_a_treaty(repo)
    commit(repo, "Add a treaty")
    cut(repo, "patch")
    [reason] = refused(capsys, repo)
    assert reason.endswith(f"is a patch bump, but the changes since {OLD} (commit "
                           f"{git(repo, 'rev-list', '--max-parents=0', 'HEAD').strip()[:12]}; its tag v{OLD} is not "
                           f"in this repository) need a minor bump (treaties: 1 row(s) added)")


def test_a_shallow_clone_without_the_previous_tag_is_told_what_it_needs(tmp_path, capsys):
    repo = make_repository(tmp_path / "repo")
    add_a_treaty(repo)
    commit(repo, "Add a treaty")
    cut(repo, "minor")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))  # history holds only the bump
    assert refused(capsys, clone) == [
        f"kzuz release: refused: CHANGELOG.md says {OLD} was released before {MINOR}, but there is no tag v{OLD} "
        f"here and no commit in this repository's history states version {OLD} (a shallow clone, or no git): "
        "fetch the tags (git fetch --tags), or name the previous release with --previous (its release zip, a "
        "folder or a git ref)"]


def test_a_package_outside_git_whose_changelog_dates_a_release_is_told_what_it_needs(tmp_path, capsys):
    repo = make_repository(tmp_path / "repo")
    cut(repo, "minor")
    shutil.rmtree(repo / ".git")
    [reason] = refused(capsys, repo)
    assert reason.startswith(f"kzuz release: refused: CHANGELOG.md says {OLD} was released before {MINOR}, but ")


def test_rebuilding_at_the_release_tag_compares_with_the_release_before(repo, capsys):
    """What the release workflow does: build at the tag it was pushed for."""
    add_a_treaty(repo)
    commit(repo, "Add a treaty")
    cut(repo, "minor")
    git(repo, "tag", f"v{MINOR}")
    assert main(["release", str(repo)]) == 0
    assert capsys.readouterr().out.startswith(f"built {MINOR} (changes since v{OLD}):\n")
    assert f"- added `{NEW_TREATY}`" in (repo / "dist" / "RELEASE_NOTES.md").read_text(encoding="utf-8")


def test_previous_may_be_a_release_zip(repo, tmp_path, capsys):
    """The previous release as downloaded; its version is read from its descriptor."""
    cut(repo, "patch")
    assert main(["release", str(repo)]) == 0
    capsys.readouterr()
    shutil.copy(repo / "dist" / f"{NAME}-{PATCH}.zip", tmp_path / "previous.zip")
    shutil.rmtree(repo / "dist")
    add_a_treaty(repo)
    note(repo, "- A treaty.")
    commit(repo, "Add a treaty")
    cut(repo, "patch")
    following = next_version(PATCH, "patch")
    assert refused(capsys, repo, "--previous", str(tmp_path / "previous.zip")) == [
        f"kzuz release: refused: {tmp_path / 'previous.zip'} → {following} is a patch bump, but the changes since "
        f"{tmp_path / 'previous.zip'} need a minor bump (treaties: 1 row(s) added)"]


# The release workflow ----------------------------------------------------------------

WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
STEPS = {step.get("name"): step.get("run", "") for step in WORKFLOW["jobs"]["release"]["steps"]}


def on_this_machine(command: str) -> str:
    """A workflow command, with CI's .venv tools replaced by this environment's."""
    return command.replace(".venv/bin/", f"{Path(sys.executable).parent}/")


def test_the_release_workflow_calls_only_installed_tools():
    tools = set(re.findall(r"\.venv/bin/([\w-]+)", " ".join(STEPS.values())))
    assert {"kzuz", "pytest"} <= tools
    assert [tool for tool in sorted(tools) if not Path(sys.executable).with_name(tool).exists()] == []


def test_the_release_workflow_refuses_a_tag_that_is_not_the_version(released):
    check = on_this_machine(STEPS["Check the tag names the package's version"])
    for tag, code in [(f"v{MINOR}", 0), (f"v{next_version(MINOR, 'major')}", 1), (MINOR, 1)]:
        done = subprocess.run(["bash", "-e", "-c", check], cwd=released, capture_output=True, text=True,
                              env={**os.environ, "GITHUB_REF_NAME": tag})
        assert done.returncode == code, (tag, done.stderr)


def test_the_release_workflow_publishes_exactly_what_sha256sums_names_and_it_checks_as_a_downloader_does(
        released, tmp_path):
    """release.yml stages, checks and uploads the files SHA256SUMS names (one list, written by
    `kzuz release`), in a folder that holds nothing else, as a downloader's does."""
    work = tmp_path / "workflow"
    shutil.copytree(released / "dist", work / "dist")
    for step in ("Stage what the release publishes", "Check the checksums as a downloader does"):
        done = subprocess.run(["bash", "-e", "-c", STEPS[step]], cwd=work, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    lines = (work / "dist" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    named = {line.split("  ", 1)[1] for line in lines}
    assert sorted(tree(work / "publish")) == sorted(named | {"SHA256SUMS"}) == sorted(
        set(tree(released / "dist")) - {MARKER})
    assert done.stdout.splitlines() == [f"{name}: OK" for name in sorted(named)]
    for line in lines:  # the same check without sha256sum, so it cannot pass by not running
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((work / "publish" / name).read_bytes()).hexdigest() == digest, name
    publish = STEPS["Publish"].split()
    assert publish[-1] == "publish/*" and publish[publish.index("--notes-file") + 1] == "publish/RELEASE_NOTES.md"
