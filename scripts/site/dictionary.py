"""The data dictionary page: every table and every column, with its type, constraints
and description, straight from datapackage.json (as DATA-DICTIONARY.md is, by `kzuz
docs`). Each table and column has an anchor (`#table-visits`, `#field-visits-kind`)
that the table pages link to."""
from __future__ import annotations

from .html import h, href, inline
from .links import Site

HERE = "dictionary.html"


def pages(site: Site) -> dict[str, bytes]:
    contents = "".join(f'<li><a href="#table-{h(rows.name)}">{h(rows.title)}</a></li>' for rows in site.tables.values())
    sections = "\n".join(section(site, rows) for rows in site.tables.values())
    body = (f"<p>Every table and column of the package, as <code>datapackage.json</code> describes them. "
            f'The same is in <a href="{href(HERE, "datapackage.json")}">datapackage.json</a> for programs.</p>'
            f'<nav aria-label="Tables"><ul class="columns-list">{contents}</ul></nav>{sections}')
    return {HERE: site.page(HERE, "Data dictionary", body)}


def section(site: Site, rows) -> str:
    resource = rows.resource
    keys = "".join(f'<li><code>{h(", ".join(k.fields))}</code> → <a href="#table-{h(k.resource)}">'
                   f"<code>{h(k.resource)}</code></a>.<code>{h(', '.join(k.reference))}</code></li>"
                   for k in resource.foreign_keys)
    fields = "".join(field_row(rows.name, f) for f in resource.fields)
    return (f'<section class="table-definition" aria-labelledby="table-{h(rows.name)}">'
            f'<h2 id="table-{h(rows.name)}">{h(rows.title)} <code>{h(rows.name)}</code></h2>'
            f"<p>{inline(resource.descriptor.get('description', ''))}</p>"
            f'<p>File <code>{h(resource.path)}</code>; <a href="{href(HERE, f"tables/{rows.name}.html")}">its rows</a>. '
            f"Primary key: {', '.join(f'<code>{h(k)}</code>' for k in resource.primary_key) or 'none'}.</p>"
            + (f"<p>Foreign keys:</p><ul>{keys}</ul>" if keys else "")
            + f'<div class="scroll" role="region" aria-label="Columns of {h(rows.name)}" tabindex="0">'
              f'<table class="dictionary"><caption>Columns of <code>{h(rows.name)}</code></caption><thead><tr>'
              '<th scope="col">Column</th><th scope="col">Type</th><th scope="col">Required</th>'
              '<th scope="col">Constraints</th><th scope="col">Description</th></tr></thead>'
              f"<tbody>{fields}</tbody></table></div></section>")


def field_row(table: str, spec: dict) -> str:
    constraints = dict(spec.get("constraints", {}))
    required = "yes" if constraints.pop("required", False) else ""
    words = []
    if "enum" in constraints:
        words.append("one of " + ", ".join(f"<code>{h(v)}</code>" for v in constraints.pop("enum")))
    words += [h(name) if value is True else f"{h(name)} <code>{h(value)}</code>" for name, value in constraints.items()]
    if "format" in spec:
        words.append(f"format <code>{h(spec['format'])}</code>")
    return (f'<tr id="field-{h(table)}-{h(spec["name"])}"><th scope="row"><code>{h(spec["name"])}</code></th>'
            f"<td>{h(spec.get('type', 'string'))}</td><td>{required}</td><td>{'; '.join(words)}</td>"
            f"<td>{inline(spec.get('description', ''))}</td></tr>")
