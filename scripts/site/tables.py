"""One page per table, every column and every row, from the descriptor alone: a table
added to datapackage.json gets its page, its columns' descriptions, its filters and its
links with no change here.

Every row is in a page as HTML (readable without JavaScript, found by the browser's
own search); `site.js` adds sorting, filters and a search box on top. A table of more
than `links.ROWS_PER_PAGE` rows is on numbered pages (`indicators.html`,
`indicators-2.html`, …) linked by a pagination nav, and the page says that the search,
filters and sorting act on its own rows. A row's first cell is its permanent link; a
foreign key is a link to the row it names; `source_quote` is shown as the quotation it
is, in its language, with the full reference of the publication under it.

A page is made a column at a time from the rows it holds (pyarrow: the cells of a page
are escaped and wrapped in their markup without a Python call per cell), and only when
it is written (build.py): a table of a million rows never has all its pages in memory at
once, and a key that many rows name (a source, an indicator) is looked up and its link
written once a page.
"""
from __future__ import annotations

from functools import partial

import pyarrow as pa
import pyarrow.compute as pc

from ..fields import LISTED_KEYS
from . import links
from .html import escaped, h, href, inline, outside_link
from .links import PROVENANCE, QUOTE, Site, reference, table_page
from .rows import Rows

MOST_CHOICES = 50   # a column with more distinct values is searched, not chosen from a list
AROUND = 2          # pages linked on either side of the current one (with the first and the last)


def pages(site: Site) -> dict:
    """Path → the page's bytes, or a function that makes them (a table's pages, made as written)."""
    built = {"tables/index.html": index_page(site)}
    for rows in site.tables.values():
        count = site.page_count(rows.name)
        head = about(site, table_page(rows.name, 1), rows)  # the same on every page of the table (one folder)
        for number in range(1, count + 1):
            here = table_page(rows.name, number)
            if here in built:
                raise ValueError(f"{here} would be written twice: a table is named like a page of another")
            built[here] = partial(table_page_bytes, site, rows, number, count, head)
    return built


def table_page_bytes(site: Site, rows: Rows, number: int, count: int, head: str) -> bytes:
    here = table_page(rows.name, number)
    title = rows.title if count == 1 else f"{rows.title}, page {number} of {count}"
    return site.page(here, title, table_body(site, here, rows, number, count, head))


def index_page(site: Site) -> bytes:
    here = "tables/index.html"
    items = "".join(f'<li><a href="{href(here, f"tables/{rows.name}.html")}">{h(rows.title)}</a> '
                    f"(<code>{h(rows.name)}</code>, {len(rows)} row{'s' * (len(rows) != 1)}): "
                    f"{inline(rows.resource.descriptor.get('description', ''))}</li>\n"
                    for rows in site.tables.values())
    body = (f"<p>Every table of the package, each on its own page with every row, its quote and its source.</p>"
            f'<ul class="tables">\n{items}</ul>')
    return site.page(here, "Tables", body)


def about(site: Site, here: str, rows: Rows) -> str:
    """What the table is: its description, its key and links, what each column means."""
    return "\n".join([f"<p>{inline(rows.resource.descriptor.get('description', ''))}</p>", facts(site, here, rows),
                      columns(here, rows)])


def table_body(site: Site, here: str, rows: Rows, number: int, count: int, head: str) -> str:
    start, stop = (number - 1) * links.ROWS_PER_PAGE, min(len(rows), number * links.ROWS_PER_PAGE)
    held = rows.slice(start, stop)
    paged = [pages_note(rows, start, stop, number, count), pagination(rows, here, number, count, "")] if count > 1 else []
    return "\n".join([
        head,
        *paged,
        filters(rows, held),
        rows_table(site, here, rows, held, start, count > 1),
        *([pagination(rows, here, number, count, ", after the rows")] if count > 1 else []),
    ])


def pages_note(rows: Rows, start: int, stop: int, number: int, count: int) -> str:
    return (f'<p class="pages-note">{len(rows):,} rows, {links.ROWS_PER_PAGE:,} to a page: this is page {number} '
            f"of {count}, rows {start + 1:,}–{stop:,}. The search, the filters and the sorting act on the rows of "
            f"this page only; every row is in <code>{h(rows.resource.path)}</code>.</p>")


def pagination(rows: Rows, here: str, number: int, count: int, where: str) -> str:
    """Links to the first and the last page, to those around this one, and to the previous and next."""
    def link(n: int, text: str, rel: str = "") -> str:
        first, last = (n - 1) * links.ROWS_PER_PAGE + 1, min(len(rows), n * links.ROWS_PER_PAGE)
        label = f"{text} page (page {n}, rows {first:,}–{last:,})" if rel else f"Page {n}, rows {first:,}–{last:,}"
        marks = f' rel="{rel}"' if rel else ' aria-current="page"' if n == number else ""
        return f'<li><a href="{href(here, table_page(rows.name, n))}"{marks} aria-label="{label}">{text}</a></li>'
    shown = sorted({1, count, *range(max(1, number - AROUND), min(count, number + AROUND) + 1)})
    items = [link(number - 1, "Previous", "prev")] if number > 1 else []
    for previous, n in zip([0, *shown], shown):
        if n > previous + 1:
            items.append('<li class="gap">…</li>')
        items.append(link(n, str(n)))
    items += [link(number + 1, "Next", "next")] if number < count else []
    return f'<nav class="pages" aria-label="Pages of {h(rows.title)}{where}"><ul>{"".join(items)}</ul></nav>'


def facts(site: Site, here: str, rows: Rows) -> str:
    resource = rows.resource
    key = ", ".join(f"<code>{h(k)}</code>" for k in resource.primary_key) or "none"
    links = "".join(f'<li><code>{h(", ".join(k.fields))}</code> → <a href="{href(here, f"tables/{k.resource}.html")}">'
                    f"{h(site.tables[k.resource].title if k.resource in site.tables else k.resource)}</a></li>"
                    for k in resource.foreign_keys)
    return (f'<p>{len(rows)} row{"s" * (len(rows) != 1)}, from <a href="{href(here, resource.path)}">'
            f"{h(resource.path)}</a>. Primary key: {key}. "
            f'<a href="{href(here, f"dictionary.html#table-{rows.name}")}">This table in the data dictionary</a>.</p>'
            + (f'<p>Links to other tables:</p><ul>{links}</ul>' if links else ""))


def columns(here: str, rows: Rows) -> str:
    items = "".join(f"<dt><code>{h(f['name'])}</code> <span class=\"type\">{h(f.get('type', 'string'))}</span></dt>"
                    f"<dd>{inline(f.get('description', ''))}</dd>" for f in rows.resource.fields)
    return f'<details class="columns"><summary>What each column means</summary><dl>{items}</dl></details>'


def choices(rows: Rows, held: dict[str, pa.ChunkedArray]) -> dict[int, list[str]]:
    """Column position → its values on the page, for the columns a reader picks a value from:
    those with an `enum`, and single-column foreign keys, when they have 2 to MOST_CHOICES values."""
    keyed = {k.fields[0] for k in rows.resource.foreign_keys if len(k.fields) == 1}
    found = {}
    for position, spec in enumerate(rows.resource.fields):
        enum = spec.get("constraints", {}).get("enum")
        if not enum and spec["name"] not in keyed:
            continue
        present = set(pc.unique(held[spec["name"]]).to_pylist()) - {""}
        order = [str(v) for v in enum] if enum else sorted(present)
        values = [v for v in order if v in present]
        if 2 <= len(values) <= MOST_CHOICES:
            found[position] = values
    return found


def filters(rows: Rows, held: dict[str, pa.ChunkedArray]) -> str:
    """The filter form; hidden until site.js shows it, as it does nothing without it."""
    selects = "".join(f'<label>{h(rows.resource.fields[p]["name"])} <select data-column="{p + 1}">'
                      f'<option value="">all</option>{options(values)}</select></label>'
                      for p, values in choices(rows, held).items())
    return (f'<form class="filters" data-rows="rows-{h(rows.name)}" role="search" aria-label="Filter the rows" hidden>'
            f'<label>Search <input type="search" name="search" autocomplete="off"></label>{selects}'
            f'<button type="reset">Show all</button> <output aria-live="polite"></output></form>')


def options(values: list[str]) -> str:
    return "".join(f'<option value="{h(v)}">{h(v)}</option>' for v in values)


def rows_table(site: Site, here: str, rows: Rows, held: dict[str, pa.ChunkedArray], start: int, paged: bool) -> str:
    """The rows HELD (from row START), each cell made a column at a time (pyarrow)."""
    fields = rows.resource.fields
    heads = '<th scope="col" data-type="integer">line</th>' + "".join(
        f'<th scope="col" data-type="{h(f.get("type", "string"))}">{h(f["name"])}</th>' for f in fields)
    stop = start + (len(next(iter(held.values()))) if held else 0)
    anchors = rows.anchors.slice(start, stop - start)
    lines = pa.array(rows.lines[start:stop]).cast(pa.string())
    made = pc.binary_join_element_wise(
        '<tr id="', anchors, '"><td><a href="#', anchors, '" aria-label="Link to this row (line ', lines,
        f' of {h(rows.resource.path)})">', lines, "</a></td>",
        *(column_cells(site, here, rows, spec, held) for spec in fields), "</tr>\n", "")
    body = "".join(made.to_pylist())
    which = f"rows {start + 1:,}–{stop:,} of {len(rows):,}" if paged else "every row"
    caption = f"{rows.title}: {which}, with the line it is on in {rows.resource.path}"
    return (f'<div class="scroll" role="region" aria-label="{h(rows.title)} rows" tabindex="0">'
            f'<table class="rows" id="rows-{h(rows.name)}"><caption>{h(caption)}</caption>'
            f"<thead><tr>{heads}</tr></thead><tbody>\n{body}</tbody></table></div>")


def column_cells(site: Site, here: str, rows: Rows, spec: dict, held: dict[str, pa.ChunkedArray]) -> pa.Array:
    """Each `<td>` of one column of the page."""
    name = spec["name"]
    text = held[name].combine_chunks()
    safe = escaped(text)
    empty = pc.equal(text, "")
    if name == QUOTE:
        shown = quotations(site, here, rows, held, safe)
    else:
        targets = pa.nulls(len(text), pa.string())
        for key in (k for k in rows.resource.foreign_keys if name in k.fields):
            targets = pc.coalesce(targets, per_key(held, key.fields, key_links(site, here, key)))  # the first key wins
        targets = pc.if_else(empty, pa.scalar(None, pa.string()), targets)
        linked = pc.binary_join_element_wise('<a href="', targets, '">', safe, "</a>", "")  # null where no target
        if name in LISTED_KEYS:
            otherwise = pa.array([listing(site, here, value, name) for value in text.to_pylist()], pa.string())
        elif spec.get("format") == "uri" or name == "url":
            otherwise = pa.array([outside_link(value, value) for value in text.to_pylist()], pa.string())
        else:
            otherwise = safe
        shown = pc.coalesce(linked, otherwise)
    return pc.binary_join_element_wise("<td>", pc.if_else(empty, "", shown), "</td>", "")


def listing(site: Site, here: str, value: str, name: str) -> str:
    """A cell that lists keys of another table: each a link to its row."""
    return "; ".join(f'<a href="{href(here, target)}">{h(k)}</a>' if target else h(k)
                     for k, target in site.listed(value, name))


# Separates the cells of a composite key: a control character, which no valid cell holds.
UNIT_SEPARATOR = "\x1f"


def per_key(held: dict[str, pa.ChunkedArray], fields: tuple[str, ...], make) -> pa.Array:
    """MAKE(the cells of FIELDS) for each row, called once for each distinct key."""
    if len(fields) == 1:
        joined = held[fields[0]].combine_chunks()
    else:
        joined = pc.binary_join_element_wise(*(held[f] for f in fields), UNIT_SEPARATOR).combine_chunks()
    distinct = pc.unique(joined)
    made = pa.array([make(tuple(value.split(UNIT_SEPARATOR)) if len(fields) > 1 else (value,))
                     for value in distinct.to_pylist()], pa.string())
    return pc.take(made, pc.index_in(joined, value_set=distinct))


def key_links(site: Site, here: str, key):
    """values → the link (from HERE) to the row of KEY's table they name, or None."""
    def link(values: tuple) -> str | None:
        found = site.lookup(key.resource, key.reference, values) if all(values) else None
        return None if found is None else href(here, site.row(key.resource, found))
    return link


def quotations(site: Site, here: str, rows: Rows, held: dict[str, pa.ChunkedArray], quotes: pa.Array) -> pa.Array:
    """Each quote (QUOTES: escaped) in its source's language, and the source's full reference."""
    key = next((k for k in rows.resource.foreign_keys if k.fields == PROVENANCE), None)
    if key is None:
        return pc.binary_join_element_wise("<blockquote>", quotes, "</blockquote>", "")
    opening = per_key(held, key.fields, lambda values: cited_by(site, here, key, values)[0])
    closing = per_key(held, key.fields, lambda values: cited_by(site, here, key, values)[1])
    return pc.binary_join_element_wise(opening, quotes, closing, "")


def cited_by(site: Site, here: str, key, values: tuple) -> tuple[str, str]:
    """(what opens and what closes a quote from the publication VALUES name)."""
    found = site.lookup(key.resource, key.reference, values) if key and all(values) else None
    if found is None:  # the provenance table quotes itself: its own row is the reference
        return "<blockquote>", "</blockquote>"
    language = site.tables[key.resource].cell(found, "language")
    return (f'<blockquote lang="{h(language)}">',
            f'</blockquote><p class="reference">— {reference(site, here, key.resource, found)}</p>')
