"""`kzuz fmt`: every CSV in canonical form (schema column order, rows by primary key,
trimmed cells, LF, UTF-8 without BOM, minimal quoting, final newline), losslessly.

On the real package: a messy copy comes back byte for byte, and a file that cannot be
read safely is left alone and reported. On generated tables (hypothesis): every value
survives, formatting twice changes nothing, and the output is canonical.
"""
import codecs
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_DATA, ROOT, on_line, read_rows, set_cell
from kzuz.cli import main
from kzuz.fmt import FmtReport, format_package

KZUZ = Path(sys.executable).with_name("kzuz")  # the installed console script, beside this Python
TABLES = [r["path"] for r in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]]


def fmt(capsys, package: Path, *flags: str) -> tuple[int, list[str]]:
    """Exit code and stdout lines of `kzuz fmt PACKAGE FLAGS` (stderr must stay empty)."""
    code = main(["fmt", str(package), *flags])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out.splitlines()


def files(package: Path) -> dict[str, bytes]:
    return {path: (package / path).read_bytes() for path in TABLES}


SHIPPED = {path: (FIXTURE_DATA / Path(path).name).read_bytes() for path in TABLES}  # what the package fixture holds


def encode(rows: list[list[str]], line_end: str = "\n", quote_all: bool = False) -> str:
    """Valid CSV, quoted where a reader needs it (csv.writer quotes a lone CR only when
    CR is in its own line end), or everywhere."""
    def cell(value: str) -> str:
        needs = quote_all or any(c in value for c in ',"\r\n')
        return '"' + value.replace('"', '""') + '"' if needs else value
    return "".join(",".join(map(cell, row)) + line_end for row in rows)


def mess(raw: bytes, seed: int, crlf=True, bom=True, shuffle=True, reorder=True, spaces=True, blank=True) -> bytes:
    """The file as a spreadsheet or a hurried hand might leave it, every value intact."""
    rng = random.Random(seed)
    header, *body = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    order = rng.sample(range(len(header)), len(header)) if reorder else list(range(len(header)))
    if shuffle:
        rng.shuffle(body)
    rows = [[row[i] for i in order] for row in [header] + body]
    if spaces:
        rows = [[" " * rng.randint(0, 2) + cell + " " * rng.randint(0, 2) for cell in row] for row in rows]
    text = encode(rows, "\r\n" if crlf else "\n", quote_all=rng.random() < 0.5)
    if blank:
        lines = text.split("\r\n" if crlf else "\n")
        lines.insert(rng.randint(1, len(lines) - 1), "")
        text = ("\r\n" if crlf else "\n").join(lines)
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")


# The shipped package ------------------------------------------------------------------

def test_the_shipped_files_are_canonical(package, capsys):
    assert fmt(capsys, package, "--check") == (0, ["all files are in canonical form"])
    assert fmt(capsys, package) == (0, ["all files are in canonical form"])
    assert files(package) == SHIPPED


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_messy_copy_comes_back_byte_for_byte(package, capsys, seed):
    for path in TABLES:
        (package / path).write_bytes(mess(SHIPPED[path], seed))
    assert fmt(capsys, package) == (0, [f"formatted {path}" for path in TABLES])
    assert files(package) == SHIPPED


def test_check_lists_exactly_the_files_that_would_change_and_writes_nothing(package, capsys):
    messy = {"data/regions.csv": dict(crlf=False, bom=False, reorder=False, spaces=False, blank=False),  # shuffled
             "data/visits.csv": dict(shuffle=False, reorder=False, spaces=False, blank=False),  # CRLF and BOM
             "data/indicators.csv": dict(crlf=False, bom=False, shuffle=False)}  # columns, spaces, a blank line
    for path, only in messy.items():
        (package / path).write_bytes(mess(SHIPPED[path], 7, **only))
    before = files(package)
    assert fmt(capsys, package, "--check") == (1, [f"would reformat {path}" for path in TABLES if path in messy])
    assert files(package) == before
    assert fmt(capsys, package) == (0, [f"formatted {path}" for path in TABLES if path in messy])
    assert files(package) == SHIPPED


# Values at the edges -------------------------------------------------------------------

def test_a_cell_of_spaces_becomes_empty(package, capsys):
    set_cell(package, "visits", "2013-06-14-official-visit-kz-president", "host", "   ")
    assert fmt(capsys, package) == (0, ["formatted data/visits.csv"])
    assert files(package) == SHIPPED


# A row whose cells are all empty holds no value: fmt removes it, as it removes a blank
# line, and as validate asks ("is blank: remove the line"); kept, it would be a row of
# required cells left empty. A row of spaces is that row once its cells are trimmed.
@pytest.mark.parametrize("empty", [",,,,,", " , ,\t, , , ", ""])
def test_a_row_with_no_value_is_removed(package, capsys, empty):
    path = package / "data" / "regions.csv"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:5] + [empty.encode()] + lines[5:]))
    assert fmt(capsys, package) == (0, ["formatted data/regions.csv"])
    assert files(package) == SHIPPED


def test_a_blank_line_before_the_header_is_removed(package, capsys):
    path = package / "data" / "regions.csv"
    path.write_bytes(b"\n" + path.read_bytes())
    assert fmt(capsys, package) == (0, ["formatted data/regions.csv"])
    assert files(package) == SHIPPED


# A line break inside a quoted cell is a line end of the file too: CRLF there becomes LF,
# as everywhere, or validate would go on reporting CRLF that fmt had "fixed".
def test_a_crlf_inside_a_quoted_cell_becomes_lf_and_the_rest_of_the_cell_stays(package, capsys):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "notes", "First line,\nsecond line.")
    canonical = (package / "data" / "visits.csv").read_bytes()
    (package / "data" / "visits.csv").write_bytes(canonical.replace(b"\n", b"\r\n"))
    assert fmt(capsys, package) == (0, ["formatted data/visits.csv"])
    assert (package / "data" / "visits.csv").read_bytes() == canonical


def test_a_lone_cr_inside_a_cell_is_kept_and_quoted(package, capsys):
    path = package / "data" / "visits.csv"
    rows = read_rows(path)
    rows[-3][-1] = "old Mac\rline end"  # notes of 2025-03-29-almaty-talks
    path.write_bytes(mess(encode(rows).encode("utf-8"), 5))  # conftest's csv.writer would leave the CR unquoted
    assert fmt(capsys, package) == (0, ["formatted data/visits.csv"])
    assert read_rows(path)[-3][-1] == "old Mac\rline end"
    assert fmt(capsys, package, "--check") == (0, ["all files are in canonical form"])


def test_a_one_megabyte_cell_is_formatted_in_a_fresh_process(package):
    # the csv module refuses a cell over 128 KiB unless told otherwise; frictionless
    # raises that limit when imported, so only a process without it shows the difference
    big = "я" * 2 ** 20
    set_cell(package, "sources", "kisi-2025-auelbayev", "notes", f"  {big}  ")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    done = subprocess.run([str(KZUZ), "fmt"], cwd=package, env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "formatted data/sources.csv\n", "")
    assert {row[0]: row[-1] for row in read_rows(package / "data" / "sources.csv")}["kisi-2025-auelbayev"] == big


# Files fmt cannot read safely: left byte for byte, reported with line and reason -------



def as_rows(change):
    def apply(raw: bytes) -> bytes:
        return encode(change(list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""))))).encode("utf-8")
    return apply


@pytest.mark.parametrize("change, problem", [
    (lambda raw: raw.decode("utf-8").encode("cp1251", errors="replace"),  # ö has no byte in Windows-1251
     "data/regions.csv:2: left unformatted: it is not UTF-8: save it as UTF-8 first"),
    (on_line(4, lambda line: b",".join(line.split(b",")[:4])),
     "data/regions.csv:4: left unformatted: the line has 4 cells where the header has 6"),
    (on_line(4, lambda line: line.split(b",")[0]),
     "data/regions.csv:4: left unformatted: the line has 1 cell where the header has 6"),
    # a record over two lines is reported on its first, as validate reports it
    (on_line(4, lambda line: line.replace(b"Aqt\xc3\xb6be oblysy", b'"Aqt\xc3\xb6be\noblysy"') + b",extra"),
     "data/regions.csv:4: left unformatted: the line has 7 cells where the header has 6"),
    (as_rows(lambda rows: [row + ["wiki" if n == 0 else ""] for n, row in enumerate(rows)]),
     "data/regions.csv:1: left unformatted: the header has unknown column(s) wiki"),
    (as_rows(lambda rows: [row[:3] + row[4:] for row in rows]),
     "data/regions.csv:1: left unformatted: the header has missing column(s) name_ru"),
    (as_rows(lambda rows: [["name_en" if c == "name_ru" else c for c in rows[0]]] + rows[1:]),
     "data/regions.csv:1: left unformatted: the header repeats name_en"),
    # a spreadsheet's trailing comma: a seventh column, whose name is empty
    (lambda raw: raw.replace(b"\n", b",\n"),
     "data/regions.csv:1: left unformatted: the header has an empty column name (column 7)"),
    (on_line(5, lambda line: line.replace(b",KZ,", b',"KZ,', 1)),
     'data/regions.csv:5: left unformatted: a quoted cell is never closed: add the closing "'),
    # "Almaty" Region: frictionless reads Almaty Region, a strict reader refuses; fmt does not guess
    (on_line(5, lambda line: line.replace(b",Almaty Region,", b',"Almaty" Region,', 1)),
     'data/regions.csv:5: left unformatted: a quoted cell has text after its closing quote: '
     'quote the whole cell, doubling each " inside it'),
    (lambda raw: b"", "data/regions.csv: left unformatted: it is empty: it needs at least the header row"),
], ids=["windows-1251", "ragged", "one-cell", "ragged-over-two-lines", "unknown-column", "missing-column",
        "duplicated-column", "unnamed-column", "unclosed-quote", "text-after-quote", "empty"])
def test_an_unsafe_file_is_left_untouched_and_reported(package, capsys, change, problem):
    path = package / "data" / "regions.csv"
    unsafe = change(SHIPPED["data/regions.csv"]).replace(b"\n", b"\r\n")  # CRLF: so fmt would change it
    path.write_bytes(unsafe)
    (package / "data" / "visits.csv").write_bytes(mess(SHIPPED["data/visits.csv"], 4))  # fmt goes on to the next
    assert fmt(capsys, package, "--check") == (1, ["would reformat data/visits.csv", problem])
    assert fmt(capsys, package) == (1, ["formatted data/visits.csv", problem])
    assert path.read_bytes() == unsafe
    assert (package / "data" / "visits.csv").read_bytes() == SHIPPED["data/visits.csv"]


def test_a_descriptor_naming_a_missing_file_is_reported(package, capsys):
    (package / "data" / "visits.csv").unlink()
    assert fmt(capsys, package) == (1, ["data/visits.csv: is missing: restore it, or remove its resource from "
                                        "datapackage.json"])


def test_a_descriptor_that_is_not_json_is_reported_and_nothing_is_written(package, capsys):
    (package / "datapackage.json").write_text('{\n  "name": "x",\n  "resources": [,]\n}\n', encoding="utf-8")
    messy = mess(SHIPPED["data/visits.csv"], 4)
    (package / "data" / "visits.csv").write_bytes(messy)
    assert fmt(capsys, package) == (1, ["datapackage.json:3: is not valid JSON: Expecting value (column 17)"])
    assert (package / "data" / "visits.csv").read_bytes() == messy


def test_a_descriptor_that_cannot_be_trusted_formats_nothing(package, capsys):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == "regions").pop("path")
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")  # one line
    messy = mess(SHIPPED["data/visits.csv"], 4)
    (package / "data" / "visits.csv").write_bytes(messy)
    assert fmt(capsys, package) == (1, ["datapackage.json:1: resources[1].path: is missing: give the table's CSV "
                                        "file, e.g. data/visits.csv"])
    assert (package / "data" / "visits.csv").read_bytes() == messy


def test_a_directory_without_a_descriptor_is_a_usage_error(tmp_path, capsys):
    assert main(["fmt", str(tmp_path)]) == 2
    assert capsys.readouterr() == ("", f"kzuz fmt: {tmp_path} has no datapackage.json: is it the package's directory?\n")


# Property tests on generated tables ----------------------------------------------------

COLUMNS = ["name", "k1", "note", "k2"]
SCHEMA = {"fields": [{"name": c, "type": "string"} for c in COLUMNS], "primaryKey": ["k2", "k1"]}  # not column order
DESCRIPTOR = {"name": "generated", "resources": [{"name": "t", "path": "data/t.csv", "schema": SCHEMA}]}

# Characters that make CSV hard: separators, quotes, line ends, spaces of several kinds,
# a NUL, letters outside Latin-1 and outside the BMP; then any text at all.
HARD = list(',"\r\n \t\xa0\u2003\0') + ["\r\n", "é", "я", "Ә", "😀", "a", "b"]
cells = st.one_of(st.lists(st.sampled_from(HARD), max_size=8).map("".join),
                  st.text(st.characters(exclude_categories=["Cs"]), max_size=8))
tables = st.lists(st.lists(cells, min_size=len(COLUMNS), max_size=len(COLUMNS)), max_size=8)


def expected_value(cell: str) -> str:
    # a line break in a cell is a line end of the file: CRLF (or CRCRLF) becomes LF; and cells are trimmed
    return re.sub("\r+\n", "\n", cell).strip()


def formatted(raw: bytes) -> tuple[bytes, FmtReport]:
    """The file fmt makes of `raw`, as data/t.csv of a package with DESCRIPTOR."""
    with tempfile.TemporaryDirectory() as directory:
        package = Path(directory)
        (package / "datapackage.json").write_text(json.dumps(DESCRIPTOR), encoding="utf-8")
        (package / "data").mkdir()
        (package / "data" / "t.csv").write_bytes(raw)
        report = format_package(package)
        return (package / "data" / "t.csv").read_bytes(), report


@st.composite
def messy_files(draw) -> tuple[bytes, list[list[str]]]:
    """A valid but messy CSV of a generated table, and the table in schema order."""
    table = draw(tables)
    order = draw(st.permutations(range(len(COLUMNS))))
    pad = st.text(" \t", max_size=2)
    header = [draw(pad) + COLUMNS[i] + draw(pad) for i in order]
    text = encode([header] + [[row[i] for i in order] for row in table],
                  line_end=draw(st.sampled_from(["\n", "\r\n"])), quote_all=draw(st.booleans()))
    if draw(st.booleans()):
        text += "\n"  # a blank last line
    return (codecs.BOM_UTF8 if draw(st.booleans()) else b"") + text.encode("utf-8"), table


def parsed(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


@settings(max_examples=300, deadline=None)
@given(messy_files())
def test_every_value_survives_and_no_row_is_dropped(messy):
    raw, table = messy
    out, report = formatted(raw)
    assert report.problems == []
    kept = Counter(tuple(expected_value(cell) for cell in row) for row in table if any(expected_value(c) for c in row))
    assert Counter(map(tuple, parsed(out)[1:])) == kept


@settings(max_examples=300, deadline=None)
@given(messy_files())
def test_formatting_twice_changes_nothing(messy):
    once, _ = formatted(messy[0])
    twice, report = formatted(once)
    assert (twice, report.changed, report.problems) == (once, [], [])


@settings(max_examples=300, deadline=None)
@given(messy_files())
def test_the_output_is_canonical(messy):
    out, _ = formatted(messy[0])
    assert not out.startswith(codecs.BOM_UTF8) and b"\r\n" not in out and out.endswith(b"\n")
    header, *rows = parsed(out)  # decoding as UTF-8 raises if it is not
    assert header == COLUMNS
    keys = [[row[COLUMNS.index(k)] for k in SCHEMA["primaryKey"]] for row in rows]
    assert keys == sorted(keys)
    assert all(cell == cell.strip() for row in rows for cell in row)
    assert out == encode([header, *rows]).encode("utf-8")  # quoted only where a reader needs it
