"""The release's SQLite database as Datasette serves it: a name it routes as written, and
its metadata (titles, descriptions, licence, source, label columns), from the descriptor.

    datasette serve NAME-vX_Y_Z.sqlite --metadata NAME-vX_Y_Z-datasette.json

Datasette names a database after its file's stem and escapes a dot in it (`0.1.0` becomes
`0~2E1~2E0`), and the foreign-key links it draws then use the unescaped name and answer
404: so the stem carries the version with underscores.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .about import About

METADATA_TABLE = "_metadata"  # the database's own table beside the package's (descriptor.py keeps its name free)
# Which column names a row to a reader, by the package's naming conventions (DESIGN.md):
# English names and titles. Datasette shows it beside a foreign key instead of the bare id.
LABEL_NAMES = ("name_en", "title_en", "name", "title")


def database_name(name: str, version: str) -> str:
    return f"{name}-v{re.sub(r'[^0-9A-Za-z]', '_', version)}"


def metadata(descriptor: dict, about: About, database: str) -> dict:
    tables = {resource["name"]: table_metadata(resource) for resource in descriptor["resources"]}
    tables[METADATA_TABLE] = {"description": "About this database: name, version, release date, licence, "
                                             "citation, and the Data Package descriptor (key `descriptor`)."}
    sources = "; ".join(source.get("title", "") for source in descriptor.get("sources", []))
    top = {"title": f"{about.title} {about.version}", "description": about.description,
           "license": about.licence, "license_url": about.licence_url, "source": sources}
    if about.address:
        top.update(about="Repository", about_url=about.address)
    return {**{key: value for key, value in top.items() if value},
            "databases": {database: {"title": f"{about.title} {about.version}", "tables": tables}}}


def table_metadata(resource: dict) -> dict:
    fields = resource["schema"]["fields"]
    table = {"title": resource.get("title", resource["name"]), "description": resource.get("description", ""),
             "columns": {f["name"]: f.get("description", "") for f in fields}}
    if label := label_column(resource):
        table["label_column"] = label
    return table


def label_column(resource: dict) -> str | None:
    names = [f["name"] for f in resource["schema"]["fields"]]
    return next((name for name in LABEL_NAMES if name in names), None)


def write_metadata(descriptor: dict, about: About, database: str, target: Path) -> Path:
    text = json.dumps(metadata(descriptor, about, database), ensure_ascii=False, indent=2) + "\n"
    target.write_text(text, encoding="utf-8")
    return target
