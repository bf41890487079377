"""Reading a resource's Table Schema (datapackage.json) by name, for the rules."""
from __future__ import annotations


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
