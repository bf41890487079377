"""Rules every table keeps, derived from its Table Schema rather than listed by hand.

(Text cells are checked with the other cell constraints, in scripts/constraints.py.)
"""
from __future__ import annotations

from .rules import Rule, not_before_1991, precision_rules
from .table_schema import fields_of_type


def precision_column(table_schema: dict, date_column: str) -> str | None:
    """`signed_date` is qualified by `signed_date_precision`; a table with one shared
    `date_precision` (visits) qualifies all its dates with it."""
    names = {f["name"] for f in table_schema["fields"]}
    for candidate in (f"{date_column}_precision", "date_precision"):
        if candidate in names:
            return candidate
    return None


def common_rules(table_schema: dict) -> list[Rule]:
    rules: list[Rule] = []
    for column in fields_of_type(table_schema, "date"):
        precision = precision_column(table_schema, column)
        if precision:
            rules += precision_rules(column, precision)
        rules.append(not_before_1991(column))
    return rules
