"""One record for every problem any check finds, and the three ways to show a list of them.

Checks return Problems and never print; `text`, `as_json` and `github` render them.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    file: str             # relative to the package directory, e.g. "data/visits.csv"
    line: int | None      # line in the file, header = 1; None when about the whole file
    column: str | None    # field name; None when about the whole row or file
    message: str          # plain words, saying how to fix it where that is not obvious
    code: str             # stable identifier of the check, e.g. "type-error", "end_date_not_before_start_date"

    def sort_key(self):
        return (self.file, self.line or 0, self.column or "", self.message)

    def location(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.column}" if self.column else where


def text(problems: list[Problem]) -> str:
    return "".join(f"{p.location()}: {p.message}\n" for p in problems)


def as_json(problems: list[Problem], **summary) -> str:
    return json.dumps({**summary, "problems": [asdict(p) for p in problems]}, ensure_ascii=False, indent=2) + "\n"


def _escape(value: str, *, property_: bool = False) -> str:
    # GitHub workflow commands: https://docs.github.com/actions/reference/workflow-commands-for-github-actions
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if property_ else value


def github(problems: list[Problem]) -> str:
    lines = []
    for p in problems:
        props = f"file={_escape(p.file, property_=True)}"
        if p.line:
            props += f",line={p.line}"
        title = f"{p.column}" if p.column else p.code
        lines.append(f"::error {props},title={_escape(title, property_=True)}::{_escape(p.message)}\n")
    return "".join(lines)
