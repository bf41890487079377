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
    "uri": "write the whole address, starting with https:// (or http://)",
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
        # a string fails its type only by its format: "not a uri", not "not a string"
        kind = field.get("format", "string") if field.get("type") == "string" else field.get("type")
        hint = TYPE_HINTS.get(kind, f"it must be a {kind}")
        return f"'{cell}' is not a {kind}: {hint}"
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


def explain(error, file: str, lines: Lines, fields: dict[str, dict], key: list[str] = ()) -> Problem:
    """One frictionless error → one Problem (file is the resource's path; key its primary key)."""
    row = getattr(error, "row_number", None)
    line = lines(row)
    if error.type in ("missing-cell", "extra-cell"):
        return Problem(file, line, error.field_name, error.message, error.type)  # merged by merge_ragged
    if error.type == "unique-error":
        first = lines(later_position(error.note))
        return Problem(file, line, error.field_name, f"'{shown(error.cell)}' repeats line {first}: it must be unique", error.type)
    if isinstance(error, errors.CellError):
        return Problem(file, line, error.field_name, cell_message(error, fields.get(error.field_name, {})), error.type)
    if error.type == "primary-key":
        first = lines(later_position(error.note))
        cells = dict(zip(fields, error.cells))  # error.cells is the whole row
        values = ", ".join(shown(cells.get(k)) for k in key)
        return Problem(file, line, None, f"repeats the primary key ({', '.join(key)}: {values}) of line {first}", error.type)
    if error.type == "foreign-key":
        column = ", ".join(error.field_names)
        values = ", ".join(shown(c) for c in error.field_cells)
        target = ", ".join(error.reference_field_names)
        article = "an" if target[:1] in "aeiou" else "a"  # an indicator
        return Problem(file, line, column, f"'{values}' is not {article} {target} in data/{error.reference_name}.csv", error.type)
    if error.type == "blank-row":
        return Problem(file, line, None, "is blank: remove the line", error.type)
    if error.type == "scheme-error" and "No such file" in (error.note or ""):
        return Problem(file, None, None, "is missing: restore it, or remove its resource from datapackage.json", error.type)
    if error.type == "source-error" and "empty" in (error.note or ""):
        return Problem(file, None, None, "is empty: it needs at least the header row", error.type)
    if error.type == "encoding-error":
        return Problem(file, None, None, "cannot be read as UTF-8: save the file as UTF-8", error.type)
    return Problem(file, line, None, error.message, error.type)


def said_elsewhere(error, key: list[str], fields: dict[str, dict]) -> bool:
    """A primary-key error that another error words better, naming the column: a repeated
    one-column key that is `unique` too (unique-error), or a key of empty cells (required)."""
    if error.type != "primary-key":
        return False
    if later_position(error.note) is None:
        return True  # frictionless: 'cells composing the primary keys are all "None"'
    return len(key) == 1 and fields.get(key[0], {}).get("constraints", {}).get("unique", False)


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
        cells = width - count
        kept.append(Problem(problems[0].file, line, None,
                            f"has {cells} cell{'s' * (cells != 1)} where the header has {width}: add the missing commas "
                            "(and quote any cell that contains a comma or a line break)", "missing-cell"))
    for line in extra:
        kept.append(Problem(problems[0].file, line, None,
                            f"has more cells than the header's {width}: quote any cell that contains a comma", "extra-cell"))
    return kept


def header_problems(found: list, fields: dict[str, dict], file: str) -> list[Problem]:
    """What is wrong with a table's header, by column name; [] when nothing is.

    frictionless compares the header position by position, so one missing column reads
    as every later column misplaced; and it reads the rows by position too, so while the
    header is wrong what it says of the rows is noise: the header's problems come alone."""
    header = next((e for e in found if isinstance(e, errors.HeaderError)), None)
    if header is None:
        return []
    labels, names = header.labels, ", ".join(fields)
    problems = []
    for position, label in enumerate(labels):
        if not label:
            problems.append(Problem(file, 1, None, f"the header has an empty column name (column {position + 1}): "
                                                   f"the columns are {names}", "blank-label"))
        elif labels.index(label) < position:
            problems.append(Problem(file, 1, label, f"column '{label}' appears twice in the header", "duplicate-label"))
        elif label not in fields:
            problems.append(Problem(file, 1, label, f"column '{label}' is not in the schema: the columns are {names}",
                                    "extra-label"))
    problems += [Problem(file, 1, name, f"column '{name}' is missing from the header: the columns are {names}",
                         "missing-label") for name in fields if name not in labels]
    if not problems:  # the right names, in another order
        problems = [Problem(file, 1, label, f"the header has '{label}' where the schema has '{name}': "
                                            f"the columns are {names}, in that order (kzuz fmt reorders them)",
                            "incorrect-label") for label, name in zip(labels, fields) if label != name]
    return problems or [Problem(file, 1, None, header.message, header.type)]


def borrowed(error, own_file_unread: bool) -> bool:
    """A file error frictionless reports in a table whose own file it read: it opens the
    tables a foreign key points to and reports their missing or undecodable file again in
    each table that points there. That file's own table reports it."""
    return error.type in ("scheme-error", "encoding-error") and not own_file_unread


def descriptor_problems(descriptor: dict, basepath: str, exception) -> list[tuple[str, str]]:
    """(message, code) for each fault frictionless finds in datapackage.json, saying where.

    frictionless stops at the first fault and names neither the resource nor the field
    that holds it: each resource, then each of its fields, is opened alone to say where."""
    from frictionless import Field, Resource

    found = []
    resources = descriptor.get("resources")
    for number, resource in enumerate(resources if isinstance(resources, list) else [], start=1):
        if not isinstance(resource, dict):
            continue  # the package-level error says it
        where = f"resource '{resource.get('name', number)}'"
        faults = rejected(lambda: Resource.from_descriptor(resource, basepath=basepath))
        if not faults:
            continue
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        in_fields = [(f"{where}, field '{field.get('name', position)}'", e)
                     for position, field in enumerate(fields if isinstance(fields, list) else [], start=1)
                     if isinstance(field, dict) for e in rejected(lambda: Field.from_descriptor(field))]
        said = {e.note for _, e in in_fields}
        found += in_fields + [(where, e) for e in faults if e.note not in said]
    if found:
        return [(f"{where}: {e.note or e.message}", e.type) for where, e in found]
    return [(e.message, e.type) for e in exception.reasons or [exception.error]]


def rejected(open_) -> list:
    """The errors frictionless raises opening a descriptor, [] when it opens."""
    from frictionless import FrictionlessException

    try:
        open_()
    except FrictionlessException as exception:
        return exception.reasons or [exception.error]
    return []
