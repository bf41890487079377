"""Rules every table keeps, derived from its Table Schema rather than listed by hand.

(Text cells are checked with the other cell constraints, in scripts/constraints.py.)
"""
from __future__ import annotations

from kzuz import fields

from .rules import Rule, not_before_1991, precision_rules
from .table_schema import fields_of_type


def precision_column(table_schema: dict, date_column: str) -> str | None:
    """The column that says how precise DATE_COLUMN is (kzuz.fields states the rule)."""
    return fields.precision_column(table_schema["fields"], date_column)


def common_rules(table_schema: dict) -> list[Rule]:
    rules: list[Rule] = []
    for column in fields_of_type(table_schema, "date"):
        precision = precision_column(table_schema, column)
        if precision:
            rules += precision_rules(column, precision)
        rules.append(not_before_1991(column))
    return rules
