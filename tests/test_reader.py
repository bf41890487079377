"""The reader's parts on small inputs, each at its boundary: quoting byte by byte, CR and
BOM, characters a cell may not hold found across chunk boundaries, the header, and the
line of every row — with chunks made tiny, so that every rule meets a chunk's end."""
from __future__ import annotations

import csv
import io
import os

import numpy as np
import pytest

from kzuz import package as reader, sources
from kzuz.load import load
from kzuz.problems import Failure
from kzuz.sources import Directory, Opened
from kzuz.package import Resource, header_problems, read_header, scan, suspect_characters


@pytest.fixture(params=[7, 1 << 23], ids=["tiny chunks", "one chunk"])
def chunk(request, monkeypatch):
    monkeypatch.setattr(reader, "CHUNK", request.param)
    return request.param


def scanned(tmp_path, raw: bytes):
    path = tmp_path / "t.csv"
    path.write_bytes(raw)
    fd = os.open(path, os.O_RDONLY)
    try:
        return scan(Opened(fd=fd), "t.csv")
    finally:
        os.close(fd)


def faults(tmp_path, raw: bytes) -> list[tuple]:
    return [(p.line, p.code) for p in scanned(tmp_path, raw).problems]


GOOD = [
    b'a,b\n1,2\n',
    b'a,b\n"1",2\n',
    b'a,b\n"",2\n',
    b'a,b\n"x ""y"" z",2\n',
    b'a,b\n"""x""",2\n',
    b'a,b\n"x,y","p\nq"\n',
    b'a,b\n1,"2"',              # no final line end
    b'a,b\n1,""""\n',           # a cell that is one quote
    b'"a",b\n1,2\n',           # the file starts with a quote
    b'a,b\n"p\nq",\n,1\n2,3\n',  # one line break in a cell, and an empty cell
]


@pytest.mark.parametrize("raw", GOOD)
def test_well_quoted_files_pass(tmp_path, chunk, raw):
    assert faults(tmp_path, raw) == []
    assert list(csv.reader(io.StringIO(raw.decode(), newline=""), strict=True))  # and csv agrees they are sound


@pytest.mark.parametrize("raw", GOOD)
def test_well_quoted_files_are_read_as_the_csv_module_reads_them(tmp_path, chunk, raw):
    records, starts, line = [], [], 1
    parsed = csv.reader(io.StringIO(raw.decode(), newline=""), strict=True)
    for record in parsed:
        records.append([cell or None for cell in record])  # an empty cell is missing
        starts.append(line)
        line = parsed.line_num + 1
    table = read(tmp_path, raw)
    assert table.problems == []
    assert table.lines.dtype.kind == "i" and table.lines.tolist() == starts[1:]
    assert [table.columns[name].to_pylist() for name in ("a", "b")] == [list(c) for c in zip(*records[1:])]


def test_cells_with_line_breaks_are_read_whole_whichever_block_they_straddle(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "BLOCK", 64)  # pyarrow parses blocks on several threads
    rows = [(f"{n}", f"line {n}\nand {n}, \"quoted\"") for n in range(300)]
    raw = b"a,b\n" + "".join(f'{a},"{b.replace(chr(34), 2 * chr(34))}"\n' for a, b in rows).encode()
    table = read(tmp_path, raw)
    assert table.problems == []
    assert table.columns["b"].to_pylist() == [b for _, b in rows]
    assert table.lines.tolist() == list(range(2, 2 + 2 * len(rows), 2))


@pytest.mark.parametrize("raw, lines, blank", [
    (b'a,b\n1,2\n\n3,4\n', [2, 4], [3]),           # an empty line between rows
    (b'a,b\n1,2\n\n', [2], [3]),                   # after the last
    (b'a,b\n"p\nq",1\n\n,,\n', [2], [4]),          # after a cell of two lines; then a ragged row
])
def test_an_empty_line_is_a_blank_row_at_its_line(tmp_path, chunk, raw, lines, blank):
    table = read(tmp_path, raw)
    assert table.lines.tolist() == lines
    assert [shown(p) for p in table.problems if p.code == "blank-row"] == [
        f"data/t.csv:{line}: has no values: remove the line (kzuz fmt does)" for line in blank]


def test_a_ragged_row_of_several_lines_moves_the_rows_after_it(tmp_path, chunk):
    table = read(tmp_path, b'a,b\n"x\ny\nz",2,3\n4,5\n"p\nq",6\n7,8\n')
    assert [(p.line, p.code) for p in table.problems] == [(2, "extra-cell")]
    assert table.lines.tolist() == [5, 6, 8]


@pytest.mark.parametrize("raw, line, code", [
    (b'a,b\n1,2\nx"y,3\n', 3, "quote"),                  # a quote inside an unquoted cell
    (b'a,b\n1,2\nxy",3\n', 3, "quote"),                  # ... at its end
    (b'a,b\n"x"y,3\n', 2, "quote"),                      # text after the closing quote
    (b'a,b\n"x" ,3\n', 2, "quote"),                      # a space after it
    (b'a,b\n1, "x"\n', 2, "quote"),                      # a space before the opening quote
    (b'a,b\n1,2\n3,"4\n5,6\n', 3, "unclosed-quote"),     # never closed: the line where it opens
    (b'a,b\n"1",2\n3,"4', 3, "unclosed-quote"),
    (b'a,b\n3,"4\nx ""q"" y\n5,6\n', 2, "unclosed-quote"),  # the quotes after it open nothing
])
def test_a_quote_out_of_place_is_found_at_its_line(tmp_path, chunk, raw, line, code):
    assert faults(tmp_path, raw) == [(line, code)]
    assert scanned(tmp_path, raw).fatal


@pytest.mark.parametrize("raw, expected, fatal", [
    (b'a,b\r\n1,2\r\n', [(1, "crlf")], False),
    (b'a,b\n1,2\r\n3,4\r\n', [(2, "crlf")], False),
    (b'a,b\n1,2\r3,4\n', [(2, "cr")], True),           # a lone CR: where it is
    (b'a,b\n1,2\n3,4\r', [(3, "cr")], True),           # the last byte
    (b'a,b\r\n1,2\r\n3\r4\r\n', [(1, "crlf"), (3, "cr")], True),
    (b'\xef\xbb\xbfa,b\n1,2\n', [(1, "bom")], False),
    (b'\xef\xbb\xbf"a",b\n1,2\n', [(1, "bom")], False),   # what follows the BOM is read from its first byte
    (b'', [(None, "empty-file")], True),
])
def test_line_ends_and_byte_order_marks(tmp_path, chunk, raw, expected, fatal):
    result = scanned(tmp_path, raw)
    assert [(p.line, p.code) for p in result.problems] == expected
    assert result.fatal == fatal


@pytest.mark.parametrize("raw, low", [(b'a,b\n1,2\n', 2), (b'a,b\n1,2', 1), (b'a,b\n"1\n",\t2\n', 4)])
def test_bytes_below_0x20_are_counted_for_the_rows_to_be_judged(tmp_path, chunk, raw, low):
    assert scanned(tmp_path, raw).low == low


@pytest.mark.parametrize("text, suspect", [
    ("plain «Cyrillic» — текст", False),
    ("\u0085", True), ("\u009f", True), ("\u0080", True), ("\u00a0", False), ("\u00ab", False),
    ("\u202a", True), ("\u202e", True), ("\u2029", False), ("\u202f", False),
    ("\u2066", True), ("\u2069", True), ("\u2065", False), ("\u206a", False),
    ("\u200b", True), ("\u200f", True), ("\u200a", False), ("\u2010", False),
    ("\u2060", True), ("\u2061", False), ("\ufeff", True), ("\ufefe", False),
])
def test_characters_a_cell_may_not_hold_are_noticed_wherever_a_chunk_ends(text, suspect):
    raw = ("x" * 5 + text + "y").encode()
    for cut in range(len(raw) + 1):  # the chunk may end anywhere, inside the character too
        noticed = suspect_characters(raw[:cut], raw[cut:cut + 2]) or suspect_characters(raw[cut:], b"")
        assert noticed == suspect, cut


def resource(*names: str) -> Resource:
    return Resource("t", "t.csv", [{"name": n, "type": "string"} for n in names], [], [], [""], {})


@pytest.mark.parametrize("raw, suspect", [
    ("a,b\n1,\u202e2\n" + "3,4\n" * 20, True),   # found early, and kept over the clean chunks after it
    ("a,b\n" + "3,4\n" * 20 + "1,\u200b\n", True),  # found late
    ("a,b\n1,\u00e9\u2014\n" + "3,4\n" * 20, False),
])
def test_the_scan_says_whether_the_cells_must_be_searched_for_characters_they_may_not_hold(tmp_path, chunk, raw,
                                                                                          suspect):
    assert scanned(tmp_path, raw.encode()).unicode is suspect


COLUMNS = "the columns are a, b"
INCORRECT = "the columns are a, b, in that order (kzuz fmt reorders them)"
COMMAS = "use commas (save as CSV UTF-8, comma-delimited)"


@pytest.mark.parametrize("head, names, header, problems", [
    (b"a,b\n", ("a", "b"), ["a", "b"], []),
    (b"b,a\n", ("a", "b"), ["b", "a"], [  # read by name, reported
        ("t.csv:1: b: the header has 'b' where the schema has 'a': " + INCORRECT, "incorrect-label"),
        ("t.csv:1: a: the header has 'a' where the schema has 'b': " + INCORRECT, "incorrect-label")]),
    (b"a,b,c\n", ("a", "b"), None, [("t.csv:1: c: column 'c' is not in the schema: " + COLUMNS, "extra-label")]),
    (b"a\n", ("a", "b"), None, [("t.csv:1: b: column 'b' is missing from the header: " + COLUMNS, "missing-label")]),
    (b"a,a\n", ("a", "b"), None, [("t.csv:1: a: column 'a' appears twice in the header", "duplicate-label"),
                                  ("t.csv:1: b: column 'b' is missing from the header: " + COLUMNS, "missing-label")]),
    (b"a,\n", ("a", "b"), None, [("t.csv:1: the header has an empty column name (column 2): " + COLUMNS, "blank-label"),
                                 ("t.csv:1: b: column 'b' is missing from the header: " + COLUMNS, "missing-label")]),
    (b"a;b\n", ("a", "b"), None, [("t.csv:1: is separated by semicolons: " + COMMAS, "delimiter")]),
    (b"a\tb\n", ("a", "b"), None, [("t.csv:1: is separated by tabs: " + COMMAS, "delimiter")]),
    (b"a;x,b\n", ("a", "b"), None, [  # two columns: not another separator, a column misnamed
        ("t.csv:1: a;x: column 'a;x' is not in the schema: " + COLUMNS, "extra-label"),
        ("t.csv:1: a: column 'a' is missing from the header: " + COLUMNS, "missing-label")]),
    (b"x;y\n", ("a",), None, [  # a schema of one column: a semicolon may be in a name
        ("t.csv:1: x;y: column 'x;y' is not in the schema: the columns are a", "extra-label"),
        ("t.csv:1: a: column 'a' is missing from the header: the columns are a", "missing-label")]),
    (b"\n", ("a", "b"), None, [("t.csv:1: is blank: the header must be the first line (a, b)", "blank-header")]),
    (b"a,b\r\n", ("a", "b"), ["a", "b"], []),                 # CRLF is reported by scan, not here
    (b"\xff,b\n", ("a", "b"), None, [("t.csv:1: is not UTF-8 (byte 0xFF cannot be read): save the file as UTF-8",
                                      "encoding")]),
    (b"a" * 60 + b",b\n", ("a", "b"), None, [
        (f"t.csv:1: {'a' * 60}: column '{'a' * 60}' is not in the schema: " + COLUMNS, "extra-label"),
        ("t.csv:1: a: column 'a' is missing from the header: " + COLUMNS, "missing-label")]),
    (b"a" * 61 + b",b\n", ("a", "b"), None, [  # a long name is shortened where it is shown
        (f"t.csv:1: {'a' * 60}…: column '{'a' * 60}…' is not in the schema: " + COLUMNS, "extra-label"),
        ("t.csv:1: a: column 'a' is missing from the header: " + COLUMNS, "missing-label")]),
])
def test_the_header_is_read_by_name(head, names, header, problems):
    found, said = read_header(head, resource(*names))
    assert found == header
    assert [(shown(p), p.code) for p in said] == problems


def test_a_header_of_many_columns_is_refused_in_one_message():
    found, problems = read_header(",".join(f"c{n}" for n in range(reader.MAX_COLUMNS + 1)).encode() + b"\n",
                                  resource("a", "b"))
    assert found is None and [p.code for p in problems] == ["header-too-wide"]
    found, _ = read_header(",".join(f"c{n}" for n in range(reader.MAX_COLUMNS)).encode() + b"\n", resource("a", "b"))
    assert found is None  # a thousand columns is read, and each unknown one named


def test_a_first_line_longer_than_a_header_can_be_is_refused():
    found, problems = read_header(b"a" * (reader.MAX_HEADER + 1), resource("a"))
    assert found is None and [(shown(p), p.code) for p in problems] == [
        (f"t.csv:1: has a first line over {reader.MAX_HEADER:,} bytes: that is not a header", "header-too-long")]
    found, problems = read_header(b"a" * reader.MAX_HEADER, resource("a" * reader.MAX_HEADER))
    assert (found, problems) == (["a" * reader.MAX_HEADER], [])  # as long as a header can be: read


def test_a_header_problem_names_the_column_and_the_columns_wanted():
    assert [f"{p.location()}: {p.message}" for p in header_problems(["a", "x"], ["a", "b"], "t.csv")] == [
        "t.csv:1: x: column 'x' is not in the schema: the columns are a, b",
        "t.csv:1: b: column 'b' is missing from the header: the columns are a, b"]
    assert header_problems([" a", "b"], ["a", "b"], "t.csv")[0].message == (
        "column ' a' is not in the schema (did you mean 'a'?): the columns are a, b")


def test_every_row_has_the_line_it_starts_on(tmp_path, chunk):
    from kzuz.package import read_table

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_bytes(b'a,b\n1,2\n"3\nthree",4\n5\n6,7\n,\n8,"9\n\nnine"\n10,11')
    table = read_table(Directory(tmp_path), Resource("t", "data/t.csv", [{"name": "a", "type": "string"},
                                                                           {"name": "b", "type": "string"}],
                                                          [], [], [""], {}))
    assert table.lines.tolist() == [2, 3, 6, 8, 11]  # the ragged row (5) and the blank one (7) left out
    assert [(p.line, p.code) for p in table.problems] == [(5, "missing-cell"), (7, "blank-row")]
    assert table.columns["a"].to_pylist() == ["1", "3\nthree", "6", "8", "10"]


def test_white_space_at_either_end_is_what_str_strip_removes_for_every_character():
    """The byte-level test (constraints.chunk_ends) against Python's own, for every code
    point: alone, at the start, at the end, and in the middle (where it is allowed)."""
    import pyarrow as pa

    from kzuz.constraints import ends

    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for cells in ([c for c in characters], [c + "x" for c in characters], ["x" + c for c in characters],
                  ["x" + c + "x" for c in characters], ["ая" + c + "я" for c in characters]):
        column = pa.chunked_array([pa.array(cells[:500_000]), pa.array(cells[500_000:])])
        padded, _ = ends(column, np.ones(len(cells), bool))
        expected = np.array([cell != cell.strip() for cell in cells])
        wrong = np.flatnonzero(padded != expected)
        assert not len(wrong), [f"U+{ord(characters[i]):04X}" for i in wrong[:10]]


def shown(problem) -> str:
    return f"{problem.location()}: {problem.message}"


CR_CASES = [
    (b'a,b\r\n1,2\r\n', [(1, "crlf")]),
    (b'a,b\n1,2\r\n3,4\r\n', [(2, "crlf")]),
    (b'a,b\n1,2\r3,4\n', [(2, "cr")]),
    (b'a,b\n1,2\r\r\n3,4\n', [(2, "cr")]),             # CR CR LF: the first CR is alone
    (b'a,b\n1,x\ry\n\n', [(2, "cr")]),                  # a lone CR with an LF two bytes on
    (b'a,b\r\n1,2\r\n3\r4\r\n', [(1, "crlf"), (3, "cr")]),
    (b'a,b\n1,2\r\n3\r4\n', [(2, "crlf"), (3, "cr")]),
]


@pytest.mark.parametrize("raw, expected", CR_CASES)
def test_line_ends_are_judged_alike_wherever_the_chunks_end(tmp_path, monkeypatch, raw, expected):
    for size in range(1, len(raw) + 2):
        monkeypatch.setattr(reader, "CHUNK", size)
        assert [(p.line, p.code) for p in scanned(tmp_path, raw).problems] == expected, size


def test_line_end_problems_say_what_to_do(tmp_path):
    assert [shown(p) for p in scanned(tmp_path, b'a,b\r\n1,2\r\n3\r4\r\n').problems] == [
        "t.csv:1: ends its lines with CRLF (Windows): save with LF line ends (kzuz fmt fixes this)",
        "t.csv:3: has a carriage return (CR) that is not part of a line end: lines end with LF (kzuz fmt fixes this)"]


def test_a_problem_after_blank_first_lines_counts_them(tmp_path, chunk):
    assert faults(tmp_path, b'\n\nx"y,1\n') == [(3, "quote")]


def read(tmp_path, raw: bytes, missing=("",), names=("a", "b")):
    from kzuz.package import read_table

    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "t.csv").write_bytes(raw)
    return read_table(Directory(tmp_path), Resource("t", "data/t.csv", [{"name": n, "type": "string"} for n in names],
                                                      [], [], list(missing), {}))


@pytest.mark.parametrize("raw, line, byte", [
    (b'a,b\n1,2\n3,\xff\n', 3, 0xFF),
    (b'\xc3\xa9,b\n1,2\n3,\xff\n', 3, 0xFF),                              # read from the first byte
    (b'a,b\n\xd0\xb0\xd0\xb0\xd0\xb0,\xe2\x80\x94\n5,\xc3(\n', 3, 0xC3),  # valid characters cut by chunks first
    (b'a,b\n1,2\n\n3,\xe2\x80', 4, 0xE2),                                  # cut by the end of the file
    (b'a,b\n1,\xed\xa0\x80\n', 2, 0xED),                                   # a surrogate is not UTF-8
])
def test_a_row_that_is_not_utf8_is_found_at_its_line(tmp_path, monkeypatch, raw, line, byte):
    names = ("é", "b") if raw.startswith("é".encode()) else ("a", "b")
    for size in (1, 2, 3, 5, 7, 1 << 23):
        monkeypatch.setattr(reader, "CHUNK", size)
        assert [(shown(p), p.code) for p in read(tmp_path, raw, names=names).problems] == [
            (f"data/t.csv:{line}: is not UTF-8 (byte 0x{byte:02X} cannot be read): save the file as UTF-8",
             "encoding")], size


def test_a_row_longer_than_a_block_is_refused_in_one_message(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "BLOCK", 1024)
    assert [(shown(p), p.code) for p in read(tmp_path, b'a,b\n1,2\n3,' + b'x' * 2048 + b'\n').problems] == [
        ("data/t.csv: has a row over 1,024 bytes long: no row of a table needs that", "row-too-long")]
    assert read(tmp_path, b'a,b\n1,2\n3,' + b'x' * 900 + b'\n').columns["b"].to_pylist() == ["2", "x" * 900]


def test_only_the_schemas_missing_values_read_as_missing(tmp_path):
    raw = b'a,b\nNA,null\nNaN,\n-,N/A\n'
    assert read(tmp_path, raw).columns["a"].to_pylist() == ["NA", "NaN", "-"]
    assert read(tmp_path, raw).columns["b"].to_pylist() == ["null", None, "N/A"]
    assert read(tmp_path, raw, missing=["-"]).columns["a"].to_pylist() == ["NA", "NaN", None]
    assert read(tmp_path, raw, missing=["-"]).columns["b"].to_pylist() == ["null", "", "N/A"]


MISSING_COMMAS = "add the missing commas (and quote any cell that contains a comma)"


@pytest.mark.parametrize("raw, names, expected", [
    (b'a,b\n1\n', "ab", ("has 1 cell where the header has 2: " + MISSING_COMMAS, "missing-cell")),
    (b'a,b,c\n1,2\n', "abc", ("has 2 cells where the header has 3: " + MISSING_COMMAS, "missing-cell")),
    (b'a,b\n1,2,3\n', "ab", ("has 3 cells where the header has 2: quote any cell that contains a comma", "extra-cell")),
    (b'a,b\n1,2,3,4\n', "ab", ("has 4 cells where the header has 2: quote any cell that contains a comma",
                                "extra-cell")),
])
def test_a_row_of_the_wrong_width_says_how_many_cells_it_has(tmp_path, raw, names, expected):
    message, code = expected
    assert [(shown(p), p.code) for p in read(tmp_path, raw, names=names).problems] == [(f"data/t.csv:2: {message}", code)]


@pytest.mark.parametrize("error, expected", [
    ("CSV conversion error to string: invalid UTF8 data", ("t.csv", None, "is not UTF-8: save the file as UTF-8",
                                                          "encoding")),
    ("straddling object straddles two block boundaries (try to increase block size?)",
     ("t.csv", None, f"has a row over {reader.BLOCK:,} bytes long: no row of a table needs that", "row-too-long")),
    ("CSV parse error: " + "x" * 300 + "\nsecond line",
     ("t.csv", None, "cannot be read as CSV: CSV parse error: " + "x" * 183, "csv")),
])
def test_what_pyarrow_refuses_is_said_in_words(tmp_path, error, expected):
    """Each kind of error pyarrow ends a read on (here on a file that is UTF-8 throughout,
    so an encoding error cannot be placed) — one line of at most 200 characters."""
    (tmp_path / "t.csv").write_bytes(b"a,b\n1,2\n")
    fd = os.open(tmp_path / "t.csv", os.O_RDONLY)
    try:
        problem = reader.arrow_problem(ValueError(error), Opened(fd=fd), "t.csv")
    finally:
        os.close(fd)
    assert (problem.file, problem.line, problem.message, problem.code) == expected


# Files and the descriptor ---------------------------------------------------------------------

def opened(directory, relative: str):
    """(code, message) of the problem opening DIRECTORY/RELATIVE, or None when it opens."""
    try:
        os.close(sources.open_file(directory, relative))
    except sources.Unreadable as unreadable:
        return unreadable.problem.file, unreadable.problem.code, unreadable.problem.message
    return None


def test_only_a_regular_file_inside_the_package_is_opened(tmp_path):
    package = tmp_path / "package"
    (package / "data").mkdir(parents=True)
    (package / "data" / "t.csv").write_text("a\n")
    (tmp_path / "secret.csv").write_text("a\n")
    (package / "data" / "out.csv").symlink_to(tmp_path / "secret.csv")
    (package / "data" / "in.csv").symlink_to(package / "data" / "t.csv")
    (package / "data" / "dir.csv").mkdir()
    os.mkfifo(package / "data" / "pipe.csv")
    assert opened(package, "data/t.csv") is None
    assert opened(package, "data/in.csv") is None  # a link that stays inside is its target
    assert opened(package, "data/out.csv") == ("data/out.csv", "outside-package", "is a link to a file outside the "
                                               "package: kzuz reads only files inside it; replace the link by the file")
    assert opened(package, "../secret.csv")[1] == "outside-package"
    assert opened(package, str(tmp_path / "secret.csv"))[1] == "outside-package"
    assert opened(package, "data/none.csv") == ("data/none.csv", "missing-file", "is missing: restore it, or remove "
                                                "its resource from datapackage.json")
    assert opened(package, "data/dir.csv") == ("data/dir.csv", "not-a-file", "is a directory, not a file: kzuz "
                                               "reads only regular files")
    assert opened(package, "data/pipe.csv") == ("data/pipe.csv", "not-a-file", "is a named pipe, not a file: kzuz "
                                                "reads only regular files")
    assert opened(package, "/dev/null") is not None


def test_a_file_that_cannot_be_opened_says_why(tmp_path):
    (tmp_path / "t.csv").write_text("a\n")
    (tmp_path / "t.csv").chmod(0)
    if os.geteuid() == 0:  # root opens it anyway: a path through a file fails for everyone
        assert opened(tmp_path, "t.csv/x") == ("t.csv/x", "unreadable-file", "cannot be opened (Not a directory)")
    else:
        assert opened(tmp_path, "t.csv") == ("t.csv", "unreadable-file", "cannot be opened (Permission denied)")


def test_a_file_over_its_limit_is_refused_before_it_is_read_whole(tmp_path):
    (tmp_path / "t.json").write_bytes(b"x" * 11)
    assert Directory(tmp_path).read("t.json", 11) == b"x" * 11
    with pytest.raises(sources.Unreadable) as refused:
        Directory(tmp_path).read("t.json", 10)
    assert (refused.value.problem.code, refused.value.problem.message) == (
        "file-too-large", "is over 10 bytes: larger than kzuz reads")


def test_a_resource_is_read_from_its_descriptor_with_keys_and_missing_values():
    spec = {"name": "t", "path": "data/t.csv", "schema": {
        "fields": [{"name": "id", "type": "string"}, {"name": "to", "type": "string"}], "primaryKey": "id",
        "foreignKeys": [{"fields": "to", "reference": {"resource": "", "fields": "id"}},
                        {"fields": ["id", "to"], "reference": {"resource": "u", "fields": ["x", "y"]}}],
        "missingValues": ["", "-"]}}
    resource = reader.resource_of(spec)
    assert (resource.name, resource.path, resource.field_names) == ("t", "data/t.csv", ["id", "to"])
    assert resource.primary_key == ["id"]  # a name alone is a list of one
    assert resource.foreign_keys == [reader.ForeignKey(("to",), "t", ("id",)),
                                     reader.ForeignKey(("id", "to"), "u", ("x", "y"))]
    assert resource.missing_values == ["", "-"]
    assert resource.descriptor is spec
    plain = reader.resource_of({"name": "t", "path": "p", "schema": {"fields": []}})
    assert (plain.primary_key, plain.foreign_keys, plain.missing_values) == ([], [], [""])


def test_a_directory_without_a_descriptor_is_not_a_package(tmp_path):
    with pytest.raises(Failure, match="has no datapackage.json") as failed:
        reader.open_package(tmp_path)
    assert failed.value.status == 2
    with pytest.raises(Failure, match="is not a directory") as failed:
        reader.open_package(tmp_path / "none")
    assert failed.value.status == 2
    (tmp_path / "datapackage.json").symlink_to("/etc/hostname")
    package = reader.open_package(tmp_path)
    assert [p.code for p in package.problems] == ["outside-package"] and package.resources == []


@pytest.mark.parametrize("head, message", [
    (b"\n1,2\n", "is blank: the header must be the first line (a, b)"),
    (b" , \n", "is blank: the header must be the first line (a, b)"),
    (b"a\tb\n", "is separated by tabs: use commas (save as CSV UTF-8, comma-delimited)"),
    (b"a;b\n", "is separated by semicolons: use commas (save as CSV UTF-8, comma-delimited)"),
    (b"a|b\n", "is separated by bars: use commas (save as CSV UTF-8, comma-delimited)"),
    (b"a\xff,b\n", "is not UTF-8 (byte 0xFF cannot be read): save the file as UTF-8"),
    (b",".join([b"c"] * 1001) + b"\n", "has 1,001 columns; the schema has 2: the columns are a, b"),
])
def test_a_header_that_cannot_be_read_by_name_says_why(head, message):
    header, problems = read_header(head, Resource("t", "t.csv", [{"name": "a"}, {"name": "b"}], [], [], [""], {}))
    assert header is None
    assert [shown(p) for p in problems] == [f"t.csv:1: {message}"]


def test_a_header_of_exactly_as_many_columns_as_allowed_is_read():
    names = [f"c{i}" for i in range(reader.MAX_COLUMNS)]
    header, problems = read_header(",".join(names).encode() + b"\n",
                                   Resource("t", "t.csv", [{"name": n} for n in names], [], [], [""], {}))
    assert header == names and problems == []


@pytest.mark.parametrize("raw, expected", [
    (b'a,b\n1,2\nx"y,3\n', "t.csv:3: has a quote inside a cell that is not quoted: quote the whole cell, doubling each "
                           '" inside it'),
    (b'a,b\n"x"y,3\n', 't.csv:2: has a quoted cell with text after its closing quote: quote the whole cell, doubling '
                       'each " inside it'),
    (b'a,b\n"""x""" y,3\n', 't.csv:2: has a quoted cell with text after its closing quote: quote the whole cell, '
                            'doubling each " inside it'),
    (b'a,b\n1,2\n3,"4\n', 't.csv:3: has a quoted cell that is never closed: add the closing "'),
    (b'\xef\xbb\xbfa,b\n', "t.csv:1: starts with a byte-order mark (BOM): save as UTF-8 without BOM (kzuz fmt fixes "
                           "this)"),
    (b'', "t.csv: is empty: it needs at least the header row"),
])
def test_each_format_problem_says_what_to_do(tmp_path, chunk, raw, expected):
    assert [shown(p) for p in scanned(tmp_path, raw).problems] == [expected]


def test_cells_for_messages_are_taken_from_any_chunk_in_the_order_asked():
    import pyarrow as pa

    from kzuz.typed import cells

    column = pa.chunked_array([pa.array(["a", "b"]), pa.array([], pa.string()), pa.array(["c", None, "e"])])
    rows = [4, 0, 2, 3, 1, 2]
    assert cells(column, rows) == [column.to_pylist()[r] for r in rows] == ["e", "a", "c", None, "b", "c"]
    assert cells(column, []) == []
    assert cells(pa.array([1.5, 2.5]), [1]) == [2.5]  # an array that is not chunked


@pytest.mark.parametrize("resource, package, expected", [
    ('"sources": [{"title": 5}],', '"licenses": [{"name": "CC-BY-4.0"}]',
     (4, "resources[0].sources[0].title", "5 is not of type 'string' at property 'sources/0/title'",
      "standard-resource-error")),
    ('', '"licenses": [{"title": 5}]',
     (6, "licenses[0].title", "5 is not of type 'string' at property 'licenses/0/title'", "standard-package-error")),
    ('', '"keywords": "x"', (6, "keywords", "'x' is not of type 'array' at property 'keywords'",
                             "standard-package-error")),
])
def test_a_fault_against_the_standard_is_found_at_the_line_of_its_value(tmp_path, resource, package, expected):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text("a\n1\n")
    (tmp_path / "datapackage.json").write_text(
        '{\n  "name": "t",\n  "resources": [{"name": "t", "path": "data/t.csv",\n'
        f'    {resource}\n    "schema": {{"fields": [{{"name": "a", "type": "string"}}]}}}}],\n  {package}\n}}\n')
    opened = reader.open_package(tmp_path)
    assert opened.problems == []
    line, column, message, code = expected
    assert [(p.file, p.line, p.column, p.message, p.code) for p in opened.standard_problems()()] == [
        ("datapackage.json", line, column, f"{message} (the Data Package standard, checked by frictionless)", code)]


def write_package(directory, descriptor: str, rows: str = "a\n1\n"):
    (directory / "data").mkdir()
    (directory / "data" / "t.csv").write_text(rows)
    (directory / "datapackage.json").write_text(descriptor)


SCHEMA = '"schema": {"fields": [{"name": "a", "type": "string"}]}'


def test_a_package_is_loaded_with_its_descriptor_checked_against_the_standard_unless_told_not_to(tmp_path):
    write_package(tmp_path, '{\n  "name": "t",\n  "resources": [{"name": "t", "path": "data/t.csv",\n'
                            f'    {SCHEMA}}}],\n  "keywords": "x"\n}}\n')
    checked = load(tmp_path)
    assert [(p.file, p.line, p.column, p.code) for p in checked.problems] == [
        ("datapackage.json", 5, "keywords", "standard-package-error")]
    assert (checked.directory, checked.tables, checked.tables_read) == (tmp_path, {}, False)
    unchecked = load(tmp_path, judge=False)
    assert unchecked.problems == [] and list(unchecked.tables) == ["t"] and unchecked.tables_read
    assert (unchecked.directory, unchecked.descriptor["keywords"], unchecked.lines(("keywords",))) == (tmp_path, "x", 5)


def test_a_package_that_is_not_safe_is_refused_with_the_line_of_the_value_either_way(tmp_path):
    write_package(tmp_path, '{\n  "name": "t",\n  "resources": [{"name": "t",\n    "path": "https://example.org/t.csv",'
                            f'\n    {SCHEMA}}}]\n}}\n')
    for judge in (True, False):
        opened = load(tmp_path, judge=judge)
        assert [(p.line, p.column) for p in opened.problems] == [(4, "resources[0].path")]
        assert (opened.directory, opened.resources, opened.lines(("resources", 0, "path"))) == (tmp_path, [], 4)


def test_a_descriptor_over_its_limit_is_not_read_whole(tmp_path, monkeypatch):
    from kzuz import descriptor

    write_package(tmp_path, '{"name": "t", "resources": []}')
    monkeypatch.setattr(descriptor, "MAX_BYTES", 10)
    opened = reader.open_package(tmp_path)
    assert [(p.file, p.code) for p in opened.problems] == [("datapackage.json", "file-too-large")]
    assert (opened.directory, opened.descriptor) == (tmp_path, None)


def test_a_table_over_the_limit_of_tables_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_TABLE_BYTES", 10)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_bytes(b"a\n" + b"x\n" * 4)  # 10 bytes
    assert read(tmp_path, b"a\n" + b"x\n" * 4, names=("a",)).readable
    table = read(tmp_path, b"a\n" + b"x\n" * 4 + b"y", names=("a",))
    assert [(p.file, p.code, p.message) for p in table.problems] == [
        ("data/t.csv", "file-too-large", "is over 10 bytes: larger than kzuz reads")]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["", "BOM"])
@pytest.mark.parametrize("end", [b"\n", b"\r\n"], ids=["LF", "CRLF"])
def test_a_header_as_long_as_a_header_may_be_is_read_and_one_byte_longer_is_not(tmp_path, bom, end):
    name = "a" * reader.MAX_HEADER
    said = ["bom"] * bool(bom) + ["crlf"] * (end == b"\r\n")
    table = read(tmp_path, bom + name.encode() + end + b"1" + end, names=[name])
    assert [p.code for p in table.problems] == said and table.columns[name].to_pylist() == ["1"]
    longer = read(tmp_path, bom + name.encode() + b"a" + end + b"1" + end, names=[name])
    assert [p.code for p in longer.problems] == said + ["header-too-long"]
    assert not longer.readable


def test_a_file_with_a_bom_is_read_by_its_names_after_it(tmp_path):
    table = read(tmp_path, b"\xef\xbb\xbfa,b\n1,2\n")
    assert [p.code for p in table.problems] == ["bom"]
    assert table.columns["a"].to_pylist() == ["1"]


def test_the_scans_problems_and_the_headers_are_both_kept(tmp_path):
    table = read(tmp_path, b"b,a\r\n1,2\r\n")
    assert [(p.line, p.code) for p in table.problems] == [(1, "crlf"), (1, "incorrect-label"), (1, "incorrect-label")]
