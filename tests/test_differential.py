"""frictionless as the oracle: every cell frictionless's own validation flags, `kzuz
validate` flags at the same file, line and column — on every broken package of the
corpus (tests/test_broken_packages.py) and on 500 single-cell corruptions, which
hypothesis generates, of the frozen package of tests/fixtures (not the live data/, so a
contributor's new row cannot change what it generates).

A row-level problem (a ragged row, a repeated primary key) covers every cell of its row,
and a file kzuz refuses to read row by row (not UTF-8, a quote out of place) covers every
error frictionless finds in it: kzuz is deliberately stricter there, and says so once.

kzuz flags more than frictionless, deliberately. Each kind is listed in STRICTER, and the
test fails on a Table Schema problem that kzuz reports and frictionless does not, unless
it is one of those.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import frictionless
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_DATA, TODAY, copy_package, read_rows, write_rows
from kzuz.load import load
from kzuz.validate import validate
from test_broken_packages import CASES

# Problems kzuz reports that frictionless (5) does not, on purpose:
STRICTER = {
    # the bytes: frictionless reads past these without a word
    "bom", "crlf", "cr", "quote", "blank-row", "encoding",
    # text hygiene
    "control-character", "bidi-control", "zero-width", "text-trimmed", "text-formula",
    # forms frictionless accepts: a date like 2022-1-5, a number like NaN, INF or +5e3
    "type-error",
}
TABLE_SCHEMA = {"required", "enum", "pattern", "maxLength", "minLength", "minimum", "maximum", "unique",
                "primary-key", "foreign-key", "missing-cell", "extra-cell"}
# Problems after which kzuz reads no row of the file: a header without each field once
# (frictionless then reads the rows by position, and its errors are about the wrong columns)
FILE_LEVEL = {"encoding", "quote", "unclosed-quote", "cr", "empty-file", "missing-file", "blank-header",
              "header-too-long", "header-too-wide", "delimiter", "not-a-file", "outside-package", "csv",
              "row-too-long", "missing-label", "extra-label", "duplicate-label", "blank-label"}


def record_lines(path: Path) -> list[int]:
    """Line on which each record starts: [n - 1] is frictionless's row n (header = row 1)."""
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        return []
    starts, reader, line = [], csv.reader(io.StringIO(text, newline="")), 1
    try:
        for _ in reader:
            starts.append(line)
            line = reader.line_num + 1
    except csv.Error:
        pass
    return starts


def flagged_by_frictionless(package: Path, table: str | None = None) -> set[tuple]:
    """(file, line, column or None, error type) of every error frictionless finds in the
    tables — or, given a `table`, in it and in the tables whose foreign keys point to it."""
    try:
        whole = frictionless.Package(str(package / "datapackage.json"))
        if table is None:
            report = whole.validate()
        else:
            near = [r for r in whole.resources if r.name == table or any(
                k["reference"]["resource"] == table for k in r.schema.to_descriptor().get("foreignKeys", []))]
            report = frictionless.Report.from_validation_reports(
                time=0, reports=[r.validate() for r in near])
    except frictionless.FrictionlessException:
        return {("datapackage.json", None, None, "package-error")}
    found = set()
    if report.errors:
        found.add(("datapackage.json", None, None, "package-error"))
    for task in report.tasks:
        path = task.place
        file = Path(path).relative_to(package).as_posix() if Path(path).is_absolute() else path
        lines = record_lines(package / file)
        for error in task.errors:
            row = getattr(error, "row_number", None)
            if row is None:
                found.add((file, None, None, error.type))  # about the file or its header
                continue
            line = lines[row - 1] if 0 < row <= len(lines) else row
            names = getattr(error, "field_names", None) or [getattr(error, "field_name", None)]
            found |= {(file, line, name, error.type) for name in names}
    return found


# frictionless opens the tables a foreign key points to, and reports their unreadable
# file again in every table that points there: kzuz reports it once, for its own file.
BORROWED = {"encoding-error", "scheme-error"}


def compare(package: Path, table: str | None = None) -> list[str]:
    """What frictionless flags and kzuz does not, and what kzuz flags as a Table Schema
    problem, beyond STRICTER, that frictionless does not: both must be empty."""
    problems = validate(load(package), today=TODAY).problems
    ours = {(p.file, p.line, p.column) for p in problems}
    rows = {(p.file, p.line) for p in problems if p.column is None and p.line is not None}
    lines = {(p.file, p.line) for p in problems}
    unread = {p.file for p in problems if p.code in FILE_LEVEL or p.file == "datapackage.json"}
    theirs = flagged_by_frictionless(package, table)
    missed = []
    for file, line, column, kind in sorted(theirs, key=str):
        if file in unread or "datapackage.json" in unread:
            continue  # kzuz refuses the file (or the descriptor) as a whole, once
        if line is None:
            if not any(p.file == file for p in problems) and not (kind in BORROWED and unread):
                missed.append(f"{file}: frictionless finds a problem with the file ({kind}), kzuz none")
        elif column is None and (file, line) not in lines:  # about the row: any problem on it answers
            missed.append(f"{file}:{line}: flagged by frictionless ({kind}), not by kzuz")
        elif column is not None and (file, line, column) not in ours and (file, line) not in rows:
            missed.append(f"{file}:{line}: {column}: flagged by frictionless ({kind}), not by kzuz")
    flagged_rows = {(f, l) for f, l, _, _ in theirs}
    for p in problems:
        if p.code in TABLE_SCHEMA and p.code not in STRICTER and (p.file, p.line) not in flagged_rows \
                and (p.file, None) not in flagged_rows:
            missed.append(f"{p.location()}: {p.message} [{p.code}]: kzuz only, and not a listed strictness")
    return missed


@pytest.mark.parametrize("edit, expected", CASES)
def test_the_corpus_agrees_with_frictionless(package, edit, expected):
    edit(package)
    assert compare(package) == []


# 500 single-cell corruptions of the frozen package -------------------------------------

@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    return copy_package(tmp_path_factory.mktemp("shipped") / "package")


TABLES = sorted(p.stem for p in FIXTURE_DATA.glob("*.csv"))
AWKWARD = ["", " ", "x", "22.12.2022", "2022-13-01", "2022-02-30", "2022-1-5", "0000-01-01", "9999-12-31", "NaN",
           "INF", "-5", "+5", "1e999", "1.5", "8 млрд", "KZ", "KZ;UZ;KZ", "UZ;KZ", "XX", "KZ-99", "UZ-TK", "=1+1",
           "@x", "-x", " padded ", "a,b", 'say "hi"', "line\nbreak", "tab\there", "\x1b[2J", "\u202ertl", "zero\u200bwidth",
           "akmalov-2022", "toyirov-2025", "2025-11-14-state-visit-tokayev", "actual", "month", "day", "я" * 1200]


@settings(max_examples=500, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(table=st.sampled_from(TABLES), row=st.integers(min_value=0, max_value=10_000), column=st.integers(0, 100),
       value=st.one_of(st.sampled_from(AWKWARD), st.text(max_size=12)))
def test_a_corrupted_cell_is_flagged_wherever_frictionless_flags_it(shipped, table, row, column, value):
    path = shipped / "data" / f"{table}.csv"
    original = path.read_bytes()
    rows = read_rows(path)
    target = rows[1 + row % (len(rows) - 1)] if len(rows) > 1 else rows[0]
    target[column % len(target)] = value
    write_rows(path, rows)
    try:
        assert compare(shipped, table) == []
    finally:
        path.write_bytes(original)  # one cell at a time
