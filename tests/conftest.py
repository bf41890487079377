"""Fixtures: a fresh copy of a small frozen package per test, and small editors that
break one thing in it the way a contributor would.

The frozen package is a repository of its own, in tests/fixtures: its rows (data/), its
CHANGELOG, citation, README, pyproject.toml and licence, all at FIXTURE_VERSION, with the
project's own Table Schemas (datapackage.json, its version set to FIXTURE_VERSION). So the
tests name lines and rows of files nobody adds to, and read no state of the repository:
a contributor who adds a row to data/, or a maintainer who cuts a release, changes no
test's expectation. Only the tests marked `live` read the repository's own files. (A
change to the descriptor that adds a column must add it to the fixture's CSVs too;
`kzuz validate` on the fixture says where.)"""
from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
from pathlib import Path

import frictionless  # noqa: F401  imported once here, the standard check runs in place, not in a process per test
import pytest

from kzuz.load import load
from kzuz.validate import validate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_DATA = FIXTURES / "data"
FIXTURE_VERSION = "1.4.2"  # what every file of the fixture states, whatever the project's version
# Dates in the data are all before this; fixed so tests do not depend on the clock.
TODAY = datetime.date(2026, 11, 21)


def fixture_descriptor() -> dict:
    """The project's descriptor (its Table Schemas are what the tests test), at the fixture's version."""
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    return {**descriptor, "version": FIXTURE_VERSION}


def write_descriptor(target: Path, descriptor: dict) -> None:
    (target / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")


def copy_package(target: Path) -> Path:
    """The frozen package: the descriptor and the fixture's rows (no other project file)."""
    target.mkdir(parents=True)
    write_descriptor(target, fixture_descriptor())
    shutil.copytree(FIXTURE_DATA, target / "data")
    return target


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "package")


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def edit_bytes(package: Path, table: str, change) -> None:
    """Apply a bytes → bytes edit to data/TABLE.csv, as an editor that breaks encodings would."""
    path = package / "data" / f"{table}.csv"
    path.write_bytes(change(path.read_bytes()))


def on_line(number: int, change):
    """A bytes → bytes edit of one line of a file (header = 1)."""
    def apply(raw: bytes) -> bytes:
        lines = raw.split(b"\n")
        lines[number - 1] = change(lines[number - 1])
        return b"\n".join(lines)
    return apply


def edit_descriptor(package: Path, change) -> None:
    """Apply `change` to the descriptor as a dict and write it back."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def set_cell(package: Path, table: str, key: str, column: str, value: str) -> int:
    """Set `column` of the row whose first cell is `key`; returns its line (header = 1)."""
    path = package / "data" / f"{table}.csv"
    rows = read_rows(path)
    at = rows[0].index(column)
    line = next(n for n, row in enumerate(rows, start=1) if n > 1 and row[0] == key)
    rows[line - 1][at] = value
    write_rows(path, rows)
    return line


def line_of(package: Path, table: str, key: str, **cells: str) -> int:
    """The line of the row whose first cell is `key` (and whose `cells` have those values)."""
    header, *rows = read_rows(package / "data" / f"{table}.csv")
    return next(n for n, row in enumerate(rows, start=2)
                if row[0] == key and all(row[header.index(c)] == v for c, v in cells.items()))


def set_cell_of(package: Path, table: str, line: int, column: str, value: str) -> None:
    """Set `column` of the row on `line` (header = 1)."""
    path = package / "data" / f"{table}.csv"
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def problems(package: Path) -> list[str]:
    """What `kzuz validate` prints for the package, one string per problem."""
    return [f"{p.location()}: {p.message}" for p in validate(load(package), today=TODAY).problems]
