"""The package's version, which must read the same in every file that states it, and
the CHANGELOG section written for it."""
from __future__ import annotations

import json
import re
import tomllib
from .problems import Problem
from .sources import Source, as_source

TEXT_LIMIT = 1_000_000  # a project file larger than this is not one kzuz reads

CHANGELOG = "CHANGELOG.md"
SECTION = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})\s*$", re.M)


def stated_versions(source: Source) -> dict[str, str | None]:
    """file → the version it states, for each file that exists (a release zip has only the descriptor)."""
    readers = {
        "datapackage.json": lambda text: json.loads(text).get("version"),
        "pyproject.toml": lambda text: tomllib.loads(text).get("project", {}).get("version"),
        "CITATION.cff": lambda text: (m.group(1).strip().strip("'\"") if (m := re.search(r"^version:\s*(.+)$", text, re.M)) else None),
    }
    found = {}
    for name, read in readers.items():
        text = read_text(source, name)
        if text is not None:
            try:
                found[name] = read(text)
            except (ValueError, tomllib.TOMLDecodeError, AttributeError, RecursionError):
                found[name] = None  # the file's own syntax error is reported elsewhere
    return found


def read_text(source: Source, name: str) -> str | None:
    """A project file's text, read as every document is (Source.text): None when it is not
    there; one that is there but cannot be read as text is a Failure naming it, never
    taken for missing (a CHANGELOG that is not UTF-8 has its sections all the same)."""
    return as_source(source).text(name, TEXT_LIMIT)


def version_problems(package) -> list[Problem]:
    stated = stated_versions(package.source)
    descriptor = package.descriptor.get("version")
    return [Problem(name, _line_of(package.source, name, version), "version",
                    f"says {version}, but datapackage.json says {descriptor}: change versions only with bump2version",
                    "version-disagrees")
            for name, version in stated.items() if name != "datapackage.json" and version != descriptor]


def _line_of(source: Source, name: str, version: str | None) -> int | None:
    for number, line in enumerate((read_text(source, name) or "").splitlines(), start=1):
        if version and line.lstrip().startswith("version") and version in line:
            return number
    return None


def changelog_section(source: Source, version: str) -> tuple[str, str] | None:
    """(release date, the section's text) of `## [version] - date`, or None."""
    text = read_text(source, CHANGELOG) or ""
    headings = list(SECTION.finditer(text))
    for n, heading in enumerate(headings):
        if heading.group("version") == version:
            end = headings[n + 1].start() if n + 1 < len(headings) else _links_start(text, heading.end())
            return heading.group("date"), text[heading.end():end].strip()
    return None


def _links_start(text: str, after: int) -> int:
    links = re.search(r"^\[[^\]]+\]: ", text[after:], re.M)
    return after + links.start() if links else len(text)


def parse(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in version.split("."))
    return major, minor, patch


def bump_between(old: str, new: str) -> str:
    """'major', 'minor', 'patch' or 'none' (also for a step backwards)."""
    a, b = parse(old), parse(new)
    if b <= a:
        return "none"
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"
