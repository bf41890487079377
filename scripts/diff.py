"""`kzuz diff OLD NEW`: what changed in the data, row by row, keyed by primary key.

OLD and NEW may each be a package directory, a release zip, or a git ref of the
repository the command runs in (`kzuz diff v0.1.0 HEAD`). Cells are compared as the
text in the CSV, so a change is exactly what a reviewer would see in the file.
From the changes it names the smallest version bump they require (DESIGN.md):
major for a removed or retyped column, a removed table or a changed key; minor for
added rows, columns or tables; patch for corrected values (and removed rows).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .load import load
from .package import Package, listed
from .problems import Failure, json_text, printable

BUMPS = ("none", "patch", "minor", "major")


@dataclass
class TableDiff:
    name: str
    added: list[str] = field(default_factory=list)       # keys, as "a | b" for composite keys
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # key -> column -> [old, new]
    schema: list[str] = field(default_factory=list)      # schema changes, in words


@dataclass
class Diff:
    tables: list[TableDiff]
    bump: str
    reasons: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


# Reading -----------------------------------------------------------------------------

def read(given: str, repo: Path = Path(".")) -> Package:
    """The package GIVEN names (a directory, a release zip or a git ref), loaded, and
    comparable: raises Failure when it is not."""
    return comparable(load(given, repo, judge=False))


def comparable(package: Package) -> Package:
    """PACKAGE, when its descriptor could be read and every table was read whole (a row
    left out would read as removed); otherwise a Failure with what stands in the way. A
    cell that is not of its type is compared as the text it is."""
    if not package.tables_read:
        raise Failure(package.problems)
    unread = {r.path for r in package.resources if r.name not in package.tables
              or not package.tables[r.name].table.complete}
    if unread:
        raise Failure([p for p in package.problems if p.file in unread])
    return package


def rows(package: Package, name: str) -> list[dict[str, str]]:
    """The table's rows as the text of their cells ('' when empty): none for a table not read."""
    typed = package.tables.get(name)
    if typed is None:
        return []
    columns = {field: [cell or "" for cell in column.to_pylist()] for field, column in typed.table.columns.items()}
    return [dict(zip(columns, cells)) for cells in zip(*columns.values())]


def schema(package: Package, name: str) -> dict:
    return package.resource(name).descriptor["schema"]


# Comparing ---------------------------------------------------------------------------

def diff(old: Package, new: Package) -> Diff:
    old_names = [r.name for r in old.resources]
    new_names = [r.name for r in new.resources]
    tables, reasons = [], {}
    for name in new_names:
        if name not in old_names:
            table = TableDiff(name, added=[_key(row, schema(new, name)) for row in rows(new, name)],
                              schema=["table added"])
            reasons.setdefault("minor", []).append(f"table {name} added")
        else:
            table = compare_table(name, old, new, reasons)
        tables.append(table)
    for name in old_names:
        if name not in new_names:
            tables.append(TableDiff(name, removed=[_key(r, schema(old, name)) for r in rows(old, name)],
                                    schema=["table removed"]))
            reasons.setdefault("major", []).append(f"table {name} removed")
    bump = max(reasons, key=BUMPS.index, default="none")
    return Diff(tables, bump, reasons.get(bump, []))


def compare_table(name: str, old: Package, new: Package, reasons: dict) -> TableDiff:
    old_schema, new_schema = schema(old, name), schema(new, name)
    table = TableDiff(name, schema=schema_changes(old_schema, new_schema))
    for change in table.schema:
        level = "minor" if change.startswith("field added") else "major"
        reasons.setdefault(level, []).append(f"{name}: {change}")
    old_rows = keyed(old, name, matching_key(old_schema, new_schema))
    new_rows = keyed(new, name, new_schema)
    table.added = [k for k in new_rows if k not in old_rows]
    table.removed = [k for k in old_rows if k not in new_rows]
    shared = [f["name"] for f in new_schema["fields"] if f["name"] in {g["name"] for g in old_schema["fields"]}]
    for key in (k for k in new_rows if k in old_rows):
        cells = {c: [old_rows[key].get(c) or "", new_rows[key].get(c) or ""] for c in shared
                 if (old_rows[key].get(c) or "") != (new_rows[key].get(c) or "")}
        if cells:
            table.changed[key] = cells
    if table.added:
        reasons.setdefault("minor", []).append(f"{name}: {len(table.added)} row(s) added")
    if table.changed:
        reasons.setdefault("patch", []).append(f"{name}: {len(table.changed)} row(s) corrected")
    if table.removed:
        reasons.setdefault("patch", []).append(f"{name}: {len(table.removed)} row(s) removed")
    return table


def keyed(package: Package, name: str, schema: dict) -> dict[str, dict[str, str]]:
    """key -> row; a key held by two rows is a Failure (one would hide the other's change)."""
    found: dict[str, dict[str, str]] = {}
    for row in rows(package, name):
        key = _key(row, schema)
        if key in found:
            raise Failure.refused([f"{package.source.label}: {name} holds the key {key!r} twice, so its rows cannot "
                                   "be told apart: kzuz validate names the lines"])
        found[key] = row
    return found


def matching_key(old: dict, new: dict) -> dict:
    """The schema whose primary key identifies the old rows: the new one, unless the old
    rows lack one of its fields (a new column became the key) and so cannot be matched."""
    old_fields = {f["name"] for f in old["fields"]}
    return new if set(listed(new.get("primaryKey"))) <= old_fields else old


def schema_changes(old: dict, new: dict) -> list[str]:
    old_fields = {f["name"]: f.get("type", "any") for f in old["fields"]}
    new_fields = {f["name"]: f.get("type", "any") for f in new["fields"]}
    changes = [f"field added: {n} ({t})" for n, t in new_fields.items() if n not in old_fields]
    changes += [f"field removed: {n}" for n in old_fields if n not in new_fields]
    changes += [f"field retyped: {n} ({old_fields[n]} → {t})" for n, t in new_fields.items()
                if n in old_fields and old_fields[n] != t]
    if listed(old.get("primaryKey")) != listed(new.get("primaryKey")):  # "a" and ["a"] say the same
        changes.append(f"primary key changed: {old.get('primaryKey')} → {new.get('primaryKey')}")
    if _foreign_keys(old) != _foreign_keys(new):
        changes.append("foreign keys changed")
    return changes


def _foreign_keys(schema: dict) -> list:
    """Foreign keys with `fields` always lists: "a" and ["a"] say the same."""
    listed = lambda v: [v] if isinstance(v, str) else list(v)  # noqa: E731
    return sorted((listed(k["fields"]), k["reference"].get("resource", ""), listed(k["reference"]["fields"]))
                  for k in schema.get("foreignKeys", []))


def _key(row: dict[str, str], schema: dict) -> str:
    return " | ".join(row.get(k) or "" for k in listed(schema.get("primaryKey"))) or json.dumps(row, ensure_ascii=False)


# Showing -----------------------------------------------------------------------------

def counts(table: TableDiff) -> str:
    return f"{len(table.added)} added, {len(table.removed)} removed, {len(table.changed)} changed"


def as_text(result: Diff) -> str:
    out = []
    for table in result.tables:
        if not (table.added or table.removed or table.changed or table.schema):
            continue
        out.append(f"{table.name}: {counts(table)}")
        out += [f"  schema: {change}" for change in table.schema]
        out += [f"  + {key}" for key in table.added]
        out += [f"  - {key}" for key in table.removed]
        for key, cells in table.changed.items():
            out.append(f"  ~ {key}")
            out += [f"      {column}: {old!r} → {new!r}" for column, (old, new) in cells.items()]
    out.append("no changes" if result.bump == "none" else
               f"smallest version bump required: {result.bump} ({'; '.join(result.reasons)})")
    return "".join(printable(line) + "\n" for line in out)


def as_markdown(result: Diff) -> str:
    out = ["| table | added | removed | changed |", "|---|---:|---:|---:|"]
    out += [f"| `{t.name}` | {len(t.added)} | {len(t.removed)} | {len(t.changed)} |" for t in result.tables]
    for table in result.tables:
        if not (table.added or table.removed or table.changed or table.schema):
            continue
        out += ["", f"### `{table.name}`", ""]
        out += [f"- schema: {change}" for change in table.schema]
        out += [f"- added `{key}`" for key in table.added]
        out += [f"- removed `{key}`" for key in table.removed]
        for key, cells in table.changed.items():
            out.append(f"- changed `{key}`: " + "; ".join(
                f"{column} `{_md(old)}` → `{_md(new)}`" for column, (old, new) in cells.items()))
    out += ["", "No changes." if result.bump == "none" else
            f"Smallest version bump required: **{result.bump}** ({'; '.join(result.reasons)})."]
    return "".join(printable(line) + "\n" for line in out)


def _md(value: str) -> str:
    return value.replace("`", "'").replace("\n", " ").replace("|", "\\|")


def as_json(result: Diff) -> str:
    return json_text(result.to_dict())
