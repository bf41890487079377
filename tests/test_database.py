"""The release's SQLite database (kzuz.database), built from the frozen package: a table per
resource with its types, required columns and keys, whose rows pass SQLite's own foreign
key check; the same bytes every time; written whole or not at all.

(tests/test_release.py looks at the database of a whole release, tests/test_datasette.py
serves it.)"""
import json
import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import read_rows, set_cell_of
import kzuz.database
from kzuz.about import About
from kzuz.database import build_database
from kzuz.load import load

ABOUT = About(name="kazakhstan-uzbekistan-relations", title="Kazakhstan–Uzbekistan Relations Data Package",
              description="Relations between the two countries.", version="1.4.2", released="2026-11-21",
              licence="CC-BY-4.0", licence_title="Creative Commons Attribution 4.0 International",
              licence_url="https://creativecommons.org/licenses/by/4.0/",
              citation="Contributors (2026). Kazakhstan–Uzbekistan Relations Data Package (version 1.4.2).",
              cite_request="Cite the version you used.", address=None)
DECLARED = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "year": "INTEGER", "boolean": "INTEGER",
            "number": "ANY"}


def build(package: Path, target: Path) -> Path:
    """The package's tables, typed as kzuz release types them, in the database at `target`."""
    loaded = load(package, judge=False)
    return build_database(list(loaded.tables.values()), ABOUT, loaded.descriptor, target)


@pytest.fixture
def database(package, tmp_path):
    db = sqlite3.connect(build(package, tmp_path / "built.sqlite"))
    db.row_factory = sqlite3.Row
    yield db
    db.close()


def resources(package: Path) -> list[dict]:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["resources"]


def test_each_table_declares_the_types_required_columns_and_primary_key_of_its_schema(database, package):
    for resource in resources(package):
        schema = resource["schema"]
        columns = list(database.execute(f'PRAGMA table_info("{resource["name"]}")'))
        assert [(c["name"], c["type"]) for c in columns] == [(f["name"], DECLARED[f["type"]]) for f in schema["fields"]]
        required = [f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")]
        assert [c["name"] for c in columns if c["notnull"]] == required
        assert [c["name"] for c in sorted(columns, key=lambda c: c["pk"]) if c["pk"]] == schema["primaryKey"]


def test_each_table_declares_the_foreign_keys_of_its_schema(database, package):
    for resource in resources(package):
        listed = {}
        for row in database.execute(f'PRAGMA foreign_key_list("{resource["name"]}")'):
            key = listed.setdefault(row["id"], (row["table"], [], []))
            key[1].append(row["from"])
            key[2].append(row["to"])
        assert sorted(listed.values()) == sorted((k["reference"]["resource"], k["fields"], k["reference"]["fields"])
                                                 for k in resource["schema"].get("foreignKeys", [])), resource["name"]


def test_the_rows_pass_sqlites_foreign_key_and_integrity_checks(database, package):
    for resource in resources(package):
        count = database.execute(f'SELECT count(*) FROM "{resource["name"]}"').fetchone()[0]
        assert count == len(read_rows(package / resource["path"])) - 1
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    assert database.execute("PRAGMA integrity_check").fetchall()[0][0] == "ok"


def test_a_table_is_made_after_the_tables_it_refers_to(database, package):
    """sqlite-utils makes a foreign key only to a table that exists: the descriptor lists
    indicators before indicator_definitions."""
    made = [row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    names = [r["name"] for r in resources(package)]
    assert names.index("indicators") < names.index("indicator_definitions")
    assert made.index("indicator_definitions") < made.index("indicators")
    for resource in resources(package):
        for key in resource["schema"].get("foreignKeys", []):
            assert made.index(key["reference"]["resource"]) < made.index(resource["name"])
    assert made[-1] == "_metadata"


def test_dates_are_iso_text_and_whole_numbers_integers_as_the_csv_writes_them(package, tmp_path):
    set_cell_of(package, "indicators", 2, "value", "1e20")  # beyond a 64-bit integer: stays a real
    db = sqlite3.connect(build(package, tmp_path / "built.sqlite"))
    header, *rows = read_rows(package / "data" / "indicators.csv")
    at, start = header.index("value"), header.index("period_start")
    stored = db.execute("SELECT value, typeof(value), period_start, typeof(period_start) FROM indicators").fetchall()
    expected = {(float(row[at]), "integer" if float(row[at]).is_integer() and abs(float(row[at])) < 2 ** 63 else "real",
                 row[start], "text") for row in rows}
    assert {(float(value), kind, date, date_kind) for value, kind, date, date_kind in stored} == expected
    assert {kind for _, kind, _, _ in stored} == {"integer", "real"}  # the fixture has both
    db.close()


def test_metadata_says_what_the_file_is_and_holds_the_descriptor(database, package):
    about = dict(database.execute("SELECT key, value FROM _metadata").fetchall())
    assert json.loads(about.pop("descriptor")) == json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert about == {"name": ABOUT.name, "title": ABOUT.title, "version": "1.4.2", "released": "2026-11-21",
                     "license": "CC-BY-4.0", "license_title": ABOUT.licence_title, "license_url": ABOUT.licence_url,
                     "citation": ABOUT.citation}  # no repository: ABOUT has no address


def test_two_builds_are_the_same_bytes_whatever_the_file_is_called(package, tmp_path):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    first, second = build(package, tmp_path / "a" / "one.sqlite"), build(package, tmp_path / "b" / "two.sqlite")
    assert first.read_bytes() == second.read_bytes()
    assert stat.S_IMODE(first.stat().st_mode) == 0o644  # readable by whoever downloads it
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["one.sqlite"]  # no temporary file left beside it


def test_a_build_that_fails_leaves_the_old_file_as_it_was_and_nothing_beside_it(package, tmp_path, monkeypatch):
    target = tmp_path / "dist" / "built.sqlite"
    target.parent.mkdir()
    target.write_bytes(b"the previous build")

    def fails(about):  # after every row is in: the half-built file is a real database by then
        raise RuntimeError("injected")
    monkeypatch.setattr(kzuz.database, "self_description", fails)
    with pytest.raises(RuntimeError, match="injected"):
        build(package, target)
    assert target.read_bytes() == b"the previous build"
    assert [p.name for p in target.parent.iterdir()] == ["built.sqlite"]
    target.unlink()
    with pytest.raises(RuntimeError, match="injected"):
        build(package, target)
    assert list(target.parent.iterdir()) == []
