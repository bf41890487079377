"""The package's tables as the site shows them: every cell's text exactly as the CSV
holds it (what a reader can check against the file), its typed value (for dates and
numbers), the line of every row, and every row's permanent anchor.

The columns stay the Arrow arrays the strict reader made: a table of a million rows is
never turned into millions of Python strings. A page takes the rows it shows (`cells`
of a slice), a chart aggregates the arrays (pyarrow), and `cell` reads one value, for
the small tables a page looks rows up in.

An anchor is made of the row's primary key, so it survives rows added or moved
(`row-2022-12-22-allied-relations`); a key with characters outside letters, digits
and '-' has them written as `_XX` bytes, and the parts of a composite key are joined
by '.', so an anchor is a valid id and URL fragment for any key, and never collides.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..package import Package, Resource

PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")
NOT_PLAIN = "[^A-Za-z0-9-]"


@dataclass
class Rows:
    resource: Resource
    text: dict[str, pa.ChunkedArray]    # field name -> the cells as written ('' when empty)
    values: dict[str, pa.ChunkedArray]  # field name -> typed values (null when empty), of the fields not text
    lines: np.ndarray                   # the line each row starts on in its CSV (header = 1)
    anchors: pa.ChunkedArray
    _lists: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def name(self) -> str:
        return self.resource.name

    @property
    def title(self) -> str:
        return self.resource.descriptor.get("title") or self.resource.name

    def cell(self, row: int, name: str) -> str:
        return self.text[name][row].as_py() if name in self.text else ""

    def value(self, row: int, name: str):
        return self.values[name][row].as_py() if name in self.values else None

    def anchor(self, row: int) -> str:
        return self.anchors[row].as_py()

    def line(self, row: int) -> int:
        return int(self.lines[row])

    def column(self, name: str) -> list[str]:
        """A whole column as Python strings, kept: for the tables rows are looked up in."""
        if name not in self._lists:
            self._lists[name] = self.text[name].to_pylist() if name in self.text else [""] * len(self)
        return self._lists[name]

    def slice(self, start: int, stop: int) -> dict[str, pa.ChunkedArray]:
        """The text of rows START to STOP (not included), by field: what one page shows."""
        return {name: column.slice(start, stop - start) for name, column in self.text.items()}


def read_all(package: Package) -> dict[str, Rows]:
    """Every table of the loaded package, in the descriptor's order; it must be valid."""
    return {resource.name: read_rows(package, resource) for resource in package.resources}


def read_rows(package: Package, resource: Resource) -> Rows:
    typed = package.tables[resource.name]
    table = typed.table
    text = {name: table.columns[name].fill_null("") if table.columns[name].null_count else table.columns[name]
            for name in resource.field_names if name in table.columns}
    lines = np.asarray(table.lines, dtype=np.int64)
    # a text field's typed values are its cells with nulls: kept, they would hold a second copy
    # of every column that has an empty cell (notes: 200 MB at a million rows)
    values = {f["name"]: typed.values[f["name"]] for f in resource.fields
              if f.get("type", "string") != "string" and f["name"] in typed.values}
    return Rows(resource, text, values, lines, anchors_of(text, resource.primary_key or [], lines))


def anchors_of(text: dict[str, pa.ChunkedArray], keys: list[str], lines: np.ndarray) -> pa.ChunkedArray:
    """Every row's anchor, a column at a time: only the key cells with a character outside
    PLAIN go through `encoded` one by one."""
    if not keys:
        return pa.chunked_array([pa.array([f"line-{n}" for n in lines.tolist()], pa.string())])
    parts = []
    for key in keys:
        column = text[key].combine_chunks() if key in text else pa.array([""] * len(lines), pa.string())
        odd = pc.match_substring_regex(column, NOT_PLAIN)
        if pc.any(odd).as_py():
            column = pc.replace_with_mask(column, odd, pa.array([encoded(v) for v in column.filter(odd).to_pylist()],
                                                                 pa.string()))
        parts.append(column)
    return pa.chunked_array([pc.binary_join_element_wise("row-", pc.binary_join_element_wise(*parts, "."), "")])


def encoded(value: str) -> str:
    return "".join(c if c in PLAIN else "".join(f"_{b:02X}" for b in c.encode("utf-8")) for c in value)
