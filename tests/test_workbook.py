"""The release's Excel workbook, opened as a journalist's or analyst's tools open it
(openpyxl, pandas): the same values as the CSVs, typed; dates shown at their precision;
a frozen bold header; a README and a Dictionary sheet; no formula anywhere, even where a
cell starts with `=`."""
import datetime
import json

import openpyxl
import pandas as pd
import pytest

from conftest import read_rows, set_cell
from kzuz.about import About
from kzuz.load import load
from kzuz.workbook import build_workbook
from test_release import MINOR, NAME, TITLE, released  # noqa: F401 -- the module's built release

PRECISION_FORMATS = {"day": "yyyy-mm-dd", "month": "yyyy-mm", "year": "yyyy"}


@pytest.fixture(scope="module")
def resources(released) -> list[dict]:  # noqa: F811
    return json.loads((released / "datapackage.json").read_text(encoding="utf-8"))["resources"]


@pytest.fixture(scope="module")
def workbook(released):  # noqa: F811
    return openpyxl.load_workbook(released / "dist" / f"{NAME}-{MINOR}.xlsx")


def as_cell(field: dict, text: str):
    """What a CSV cell must read as in the workbook (openpyxl gives dates as datetimes)."""
    if text == "":
        return None
    return {"date": lambda t: datetime.datetime.fromisoformat(t), "number": float, "integer": int,
            "boolean": lambda t: t == "true"}.get(field["type"], str)(text)


def test_sheets_are_readme_dictionary_then_one_per_table(workbook, resources):
    assert workbook.sheetnames == ["README", "Dictionary", *(r["name"] for r in resources)]


def test_every_value_is_the_csvs_in_openpyxl(workbook, released, resources):  # noqa: F811
    for resource in resources:
        fields = resource["schema"]["fields"]
        rows = read_rows(released / resource["path"])
        sheet = workbook[resource["name"]]
        cells = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert cells[0] == rows[0] == [f["name"] for f in fields]
        expected = [[as_cell(f, text) for f, text in zip(fields, row)] for row in rows[1:]]
        assert [[float(v) if isinstance(v, int) and f["type"] == "number" else v for f, v in zip(fields, row)]
                for row in cells[1:]] == expected, resource["name"]


def test_every_value_is_the_csvs_in_pandas(released, resources):  # noqa: F811
    sheets = pd.read_excel(released / "dist" / f"{NAME}-{MINOR}.xlsx", sheet_name=None)
    for resource in resources:
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        frame = sheets[resource["name"]]
        csv = pd.read_csv(released / resource["path"], dtype=str, keep_default_na=False)
        assert list(frame.columns) == list(csv.columns)
        for name, field in fields.items():
            got = [None if pd.isna(v) else v for v in frame[name]]
            want = [as_cell(field, text) for text in csv[name]]
            if field["type"] == "date":
                got = [v.to_pydatetime() if v is not None else None for v in got]
            assert got == want, (resource["name"], name)


def test_numbers_are_numbers_and_dates_are_dates(workbook):
    sheet = workbook["indicators"]
    header = [c.value for c in sheet[1]]
    value, start = sheet.cell(2, header.index("value") + 1), sheet.cell(2, header.index("period_start") + 1)
    assert value.data_type == "n" and isinstance(value.value, (int, float))
    assert start.is_date and start.number_format == "yyyy-mm-dd"


def test_dates_are_shown_at_the_precision_of_their_row(workbook, resources):
    seen = set()
    for resource in resources:
        sheet = workbook[resource["name"]]
        header = [c.value for c in sheet[1]]
        for field in (f for f in resource["schema"]["fields"] if f["type"] == "date"):
            precision_column = next((p for p in (f"{field['name']}_precision", "date_precision") if p in header), None)
            for row in range(2, sheet.max_row + 1):
                cell = sheet.cell(row, header.index(field["name"]) + 1)
                if cell.value is None:
                    continue
                precision = sheet.cell(row, header.index(precision_column) + 1).value if precision_column else "day"
                assert cell.is_date and cell.number_format == PRECISION_FORMATS[precision], (resource["name"], row)
                seen.add(precision)
    assert {"day", "month", "year"} <= seen  # the fixture has all three


def test_each_table_has_a_frozen_bold_header_and_long_text_wraps(workbook, resources):
    for resource in resources:
        sheet = workbook[resource["name"]]
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        assert not any(cell.font.b for cell in sheet[2])
    quotes = workbook["treaties"]
    column = [c.value for c in quotes[1]].index("source_quote") + 1
    assert quotes.cell(2, column).alignment.wrap_text
    assert not quotes.cell(2, 1).alignment.wrap_text  # a short id does not wrap


def test_no_cell_is_a_formula(workbook):
    assert [(sheet.title, cell.coordinate) for sheet in workbook for row in sheet.iter_rows() for cell in row
            if cell.data_type == "f"] == []


def test_the_readme_sheet_says_what_version_licence_and_citation(workbook, resources):
    lines = {row[0]: row[1] for row in workbook["README"].iter_rows(values_only=True) if row[0]}
    assert workbook["README"]["A1"].value == TITLE
    assert lines["Version"] == MINOR
    assert lines["Licence"].startswith("Creative Commons Attribution 4.0 International (CC-BY-4.0)")
    assert f"{TITLE} (version {MINOR})." in lines["Cite as"]
    for resource in resources:
        assert lines[resource["name"]].startswith(f"{resource['title']}: {resource['description']}")
    assert workbook.properties.title == f"{TITLE} {MINOR}"


def test_the_dictionary_sheet_lists_every_column(workbook, resources):
    rows = list(workbook["Dictionary"].iter_rows(values_only=True))
    assert rows[0] == ("table", "column", "type", "required", "description")
    assert rows[1:] == [(r["name"], f["name"], f["type"], "yes" if f.get("constraints", {}).get("required") else None,
                         f["description"]) for r in resources for f in r["schema"]["fields"]]


ABOUT = About(name="p", title="T", description="D", version="1.0.0", released="2026-02-03", licence="CC-BY-4.0",
              licence_title="Creative Commons Attribution 4.0 International", licence_url=None,
              citation="C (2026). T (version 1.0.0).", cite_request="Cite it.", address=None)


@pytest.mark.parametrize("text", ["=1+1", "+7 (701) 000", "-5", "@SUM(A1)", "=HYPERLINK(\"http://x\")"])
def test_a_cell_that_looks_like_a_formula_is_written_as_text(package, tmp_path, text):
    """The rules refuse such a cell in the data; the workbook must be safe without them."""
    set_cell(package, "regions", "KZ-11", "name_en", text)
    tables = list(load(package).tables.values())
    target = build_workbook(tables, ABOUT, tmp_path / "w.xlsx")
    sheet = openpyxl.load_workbook(target)["regions"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "KZ-11")
    cell = row[[c.value for c in sheet[1]].index("name_en")]
    assert (cell.value, cell.data_type) == (text, "s")


def test_two_workbooks_of_the_same_tables_are_byte_identical(package, tmp_path):
    tables = list(load(package).tables.values())
    first = build_workbook(tables, ABOUT, tmp_path / "a.xlsx").read_bytes()
    assert build_workbook(tables, ABOUT, tmp_path / "b.xlsx").read_bytes() == first
    later = About(**{**ABOUT.__dict__, "released": "2026-02-04"})
    assert build_workbook(tables, later, tmp_path / "c.xlsx").read_bytes() != first  # the date is in it
