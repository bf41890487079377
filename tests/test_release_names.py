"""Names every release format can hold (descriptor.release_names): `kzuz validate` refuses a
table or field name the release database (SQLite), the workbook (Excel) or a Stata file
cannot hold, at the name's line in datapackage.json, so that a package it passes is one
`kzuz release` builds. Each rule on both sides of its boundary; then a package named at
every valid side, released."""
import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from conftest import edit_descriptor, problems, read_rows, resource, write_rows
from repository import bump, commit, make_repository
from kzuz.cli import main
from kzuz.datasette import database_name

A31 = "a" * 31  # as long as a sheet's name can be


def add_table(package: Path, name: str, like: str = "indicator_definitions") -> None:
    """A copy of the table `like` under another name, its rows in data/NAME.csv."""
    def add(descriptor):
        copied = json.loads(json.dumps(resource(descriptor, like)))
        descriptor["resources"].append({**copied, "name": name, "path": f"data/{name}.csv"})
    edit_descriptor(package, add)
    shutil.copy(package / "data" / f"{like}.csv", package / "data" / f"{name}.csv")


def rename_field(package: Path, old: str, new: str, table: str = "indicator_definitions") -> None:
    def rename(descriptor):
        next(f for f in resource(descriptor, table)["schema"]["fields"] if f["name"] == old)["name"] = new
    edit_descriptor(package, rename)
    path = package / "data" / f"{table}.csv"
    header, *rows = read_rows(path)
    write_rows(path, [[new if c == old else c for c in header], *rows])


def where(package: Path, name: str) -> str:
    """'datapackage.json:LINE: resources[N]…name' of the table or field called `name`."""
    text = (package / "datapackage.json").read_text(encoding="utf-8")
    line = next(n for n, line in enumerate(text.splitlines(), start=1) if f'"name": "{name}"' in line)
    for n, spec in enumerate(json.loads(text)["resources"]):
        if spec["name"] == name:
            return f"datapackage.json:{line}: resources[{n}].name"
        fields = [f["name"] for f in spec["schema"]["fields"]]
        if name in fields:
            return f"datapackage.json:{line}: resources[{n}].schema.fields[{fields.index(name)}].name"
    raise LookupError(name)


# Each rule, both sides -----------------------------------------------------------------

# (tables added, the one refused, why): the other side of each boundary is in VALID
TABLES_REFUSED = [
    (["readme"], "readme", "is the release workbook's README sheet: rename the table"),
    (["dictionary"], "dictionary", "is the release workbook's Dictionary sheet: rename the table"),
    (["history"], "history",
     "is History, a sheet name Excel reserves (for a workbook's change history): rename the table"),
    ([A31, A31 + "x"], A31 + "x", f"is cut to the sheet name '{A31}' of the release workbook (Excel allows 31 "
                                  f"characters), as table name '{A31}' is: rename one of them"),
    (["sqlite_x"], "sqlite_x", "starts with 'sqlite_', which SQLite keeps for its own tables: rename the table"),
    (["sqlite_master"], "sqlite_master",
     "starts with 'sqlite_', which SQLite keeps for its own tables: rename the table"),
]
VALID_TABLES = ["readmes", "dictionaries", "histories", A31, "a" * 30 + "bx", "sqlitex"]


@pytest.mark.parametrize("added, refused, why", TABLES_REFUSED, ids=[case[1][:12] for case in TABLES_REFUSED])
def test_a_table_name_a_release_format_cannot_hold_is_refused_at_its_line(package, added, refused, why):
    for name in added:
        add_table(package, name)
    assert problems(package) == [f"{where(package, refused)}: table name '{refused}' {why}"]


@pytest.mark.parametrize("name", VALID_TABLES)
def test_a_table_name_beside_each_boundary_is_valid(package, name):
    add_table(package, A31 if name != A31 else "b")  # a 31-character name beside each, sharing 30 with one
    add_table(package, name)
    assert problems(package) == []


def test_the_database_s_own_table_and_a_name_equal_but_for_case_are_refused_beside_the_name_form(package):
    """Both are names of another form than a table's, ^[a-z][a-z0-9_]{0,62}$, already: the
    release's reasons are said too, so a looser form keeps them refused."""
    add_table(package, "_metadata")
    add_table(package, "Visits", like="visits")
    form = "is not a table name of the form ^[a-z][a-z0-9_]{0,62}$"
    metadata, visits = where(package, "_metadata"), where(package, "Visits")
    assert problems(package) == [
        f"{metadata}: '_metadata' {form}",
        f"{visits}: 'Visits' {form}",
        f"{metadata}: table name '_metadata' is the release database's own table _metadata: rename the table",
        f"{visits}: table name 'Visits' equals table name 'visits' but for case, and the release database (SQLite) "
        "and workbook (Excel) ignore case: rename one of them"]


@pytest.mark.parametrize("second, refused", [("ID", True), ("id2", False)])
def test_two_fields_equal_but_for_case_are_refused(package, second, refused):
    rename_field(package, "name_en", "id")
    rename_field(package, "name_ru", second)
    assert problems(package) == ([f"{where(package, 'ID')}: field name 'ID' equals field name 'id' but for case, "
                                  "and the release database (SQLite) ignores case in column names: rename one of them"]
                                 if refused else [])


@pytest.mark.parametrize("length", [32, 33])
def test_a_field_name_holds_32_characters_as_a_stata_variable_name_does(package, length):
    name = "d" * length
    rename_field(package, "description", name)
    assert problems(package) == ([] if length == 32 else [
        f"{where(package, name)}: field name '{name}' is 33 characters, and a Stata (.dta) variable name holds 32 at "
        "most: shorten it"])


@pytest.mark.parametrize("added, refused, why", TABLES_REFUSED, ids=[case[1][:12] for case in TABLES_REFUSED])
def test_kzuz_validate_exits_1_not_3_on_each_name_a_release_cannot_hold(package, capsys, added, refused, why):
    for name in added:
        add_table(package, name)
    rename_field(package, "name_en", "id")
    rename_field(package, "name_ru", "ID")
    code = main(["validate", str(package)])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert out.splitlines()[:-1] == [f"{where(package, 'ID')}: field name 'ID' equals field name 'id' but for case, "
                                     "and the release database (SQLite) ignores case in column names: rename one of "
                                     "them", f"{where(package, refused)}: table name '{refused}' {why}"]


@pytest.mark.parametrize("edit", [lambda p: add_table(p, "_metadata"), lambda p: add_table(p, "Visits", like="visits"),
                                  lambda p: rename_field(p, "description", "d" * 33)],
                         ids=["_metadata", "Visits", "33 characters"])
def test_kzuz_validate_exits_1_not_3_on_the_other_names_a_release_cannot_hold(package, capsys, edit):
    edit(package)
    code = main(["validate", str(package)])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "") and "internal error" not in out


def test_kzuz_release_refuses_a_name_a_release_cannot_hold_as_an_invalid_package(tmp_path, capsys):
    repo = make_repository(tmp_path / "repo", released=False)
    add_table(repo, "readme")
    commit(repo, "A table named as the workbook's README sheet")
    assert bump(repo, "minor").returncode == 0
    assert main(["release", str(repo)]) == 1  # it was an internal error, exit 3, writing the workbook
    assert capsys.readouterr().err == ("kzuz release: refused: the package is invalid (1 problem): run kzuz validate "
                                       "and fix what it lists\n")
    assert not (repo / "dist").exists()


# Released ------------------------------------------------------------------------------

def test_a_package_named_at_the_valid_side_of_every_boundary_releases(tmp_path, capsys):
    repo = make_repository(tmp_path / "repo", released=False)
    for old, new in (("name_en", "id"), ("name_ru", "id2"), ("description", "d" * 32)):
        rename_field(repo, old, new)
    for name in VALID_TABLES:
        add_table(repo, name)  # copies of indicator_definitions, with its fields so named
    commit(repo, "Tables and fields named at the edge of what a release holds")
    assert bump(repo, "minor").returncode == 0
    assert main(["release", str(repo)]) == 0, capsys.readouterr().err
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r["name"] for r in descriptor["resources"]]
    workbook = openpyxl.load_workbook(repo / "dist" / f"{descriptor['name']}-0.1.0.xlsx", read_only=True)
    assert workbook.sheetnames == ["README", "Dictionary", *(name[:31] for name in tables)]
    with sqlite3.connect(repo / "dist" / f"{database_name(descriptor['name'], '0.1.0')}.sqlite") as db:
        assert {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} == {
            *tables, "_metadata"}
        assert [row[1] for row in db.execute('PRAGMA table_info("readmes")')][:5] == ["indicator", "id", "id2", "unit",
                                                                                      "d" * 32]
