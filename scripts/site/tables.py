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

A page is made a column at a time from the rows it holds, and only when it is written
(build.py): a table of a million rows never has all its pages in memory at once, and a
key that many rows name (a source, an indicator) is looked up and its link written once.
"""
from __future__ import annotations

from functools import partial

from . import links
from .html import escaped, h, href, inline, outside_link
from .links import LISTED_KEYS, PROVENANCE, QUOTE, Site, reference, table_page
from .rows import Rows

MOST_CHOICES = 50   # a column with more distinct values is searched, not chosen from a list
AROUND = 2          # pages linked on either side of the current one (with the first and the last)


def pages(site: Site) -> dict:
    """Path → the page's bytes, or a function that makes them (a table's pages, made as written)."""
    built = {"tables/index.html": index_page(site)}
    for rows in site.tables.values():
        count = site.page_count(rows.name)
        for number in range(1, count + 1):
            here = table_page(rows.name, number)
            if here in built:
                raise ValueError(f"{here} would be written twice: a table is named like a page of another")
            built[here] = partial(table_page_bytes, site, rows, number, count)
    return built


def table_page_bytes(site: Site, rows: Rows, number: int, count: int) -> bytes:
    here = table_page(rows.name, number)
    title = rows.title if count == 1 else f"{rows.title}, page {number} of {count}"
    return site.page(here, title, table_body(site, here, rows, number, count))


def index_page(site: Site) -> bytes:
    here = "tables/index.html"
    items = "".join(f'<li><a href="{href(here, f"tables/{rows.name}.html")}">{h(rows.title)}</a> '
                    f"(<code>{h(rows.name)}</code>, {len(rows)} row{'s' * (len(rows) != 1)}): "
                    f"{inline(rows.resource.descriptor.get('description', ''))}</li>\n"
                    for rows in site.tables.values())
    body = (f"<p>Every table of the package, each on its own page with every row, its quote and its source.</p>"
            f'<ul class="tables">\n{items}</ul>')
    return site.page(here, "Tables", body)


def table_body(site: Site, here: str, rows: Rows, number: int = 1, count: int = 1) -> str:
    resource = rows.resource
    start, stop = (number - 1) * links.ROWS_PER_PAGE, min(len(rows), number * links.ROWS_PER_PAGE)
    held = rows.slice(start, stop)
    cells = {name: column.to_pylist() for name, column in held.items()}
    shown = {name: escaped(column).to_pylist() for name, column in held.items()}
    paged = [pages_note(rows, start, stop, number, count), pagination(rows, here, number, count, "")] if count > 1 else []
    return "\n".join([
        f"<p>{inline(resource.descriptor.get('description', ''))}</p>",
        facts(site, here, rows),
        columns(here, rows),
        *paged,
        filters(rows, cells),
        rows_table(site, here, rows, cells, shown, start, count > 1),
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


def choices(rows: Rows, cells: dict[str, list[str]]) -> dict[int, list[str]]:
    """Column position → its values on the page, for the columns a reader picks a value from:
    those with an `enum`, and single-column foreign keys, when they have 2 to MOST_CHOICES values."""
    keyed = {k.fields[0] for k in rows.resource.foreign_keys if len(k.fields) == 1}
    found = {}
    for position, spec in enumerate(rows.resource.fields):
        enum = spec.get("constraints", {}).get("enum")
        if not enum and spec["name"] not in keyed:
            continue
        present = set(cells[spec["name"]]) - {""}
        order = [str(v) for v in enum] if enum else sorted(present)
        values = [v for v in order if v in present]
        if 2 <= len(values) <= MOST_CHOICES:
            found[position] = values
    return found


def filters(rows: Rows, cells: dict[str, list[str]]) -> str:
    """The filter form; hidden until site.js shows it, as it does nothing without it."""
    selects = "".join(f'<label>{h(rows.resource.fields[p]["name"])} <select data-column="{p + 1}">'
                      f'<option value="">all</option>{options(values)}</select></label>'
                      for p, values in choices(rows, cells).items())
    return (f'<form class="filters" data-rows="rows-{h(rows.name)}" role="search" aria-label="Filter the rows" hidden>'
            f'<label>Search <input type="search" name="search" autocomplete="off"></label>{selects}'
            f'<button type="reset">Show all</button> <output aria-live="polite"></output></form>')


def options(values: list[str]) -> str:
    return "".join(f'<option value="{h(v)}">{h(v)}</option>' for v in values)


def rows_table(site: Site, here: str, rows: Rows, cells: dict[str, list[str]], shown: dict[str, list[str]], start: int,
               paged: bool) -> str:
    fields = rows.resource.fields
    heads = '<th scope="col" data-type="integer">line</th>' + "".join(
        f'<th scope="col" data-type="{h(f.get("type", "string"))}">{h(f["name"])}</th>' for f in fields)
    stop = start + len(next(iter(cells.values()), []))
    anchors, lines = rows.anchors.slice(start, stop - start).to_pylist(), rows.lines[start:stop].tolist()
    path = h(rows.resource.path)
    rendered = [column_html(site, here, rows, spec, cells, shown) for spec in fields]
    body = "".join(f'<tr id="{anchor}"><td><a href="#{anchor}" aria-label="Link to this row (line {line} of {path})">'
                   f'{line}</a></td>{"".join(f"<td>{c}</td>" for c in row)}</tr>\n'
                   for anchor, line, *row in zip(anchors, lines, *rendered))
    which = f"rows {start + 1:,}–{stop:,} of {len(rows):,}" if paged else "every row"
    caption = f"{rows.title}: {which}, with the line it is on in {rows.resource.path}"
    return (f'<div class="scroll" role="region" aria-label="{h(rows.title)} rows" tabindex="0">'
            f'<table class="rows" id="rows-{h(rows.name)}"><caption>{h(caption)}</caption>'
            f"<thead><tr>{heads}</tr></thead><tbody>\n{body}</tbody></table></div>")


def column_html(site: Site, here: str, rows: Rows, spec: dict, cells: dict[str, list[str]],
                shown: dict[str, list[str]]) -> list[str]:
    """The cells of one column of the page, as HTML (SHOWN: the cells escaped)."""
    name = spec["name"]
    texts = cells[name]
    if name == QUOTE:
        return quotations(site, here, rows, cells, shown[name])
    targets: list[str | None] = [None] * len(texts)
    for key in (k for k in rows.resource.foreign_keys if name in k.fields):
        links_to = key_links(site, here, key)
        for i, values in enumerate(zip(*(cells[f] for f in key.fields))):
            if texts[i] and targets[i] is None and all(values):
                targets[i] = links_to(values)
    if name in LISTED_KEYS:
        plain = lambda text: "; ".join(f'<a href="{href(here, target)}">{h(k)}</a>' if target else h(k)  # noqa: E731
                                       for k, target in site.listed(text, name))
    elif spec.get("format") == "uri" or name == "url":
        plain = lambda text: outside_link(text, text)  # noqa: E731
    else:
        plain = None
    return [f'<a href="{target}">{safe}</a>' if target else plain(text) if plain and text else safe
            for text, safe, target in zip(texts, shown[name], targets)]


def key_links(site: Site, here: str, key):
    """values → the link (from HERE) to the row of KEY's table they name, or None; each written once."""
    made: dict[tuple, str | None] = {}

    def link(values: tuple) -> str | None:
        if values not in made:
            found = site.lookup(key.resource, key.reference, values)
            made[values] = None if found is None else href(here, site.row(key.resource, found))
        return made[values]
    return link


def quotations(site: Site, here: str, rows: Rows, cells: dict[str, list[str]], quotes: list[str]) -> list[str]:
    """Each quote (QUOTES: escaped) in its source's language, and the source's full reference."""
    key = next((k for k in rows.resource.foreign_keys if k.fields == PROVENANCE), None)
    cited = zip(*(cells[f] for f in key.fields)) if key else ((),) * len(cells[QUOTE])
    made: dict[tuple, str] = {}
    quoted = []
    for quote, values in zip(quotes, cited):
        if not quote:
            quoted.append("")
            continue
        if values not in made:
            made[values] = cited_by(site, here, key, values)
        opening, closing = made[values]
        quoted.append(f"{opening}{quote}{closing}")
    return quoted


def cited_by(site: Site, here: str, key, values: tuple) -> tuple[str, str]:
    """(what opens and what closes a quote from the publication VALUES name)."""
    found = site.lookup(key.resource, key.reference, values) if key and all(values) else None
    if found is None:  # the provenance table quotes itself: its own row is the reference
        return "<blockquote>", "</blockquote>"
    language = site.tables[key.resource].cell(found, "language")
    return (f'<blockquote lang="{h(language)}">',
            f'</blockquote><p class="reference">— {reference(site, here, key.resource, found)}</p>')
