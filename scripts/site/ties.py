"""Region ties: which Uzbek regions are tied to which Kazakh regions, and by which rows.

A schematic, not a map: no maintained Python package ships first-level boundaries of
Kazakhstan and Uzbekistan that are current (Kazakhstan made three new regions in 2022)
and usable offline, and a matrix answers the question exactly: Uzbek regions down the
side, Kazakh regions across, the number of rows that tie each pair in the cell, linking
to the list of those rows.

A row ties two regions when it names a region of each country: in a column that is a
foreign key to the gazetteer (`uz_region`/`kz_region` of a memorandum, `from_region`/
`to_region` of a connection) or in a column that lists them (`region_codes` of a
project). Any table with such columns adds its ties with no change here.
"""
from __future__ import annotations

from itertools import product

from . import dates
from .html import h, href
from ..fields import LISTED_KEYS, listed
from .links import Site
from .rows import encoded
from .timeline import LABELS, dating

GAZETTEER = "regions"
DOWN, ACROSS = "UZ", "KZ"
HERE = "ties.html"


def region_columns(site: Site, name: str) -> tuple[list[str], list[str]]:
    """(columns that hold one region code, columns that list region codes) of a table."""
    resource = site.tables[name].resource
    single = [k.fields[0] for k in resource.foreign_keys if k.resource == GAZETTEER and len(k.fields) == 1]
    listing = [f for f in resource.field_names if LISTED_KEYS.get(f, ("",))[0] == GAZETTEER]
    return single, listing


def ties(site: Site) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """(Uzbek region, Kazakh region) → the rows (table, index) that tie them."""
    found: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for name, rows in site.tables.items():
        single, listing = region_columns(site, name)
        if name == GAZETTEER or not (single or listing):
            continue
        for i in range(len(rows)):
            codes = [rows.cell(i, c) for c in single] + [k for c in listing for k in listed(rows.cell(i, c))]
            sides = {DOWN: set(), ACROSS: set()}
            for code in filter(None, codes):
                sides.get(country(site, code), set()).add(code)
            for pair in product(sorted(sides[DOWN]), sorted(sides[ACROSS])):
                found.setdefault(pair, []).append((name, i))
    return dict(sorted(found.items(), key=lambda item: (region_name(site, item[0][0]), region_name(site, item[0][1]),
                                                         item[0])))


def country(site: Site, code: str) -> str:
    found = site.lookup(GAZETTEER, tuple(site.tables[GAZETTEER].resource.primary_key), (code,))
    return site.tables[GAZETTEER].cell(found, "country") if found is not None else ""


def region_name(site: Site, code: str) -> str:
    found = site.lookup(GAZETTEER, tuple(site.tables[GAZETTEER].resource.primary_key), (code,))
    return (site.tables[GAZETTEER].cell(found, "name_en") if found is not None else "") or code


def pages(site: Site) -> dict[str, bytes]:
    if GAZETTEER not in site.tables:
        return {HERE: site.page(HERE, "Region ties", "<p>The package has no gazetteer of regions.</p>")}
    found = ties(site)
    if not found:
        body = "<p>No row of the package ties an Uzbek region to a Kazakh region yet.</p>"
    else:
        body = intro(site, found) + matrix(site, found) + listing(site, found)
    return {HERE: site.page(HERE, "Region ties", body)}


def tie_id(pair: tuple[str, str]) -> str:
    return f"tie-{encoded(pair[0])}.{encoded(pair[1])}"


def intro(site: Site, found: dict) -> str:
    tables = sorted({name for rows in found.values() for name, _ in rows}, key=list(site.tables).index)
    named = ", ".join(f'<a href="{href(HERE, f"tables/{n}.html")}">{h(site.tables[n].title.lower())}</a>'
                      for n in tables)
    down = {uz for uz, _ in found}
    across = {kz for _, kz in found}
    return (f"<p>{len(found)} pairs of regions are tied by rows of {named}: {len(down)} Uzbek regions (down the side) "
            f"and {len(across)} Kazakh regions (across the top). A number is how many rows tie the pair; it links to "
            "them. Regions with no tie are left out; all of them are in "
            f'<a href="{href(HERE, f"tables/{GAZETTEER}.html")}">the gazetteer</a>.</p>')


def matrix(site: Site, found: dict) -> str:
    down = sorted({uz for uz, _ in found}, key=lambda c: region_name(site, c))
    across = sorted({kz for _, kz in found}, key=lambda c: region_name(site, c))
    head = "".join(f'<th scope="col">{region_label(site, kz)}</th>' for kz in across)
    body = ""
    for uz in down:
        cells = "".join(tie_cell(site, (uz, kz), found.get((uz, kz), [])) for kz in across)
        body += f'<tr><th scope="row">{region_label(site, uz)}</th>{cells}</tr>\n'
    return ('<div class="scroll" role="region" aria-label="Matrix of region ties" tabindex="0"><table class="matrix">'
            "<caption>Rows tying each Uzbek region (down) to each Kazakh region (across)</caption>"
            f'<thead><tr><td></td>{head}</tr></thead><tbody>\n{body}</tbody></table></div>')


def region_label(site: Site, code: str) -> str:
    return f'{h(region_name(site, code))} <span class="code">{h(code)}</span>'


def tie_cell(site: Site, pair: tuple[str, str], rows: list) -> str:
    if not rows:
        return "<td></td>"
    names = f"{region_name(site, pair[0])} and {region_name(site, pair[1])}"
    label = f"{len(rows)} row{'s' * (len(rows) != 1)} tying {names}"
    return f'<td class="tied"><a href="#{tie_id(pair)}" aria-label="{h(label)}">{len(rows)}</a></td>'


def listing(site: Site, found: dict) -> str:
    sections = []
    for pair, rows in found.items():
        items = "".join(f"<li>{row_entry(site, name, i)}</li>" for name, i in rows)
        sections.append(f'<section class="tie" id="{tie_id(pair)}" aria-label="{h(pair[0])} and {h(pair[1])}">'
                        f"<h3>{h(region_name(site, pair[0]))} — {h(region_name(site, pair[1]))}</h3>"
                        f"<ul>{items}</ul></section>")
    return "<h2>Every tie, with its rows</h2>" + "\n".join(sections)


def row_entry(site: Site, name: str, i: int) -> str:
    rows = site.tables[name]
    label = next((rows.cell(i, c) for c in LABELS if rows.cell(i, c)), "") or rows.anchor(i)
    columns = dating(rows.resource)
    first = rows.value(i, columns[0]) if columns else None
    date = f"{dates.described(first, None, rows.cell(i, columns[2]) or 'day')}: " if first else ""
    return (f'<a href="{href(HERE, site.row(name, i))}">{h(date)}{h(label)}</a> '
            f'<span class="what">({h(rows.title)})</span>')
