"""`kzuz validate`, the command line contract: exit codes, the three output formats,
and bad input of every kind reported in plain words, with its line, never as a traceback."""
import codecs
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_DATA, ROOT, edit_bytes, edit_descriptor, on_line, read_rows, resource, set_cell, write_rows
from kzuz.cli import main
from kzuz import problems as render
from kzuz.problems import Problem, github

KZUZ = Path(sys.executable).with_name("kzuz")  # the installed console script, beside this Python
ROWS = sum(len(read_rows(path)) - 1 for path in FIXTURE_DATA.glob("*.csv"))
TABLES = len(list(FIXTURE_DATA.glob("*.csv")))
REGION_COLUMNS = "region_code, country, name_en, name_ru, name_iso, type"


@pytest.fixture(autouse=True)
def not_in_github_actions(monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)  # CI sets it; most tests want plain text


def validate(capsys, *argv) -> tuple[int, list[str], str]:
    """Exit code, stdout lines and stderr of `kzuz validate ARGV`."""
    code = main(["validate", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def reported(capsys, package: Path) -> list[str]:
    """The problems `kzuz validate` prints for an invalid package, summary line left out."""
    code, lines, err = validate(capsys, package)
    assert (code, err) == (1, "")
    assert lines[-1].startswith(f"invalid: {len(lines) - 1} problem")
    return lines[:-1]


def kzuz(*argv, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run([str(KZUZ), *argv], cwd=cwd, env=env, capture_output=True, text=True)


# The installed command --------------------------------------------------------------

def test_the_installed_command_passes_a_valid_package_from_its_directory(package):
    done = kzuz("validate", cwd=package)  # the package directory defaults to .
    assert (done.returncode, done.stdout, done.stderr) == (0, f"valid: {TABLES} tables, {ROWS} rows\n", "")


def test_the_installed_command_fails_a_broken_package_without_a_traceback(package):
    line = set_cell(package, "regions", "KZ-19", "country", "XX")
    visits = len(read_rows(package / "data" / "visits.csv")) - 1
    (package / "data" / "visits.csv").write_bytes(b"")
    done = kzuz("validate", str(package), cwd=ROOT)
    assert "Traceback" not in done.stdout + done.stderr
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines() == [
        f"data/regions.csv:{line}: country: 'XX' is not one of: KZ, UZ",
        "data/visits.csv: is empty: it needs at least the header row",
        f"invalid: 2 problems in 2 files ({ROWS - visits} rows read)",
    ]


# Exit codes and text output ---------------------------------------------------------

def test_each_problem_is_a_line_then_a_summary(package, capsys):
    line = set_cell(package, "regions", "KZ-19", "country", "XX")
    visit = set_cell(package, "visits", "2017-03-23-state-visit-mirziyoyev", "end_date", "23.03.2017")
    assert validate(capsys, package) == (1, [
        f"data/regions.csv:{line}: country: 'XX' is not one of: KZ, UZ",
        f"data/visits.csv:{visit}: end_date: '23.03.2017' is not a date: use YYYY-MM-DD "
        "(a month is YYYY-MM-01, a year YYYY-01-01)",
        f"invalid: 2 problems in 2 files ({ROWS} rows read)",
    ], "")


def test_one_problem_is_singular_in_the_summary(package, capsys):
    set_cell(package, "regions", "KZ-19", "country", "XX")
    assert validate(capsys, package)[1][-1] == f"invalid: 1 problem in 1 file ({ROWS} rows read)"


@pytest.mark.parametrize("argv, says", [
    (["validate", "--nope"], "unrecognized arguments: --nope"),
    (["validate", "--format", "xml"], "invalid choice: 'xml'"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    ([], "the following arguments are required: COMMAND"),
])
def test_a_usage_error_exits_2_with_a_message_on_stderr(argv, says, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    out, err = capsys.readouterr()
    assert (exited.value.code, out) == (2, "")
    assert says in err


def test_a_directory_that_does_not_exist_is_a_usage_error(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert validate(capsys, missing) == (2, [], f"kzuz validate: {missing} is not a package directory, a release zip or a git ref\n")


def test_a_directory_without_a_descriptor_is_a_usage_error(tmp_path, capsys):
    assert validate(capsys, tmp_path) == (
        2, [], f"kzuz validate: {tmp_path} has no datapackage.json: is it the package's directory?\n")


# --format json and GitHub annotations -----------------------------------------------

def test_json_of_a_valid_package(package, capsys):
    code, lines, _ = validate(capsys, package, "--format", "json")
    report = json.loads("\n".join(lines))
    assert (code, report["valid"], report["problems"]) == (0, True, [])
    assert report["rows"] == {path.stem: len(read_rows(path)) - 1 for path in (FIXTURE_DATA).glob("*.csv")}


def test_json_lists_each_problem_and_nothing_else_even_in_github_actions(package, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    line = set_cell(package, "regions", "KZ-19", "country", "XX")
    (package / "data" / "visits.csv").unlink()
    code, lines, _ = validate(capsys, package, "--format", "json")
    report = json.loads("\n".join(lines))
    assert (code, report["valid"]) == (1, False)
    assert report["problems"] == [
        {"file": "data/regions.csv", "line": line, "column": "country", "message": "'XX' is not one of: KZ, UZ",
         "code": "enum"},
        {"file": "data/visits.csv", "line": None, "column": None,
         "message": "is missing: restore it, or remove its resource from datapackage.json", "code": "missing-file"},
    ]


def test_github_actions_gets_annotations_before_the_text(package, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    line = set_cell(package, "regions", "KZ-19", "country", "50%: X")
    code, lines, _ = validate(capsys, package)
    assert code == 1
    assert lines[:2] == [f"::error file=data/regions.csv,line={line},title=country::'50%25: X' is not one of: KZ, UZ",
                         f"data/regions.csv:{line}: country: '50%: X' is not one of: KZ, UZ"]


def test_annotation_properties_escape_commas_and_colons_and_the_message_newlines():
    assert github([Problem("data/a,b:c.csv", 3, "x,y:z", "50% done\r\nnext: 1,2", "code"),
                   Problem("datapackage.json", None, None, "is not UTF-8", "descriptor-encoding")]) == (
        "::error file=data/a%2Cb%3Ac.csv,line=3,title=x%2Cy%3Az::50%25 done%0D%0Anext: 1,2\n"
        "::error file=datapackage.json,title=descriptor-encoding::is not UTF-8\n")


# Bad bytes and broken rows: one plain message each, at the line in the file -----------

@pytest.mark.parametrize("table, change, expected", [
    ("regions", lambda raw: codecs.BOM_UTF8 + raw,
     "data/regions.csv:1: starts with a byte-order mark (BOM): save as UTF-8 without BOM (kzuz fmt fixes this)"),
    ("regions", lambda raw: raw.replace(b"\n", b"\r\n"),
     "data/regions.csv:1: ends its lines with CRLF (Windows): save with LF line ends (kzuz fmt fixes this)"),
    ("regions", on_line(5, lambda line: line.replace(b"Almaty", b"Alm\0aty", 1)),
     "data/regions.csv:5: name_en: contains U+0000 (NULL) at character 4, a control character: remove it"),
    # the first byte that is not UTF-8 is on line 2 (Cyrillic) and 6 (é) respectively
    ("treaties", lambda raw: raw.decode("utf-8").encode("cp1251"),
     "data/treaties.csv:2: is not UTF-8 (byte 0xC4 cannot be read): save the file as UTF-8"),
    ("regions", on_line(6, lambda line: line.replace(b"Atyrau Region", b"Atyrau R\xe9gion")),
     "data/regions.csv:6: is not UTF-8 (byte 0xE9 cannot be read): save the file as UTF-8"),
    ("regions", on_line(4, lambda line: b",".join(line.split(b",")[:4])),
     "data/regions.csv:4: has 4 cells where the header has 6: add the missing commas "
     "(and quote any cell that contains a comma)"),
    ("regions", on_line(4, lambda line: line.split(b",")[0]),
     "data/regions.csv:4: has 1 cell where the header has 6: add the missing commas "
     "(and quote any cell that contains a comma)"),
    ("regions", on_line(4, lambda line: line + b",extra"),
     "data/regions.csv:4: has 7 cells where the header has 6: quote any cell that contains a comma"),
    # the rest of the file is read inside the quote: no "has 2 cells", no foreign key noise
    ("regions", on_line(5, lambda line: line.replace(b",KZ,", b',"KZ,', 1)),
     'data/regions.csv:5: has a quoted cell that is never closed: add the closing "'),
    ("regions", on_line(5, lambda line: b"\n" + line), "data/regions.csv:5: has no values: remove the line (kzuz fmt does)"),
    ("regions", lambda raw: b"\n" + raw,
     f"data/regions.csv:1: is blank: the header must be the first line ({REGION_COLUMNS})"),
], ids=["bom", "crlf", "nul", "windows-1251", "latin-1", "too-few-cells", "one-cell", "extra-cell", "unclosed-quote",
        "blank-line", "blank-first-line"])
def test_bad_bytes_and_rows(package, capsys, table, change, expected):
    edit_bytes(package, table, change)
    assert reported(capsys, package) == [expected]


def test_the_line_is_the_line_in_the_file_after_a_cell_over_two_lines(package, capsys):
    # a line break inside a cell is a control character; the rows after it keep their own lines
    edit_bytes(package, "regions", on_line(5, lambda line: line.replace(b",KZ,", b",XX,", 1)))
    edit_bytes(package, "regions", on_line(3, lambda line: line.replace(b"Akmola Region", b'"Akmola\nRegion"')))
    assert reported(capsys, package) == [
        "data/regions.csv:3: name_en: contains U+000A (LINE FEED) at character 7, a control character: remove it",
        "data/regions.csv:6: country: 'XX' is not one of: KZ, UZ"]


@pytest.mark.parametrize("cell, line, fault", [
    (b'Almaty "Region', 5, "has a quote inside a cell that is not quoted"),
    (b'"Almaty" Region', 5, "has a quoted cell with text after its closing quote"),
    (b'"Almaty ""Region""" x', 5, "has a quoted cell with text after its closing quote"),
    (b'Almaty Region"', 5, "has a quote inside a cell that is not quoted"),
])
def test_a_quote_out_of_place_is_reported_at_its_line(package, capsys, cell, line, fault):
    # frictionless and pyarrow read these without a word, each its own way
    edit_bytes(package, "regions", on_line(5, lambda text: text.replace(b"Almaty Region", cell, 1)))
    assert reported(capsys, package) == [f'data/regions.csv:{line}: {fault}: quote the whole cell, doubling each " '
                                         'inside it']


def test_several_escaped_quotes_in_one_cell_are_read_as_quotes(package, capsys):
    edit_bytes(package, "regions", on_line(5, lambda text: text.replace(b"Almaty Region", b'"""Almaty"" ""Region"""', 1)))
    edit_bytes(package, "regions", on_line(8, lambda text: text.replace(b",KZ,", b",XX,", 1)))
    assert reported(capsys, package) == ["data/regions.csv:8: country: 'XX' is not one of: KZ, UZ"]


def test_a_missing_file_is_reported_once_not_in_the_tables_that_point_to_it(package, capsys):
    (package / "data" / "visits.csv").unlink()
    assert reported(capsys, package) == [
        "data/visits.csv: is missing: restore it, or remove its resource from datapackage.json"]


def test_an_empty_file_is_reported_without_foreign_key_noise(package, capsys):
    (package / "data" / "visits.csv").write_bytes(b"")
    assert reported(capsys, package) == ["data/visits.csv: is empty: it needs at least the header row"]


# Header-only tables: valid for frictionless; the rules must run on them, not crash -----
# (a pandas deprecation on an empty table is the next pandas's crash, so it fails here)

@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_a_header_only_table_is_valid(package, capsys):
    # No rule asks for an event, none points to one, and every source an event cites is cited by other rows too.
    path = package / "data" / "events.csv"
    events = len(read_rows(path)) - 1
    write_rows(path, read_rows(path)[:1])
    assert validate(capsys, package) == (0, [f"valid: {TABLES} tables, {ROWS - events} rows"], "")


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_a_header_only_table_others_point_to_fails_each_row_that_does(package, capsys):
    path = package / "data" / "treaties.csv"
    write_rows(path, read_rows(path)[:1])
    header, *projects = read_rows(package / "data" / "projects.csv")
    at = header.index("treaty_id")
    expected = [f"data/projects.csv:{n}: treaty_id: '{row[at]}' is not a treaty_id in data/treaties.csv"
                for n, row in enumerate(projects, start=2) if row[at]]
    assert expected  # the fixture has projects that name their treaty
    assert [p for p in reported(capsys, package) if p.startswith("data/projects.csv")] == expected


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_a_source_cited_only_by_an_emptied_table_is_cited_by_no_row(package, capsys):
    for path in (package / "data").glob("*.csv"):  # after this, only events cite kisi-2025-auelbayev
        if path.stem not in ("events", "sources"):
            rows = read_rows(path)
            write_rows(path, [[("trend-2025-11" if cell == "kisi-2025-auelbayev" else cell) for cell in row]
                              for row in rows])
    path = package / "data" / "events.csv"
    assert any(row[-3] == "kisi-2025-auelbayev" for row in read_rows(path))
    write_rows(path, read_rows(path)[:1])
    line = next(n for n, row in enumerate(read_rows(package / "data" / "sources.csv"), 1) if row[0] == "kisi-2025-auelbayev")
    assert reported(capsys, package) == [
        f"data/sources.csv:{line}: source_id: kisi-2025-auelbayev is cited by no row: cite it or remove it"]


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_a_header_only_sources_table_fails_each_row_that_cites_a_source(package, capsys):
    path = package / "data" / "sources.csv"
    write_rows(path, read_rows(path)[:1])
    citing = [p for p in (FIXTURE_DATA).glob("*.csv") if "source_id" in read_rows(p)[0] and p.stem != "sources"]
    problems = reported(capsys, package)
    assert len(problems) == sum(len(read_rows(p)) - 1 for p in citing)
    assert all(p.endswith("in data/sources.csv") and ": source_id: '" in p for p in problems)


# The header, by column name ------------------------------------------------------------

def rename(old: str, new: str):
    return lambda rows: [[new if cell == old else cell for cell in rows[0]]] + rows[1:]


def without(column: str):
    return lambda rows: [[c for c, name in zip(row, rows[0]) if name != column] for row in rows]


@pytest.mark.parametrize("change, expected", [
    (rename("name_ru", "name_en"), [
        "data/regions.csv:1: name_en: column 'name_en' appears twice in the header",
        f"data/regions.csv:1: name_ru: column 'name_ru' is missing from the header: the columns are {REGION_COLUMNS}"]),
    # not "the header has 'name_iso' where the schema has 'name_ru'", and so on down the header
    (without("name_ru"), [
        f"data/regions.csv:1: name_ru: column 'name_ru' is missing from the header: the columns are {REGION_COLUMNS}"]),
    (lambda rows: [row + [("wiki" if n == 0 else "")] for n, row in enumerate(rows)], [
        f"data/regions.csv:1: wiki: column 'wiki' is not in the schema: the columns are {REGION_COLUMNS}"]),
    # and no "'Abai Region' is not one of: KZ, UZ" for each row read under the wrong name
    (lambda rows: [[row[0], row[2], row[1], *row[3:]] for row in rows], [
        f"data/regions.csv:1: country: the header has 'country' where the schema has 'name_en': "
        f"the columns are {REGION_COLUMNS}, in that order (kzuz fmt reorders them)",
        f"data/regions.csv:1: name_en: the header has 'name_en' where the schema has 'country': "
        f"the columns are {REGION_COLUMNS}, in that order (kzuz fmt reorders them)"]),
], ids=["duplicated", "missing", "extra", "reordered"])
def test_header_problems_name_the_column(package, capsys, change, expected):
    path = package / "data" / "regions.csv"
    write_rows(path, change(read_rows(path)))
    assert reported(capsys, package) == expected


# datapackage.json -------------------------------------------------------------------

def test_a_descriptor_that_is_not_json_gives_the_line(package, capsys):
    (package / "datapackage.json").write_text('{\n  "name": "x",\n  "resources": [,]\n}\n', encoding="utf-8")
    assert reported(capsys, package) == ["datapackage.json:3: is not valid JSON: Expecting value (column 17)"]


def test_a_descriptor_that_names_a_missing_file(package, capsys):
    edit_descriptor(package, lambda d: resource(d, "visits").update(path="data/visit.csv"))
    assert reported(capsys, package) == [
        "data/visit.csv: is missing: restore it, or remove its resource from datapackage.json"]


def descriptor_line(package: Path, text: str) -> int:
    """The line of datapackage.json holding `text` (the descriptor is the project's, and grows)."""
    lines = (package / "datapackage.json").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def resource_number(package: Path, name: str) -> int:
    return [r["name"] for r in json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["resources"]].index(name)


def test_an_unknown_field_type_names_its_resource_and_field(package, capsys):
    def misspell(descriptor):
        next(f for f in resource(descriptor, "visits")["schema"]["fields"] if f["name"] == "start_date")["type"] = "dat"
    edit_descriptor(package, misspell)
    n = resource_number(package, "visits")
    assert reported(capsys, package) == [
        f"""datapackage.json:{descriptor_line(package, '"type": "dat"')}: resources[{n}].schema.fields[1].type: 'dat' """
        "is not a type kzuz reads: use one of string, integer, number, boolean, date, year"]


def test_a_resource_without_a_path_is_named(package, capsys):
    edit_descriptor(package, lambda d: resource(d, "visits").pop("path"))
    n, line = resource_number(package, "visits"), descriptor_line(package, '"name": "visits"') - 1
    assert reported(capsys, package) == [  # the line of the resource, as it has no path
        f"datapackage.json:{line}: resources[{n}].path: is missing: give the table's CSV file, e.g. data/visits.csv"]


@pytest.mark.parametrize("where, shown", [
    ({"data": [["region_code"]]}, "data: holds inline data: every table is a CSV file in the package"),
    ({"path": "https://example.org/regions.csv"},
     "path: 'https://example.org/regions.csv' is a URL: kzuz never fetches; the table must be a CSV file inside the package"),
    ({"path": "../outside/regions.csv"},
     "path: '../outside/regions.csv' leaves the package or is not a plain relative path: write it like data/visits.csv"),
    ({"path": "/etc/regions.csv"},
     "path: '/etc/regions.csv' leaves the package or is not a plain relative path: write it like data/visits.csv"),
])
def test_a_table_that_is_not_a_file_in_the_package_is_refused(package, capsys, where, shown):
    def move(descriptor):
        resource(descriptor, "regions").update(where)
    edit_descriptor(package, move)
    key, value = next(iter(where.items()))
    n, line = resource_number(package, "regions"), descriptor_line(package, f'"{key}": ' + (json.dumps(value) if isinstance(value, str) else "["))
    assert reported(capsys, package) == [f"datapackage.json:{line}: resources[{n}].{shown}"]


def test_a_descriptor_without_resources_is_not_valid(package, capsys):
    edit_descriptor(package, lambda d: d.update(resources=[]))
    line = descriptor_line(package, '"resources"')
    assert reported(capsys, package) == [f"datapackage.json:{line}: resources: must be a list of resources, one per table"]


def test_a_field_the_rules_read_renamed_everywhere_is_reported_not_a_crash(package, capsys):
    def rename_field(descriptor):
        next(f for f in resource(descriptor, "regions")["schema"]["fields"] if f["name"] == "country")["name"] = "land"
    edit_descriptor(package, rename_field)
    path = package / "data" / "regions.csv"
    write_rows(path, rename("country", "land")(read_rows(path)))
    n = resource_number(package, "regions")
    lines = (package / "datapackage.json").read_text(encoding="utf-8").splitlines()
    line = next(m for m, text in enumerate(lines, start=1) if m > descriptor_line(package, '"name": "regions"')
                and '"fields": [' in text)
    assert reported(capsys, package) == [
        f"datapackage.json:{line}: resources[{n}].schema.fields: regions lacks the field country, which the semantic "
        "rules (schemas/) read as string: restore it, or change the rules with it"]


def test_every_renderer_escapes_what_a_terminal_or_a_log_would_act_on():
    raw = "'\x1b[2J\u202eevil\n::error::pwned\r' is not one of: a"
    problem = Problem("data/regions.csv", 2, "country", raw, "enum")
    acted_on = ["\x1b", "\u202e", "\r"]
    text = render.text([problem])
    assert text == ("data/regions.csv:2: country: '\\x1b[2J\\u202eevil\\x0a::error::pwned\\x0d' is not one of: a\n")
    document = render.as_json([problem], valid=False)
    assert not any(c in document for c in acted_on)
    assert json.loads(document)["problems"][0]["message"] == raw  # escaped, not lost
    annotation = render.github([problem])
    assert annotation.count("\n") == 1 and not any(c in annotation for c in acted_on)
    assert annotation.startswith("::error file=data/regions.csv,line=2,title=country::'\\x1b[2J\\u202eevil%0A::error::")


# What DESIGN.md says no output may carry raw, written out here (not taken from the code
# under test): C0 and C1 controls and DEL; zero-width characters and marks (U+200B–U+200F);
# line and paragraph separators and bidirectional embeddings and overrides (U+2028–U+202E);
# the word joiner, invisible operators and bidirectional isolates (U+2060–U+206F); the BOM.
ACTED_ON = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010), *range(0x2028, 0x202F),
            *range(0x2060, 0x2070), 0xFEFF]


@pytest.mark.parametrize("code", ACTED_ON, ids=lambda c: f"U+{c:04X}")
def test_each_character_a_terminal_or_log_could_act_on_is_escaped_by_every_renderer(code):
    """One by one, so that dropping any from the list (U+FEFF, a line separator…) fails here."""
    character = chr(code)
    problem = Problem(f"data/{character}.csv", 2, f"c{character}", f"'{character}' is not one of: a", "enum")
    for shown in (render.text([problem]), render.github([problem])):  # one line each, ended by its LF
        assert shown.endswith("\n") and character not in shown[:-1]
    document = render.as_json([problem])
    assert character not in document.replace("\n", "") and (character != "\n" or '\\n' in document)
    assert render.printable(character) != character


def test_the_text_shows_the_first_50_problems_of_a_file_and_counts_the_rest(package, capsys):
    path = package / "data" / "regions.csv"
    rows = read_rows(path)
    at = [rows[0].index("name_en"), rows[0].index("name_ru")]
    write_rows(path, [rows[0]] + [[f"{c} " if n in at else c for n, c in enumerate(row)] for row in rows[1:]])
    every = 2 * (len(rows) - 1)  # two padded names a row
    assert every > 50
    code, lines, _ = validate(capsys, package)
    problems = [line for line in lines if re.match(r"data/regions\.csv:\d+: ", line)]
    assert code == 1 and len(problems) == 50
    assert f"data/regions.csv: and {every - 50} more problems in this file (--format json lists them all)" in lines
    code, lines, _ = validate(capsys, package, "--format", "json")
    assert len([p for p in json.loads("\n".join(lines))["problems"] if p["file"] == "data/regions.csv"]) == every


def test_every_problem_of_a_large_package_with_one_row_in_a_hundred_broken_is_found(package, capsys, monkeypatch):
    """The benchmark's broken package, at 20,000 rows: each broken row is reported, and
    nothing else."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))  # undone after the test
    from validate_speed import grow

    grow(package, 20_000, broken=True)
    code, lines, _ = validate(capsys, package, "--format", "json")
    found = json.loads("\n".join(lines))["problems"]
    broken_lines = {p["line"] for p in found if p["file"] == "data/indicators.csv"}
    assert code == 1 and broken_lines == set(range(52, 20_002, 100))  # rows 50, 150, … are lines 52, 152, …
    assert {p["file"] for p in found} == {"data/indicators.csv"}
