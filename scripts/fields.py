"""What the descriptor's fields mean beyond their Table Schema types, stated once for every
command and rule: which column says how precise a date is, and which columns list keys
of another table.

Precision (DESIGN.md): a date column `signed_date` is qualified by `signed_date_precision`;
a table with one `date_precision` (visits: start and end) qualifies each of its dates that
has no precision column of its own with it.

Listed keys: Table Schema's foreignKeys cannot say that a cell holds several keys, so
the `;`-separated columns that do, and the table and fields they refer to, are here.
"""
from __future__ import annotations

SHARED_PRECISION = "date_precision"
SEPARATOR = ";"
LISTED_KEYS = {"region_codes": ("regions", ("region_code",))}  # column -> (table, fields) its keys are of


def precision_column(fields: list[dict], date: str) -> str | None:
    """The column that says how precise DATE is, or None."""
    names = {f["name"] for f in fields}
    return next((c for c in (f"{date}_precision", SHARED_PRECISION) if c in names), None)


def precision_columns(fields: list[dict]) -> dict[str, str | None]:
    """date column → its precision column (None where it has none), for every date field."""
    return {f["name"]: precision_column(fields, f["name"]) for f in fields if f.get("type") == "date"}


def listed(cell: str | None) -> list[str]:
    """The keys a `;`-listed cell holds."""
    return [key for key in (cell or "").split(SEPARATOR) if key]
