"""Expand a resource's Table Schema (datapackage.json) into a pandera DataFrameSchema.

pandera's own reader keeps required/unique/enum/pattern/bounds as checks but reads
`date` fields as strings and other types loosely, so the dtypes are set here from the
Table Schema types, to match what `frictionless` gives (`Resource.to_pandas()`).
Foreign and primary keys and unique columns are left to frictionless, which names the
line a value repeats (pandera would blame the first row too, in its own words).
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.io.pandas_io import from_frictionless_schema

DTYPES = {
    "string": "str",
    "date": "datetime64[ns]",
    "number": "float64",
    "integer": "Int64",
    "boolean": "boolean",
}


def from_table_schema(table_schema: dict) -> pa.DataFrameSchema:
    schema = from_frictionless_schema(table_schema)
    schema.unique = None  # the primary key, left to frictionless
    # one update: each update_column call deep-copies the whole schema
    return schema.update_columns({f["name"]: {"dtype": DTYPES.get(f["type"], "object"), "unique": False}
                                  for f in table_schema["fields"]})


def typed_frame(rows: list[dict], table_schema: dict, index: list[int] | None = None) -> pd.DataFrame:
    """Rows as frictionless reads them (Python dates, Decimals, None) in a frame of
    the dtypes above; `index` keeps each row's number in its file."""
    names = [f["name"] for f in table_schema["fields"]]
    frame = pd.DataFrame.from_records(rows, columns=names, index=index)
    return frame.astype({f["name"]: DTYPES.get(f["type"], "object") for f in table_schema["fields"]})


def fields_of_type(table_schema: dict, type_: str) -> list[str]:
    return [f["name"] for f in table_schema["fields"] if f["type"] == type_]


def field(table_schema: dict, name: str) -> dict:
    found = [f for f in table_schema["fields"] if f["name"] == name]
    if not found:
        raise KeyError(name)  # the validator names it: the descriptor lacks a field the rules read
    return found[0]


def enum(table_schema: dict, name: str) -> list[str]:
    return field(table_schema, name)["constraints"]["enum"]


def required(table_schema: dict, name: str) -> bool:
    return field(table_schema, name).get("constraints", {}).get("required", False)


def resource_schema(package: dict, resource: str) -> dict:
    found = [r["schema"] for r in package["resources"] if r["name"] == resource]
    if not found:
        raise KeyError(resource)
    return found[0]
