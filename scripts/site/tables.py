"""One page per table, every column and every row, from the descriptor alone: a table
added to datapackage.json gets its page, its columns' descriptions, its filters and its
links with no change here.

Every row is in the page as HTML (readable without JavaScript, found by the browser's
own search); `site.js` adds sorting, filters and a search box on top. A row's first cell
is its permanent link; a foreign key is a link to the row it names; `source_quote` is
shown as the quotation it is, in its language, with the full reference of the
publication under it.
"""
from __future__ import annotations

from .html import h, href, inline, outside_link
from ..fields import LISTED_KEYS
from .links import QUOTE, Site, reference
from .rows import Rows

MOST_CHOICES = 50   # a column with more distinct values is searched, not chosen from a list


def pages(site: Site) -> dict[str, bytes]:
    built = {"tables/index.html": index_page(site)}
    for rows in site.tables.values():
        here = f"tables/{rows.name}.html"
        built[here] = site.page(here, rows.title, table_body(site, here, rows))
    return built


def index_page(site: Site) -> bytes:
    here = "tables/index.html"
    items = "".join(f'<li><a href="{href(here, f"tables/{rows.name}.html")}">{h(rows.title)}</a> '
                    f"(<code>{h(rows.name)}</code>, {len(rows)} row{'s' * (len(rows) != 1)}): "
                    f"{inline(rows.resource.descriptor.get('description', ''))}</li>\n"
                    for rows in site.tables.values())
    body = (f"<p>Every table of the package, each on its own page with every row, its quote and its source.</p>"
            f'<ul class="tables">\n{items}</ul>')
    return site.page(here, "Tables", body)


def table_body(site: Site, here: str, rows: Rows) -> str:
    resource = rows.resource
    return "\n".join([
        f"<p>{inline(resource.descriptor.get('description', ''))}</p>",
        facts(site, here, rows),
        columns(here, rows),
        filters(rows),
        rows_table(site, here, rows),
    ])


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


def choices(rows: Rows) -> dict[int, list[str]]:
    """Column position → its values, for the columns a reader picks a value from: those
    with an `enum`, and single-column foreign keys, when they have 2 to MOST_CHOICES values."""
    keyed = {k.fields[0] for k in rows.resource.foreign_keys if len(k.fields) == 1}
    found = {}
    for position, spec in enumerate(rows.resource.fields):
        enum = spec.get("constraints", {}).get("enum")
        if not enum and spec["name"] not in keyed:
            continue
        present = set(rows.text[spec["name"]]) - {""}
        order = [str(v) for v in enum] if enum else sorted(present)
        values = [v for v in order if v in present]
        if 2 <= len(values) <= MOST_CHOICES:
            found[position] = values
    return found


def filters(rows: Rows) -> str:
    """The filter form; hidden until site.js shows it, as it does nothing without it."""
    selects = "".join(f'<label>{h(rows.resource.fields[p]["name"])} <select data-column="{p + 1}">'
                      f'<option value="">all</option>{options(values)}</select></label>'
                      for p, values in choices(rows).items())
    return (f'<form class="filters" data-rows="rows-{h(rows.name)}" role="search" aria-label="Filter the rows" hidden>'
            f'<label>Search <input type="search" name="search" autocomplete="off"></label>{selects}'
            f'<button type="reset">Show all</button> <output aria-live="polite"></output></form>')


def options(values: list[str]) -> str:
    return "".join(f'<option value="{h(v)}">{h(v)}</option>' for v in values)


def rows_table(site: Site, here: str, rows: Rows) -> str:
    fields = rows.resource.fields
    heads = '<th scope="col" data-type="integer">line</th>' + "".join(
        f'<th scope="col" data-type="{h(f.get("type", "string"))}">{h(f["name"])}</th>' for f in fields)
    body = "".join(table_row(site, here, rows, i) for i in range(len(rows)))
    caption = f"{rows.title}: every row, with the line it is on in {rows.resource.path}"
    return (f'<div class="scroll" role="region" aria-label="{h(rows.title)} rows" tabindex="0">'
            f'<table class="rows" id="rows-{h(rows.name)}"><caption>{h(caption)}</caption>'
            f"<thead><tr>{heads}</tr></thead><tbody>\n{body}</tbody></table></div>")


def table_row(site: Site, here: str, rows: Rows, index: int) -> str:
    anchor, line = rows.anchors[index], rows.lines[index]
    permalink = (f'<td><a href="#{anchor}" aria-label="Link to this row (line {line} of {h(rows.resource.path)})">'
                 f"{line}</a></td>")
    cells = "".join(f"<td>{cell(site, here, rows, index, f)}</td>" for f in rows.resource.fields)
    return f'<tr id="{anchor}">{permalink}{cells}</tr>\n'


def cell(site: Site, here: str, rows: Rows, index: int, spec: dict) -> str:
    name, text = spec["name"], rows.cell(index, spec["name"])
    if not text:
        return ""
    if name == QUOTE:
        return quotation(site, here, rows, index)
    for key in rows.resource.foreign_keys:
        if name in key.fields:
            found = site.referenced(rows, index, key)
            if found is not None:
                return f'<a href="{href(here, site.row(key.resource, found))}">{h(text)}</a>'
    if name in LISTED_KEYS:
        return "; ".join(f'<a href="{href(here, target)}">{h(k)}</a>' if target else h(k)
                         for k, target in site.listed(rows, index, name))
    if spec.get("format") == "uri" or name == "url":
        return outside_link(text, text)
    return h(text)


def quotation(site: Site, here: str, rows: Rows, index: int) -> str:
    """The quote in its source's language, and the source's full reference."""
    cited = site.cited(rows, index)
    if cited is None:  # the provenance table quotes itself: its own row is the reference
        return f"<blockquote>{h(rows.cell(index, QUOTE))}</blockquote>"
    table, source = cited
    language = site.tables[table].cell(source, "language")
    return (f'<blockquote lang="{h(language)}">{h(rows.cell(index, QUOTE))}</blockquote>'
            f'<p class="reference">— {reference(site, here, table, source)}</p>')
