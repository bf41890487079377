"""`kzuz diff OLD NEW`: rows added, removed and changed per table, keyed by primary key;
schema changes; the smallest version bump they require; in text, JSON and Markdown; with
OLD or NEW a package directory, a release zip or a git ref. Each test edits a copy of
the package the way a contributor would and reads what `kzuz diff` says about it."""
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURE_DATA, ROOT, copy_package, edit_descriptor, read_rows, set_cell, write_rows
from repository import commit, git, make_repository
from kzuz import diff
from kzuz.cli import main
from kzuz.load import load
from kzuz.release import build_zip

TABLES = [r["name"] for r in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]]
VISIT = "2017-03-23-state-visit-mirziyoyev"  # a visit whose city is Astana
MEMORANDUM = ["2022-12-navoiy-kyzylorda", "UZ-NW", "KZ-43"]  # regional_memoranda's key is three columns


@pytest.fixture
def old(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "old")


@pytest.fixture
def new(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "new")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["diff", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def compared(old: Path, new: Path) -> diff.Diff:
    return diff.diff(diff.read(str(old)), diff.read(str(new)))


# Editors: one change each, as a contributor would make it ------------------------------

def schema_of(descriptor: dict, table: str) -> dict:
    return next(r["schema"] for r in descriptor["resources"] if r["name"] == table)


def edit_rows(package: Path, table: str, change) -> None:
    path = package / "data" / f"{table}.csv"
    rows = read_rows(path)
    change(rows)
    write_rows(path, rows)


def correct_a_value(package: Path) -> None:
    set_cell(package, "visits", VISIT, "city", "Astana city")


def remove_a_row(package: Path) -> None:
    edit_rows(package, "regions", lambda rows: rows.remove(next(r for r in rows if r[0] == "KZ-10")))


def add_a_row(package: Path) -> None:
    edit_rows(package, "regions", lambda rows: rows.append(["KZ-99", "KZ", "Test Region", "Тестовая область",
                                                            "Test oblysy", "region"]))


def add_a_column(package: Path) -> None:
    edit_descriptor(package, lambda d: schema_of(d, "regions")["fields"].append({"name": "population", "type": "integer"}))
    edit_rows(package, "regions", lambda rows: [row.append("population" if n == 0 else "") for n, row in enumerate(rows)])


def remove_a_column(package: Path) -> None:
    def drop(rows):
        at = rows[0].index("name_iso")
        for row in rows:
            del row[at]
    edit_descriptor(package, lambda d: schema_of(d, "regions")["fields"].pop(
        [f["name"] for f in schema_of(d, "regions")["fields"]].index("name_iso")))
    edit_rows(package, "regions", drop)


def rename_a_column(package: Path) -> None:
    def rename(descriptor):
        next(f for f in schema_of(descriptor, "regions")["fields"] if f["name"] == "name_en")["name"] = "name_english"
    edit_descriptor(package, rename)
    edit_rows(package, "regions", lambda rows: rows[0].__setitem__(rows[0].index("name_en"), "name_english"))


def retype_a_column(package: Path) -> None:
    def retype(descriptor):
        next(f for f in schema_of(descriptor, "indicators")["fields"] if f["name"] == "value")["type"] = "string"
    edit_descriptor(package, retype)


def change_the_primary_key(package: Path) -> None:
    edit_descriptor(package, lambda d: schema_of(d, "visits").__setitem__("primaryKey", ["visit_id", "start_date"]))


def change_a_foreign_key(package: Path) -> None:
    def drop(descriptor):
        schema = schema_of(descriptor, "treaties")
        schema["foreignKeys"] = [k for k in schema["foreignKeys"] if k["fields"] != ["visit_id"]]
    edit_descriptor(package, drop)


def add_a_table(package: Path) -> None:
    edit_descriptor(package, lambda d: d["resources"].append({
        "name": "leaders", "path": "data/leaders.csv", "schema": {
            "fields": [{"name": "leader_id", "type": "string"}, {"name": "name", "type": "string"}],
            "primaryKey": ["leader_id"]}}))
    write_rows(package / "data" / "leaders.csv", [["leader_id", "name"], ["mirziyoyev", "Shavkat Mirziyoyev"],
                                                   ["tokayev", "Kassym-Jomart Tokayev"]])


def remove_a_table(package: Path) -> None:
    edit_descriptor(package, lambda d: d["resources"].remove(
        next(r for r in d["resources"] if r["name"] == "regional_memoranda")))
    (package / "data" / "regional_memoranda.csv").unlink()


# The smallest bump each kind of change requires (DESIGN.md, "Releases and versions") ---

@pytest.mark.parametrize("change, bump, reasons", [
    (correct_a_value, "patch", ["visits: 1 row(s) corrected"]),
    (remove_a_row, "patch", ["regions: 1 row(s) removed"]),  # a row entered in error: a correction
    (add_a_row, "minor", ["regions: 1 row(s) added"]),
    (add_a_column, "minor", ["regions: field added: population (integer)"]),
    (add_a_table, "minor", ["table leaders added"]),
    (remove_a_column, "major", ["regions: field removed: name_iso"]),
    (rename_a_column, "major", ["regions: field removed: name_en"]),
    (retype_a_column, "major", ["indicators: field retyped: value (number → string)"]),
    (change_the_primary_key, "major", ["visits: primary key changed: ['visit_id'] → ['visit_id', 'start_date']"]),
    (change_a_foreign_key, "major", ["treaties: foreign keys changed"]),
    (remove_a_table, "major", ["table regional_memoranda removed"]),
])
def test_each_kind_of_change_requires_its_bump(old, new, change, bump, reasons):
    change(new)
    result = compared(old, new)
    assert (result.bump, result.reasons) == (bump, reasons)


def test_the_largest_change_decides_the_bump(old, new):
    correct_a_value(new)
    add_a_row(new)
    result = compared(old, new)
    assert (result.bump, result.reasons) == ("minor", ["regions: 1 row(s) added"])
    remove_a_column(new)
    result = compared(old, new)
    assert (result.bump, result.reasons) == ("major", ["regions: field removed: name_iso"])


def test_the_same_package_needs_no_bump(old, new, capsys):
    assert run(capsys, old, new) == (0, "no changes\n", "")
    assert compared(old, new).bump == "none"


# Text, the default -------------------------------------------------------------------

def test_a_corrected_value_shows_old_and_new(old, new, capsys):
    correct_a_value(new)
    assert run(capsys, old, new) == (0, (
        "visits: 0 added, 0 removed, 1 changed\n"
        f"  ~ {VISIT}\n"
        "      city: 'Astana' → 'Astana city'\n"
        "smallest version bump required: patch (visits: 1 row(s) corrected)\n"), "")


def test_rows_added_removed_and_changed_in_one_table(old, new, capsys):
    add_a_row(new)
    remove_a_row(new)
    set_cell(new, "regions", "KZ-11", "name_en", "Aqmola Region")
    set_cell(new, "regions", "KZ-11", "name_iso", "")
    assert run(capsys, old, new) == (0, (
        "regions: 1 added, 1 removed, 1 changed\n"
        "  + KZ-99\n"
        "  - KZ-10\n"
        "  ~ KZ-11\n"
        "      name_en: 'Akmola Region' → 'Aqmola Region'\n"
        "      name_iso: 'Aqmola oblysy' → ''\n"
        "smallest version bump required: minor (regions: 1 row(s) added)\n"), "")


def test_a_composite_key_is_shown_as_its_columns(old, new, capsys):
    set_cell(new, "regional_memoranda", MEMORANDUM[0], "topics", "trade")
    code, out, _ = run(capsys, old, new)
    assert out.splitlines()[:2] == ["regional_memoranda: 0 added, 0 removed, 1 changed",
                                    f"  ~ {' | '.join(MEMORANDUM)}"]


def test_schema_changes_are_listed_before_the_rows(old, new, capsys):
    add_a_column(new)
    remove_a_column(new)
    add_a_row(new)
    assert run(capsys, old, new) == (0, (
        "regions: 1 added, 0 removed, 0 changed\n"
        "  schema: field added: population (integer)\n"
        "  schema: field removed: name_iso\n"
        "  + KZ-99\n"
        "smallest version bump required: major (regions: field removed: name_iso)\n"), "")


def test_a_table_added_lists_its_rows_and_a_table_removed_its_keys(old, new):
    add_a_table(new)
    remove_a_table(new)
    tables = {t.name: t for t in compared(old, new).tables}
    assert tables["leaders"] == diff.TableDiff("leaders", added=["mirziyoyev", "tokayev"], schema=["table added"])
    memoranda = [" | ".join(row[:3]) for row in read_rows(FIXTURE_DATA / "regional_memoranda.csv")[1:]]
    assert tables["regional_memoranda"] == diff.TableDiff("regional_memoranda", removed=memoranda,
                                                          schema=["table removed"])
    assert compared(old, new).reasons == ["table regional_memoranda removed"]


def test_a_renamed_column_is_a_field_removed_and_a_field_added_and_no_cell_changes(old, new):
    rename_a_column(new)
    regions = next(t for t in compared(old, new).tables if t.name == "regions")
    assert regions == diff.TableDiff("regions", schema=["field added: name_english (string)", "field removed: name_en"])


def test_a_new_column_that_becomes_the_key_does_not_merge_the_old_rows(old, new):
    """Old rows have no value for the new key: they are matched by their own key, not all
    by the empty string."""
    def keyed_by_code(descriptor):
        schema = schema_of(descriptor, "regions")
        schema["fields"].insert(0, {"name": "code", "type": "string"})
        schema["primaryKey"] = ["code"]
    edit_descriptor(new, keyed_by_code)
    edit_rows(new, "regions", lambda rows: [row.insert(0, "code" if n == 0 else row[0].lower())
                                            for n, row in enumerate(rows)])
    regions = next(t for t in compared(old, new).tables if t.name == "regions")
    codes = [row[0] for row in read_rows(FIXTURE_DATA / "regions.csv")[1:]]
    assert (regions.added, regions.removed, regions.changed) == ([c.lower() for c in codes], codes, {})


# JSON and Markdown -------------------------------------------------------------------

def test_json_has_every_table_the_changes_and_the_bump(old, new, capsys):
    add_a_row(new)
    remove_a_row(new)
    set_cell(new, "regions", "KZ-11", "name_en", "Aqmola Region")
    code, out, err = run(capsys, old, new, "--format", "json")
    empty = {"added": [], "removed": [], "changed": {}, "schema": []}
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "tables": [{"name": name, **empty} if name != "regions" else
                   {"name": "regions", "added": ["KZ-99"], "removed": ["KZ-10"],
                    "changed": {"KZ-11": {"name_en": ["Akmola Region", "Aqmola Region"]}}, "schema": []}
                   for name in TABLES],
        "bump": "minor",
        "reasons": ["regions: 1 row(s) added"],
    }


def test_json_lists_schema_changes(old, new, capsys):
    retype_a_column(new)
    tables = {t["name"]: t for t in json.loads(run(capsys, old, new, "--format", "json")[1])["tables"]}
    assert tables["indicators"]["schema"] == ["field retyped: value (number → string)"]


def test_markdown_counts_every_table_and_lists_each_change(old, new, capsys):
    correct_a_value(new)
    set_cell(new, "visits", VISIT, "event", "Visit | with `ticks`")
    code, out, err = run(capsys, old, new, "--format", "markdown")
    counts = [f"| `{name}` | 0 | 0 | {1 if name == 'visits' else 0} |" for name in TABLES]
    assert (code, err) == (0, "")
    assert out == "\n".join([
        "| table | added | removed | changed |",
        "|---|---:|---:|---:|",
        *counts,
        "",
        "### `visits`",
        "",
        f"- changed `{VISIT}`: city `Astana` → `Astana city`; event `` → `Visit \\| with 'ticks'`",
        "",
        "Smallest version bump required: **patch** (visits: 1 row(s) corrected).",
    ]) + "\n"


def test_markdown_without_changes_says_so(old, new, capsys):
    assert run(capsys, old, new, "--format", "markdown")[1].endswith("| 0 | 0 | 0 |\n\nNo changes.\n")


# Release zips and git refs -----------------------------------------------------------

def test_a_release_zip_as_old(old, new, tmp_path, capsys):
    release = build_zip(load(old), tmp_path / "release.zip")
    correct_a_value(new)
    assert run(capsys, release, new) == run(capsys, old, new)
    assert compared(release, new).bump == "patch"


def test_a_zip_with_the_package_in_a_folder(old, new, tmp_path, capsys):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(old.rglob("*")):
            z.write(path, f"kazakhstan-uzbekistan-relations/{path.relative_to(old).as_posix()}")
    add_a_row(new)
    assert run(capsys, archive, new)[1].startswith("regions: 1 added, 0 removed, 0 changed\n  + KZ-99\n")
    assert run(capsys, new, archive)[1].startswith("regions: 0 added, 1 removed, 0 changed\n  - KZ-99\n")


def test_a_zip_without_a_descriptor_is_a_usage_error(new, tmp_path, capsys):
    archive = tmp_path / "not-a-package.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "hello")
    assert run(capsys, archive, new) == (2, "", f"kzuz diff: {archive} holds no datapackage.json: it is not a release zip\n")


def test_neither_a_package_a_zip_nor_a_git_ref_is_a_usage_error(new, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not a git repository
    assert run(capsys, "v0.0.0", new) == (2, "", "kzuz diff: v0.0.0 is not a package directory, a release zip or a git ref\n")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A git repository of the package, tagged v0.1.0, then a value corrected and committed;
    `kzuz diff` runs in it."""
    repo = make_repository(tmp_path / "repo")
    git(repo, "tag", "v0.1.0")
    correct_a_value(repo)
    commit(repo, "Correct a city")
    monkeypatch.chdir(repo)
    return repo


CORRECTED = ("visits: 0 added, 0 removed, 1 changed\n"
             f"  ~ {VISIT}\n"
             "      city: 'Astana' → 'Astana city'\n"
             "smallest version bump required: patch (visits: 1 row(s) corrected)\n")


def test_git_refs_as_old_and_new(repo, capsys):
    assert run(capsys, "v0.1.0", "HEAD") == (0, CORRECTED, "")
    assert run(capsys, "HEAD~1", "HEAD") == (0, CORRECTED, "")
    assert run(capsys, "HEAD", "v0.1.0")[1].splitlines()[2] == "      city: 'Astana city' → 'Astana'"


def test_a_git_ref_against_the_working_tree(repo, capsys):
    add_a_row(repo)  # not committed
    assert run(capsys, "HEAD", ".")[1].startswith("regions: 1 added, 0 removed, 0 changed\n  + KZ-99\n")
    assert run(capsys, "v0.1.0", repo)[1].splitlines()[0] == "regions: 1 added, 0 removed, 0 changed"


def test_a_git_ref_without_the_package_is_a_usage_error(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo / "data")  # git refs are read at the current directory's place in the repository
    assert run(capsys, "v0.1.0", "HEAD") == (2, "", "kzuz diff: v0.1.0 has no datapackage.json: is it the package's directory?\n")
