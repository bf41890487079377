"""pandera schemas for the package: each table's Table Schema, expanded, plus the
semantic rules a Table Schema cannot express (one module per table, cross-table
rules in `cross_table`).

    import frictionless, schemas
    package = frictionless.Package("datapackage.json")
    checked = schemas.build(package.to_descriptor(), frames)   # frames: name -> DataFrame
    checked["treaties"].schema.validate(frames["treaties"], lazy=True)
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from . import (cross_table, indicator_definitions, indicators, regional_memoranda, regions, sources,
               treaties, visits)
from .common import common_rules
from .rules import Rule
from .table_schema import from_table_schema

TABLE_RULES = {
    "sources": sources.rules,
    "regions": regions.rules,
    "visits": visits.rules,
    "treaties": treaties.rules,
    "regional_memoranda": regional_memoranda.rules,
    "indicators": indicators.rules,
    "indicator_definitions": indicator_definitions.rules,
}


@dataclass(frozen=True)
class CheckedTable:
    schema: pa.DataFrameSchema
    rules: list[Rule]  # rules[i] is schema.checks[i]


def build(package: dict, frames: dict[str, pd.DataFrame], today: datetime.date | None = None) -> dict[str, CheckedTable]:
    """One pandera schema per resource of `package` (a descriptor dict).

    `frames` are the tables that could be read; cross-table rules that need a table
    missing from it are left out. `today` bounds the dates of things that happened.
    """
    today = today or datetime.date.today()
    built = {}
    for resource in package["resources"]:
        name, table_schema = resource["name"], resource["schema"]
        rules = (common_rules(table_schema) + TABLE_RULES.get(name, lambda *_: [])(package, today)
                 + cross_table.rules(name, package, frames))
        base = from_table_schema(table_schema)
        schema = pa.DataFrameSchema(columns=base.columns, checks=[r.check() for r in rules],
                                    coerce=True, strict=True, name=name)
        built[name] = CheckedTable(schema, rules)
    return built
