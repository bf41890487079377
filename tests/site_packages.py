"""Packages for the site's tests, built on the frozen fixture (tests/fixtures/data):
the plain package with the project files the site reads, cells an attacker would write,
two tables the package does not have (shaped like its events and projects), and a release."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from conftest import FIXTURES, ROOT, copy_package, edit_descriptor, read_rows, set_cell, write_rows

# Each would change the page's title if it ran; the tests look for that, and for the text.
HOSTILE = {
    ("visits", "summary_en"): '<script>document.title="pwned"</script>',
    ("regional_memoranda", "title_en"): "<img src=x onerror=\"document.title='pwned'\"> Memorandum",
}
REPOSITORY = "https://github.com/example-owner/example-repo"


def frozen_package(target: Path) -> Path:
    """The frozen package with the fixture's changelog and citation, and the project's issue templates."""
    copy_package(target)
    for name in ("CHANGELOG.md", "CITATION.cff"):
        shutil.copy(FIXTURES / name, target / name)
    shutil.copytree(ROOT / ".github" / "ISSUE_TEMPLATE", target / ".github" / "ISSUE_TEMPLATE")
    return target


def first_key(package: Path, table: str) -> str:
    return (package / "data" / f"{table}.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]


def add_hostile_cells(package: Path) -> None:
    for (table, column), value in HOSTILE.items():
        set_cell(package, table, first_key(package, table), column, value)


def add_release(package: Path, files: dict[str, bytes], wrong: set[str] = frozenset()) -> None:
    """dist/ as `kzuz release` leaves it: FILES and their SHA256SUMS (WRONG ones with a wrong sum)."""
    dist = package / "dist"
    dist.mkdir()
    lines = []
    for name, content in sorted(files.items()):
        (dist / name).write_bytes(content)
        digest = hashlib.sha256(content + (b"x" if name in wrong else b"")).hexdigest()
        lines.append(f"{digest}  {name}\n")
    (dist / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


# Two tables the descriptor does not have, shaped like its events and projects ------------

def text(name: str, description: str, **constraints) -> dict:
    field = {"name": name, "type": "string", "description": description}
    return {**field, "constraints": constraints} if constraints else field


PROVENANCE = [text("source_id", "The publication the row comes from.", required=True),
              text("source_quote", "The verbatim passage.", required=True), text("notes", "Caveats.")]
EVENTS = {
    "name": "ceremonies", "title": "Ceremonies", "description": "Dated ceremonies.",
    "path": "data/ceremonies.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
    "schema": {"fields": [
        text("ceremony_id", "Identifier, starting with its date.", required=True, unique=True),
        {"name": "date", "type": "date", "description": "When it happened.", "constraints": {"required": True}},
        text("date_precision", "How precisely the source gives `date`.", required=True, enum=["day", "month", "year"]),
        text("kind", "Kind of event.", required=True, enum=["diplomatic_relations", "decision", "cultural", "other"]),
        text("title_en", "Title in English.", required=True), text("countries", "Countries, `;`-separated."),
        text("visit_id", "The visit it was part of."), *PROVENANCE],
        "primaryKey": ["ceremony_id"],
        "foreignKeys": [{"fields": ["visit_id"], "reference": {"resource": "visits", "fields": ["visit_id"]}},
                        {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}}]}}
PROJECTS = {
    "name": "ventures", "title": "Ventures", "description": "Ventures, one row per status.",
    "path": "data/ventures.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
    "schema": {"fields": [
        text("venture_id", "Identifier.", required=True), text("name_en", "Name in English.", required=True),
        text("topic", "Main subject.", enum=["trade", "industry", "energy", "transport"]),
        text("region_codes", "ISO 3166-2 codes of the regions where it is, `;`-separated."),
        text("status", "Where it stands.", required=True, enum=["proposed", "agreed", "launched", "opened"]),
        {"name": "status_date", "type": "date", "description": "When it reached the status."},
        text("status_date_precision", "How precisely the source gives `status_date`.", enum=["day", "month", "year"]),
        *PROVENANCE],
        "primaryKey": ["venture_id", "status"],
        "foreignKeys": [{"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}}]}}
EVENT_ROWS = [
    ["ceremony_id", "date", "date_precision", "kind", "title_en", "countries", "visit_id", "source_id", "source_quote",
     "notes"],
    ["1992-11-23-diplomatic-relations", "1992-11-23", "day", "diplomatic_relations", "Diplomatic relations established",
     "KZ;UZ", "", "akmalov-2022", "установлены дипломатические отношения", ""],
    ["2025-11-culture-days", "2025-11-01", "month", "cultural", "Days of culture", "KZ;UZ", "", "toyirov-2025",
     "дни культуры", ""],
]
PROJECT_ROWS = [
    ["venture_id", "name_en", "topic", "region_codes", "status", "status_date", "status_date_precision", "source_id",
     "source_quote", "notes"],
    ["central-asia-trade-centre", "Central Asia trade centre", "trade", "KZ-61;UZ-TO", "launched", "2022-01-01",
     "year", "expert-2022-interregional", "центр торговли", ""],
    ["joint-textile-park", "Joint textile park", "industry", "KZ-75;UZ-SA;UZ-TK", "agreed", "2025-11-01", "month",
     "toyirov-2025", "текстильный парк", ""],
]


VISIT_BRIEFING = text("briefing", "A column the visits table does not have.")


def add_new_tables(package: Path) -> str:
    """`ceremonies` and `ventures` in the descriptor and data/, a column `visits.briefing`,
    and the repository's address."""
    def change(descriptor: dict) -> None:
        descriptor["resources"] += [json.loads(json.dumps(EVENTS)), json.loads(json.dumps(PROJECTS))]
        visits = next(r for r in descriptor["resources"] if r["name"] == "visits")
        visits["schema"]["fields"].append(dict(VISIT_BRIEFING))
        descriptor["homepage"] = REPOSITORY
    edit_descriptor(package, change)
    write_rows(package / "data" / "ceremonies.csv", EVENT_ROWS)
    write_rows(package / "data" / "ventures.csv", PROJECT_ROWS)
    visits = read_rows(package / "data" / "visits.csv")
    write_rows(package / "data" / "visits.csv", [visits[0] + ["briefing"]] + [row + [""] for row in visits[1:]])
