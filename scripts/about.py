"""What every release file says about itself: which package and version it is, when it
was released, under which licence, and how to cite it.

Read once per release from the files that already state it — `datapackage.json` (name,
title, description, licence), `CITATION.cff` (authors, the citation request, the
repository's address once it has one) and CHANGELOG.md (the release date) — so the zip,
the database, the Parquet files and the workbook cannot disagree with them or each other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .versions import read_text

CITATION = "CITATION.cff"
LICENCE_FILE = "LICENSE-DATA.md"
DICTIONARY = "DATA-DICTIONARY.md"
# CITATION.cff's keys for the address a reader should visit, in the order cffconvert
# (2.0) prefers them when it writes a citation.
ADDRESS_KEYS = ("url", "repository-code", "repository-artifact", "repository")


class NoCitation(Exception):
    """CITATION.cff is missing, unreadable or out of step with the release."""


@dataclass(frozen=True)
class About:
    name: str
    title: str
    description: str
    version: str
    released: str               # YYYY-MM-DD, CHANGELOG's date for the version
    licence: str                # the licence's identifier, e.g. CC-BY-4.0
    licence_title: str
    licence_url: str | None
    citation: str               # one line, in the APA-like form cffconvert writes
    cite_request: str           # CITATION.cff's `message`
    address: str | None         # the repository (none until it is published)

    @property
    def licence_line(self) -> str:
        return f"{self.licence_title} ({self.licence})" + (f": {self.licence_url}" if self.licence_url else "")


def describe(package, version: str, released: str) -> About:
    """The package at `version`, released on `released`; NoCitation when CITATION.cff
    cannot be read or states another version."""
    descriptor = package.descriptor
    cff = {**read_citation(package.source), "date-released": released}
    if str(cff.get("version")) != version:
        raise NoCitation(f"{CITATION} says version {cff.get('version')}, not {version}: cut versions only with "
                         "bump2version")
    licence = (descriptor.get("licenses") or [{}])[0]
    return About(
        name=descriptor["name"], title=descriptor.get("title", descriptor["name"]),
        description=descriptor.get("description", ""), version=version, released=released,
        licence=licence.get("name", ""), licence_title=licence.get("title", licence.get("name", "")),
        licence_url=licence.get("path"), citation=apa(cff), cite_request=" ".join(str(cff.get("message", "")).split()),
        address=address(cff))


def read_citation(source) -> dict:
    text = read_text(source, CITATION)
    if text is None:
        raise NoCitation(f"{CITATION} is missing: every release carries it")
    try:
        cff = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError) as error:
        raise NoCitation(f"{CITATION} is not valid YAML ({error.__class__.__name__})") from None
    if not isinstance(cff, dict):
        raise NoCitation(f"{CITATION} is not a Citation File Format mapping")
    return cff


def released_citation(text: str, released: str) -> str:
    """CITATION.cff as a release carries it: dated, `date-released` under the version line.

    The repository's copy names the version and no date: bump2version can move a version
    it knows, not replace a date it does not, so the release date, which CHANGELOG.md
    holds, is written into the copy each release carries."""
    text = re.sub(r"^date-released:.*\n", "", text, flags=re.M)
    return re.sub(r"^(version: .*\n)", rf"\1date-released: {released}\n", text, count=1, flags=re.M)


def address(cff: dict) -> str | None:
    return next((str(cff[key]) for key in ADDRESS_KEYS if cff.get(key)), None)


def apa(cff: dict) -> str:
    """`cffconvert -f apalike` for a dataset's CITATION.cff, on one line (tests compare the two;
    cffconvert itself cannot be installed beside frictionless: it pins jsonschema < 4)."""
    authors = ", ".join(filter(None, (author_name(a) for a in cff.get("authors", []))))
    year = f"({str(cff['date-released']).split('-')[0]})." if cff.get("date-released") else None
    version = f"(version {cff['version']})." if cff.get("version") else None
    doi = f"DOI: {cff['doi']}" if cff.get("doi") else None
    url = f"URL: {address(cff)}" if address(cff) else None
    return " ".join(part for part in (authors, year, cff.get("title"), version, doi, url) if part)


def author_name(author: dict) -> str | None:
    if author.get("name"):
        return str(author["name"])
    family = " ".join(filter(None, (author.get("name-particle"), author.get("family-names"), author.get("name-suffix"))))
    initials = "".join(f"{given[0]}." for given in str(author.get("given-names", "")).split())
    return " ".join(filter(None, (family, initials))) or author.get("alias")


# The README in the zip ---------------------------------------------------------------

def downloader_readme(about: About, resources: list[dict], rows: dict[str, int], files: list[str]) -> str:
    """A short README for someone who has only the zip: what it is, which version, how to
    cite it, its licence, and where to report an error."""
    tables = [f"- `{r['name']}` ({rows[r['name']]} rows): {r.get('description', r.get('title', ''))}" for r in resources]
    report = (f"in the repository's issues: {about.address}" if about.address
              else "in the issues of the repository this release was published from")
    return "\n".join([
        f"# {about.title}", "", about.description, "",
        f"Version {about.version}, released {about.released}. A Frictionless Data Package: `datapackage.json` "
        f"describes every table and column of the CSV files in `data/`; {DICTIONARY} lists them.", "",
        "## Tables", "", *tables, "",
        "## Files", "", *(f"- `{name}`" for name in files), "",
        "## Cite", "", about.cite_request, "", f"> {about.citation}", "",
        f"{CITATION} has the same in Citation File Format.", "",
        "## Licence", "", f"The data are licensed under {about.licence_line}. See {LICENCE_FILE}.", "",
        "## Errors", "", f"Report an error in the data, with the table, the row's key and the source, {report}.", "",
    ])


def self_description(about: About) -> dict[str, str]:
    """What a copy of the data says about itself, wherever it travels without the zip: the
    database's `_metadata` and the Parquet files' key-value metadata."""
    described = {"name": about.name, "title": about.title, "version": about.version, "released": about.released,
                 "license": about.licence, "license_title": about.licence_title, "license_url": about.licence_url,
                 "citation": about.citation, "repository": about.address}
    return {key: value for key, value in described.items() if value}
