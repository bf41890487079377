"""The package's tables as the site shows them: every cell's text exactly as the CSV
holds it (what a reader can check against the file), its typed value (for dates and
numbers), the line of every row, and every row's permanent anchor.

An anchor is made of the row's primary key, so it survives rows added or moved
(`row-2022-12-22-allied-relations`); a key with characters outside letters, digits
and '-' has them written as `_XX` bytes, and the parts of a composite key are joined
by '.', so an anchor is a valid id and URL fragment for any key, and never collides.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..package import Package, Resource

PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass
class Rows:
    resource: Resource
    text: dict[str, list[str]]    # field name -> the cells as written ('' when empty)
    values: dict[str, list]       # field name -> typed values (None when empty)
    lines: list[int]              # the line each row starts on in its CSV (header = 1)
    anchors: list[str]

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def name(self) -> str:
        return self.resource.name

    @property
    def title(self) -> str:
        return self.resource.descriptor.get("title") or self.resource.name

    def cell(self, row: int, name: str) -> str:
        return self.text[name][row] if name in self.text else ""


def read_all(package: Package) -> dict[str, Rows]:
    """Every table of the loaded package, in the descriptor's order; it must be valid."""
    return {resource.name: read_rows(package, resource) for resource in package.resources}


def read_rows(package: Package, resource: Resource) -> Rows:
    typed = package.tables[resource.name]
    table = typed.table
    text = {name: [cell or "" for cell in column.to_pylist()] for name, column in table.columns.items()}
    values = {name: array.to_pylist() for name, array in typed.values.items()}
    lines = [int(line) for line in table.lines]
    keys = resource.primary_key or []
    anchors = [anchor(text[k][i] for k in keys) if keys else f"line-{lines[i]}" for i in range(len(lines))]
    return Rows(resource, {f: text[f] for f in resource.field_names}, values, lines, anchors)


def anchor(key) -> str:
    return "row-" + ".".join(encoded(part) for part in key)


def encoded(value: str) -> str:
    return "".join(c if c in PLAIN else "".join(f"_{b:02X}" for b in c.encode("utf-8")) for c in value)
