"""frictionless errors in plain words, as Problems with lines and columns.

frictionless's own messages name row positions and constraint internals
("constraint "enum" is "[...]""); contributors need the line, the column, the value
and what to write instead.
"""
from __future__ import annotations

import re

from frictionless import errors

from .csv_files import Lines
from .problems import Problem

# A file with one of these cannot be read row by row with confidence: its rows are
# left out of the semantic rules (the error itself is reported).
STRUCTURAL = {"encoding-error", "scheme-error", "source-error", "format-error", "resource-error",
              "extra-label", "missing-label", "incorrect-label", "duplicate-label", "blank-label",
              "blank-header", "unclosed-quote", "encoding"}

TYPE_HINTS = {
    "date": "use YYYY-MM-DD (a month is YYYY-MM-01, a year YYYY-01-01)",
    "number": "write digits, with a dot for decimals and no spaces, units or thousands separators (8000000000, 10.5)",
    "integer": "write whole digits only",
}


def shown(value, limit: int = 60) -> str:
    value = "" if value is None else str(value)
    return value if len(value) <= limit else value[:limit] + "…"


def constraint(note: str) -> tuple[str, str]:
    match = re.match(r'constraint "(\w+)" is "(.*)"', note or "", re.S)
    return match.groups() if match else ("", "")


def cell_message(error, field: dict) -> str:
    cell = shown(error.cell)
    if error.type == "type-error":
        hint = TYPE_HINTS.get(field.get("type"), f"it must be a {field.get('type')}")
        return f"'{cell}' is not a {field.get('type')}: {hint}"
    name, value = constraint(error.note)
    if name == "required":
        return "is empty, but every row needs it"
    if name == "enum":
        return f"'{cell}' is not one of: {', '.join(field['constraints']['enum'])}"
    if name == "pattern":
        return f"'{cell}' does not have the form {value} ({field.get('description', '').rstrip('.')})"
    if name == "maxLength":
        return f"is {len(str(error.cell))} characters long; at most {value} are allowed"
    if name == "minLength":
        return f"is {len(str(error.cell))} characters long; at least {value} are needed"
    if name == "minimum":
        return f"{cell} is below the minimum, {value}"
    if name == "maximum":
        return f"{cell} is above the maximum, {value}"
    return error.message


def later_position(note: str) -> int | None:
    match = re.search(r"row at position \"?(\d+)", note or "")
    return int(match.group(1)) if match else None


def explain(error, file: str, lines: Lines, fields: dict[str, dict]) -> Problem:
    """One frictionless error → one Problem (file is the resource's path)."""
    names = ", ".join(fields)
    row = getattr(error, "row_number", None)
    line = lines(row)
    if error.type in ("missing-cell", "extra-cell"):
        return Problem(file, line, error.field_name, error.message, error.type)  # merged by merge_ragged
    if error.type == "unique-error":
        first = lines(later_position(error.note))
        return Problem(file, line, error.field_name, f"'{shown(error.cell)}' repeats line {first}: it must be unique", error.type)
    if isinstance(error, errors.CellError):
        return Problem(file, line, error.field_name, cell_message(error, fields.get(error.field_name, {})), error.type)
    if isinstance(error, errors.LabelError):
        return Problem(file, 1, error.label or error.field_name, _label_message(error, fields, names), error.type)
    if error.type == "primary-key":
        first = lines(later_position(error.note))
        return Problem(file, line, None, f"repeats the primary key ({', '.join(map(shown, error.cells))}) of line {first}", error.type)
    if error.type == "foreign-key":
        column = ", ".join(error.field_names)
        values = ", ".join(shown(c) for c in error.field_cells)
        target = ", ".join(error.reference_field_names)
        return Problem(file, line, column, f"'{values}' is not a {target} in data/{error.reference_name}.csv", error.type)
    if error.type == "blank-row":
        return Problem(file, line, None, "is blank: remove the line", error.type)
    if error.type == "scheme-error" and "No such file" in (error.note or ""):
        return Problem(file, None, None, "is missing: restore it, or remove its resource from datapackage.json", error.type)
    if error.type == "source-error" and "empty" in (error.note or ""):
        return Problem(file, None, None, "is empty: it needs at least the header row", error.type)
    if error.type == "encoding-error":
        return Problem(file, None, None, "cannot be read as UTF-8: save the file as UTF-8", error.type)
    return Problem(file, line, None, error.message, error.type)


def merge_ragged(problems: list[Problem], width: int) -> list[Problem]:
    """A row with too few or too many cells is one problem, not one per cell: its
    other cells are shifted, so what frictionless says of them is noise."""
    missing: dict[int, int] = {}
    for p in problems:
        if p.code == "missing-cell":
            missing[p.line] = missing.get(p.line, 0) + 1
    extra = {p.line for p in problems if p.code == "extra-cell"}
    kept = [p for p in problems if p.line not in missing and p.line not in extra]
    for line, count in missing.items():
        kept.append(Problem(problems[0].file, line, None,
                            f"has {width - count} cells where the header has {width}: add the missing commas "
                            "(and quote any cell that contains a comma or a line break)", "missing-cell"))
    for line in extra:
        kept.append(Problem(problems[0].file, line, None,
                            f"has more cells than the header's {width}: quote any cell that contains a comma", "extra-cell"))
    return kept


def _label_message(error, fields: dict, names: str) -> str:
    label = error.label
    if error.type == "extra-label":
        if label in fields:
            return f"column '{label}' appears twice in the header"
        return f"column '{label}' is not in the schema: the columns are {names}"
    if error.type == "missing-label":
        return f"column '{error.field_name}' is missing from the header: the columns are {names}"
    if error.type == "incorrect-label":
        return (f"the header has '{label}' where the schema has '{error.field_name}': the columns are {names}, "
                "in that order (kzuz fmt reorders them)")
    if error.type in ("blank-label", "blank-header"):
        return f"the header has an empty column name: the columns are {names}"
    return error.message
