"""What every page needs to know: the package's tables, where each row lives (its table's
page and its anchor), the rows a foreign key points to, and the publication a row cites.

A table's rows are shown ROWS_PER_PAGE to a page, in the order of its file:
`tables/indicators.html` holds the first ones, `tables/indicators-2.html` the next, and
so on; `Site.row` is the one place that knows which page holds a row, so every link to a
row, from any page, lands on the page that has its anchor.

All of it comes from the descriptor: a foreign key is a link whatever its table; the
provenance table is whichever table the `source_id` columns point to (DESIGN.md's
contract), so a new table that cites sources gets its quotes and references as well.
"""
from __future__ import annotations

import math
import posixpath
import re
from dataclasses import dataclass, field

from ..fields import LISTED_KEYS, listed
from ..package import Package
from . import dates
from .html import h, href, outside_link, page
from .rows import Rows

PROVENANCE = ("source_id",)   # the column every table but the gazetteer cites its publication by
QUOTE = "source_quote"
# A thousand rows make a page of about 1.5 MB at the size of an indicators row with its
# quote and reference: what a phone loads and site.js sorts and filters without a pause,
# while a table of a million rows still fits in a thousand pages.
ROWS_PER_PAGE = 1000
GITHUB = re.compile(r"^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass
class Site:
    package: Package      # loaded: the site reads every file through it
    tables: dict[str, Rows]
    _indexes: dict = field(default_factory=dict)
    _references: dict = field(default_factory=dict)

    @property
    def descriptor(self) -> dict:
        return self.package.descriptor

    def read(self, relative: str, limit: int) -> bytes:
        """A file of the package beside the tables (CHANGELOG, dist/SHA256SUMS…); Unreadable if it cannot be."""
        return self.package.source.read(relative, limit)

    @property
    def title(self) -> str:
        return self.descriptor.get("title") or self.descriptor.get("name", "")

    @property
    def version(self) -> str:
        return self.descriptor.get("version", "")

    @property
    def repository(self) -> str | None:
        """The repository's address, from the descriptor's `homepage` when it is one on
        GitHub: the one place the site learns where issues and releases live."""
        homepage = str(self.descriptor.get("homepage", "")).rstrip("/")
        return homepage if GITHUB.match(homepage) else None

    def page(self, here: str, title: str, body: str) -> bytes:
        return page(here, title, body, self.title, footer(self, here))

    def row(self, table: str, index: int) -> str:
        """The page and anchor of a row, from the site's root."""
        return f"{table_page(table, self.page_of(index))}#{self.tables[table].anchor(index)}"

    @staticmethod
    def page_of(index: int) -> int:
        """The number of the page (from 1) that holds row INDEX of its table."""
        return index // ROWS_PER_PAGE + 1

    def page_count(self, table: str) -> int:
        return max(1, math.ceil(len(self.tables[table]) / ROWS_PER_PAGE))

    def lookup(self, table: str, fields: tuple[str, ...], values: tuple[str, ...]) -> int | None:
        """The row of TABLE whose FIELDS hold VALUES (indexed once per table and fields)."""
        if table not in self.tables:
            return None
        key = (table, fields)
        if key not in self._indexes:
            rows = self.tables[table]
            columns = [rows.column(f) for f in fields]
            index = {}
            for i in range(len(rows)):
                index.setdefault(tuple(c[i] for c in columns), i)
            self._indexes[key] = index
        return self._indexes[key].get(values)

    def listed(self, text: str, name: str) -> list[tuple[str, str | None]]:
        """(key, its row's page and anchor or None) for each key TEXT, a cell of listing column NAME, names."""
        table, fields = LISTED_KEYS[name]
        keys = listed(text)
        found = {k: self.lookup(table, fields, (k,)) for k in keys}
        return [(k, None if found[k] is None else self.row(table, found[k])) for k in keys]


def table_page(table: str, number: int) -> str:
    """The path, from the site's root, of page NUMBER (from 1) of TABLE's rows."""
    return f"tables/{table}.html" if number == 1 else f"tables/{table}-{number}.html"


def reference(site: Site, here: str, table: str, index: int) -> str:
    """A publication's full reference: authors, title (and its English title), publisher,
    date at its precision, address, and a link to its row. Made once for the pages of a
    folder: every row citing the publication shows the same one."""
    key = (posixpath.dirname(here), table, index)
    if key not in site._references:
        site._references[key] = written_reference(site, here, table, index)
    return site._references[key]


def written_reference(site: Site, here: str, table: str, index: int) -> str:
    source = site.tables[table]
    cell = lambda name: source.cell(index, name)  # noqa: E731
    parts = [h(cell("authors").replace("; ", ", "))] if cell("authors") else []
    title = f'<cite lang="{h(cell("language"))}">{h(cell("title"))}</cite>' if cell("title") else ""
    if cell("title_en") and cell("title_en") != cell("title"):
        title += f" [{h(cell('title_en'))}]"
    parts += [title] if title else []
    published = source.value(index, "published_date")
    when = dates.described(published, None, cell("published_date_precision") or "day") if published else ""
    parts += [", ".join(h(p) for p in (cell("publisher"), when) if p)] if cell("publisher") or when else []
    if cell("url"):
        parts.append(outside_link(cell("url"), cell("url")))
    key = "; ".join(source.cell(index, k) for k in source.resource.primary_key) or f"line {source.line(index)}"
    parts.append(f'<a href="{href(here, site.row(table, index))}">{h(key)}</a>')
    return " ".join(p if p.endswith(".") else p + "." for p in parts if p)


def footer(site: Site, here: str) -> str:
    licences = ", ".join(outside_link(str(lic.get("path", "")), str(lic.get("title") or lic.get("name", "")))
                         for lic in site.descriptor.get("licenses", []))
    return (f"<p>{h(site.title)}, version {h(site.version)}. Data licence: {licences or 'not stated'}. "
            f'Every row cites the publication it comes from. Built by <code>kzuz site</code> from '
            f'<a href="{href(here, "datapackage.json")}">datapackage.json</a>.</p>')
