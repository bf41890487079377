"""The corpus of broken packages: each is the shipped package with one edit, the way a
contributor (or a spreadsheet) would break it, run through `kzuz validate` itself.

Each case asserts exit code 1, nothing on stderr (so no traceback), and every problem
line `kzuz validate` prints, exactly: the line in the file, the column and the words.
Lines are lines of the shipped CSVs (header = 1). `kzuz fmt` runs over the corpus too:
whatever it is given, it must not crash, and must not lose a value.
"""
import codecs
import csv
import io
import json
from collections import Counter

import pytest

from conftest import (FIXTURE_DATA, ROOT, TODAY, edit_bytes, edit_descriptor, fixture_descriptor, on_line, read_rows,
                      resource, set_cell, write_rows)
from kzuz.cli import main
from kzuz.fmt import format_package
from kzuz.load import load
from kzuz.validate import validate

YYYY_MM_DD = "use YYYY-MM-DD (a month is YYYY-MM-01, a year YYYY-01-01)"
ADD_COMMAS = "add the missing commas (and quote any cell that contains a comma)"
TRIMMED = "has white space at its start or end: remove it (kzuz fmt does)"
DOC_TYPES = "treaty, agreement, memorandum, declaration, joint_statement, strategy, programme, action_plan, roadmap, contract"
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


def columns(table: str) -> str:
    """The columns of `table` as a message lists them: from the descriptor, not a copy of it."""
    return ", ".join(f["name"] for f in resource(DESCRIPTOR, table)["schema"]["fields"])


VISIT_COLUMNS, SOURCE_COLUMNS, TREATY_COLUMNS, INDICATOR_COLUMNS = map(columns, ("visits", "sources", "treaties",
                                                                              "indicators"))

CASES = []


def descriptor_line(text: str, after: str) -> int:
    """The line of the first `text` after `after` in the descriptor as the editors write it."""
    lines = json.dumps(fixture_descriptor(), ensure_ascii=False, indent=2).splitlines()
    start = next(n for n, line in enumerate(lines) if after in line)
    return next(n for n, line in enumerate(lines[start:], start=start + 1) if text in line)


def case(*expected: str):
    """Registers the decorated edit as a broken package, with the lines validate must print."""
    def register(edit):
        CASES.append(pytest.param(edit, list(expected), id=edit.__name__))
        return edit
    return register


# Editors -----------------------------------------------------------------------------


def edit_rows(package, table: str, change) -> None:
    path = package / "data" / f"{table}.csv"
    write_rows(path, change(read_rows(path)))


# Bytes: encoding, line ends, NUL --------------------------------------------------------

@case("data/regions.csv:1: starts with a byte-order mark (BOM): save as UTF-8 without BOM (kzuz fmt fixes this)")
def bom(package):
    edit_bytes(package, "regions", lambda raw: codecs.BOM_UTF8 + raw)


# 'К' of 'Казахстан', the first letter that is not ASCII, is 0xCA in Windows-1251
@case("data/sources.csv:2: is not UTF-8 (byte 0xCA cannot be read): save the file as UTF-8")
def windows_1251(package):
    edit_bytes(package, "sources", lambda raw: raw.decode("utf-8").encode("cp1251"))


@case("data/regions.csv:16: is not UTF-8 (byte 0xE9 cannot be read): save the file as UTF-8")
def latin_1(package):
    edit_bytes(package, "regions", on_line(16, lambda line: line.replace(b"Turkistan Region", "Turkistan Région".encode("latin-1"))))


@case("data/visits.csv:1: ends its lines with CRLF (Windows): save with LF line ends (kzuz fmt fixes this)")
def crlf(package):
    edit_bytes(package, "visits", lambda raw: raw.replace(b"\n", b"\r\n"))


@case("data/sources.csv:3: notes: contains U+0000 (NULL) at character 6, a control character: remove it")
def nul_byte(package):
    edit_bytes(package, "sources", on_line(3, lambda line: line.replace(b"Unsigned", b"Unsig\0ned", 1)))


# Rows and quotes --------------------------------------------------------------------------

@case(f"data/treaties.csv:10: has 14 cells where the header has 15: {ADD_COMMAS}")
def ragged_row(package):
    edit_rows(package, "treaties", lambda rows: rows[:9] + [rows[9][:-1]] + rows[10:])


# no later quote in the file closes it: the rest of the file would be one cell
@case('data/treaties.csv:28: has a quoted cell that is never closed: add the closing "')
def unclosed_quote(package):
    edit_bytes(package, "treaties", on_line(28, lambda line: line.replace(b",Adopted by", b',"Adopted by', 1)))


# frictionless reads "Almaty" Region as Almaty Region without a word; kzuz fmt refuses it
@case('data/regions.csv:5: has a quoted cell with text after its closing quote: quote the whole cell, '
      'doubling each " inside it')
def text_after_a_closing_quote(package):
    edit_bytes(package, "regions", on_line(5, lambda line: line.replace(b",Almaty Region,", b',"Almaty" Region,', 1)))


@case("data/treaties.csv:5: has no values: remove the line (kzuz fmt does)")
def blank_line(package):
    edit_bytes(package, "treaties", on_line(5, lambda line: b"\n" + line))


@case("data/regional_memoranda.csv: is empty: it needs at least the header row")
def empty_file(package):
    (package / "data" / "regional_memoranda.csv").write_bytes(b"")


# A table of no rows breaks no rule by itself (an empty treaties.csv is valid: test_cli).
# Emptied, indicator_definitions leaves every indicator defined by nothing: each row of
# indicators.csv fails its foreign key, and each is reported.
INDICATORS = read_rows(FIXTURE_DATA / "indicators.csv")


@case(*[f"data/indicators.csv:{line}: indicator: '{row[0]}' is not an indicator in data/indicator_definitions.csv"
        for line, row in enumerate(INDICATORS[1:], start=2)])
def header_only(package):
    edit_rows(package, "indicator_definitions", lambda rows: rows[:1])


# The header ------------------------------------------------------------------------------

@case(f"data/visits.csv:1: city: column 'city' is missing from the header: the columns are {VISIT_COLUMNS}")
def missing_column(package):
    edit_rows(package, "visits", lambda rows: [[c for c, name in zip(row, rows[0]) if name != "city"] for row in rows])


@case(f"data/sources.csv:1: doi: column 'doi' is not in the schema: the columns are {SOURCE_COLUMNS}")
def extra_column(package):
    edit_rows(package, "sources", lambda rows: [rows[0] + ["doi"]] + [row + [""] for row in rows[1:]])


@case("data/treaties.csv:1: title_en: column 'title_en' appears twice in the header",
      f"data/treaties.csv:1: title_original: column 'title_original' is missing from the header: "
      f"the columns are {TREATY_COLUMNS}")
def duplicated_column(package):
    edit_rows(package, "treaties", lambda rows: [[("title_en" if c == "title_original" else c) for c in rows[0]]] + rows[1:])


@case(f"data/indicators.csv:1: period_end: the header has 'period_end' where the schema has 'period_start': "
      f"the columns are {INDICATOR_COLUMNS}, in that order (kzuz fmt reorders them)",
      f"data/indicators.csv:1: period_start: the header has 'period_start' where the schema has 'period_end': "
      f"the columns are {INDICATOR_COLUMNS}, in that order (kzuz fmt reorders them)")
def reordered_columns(package):
    edit_rows(package, "indicators", lambda rows: [[row[0], row[2], row[1], *row[3:]] for row in rows])


# Keys -----------------------------------------------------------------------------------

@case("data/regional_memoranda.csv:7: repeats the primary key (memorandum_id, uz_region, kz_region: "
      "2022-12-navoiy-kyzylorda, UZ-NW, KZ-43) of line 2")
def duplicate_primary_key(package):
    edit_rows(package, "regional_memoranda", lambda rows: rows + [rows[1]])


@case("data/regional_memoranda.csv:6: uz_region: 'UZ-XX' is not a region_code in data/regions.csv")
def foreign_key_to_nothing(package):
    set_cell(package, "regional_memoranda", "2025-11-tashkent-astana", "uz_region", "UZ-XX")


@case("data/indicators.csv:18: source_id: 'toyirov-2024' is not a source_id in data/sources.csv")
def unknown_source_id(package):
    set_cell(package, "indicators", "joint-projects-value", "source_id", "toyirov-2024")


# the id is rejected by its form; the rule that it starts with its date reads it, and is quiet
@case("data/visits.csv:7: visit_id: '2021-11-Forum Turkestan' does not have the form ^[a-z0-9]+(-[a-z0-9]+)*$ "
      "(Identifier: the start date at its precision, then a slug, e.g. `2022-12-21-state-visit-tokayev`)")
def non_slug_id(package):
    set_cell(package, "visits", "2021-11-interregional-forum-turkestan", "visit_id", "2021-11-Forum Turkestan")


# Dates ----------------------------------------------------------------------------------

@case(f"data/sources.csv:2: published_date: '2022-13-01' is not a date: {YYYY_MM_DD}")
def month_13(package):
    set_cell(package, "sources", "akmalov-2022", "published_date", "2022-13-01")


@case(f"data/treaties.csv:9: signed_date: '22.12.2022' is not a date: {YYYY_MM_DD}")
def day_month_year_with_dots(package):
    set_cell(package, "treaties", "2022-12-22-border-demarcation", "signed_date", "22.12.2022")


@case(f"data/indicators.csv:2: period_end: '2022-12' is not a date: {YYYY_MM_DD}")
def month_without_day(package):
    set_cell(package, "indicators", "agreements-reached", "period_end", "2022-12")


@case("data/visits.csv:6: end_date: 2021-07-14 is before start_date 2021-07-15")
def end_before_start(package):
    set_cell(package, "visits", "2021-07-15-central-south-asia-conference", "end_date", "2021-07-14")


@case("data/regional_memoranda.csv:2: signed_date: 2022-12-21 has month precision but is not the 1st of the month: "
      "store a month as YYYY-MM-01")
def month_not_on_the_first(package):
    set_cell(package, "regional_memoranda", "2022-12-navoiy-kyzylorda", "signed_date", "2022-12-21")


# Values ---------------------------------------------------------------------------------

@case(f"data/treaties.csv:5: doc_type: 'pact' is not one of: {DOC_TYPES}")
def unknown_enum_value(package):
    set_cell(package, "treaties", "2017-03-23-economic-cooperation-strategy-2017-2019", "doc_type", "pact")


@case("data/treaties.csv:3: title_en: starts with '=', which a spreadsheet runs as a formula: reword the cell")
def formula_equals(package):
    set_cell(package, "treaties", "1998-10-31-eternal-friendship", "title_en", "=Treaty on Eternal Friendship")


@case("data/sources.csv:5: notes: starts with '+', which a spreadsheet runs as a formula: reword the cell")
def formula_plus(package):
    set_cell(package, "sources", "toyirov-2025", "notes", "+998 71 000 00 00")


@case("data/indicators.csv:19: notes: starts with '-', which a spreadsheet runs as a formula: reword the cell")
def formula_minus(package):
    set_cell(package, "indicators", "kambarata-hpp-1-capacity", "notes", "-see the source")


@case("data/visits.csv:11: visitor: starts with '@', which a spreadsheet runs as a formula: reword the cell")
def formula_at(package):
    set_cell(package, "visits", "2025-11-14-state-visit-tokayev", "visitor", "@Tokayev")


@case(f"data/regions.csv:2: name_en: {TRIMMED}")
def leading_space(package):
    set_cell(package, "regions", "KZ-10", "name_en", " Abai Region")


@case(f"data/indicator_definitions.csv:2: name_en: {TRIMMED}")
def trailing_space(package):
    set_cell(package, "indicator_definitions", "agreements-reached", "name_en", "Agreements reached ")


@case("data/indicators.csv:9: value: -611300000 usd is negative: only a percentage change can be")
def negative_amount(package):
    set_cell(package, "indicators", "contracts-value", "value", "-611300000")


@case("data/indicators.csv:20: value: 110.5 percent is outside -100 to 100")
def percent_out_of_range(package):
    set_cell(package, "indicators", "kz-share-of-uz-foreign-trade", "value", "110.5")


@case("data/treaties.csv:15: source_quote: is empty, but every row needs it")
def empty_source_quote(package):
    set_cell(package, "treaties", "2023-01-kambarata-hpp-1-roadmap", "source_quote", "")


@case(f"data/sources.csv:4: notes: is {2 ** 20} characters long; at most 2000 are allowed")
def one_megabyte_cell(package):
    set_cell(package, "sources", "kisi-2025-auelbayev", "notes", "я" * 2 ** 20)


# datapackage.json -----------------------------------------------------------------------

@case("""datapackage.json:2: is not valid JSON: Expecting ':' delimiter (column 10)""")
def descriptor_not_json(package):
    path = package / "datapackage.json"
    path.write_bytes(path.read_bytes().replace(b'"name": ', b'"name" ', 1))


# "–" is 0x96 in Windows-1251; the first is on line 3, in the title
@case("datapackage.json:3: is not UTF-8 (byte 0x96 cannot be read): save it as UTF-8")
def descriptor_not_utf_8(package):
    path = package / "datapackage.json"
    path.write_bytes(path.read_bytes().replace("–".encode("utf-8"), "–".encode("cp1251"), 1))


@case("data/source.csv: is missing: restore it, or remove its resource from datapackage.json")
def descriptor_names_a_missing_file(package):
    edit_descriptor(package, lambda d: resource(d, "sources").update(path="data/source.csv"))


VISITS = [r["name"] for r in DESCRIPTOR["resources"]].index("visits")
VISIT_FIELDS = descriptor_line('"fields": [', '"name": "visits"')


@case(f"datapackage.json:{VISIT_FIELDS}: resources[{VISITS}].schema.fields: visits lacks the field host_country, which "
      "the semantic rules (schemas/) read as string: restore it, or change the rules with it")
def descriptor_and_file_lack_a_column_the_rules_read(package):
    edit_descriptor(package, lambda d: resource(d, "visits")["schema"].update(
        fields=[f for f in resource(d, "visits")["schema"]["fields"] if f["name"] != "host_country"]))
    rows = read_rows(package / "data" / "visits.csv")
    at = rows[0].index("host_country")
    write_rows(package / "data" / "visits.csv", [row[:at] + row[at + 1:] for row in rows])

# The corpus -----------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def not_in_github_actions(monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)  # annotations would come before the text


def test_the_corpus_covers_every_kind_of_breakage_at_least_30():
    assert len(CASES) >= 30


def test_the_fixture_package_is_valid(package):
    assert validate(load(package), today=TODAY).problems == []  # so each case's problems are its edit's


@pytest.mark.parametrize("edit, expected", CASES)
def test_each_broken_package_is_reported_exactly_and_exits_1(package, capsys, edit, expected):
    edit(package)
    code = main(["validate", str(package)])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    *problems, summary = out.splitlines()
    assert problems == expected
    assert summary.startswith(f"invalid: {len(expected)} problem{'s' * (len(expected) != 1)} in 1 file")


@pytest.mark.parametrize("edit, fix", [
    (windows_1251, "save the file as UTF-8"),
    (latin_1, "save the file as UTF-8"),
    (descriptor_not_utf_8, "save it as UTF-8"),
    (month_13, "use YYYY-MM-DD"),
    (day_month_year_with_dots, "use YYYY-MM-DD"),
    (month_without_day, "use YYYY-MM-DD"),
    (crlf, "save with LF line ends"),
    (bom, "save as UTF-8 without BOM"),
], ids=lambda value: getattr(value, "__name__", value))
def test_the_common_problems_say_how_to_fix_them(package, edit, fix):
    edit(package)
    found = validate(load(package), today=TODAY).problems
    assert found and all(fix in problem.message for problem in found)


# kzuz fmt over the corpus ----------------------------------------------------------------

def rows_by_column(raw: bytes) -> Counter:
    """Each row that holds a value, as (column, trimmed value) pairs: what fmt must keep,
    in whatever order of rows and columns."""
    header, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig").replace("\r\n", "\n"), newline=""))
    header = [name.strip() for name in header]
    return Counter(tuple(sorted(zip(header, (cell.strip() for cell in row)))) for row in rows
                   if any(cell.strip() for cell in row))


@pytest.mark.parametrize("edit, expected", CASES)
def test_fmt_on_a_broken_package_neither_crashes_nor_loses_a_value(package, edit, expected):
    edit(package)
    before = {path: path.read_bytes() for path in (package / "data").glob("*.csv")}
    report = format_package(package)
    for path, raw in before.items():
        if path.read_bytes() != raw:
            assert path.relative_to(package).as_posix() in report.changed
            assert rows_by_column(path.read_bytes()) == rows_by_column(raw)


# each problem that says kzuz fmt fixes it: after kzuz fmt, the package is valid again
@pytest.mark.parametrize("edit, expected", [c for c in CASES if all("kzuz fmt" in line for line in c.values[1])])
def test_what_validate_says_fmt_fixes_fmt_fixes(package, edit, expected):
    edit(package)
    format_package(package)
    assert validate(load(package), today=TODAY).problems == []
