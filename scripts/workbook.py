"""The release as one Excel workbook, for the people who open data in a spreadsheet.

A first sheet "README" (what it is, version, licence, how to cite, one line per table),
a "Dictionary" sheet (every column, its type and description), then one sheet per
resource in the descriptor's order: a bold, frozen header; dates as Excel dates shown at
their precision (`2022-12` for a month, `2022` for a year); numbers as numbers; long
text wrapped. Every text cell is written as text, so a cell starting with `=`, `+`, `-`
or `@` is never a formula.

Written with xlsxwriter in memory, which stamps every part of the file 1980-01-01; the
document's creation date is the release date. So a rebuild gives the same bytes.

The sheets' names are stated here once, and `kzuz validate` (descriptor.py) refuses a table
whose sheet would take a name already taken, so a valid package always has a workbook.
"""
from __future__ import annotations

import datetime
import re
from pathlib import Path

from typing import TYPE_CHECKING

from .fields import precision_columns

if TYPE_CHECKING:
    from .about import About

DATE_FORMATS = {"day": "yyyy-mm-dd", "month": "yyyy-mm", "year": "yyyy"}
FIRST_EXCEL_DATE = datetime.date(1900, 3, 1)  # earlier dates Excel cannot show (or gets wrong: 1900 leap year)
WIDEST = 60          # characters: a column with longer text is this wide and wraps
SHEET_NAME = 31      # Excel's limit on a sheet's name
README_SHEET, DICTIONARY_SHEET = "README", "Dictionary"  # the sheets before the tables'
# Excel keeps this name for the change history of a shared workbook and lets no sheet
# take it; xlsxwriter does not know, and would write one.
RESERVED_SHEETS = ("History",)
OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def build_workbook(tables: list, about: About, target: Path) -> Path:
    import xlsxwriter  # imported late: `kzuz validate` reads this module's sheet names, not its writer

    workbook = xlsxwriter.Workbook(str(target), OPTIONS)
    workbook.set_properties({"title": f"{about.title} {about.version}", "subject": about.description,
                             "comments": about.citation, "keywords": about.licence,
                             "created": datetime.datetime.fromisoformat(about.released)})
    for name, value in (("Version", about.version), ("Licence", about.licence)):
        workbook.set_custom_property(name, value)
    styles = {"bold": workbook.add_format({"bold": True}), "wrap": workbook.add_format({"text_wrap": True,
                                                                                        "valign": "top"}),
              **{precision: workbook.add_format({"num_format": shown}) for precision, shown in DATE_FORMATS.items()}}
    write_text_sheet(workbook.add_worksheet(README_SHEET), readme_rows(about, tables), styles, freeze=False)
    write_text_sheet(workbook.add_worksheet(DICTIONARY_SHEET), dictionary_rows(tables), styles, freeze=True)
    for typed in tables:
        resource = typed.resource
        write_table(workbook.add_worksheet(sheet_name(resource.name)), typed, styles)
    workbook.close()
    return target


def sheet_name(name: str) -> str:
    """The sheet of the table `name`. Excel compares sheet names ignoring case."""
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:SHEET_NAME]


def readme_rows(about: About, tables: list) -> list[list]:
    rows = [[about.title, ""], [about.description, ""], ["", ""],
            ["Version", about.version], ["Released", about.released], ["Licence", about.licence_line],
            ["Cite as", about.citation], ["", about.cite_request]]
    if about.address:
        rows.append(["Repository", about.address])
    rows += [["", ""], ["Sheet", "What one row is"], [DICTIONARY_SHEET, "a column of a table: its type and meaning"]]
    for typed in tables:
        resource = typed.resource.descriptor
        rows.append([sheet_name(resource["name"]), f"{resource.get('title', resource['name'])}: "
                     f"{resource.get('description', '')} ({typed.table.rows} rows)"])
    return rows


def dictionary_rows(tables: list) -> list[list]:
    return [["table", "column", "type", "required", "description"]] + [[typed.resource.name, field["name"], field["type"],
             "yes" if field.get("constraints", {}).get("required") else "", field.get("description", "")]
            for typed in tables for field in typed.resource.fields]


def write_text_sheet(sheet, rows: list[list[str]], styles: dict, freeze: bool) -> None:
    """A sheet of text: the first row bold, long text wrapped."""
    for col in range(len(rows[0])):
        width = longest([row[col] for row in rows])
        sheet.set_column(col, col, min(width, WIDEST) + 2, styles["wrap"] if width > WIDEST else None)
    for row, cells in enumerate(rows):
        for col, value in enumerate(cells):
            if value:  # an empty cell stays empty, not an empty string
                sheet.write_string(row, col, value, styles["bold"] if row == 0 else None)
    if freeze:
        sheet.freeze_panes(1, 0)


def write_table(sheet, typed, styles: dict) -> None:
    fields = typed.resource.fields
    columns = {f["name"]: typed.values[f["name"]].to_pylist() for f in fields}
    precisions = precision_columns(fields)
    for col, field in enumerate(fields):
        name, values = field["name"], columns[field["name"]]
        width = max(len(name), longest(values))
        sheet.set_column(col, col, min(width, WIDEST) + 2, styles["wrap"] if width > WIDEST else None)
        sheet.write_string(0, col, name, styles["bold"])
        precision = columns.get(precisions.get(name)) or ["day"] * len(values)
        for row, value in enumerate(values, start=1):
            write_cell(sheet, row, col, value, styles[precision[row - 1] or "day"])
    sheet.freeze_panes(1, 0)


def write_cell(sheet, row: int, col: int, value, date_style) -> None:
    """A cell as its type; text always as text (xlsxwriter's write() would read `=…` as a formula)."""
    if value is None or value == "":
        return  # an empty cell: nothing written
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime.date) and value >= FIRST_EXCEL_DATE:
        sheet.write_datetime(row, col, value, date_style)
    else:
        sheet.write_string(row, col, value.isoformat() if isinstance(value, datetime.date) else str(value))


def longest(values: list) -> int:
    return max((len(str(v)) for v in values if v is not None), default=0)
