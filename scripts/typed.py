"""Table Schema types, column by column: text cells → typed pyarrow arrays + cell problems.

Each field's type comes from the descriptor alone. Parsing is vectorised: a pyarrow
kernel or numpy over the whole column, never a Python object per cell (frictionless
builds one per cell, which is what made validation slow). The forms are strict, as
DESIGN.md writes them: a date is YYYY-MM-DD and nothing else (pyarrow's strptime would
take 2022-02-30 as 2 March, and frictionless takes 2022-1-5); any date from 0001-01-01
to 9999-12-31 is read, and the rules then judge it. A cell in the schema's
`missingValues` (by default the empty cell) is missing, whatever the type.

    typed = type_table(table)     # typed.values[name], typed.rejected[name], typed.problems
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .package import Table
from .problems import Problem

HINTS = {
    "date": "use YYYY-MM-DD (a month is YYYY-MM-01, a year YYYY-01-01)",
    "number": "write digits, with a dot for decimals and no spaces, units or thousands separators (8000000000, 10.5)",
    "integer": "write whole digits only",
    "year": "write the year in four digits",
    "uri": "write the whole address, starting with https:// (or http://)",
    "email": "write an address like name@example.org",
    "uuid": "write 32 hexadecimal digits in the 8-4-4-4-12 form",
}
NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$"
INTEGER = r"^[+-]?[0-9]{1,18}$"  # beyond 18 digits a 64-bit integer may overflow
YEAR = r"^[0-9]{4}$"
FORMATS = {
    "uri": r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+[^\s]*$",
    "email": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
}
DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass
class Typed:
    """A table's columns as their types; `rejected[name]` marks cells already reported."""
    table: Table
    values: dict[str, pa.Array] = field(default_factory=dict)
    rejected: dict[str, np.ndarray] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def resource(self):
        return self.table.resource

    def line(self, rows) -> list[int]:
        return self.table.lines[rows].tolist()

    def reject(self, name: str, mask: np.ndarray, messages) -> None:
        """Report each cell of column `name` where `mask` (and not yet reported), worded
        by `messages(rows) -> [str]`."""
        fresh = mask & ~self.rejected[name]
        rows = np.flatnonzero(fresh)
        if not len(rows):
            return
        self.rejected[name] |= fresh
        code = getattr(messages, "code", "constraint-error")
        self.problems += [Problem(self.resource.path, line, name, message, code)
                          for line, message in zip(self.line(rows), messages(rows))]


def words(code: str):
    """Decorator: tags a message function with the code of the problems it words."""
    def tag(function):
        function.code = code
        return function
    return tag


def cells(column, rows) -> list:
    """The values of `column` (a pyarrow array, chunked or not) at `rows`, as Python values.
    Taken chunk by chunk: pyarrow's take on a chunked array joins all its chunks first,
    a copy of the whole column (half a gigabyte at a million rows) for a few messages."""
    rows = np.asarray(rows, np.int64)
    if not isinstance(column, pa.ChunkedArray):
        return column.take(pa.array(rows)).to_pylist()
    bounds = np.cumsum([0] + [len(chunk) for chunk in column.chunks])
    which = np.searchsorted(bounds, rows, side="right") - 1
    found = [None] * len(rows)
    for k in np.unique(which):
        at = np.flatnonzero(which == k)
        for i, value in zip(at, column.chunk(int(k)).take(pa.array(rows[at] - bounds[k])).to_pylist()):
            found[i] = value
    return found


def shown(value, limit: int = 60) -> str:
    value = "" if value is None else str(value)
    return value if len(value) <= limit else value[:limit] + "…"


def type_table(table: Table, pool=None) -> Typed:
    """`pool` (an Executor) parses the columns side by side: pyarrow and numpy release the GIL."""
    typed = Typed(table)
    texts = {spec["name"]: table.columns[spec["name"]] if table.rows else pa.chunked_array([], pa.string())
             for spec in table.resource.fields}
    parsed = (pool.map if pool else map)(lambda spec: parse(spec, texts[spec["name"]]), table.resource.fields)
    for spec, (values, bad) in zip(table.resource.fields, parsed):
        name, text = spec["name"], texts[spec["name"]]
        typed.rejected[name] = np.zeros(len(text), bool)
        typed.values[name] = values
        kind = spec.get("format", "default") if spec["type"] == "string" else spec["type"]

        @words("type-error")
        def message(rows, text=text, kind=kind, spec=spec):
            hint = HINTS.get(kind) or boolean_hint(spec)
            article = "an" if kind in ("integer", "email") else "a"  # a uri, a uuid
            return [f"'{shown(v)}' is not {article} {kind}: {hint}" for v in cells(text, rows)]
        typed.reject(name, bad, message)
    return typed


def parse(spec: dict, text) -> tuple[pa.ChunkedArray, np.ndarray]:
    """(typed values, null where missing or bad; mask of the bad cells). `text` is the
    column as read, null where the cell is missing; a string column is its own value."""
    type_ = spec["type"]
    text = text if isinstance(text, pa.ChunkedArray) else pa.chunked_array([text], pa.string())
    present = text.is_valid().to_numpy(zero_copy_only=False)
    if type_ == "string":
        form = FORMATS.get(spec.get("format", "default"))
        bad = np.zeros(len(text), bool) if form is None else ~matches(text, form) & present
        return text, bad
    if type_ == "date":
        parsed = [parse_dates(chunk) for chunk in text.chunks]
        values = pa.chunked_array([v for v, _ in parsed], pa.date32())
        bad = np.concatenate([b for _, b in parsed]) if parsed else np.zeros(0, bool)
        return values, bad & present
    if type_ == "boolean":
        true = pc.is_in(text, value_set=pa.array(spec.get("trueValues", ["true", "True", "TRUE", "1"])))
        false = pc.is_in(text, value_set=pa.array(spec.get("falseValues", ["false", "False", "FALSE", "0"])))
        true, false = true.to_numpy(zero_copy_only=False), false.to_numpy(zero_copy_only=False)
        bad = ~(true | false) & present
        return pa.chunked_array([pa.array(true, pa.bool_(), mask=bad | ~present)]), bad
    form, target = {"integer": (INTEGER, pa.int64()), "year": (YEAR, pa.int64()),
                    "number": (NUMBER, pa.float64())}[type_]
    bad = ~matches(text, form) & present
    clean = pc.utf8_ltrim(pc.if_else(pa.array(bad), pa.scalar(None, pa.string()), text), "+")  # "+5": cast refuses a sign
    numbers = pc.cast(clean, target)
    if type_ == "number":
        infinite = ~np.isfinite(pc.fill_null(numbers, 0.0).to_numpy(zero_copy_only=False))  # 1e999
        if infinite.any():
            bad |= infinite
            numbers = pc.if_else(pa.array(infinite), pa.scalar(None, target), numbers)
    return numbers, bad


def matches(text, pattern: str) -> np.ndarray:
    """Where a cell matches (missing cells: False)."""
    return pc.fill_null(pc.match_substring_regex(text, pattern), False).to_numpy(zero_copy_only=False)


def parse_dates(text: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """YYYY-MM-DD, digit by digit with numpy: the cells of ten bytes are read as a
    table of bytes, so a million dates take milliseconds. (bad: not a date, or missing)"""
    n = len(text)
    lengths = pc.fill_null(pc.binary_length(text), 0).to_numpy(zero_copy_only=False)
    ten = lengths == 10
    days = np.zeros(n, np.int64)
    good = np.zeros(n, bool)
    if ten.any():
        cells = pc.filter(text, pa.array(ten))  # a fresh array: its cells lie end to end in one buffer
        start = np.frombuffer(cells.buffers()[1], np.int32)[cells.offset]
        grid = np.frombuffer(cells.buffers()[2], np.uint8)[start:start + 10 * len(cells)].reshape(-1, 10)
        digits = grid.astype(np.int64) - 48
        numeric = ((digits[:, [0, 1, 2, 3, 5, 6, 8, 9]] >= 0) & (digits[:, [0, 1, 2, 3, 5, 6, 8, 9]] <= 9)).all(axis=1)
        dashes = (grid[:, 4] == 45) & (grid[:, 7] == 45)
        year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
        month = digits[:, 5] * 10 + digits[:, 6]
        day = digits[:, 8] * 10 + digits[:, 9]
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        in_month = DAYS[np.clip(month - 1, 0, 11)] + ((month == 2) & leap)
        ok = numeric & dashes & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= in_month)
        ymd = np.where(ok, year, 1970), np.where(ok, month, 1), np.where(ok, day, 1)
        stamp = ((ymd[0] - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (ymd[1] - 1)).astype(
            "datetime64[D]") + (ymd[2] - 1)
        days[ten] = stamp.astype(np.int64)
        good[ten] = ok
    return pa.array(days.astype(np.int32), pa.date32(), mask=~good), ~good


def boolean_hint(spec: dict) -> str:
    if spec.get("type") != "boolean":
        return f"it must be a {spec.get('type')}"
    values = spec.get("trueValues", ["true"])[:1] + spec.get("falseValues", ["false"])[:1]
    return f"write {' or '.join(values)}"
