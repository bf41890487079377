"""The release's SQLite database: one table per resource, with the Table Schema's column
types, NOT NULL for required fields, its primary and foreign keys and every row, and a
`_metadata` table (key, value) that says what the file is (name, version, release date,
licence, citation) and holds the Data Package descriptor.

    build_database(tables, about, descriptor, dist / "NAME-vX_Y_Z.sqlite")

Built with sqlite-utils' `Database`, the field's library for this, and no SQL written by
hand: the tables are what sqlite-utils and Datasette users expect of one (its column types,
`date` values as ISO text, declared foreign keys that `PRAGMA foreign_key_list` lists and
Datasette draws as links). Its plugins are not run: one installed on the machine could
change what is built. The same tables give the same bytes with the same sqlite-utils (it
writes the schema) and SQLite (it writes its version into the header). The file is written
whole or not at all: built beside `target`, then renamed onto it, so a failure leaves an
existing `target` as it was.
"""
from __future__ import annotations

import itertools
import json
import os
import tempfile
from pathlib import Path

from sqlite_utils import Database

from .about import About, self_description
from .datasette import METADATA_TABLE
from .typed import Typed

# A Table Schema type → the column type sqlite-utils declares. sqlite-utils has no NUMERIC;
# ANY in a table that is not STRICT has NUMERIC affinity (sqlite.org/datatype3.html, 3.1,
# rule 5): a whole number is stored as an integer, 8000000000 as the CSV writes it, and
# 10.5 as a real. REAL would give 8000000000.0.
COLUMN_TYPES = {"string": str, "date": str, "integer": int, "year": int, "boolean": bool, "number": "ANY"}


def build_database(tables: list[Typed], about: About, descriptor: dict, target: Path) -> Path:
    target = Path(target)
    handle, building = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".building")
    os.close(handle)  # an empty file is an empty database to SQLite
    try:
        fill(Path(building), tables, about, descriptor)
        os.chmod(building, 0o644)  # mkstemp's 0600 would keep the published file from its readers
        os.replace(building, target)
    except BaseException:
        os.unlink(building)  # its journal is gone: closing the connection rolled back
        raise
    return target


def fill(path: Path, tables: list[Typed], about: About, descriptor: dict) -> None:
    db = Database(path, execute_plugins=False)
    try:
        with db.atomic():
            for typed in in_reference_order(tables):
                create_table(db, typed)
            for typed in tables:
                names = typed.resource.field_names
                columns = [typed.values[name].to_pylist() for name in names]
                db[typed.resource.name].insert_all(itertools.chain([names], zip(*columns)))
            db[METADATA_TABLE].create({"key": str, "value": str}, pk="key", not_null=["value"])
            described = {**self_description(about), "descriptor": json.dumps(descriptor, ensure_ascii=False, indent=2)}
            db[METADATA_TABLE].insert_all([["key", "value"], *described.items()])
    finally:
        db.close()


def create_table(db: Database, typed: Typed) -> None:
    resource = typed.resource
    db[resource.name].create(
        {f["name"]: COLUMN_TYPES[f["type"]] for f in resource.fields},
        pk=tuple(resource.primary_key) or None,
        not_null=[f["name"] for f in resource.fields if f.get("constraints", {}).get("required")],
        foreign_keys=[(key.fields, key.resource, key.reference) for key in resource.foreign_keys])


def in_reference_order(tables: list[Typed]) -> list[Typed]:
    """The tables in the descriptor's order, except that each comes after those its foreign
    keys refer to: sqlite-utils checks that a referred table and column exist. (Tables that
    refer to each other in a cycle stay in the descriptor's order, and sqlite-utils names
    the key it cannot make.)"""
    waiting, ordered, made = list(tables), [], set()
    while waiting:
        ready = next((typed for typed in waiting if referred(typed) <= made), waiting[0])
        waiting.remove(ready)
        ordered.append(ready)
        made.add(ready.resource.name)
    return ordered


def referred(typed: Typed) -> set[str]:
    return {key.resource for key in typed.resource.foreign_keys} - {typed.resource.name}
