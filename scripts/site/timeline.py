"""The timeline: every dated row of every table on one time axis, filterable by table,
kind and topic, each item a link to its row.

Which tables are on it comes from the descriptor: a table is dated when it has a date
column with a precision column beside it (`signed_date` + `signed_date_precision`, or
`start_date`/`end_date` + `date_precision`, as DESIGN.md writes them), so visits,
treaties, memoranda, and projects, connections and events when they come, appear with
no change here. The publications the rows cite are not events and stay off it.

Precision is drawn as it is: an item is a bar over everything its date can mean (a
month-precision date spans its month, a year its year); a day is a dot. The list under
the chart says the same in words ("December 2022", never "1 December 2022") and is the
chart's text alternative; the filters act on both.

A table with more than MOST_MARKS dated rows is drawn as the number of its rows in each
year (by precision), counted here: one mark a row would smear into a band at this width,
and a spec of a mark a row is what Vega-Lite's renderer cannot draw at a hundred thousand.
The list under the chart still names each row.
"""
from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from dataclasses import dataclass

import altair as alt

from ..fields import SHARED_PRECISION, precision_columns
from . import charts, dates
from .html import h, href
from .links import PROVENANCE, Site

LABELS = ("title_en", "name_en", "event", "summary_en")  # the first one a row fills names it
KINDS = ("kind", "doc_type", "mode")
TOPICS = ("topic", "topics")
# Statuses of what has not (yet) happened (DESIGN.md: a visit `planned`, a project
# `proposed`, a connection `discussed`): drawn hollow, never like what took place.
TENTATIVE = ("planned", "proposed", "discussed")
PRECISION_COLOURS = {"day": "#1f5f99", "month": "#b35c00", "year": "#6b3fa0"}
HERE = "timeline.html"
WIDTH = 900
MOST_MARKS = 500   # a table's rows drawn one by one; beyond, counted by year


@dataclass
class Item:
    table: str
    index: int
    start: datetime.date          # first day it may mean
    end: datetime.date            # the day after the last day it may mean
    precision: str
    when: str                     # the date in words, at its precision
    label: str
    kind: str
    topics: list[str]
    status: str
    target: str                   # its row, from the site's root
    track: int = 0                # the line it is drawn on within its table


def dating(resource) -> tuple[str, str | None, str] | None:
    """(start column, end column or None, precision column) of a dated table."""
    precisions = precision_columns(resource.fields)
    dated = list(precisions)
    for name in dated:
        precision = precisions[name]
        if precision:  # a later date qualified by the same shared column is where it ends (a visit)
            end = next((d for d in dated[dated.index(name) + 1:]
                        if precision == SHARED_PRECISION and precisions[d] == precision), None)
            return name, end, precision
    return None


def dated_tables(site: Site) -> dict[str, tuple[str, str | None, str]]:
    cited = {k.resource for rows in site.tables.values() for k in rows.resource.foreign_keys if k.fields == PROVENANCE}
    found = {name: dating(rows.resource) for name, rows in site.tables.items() if name not in cited}
    return {name: columns for name, columns in found.items() if columns}


def items(site: Site) -> tuple[list[Item], dict[str, int]]:
    """(the dated items, sorted by date; the number of undated rows per table)."""
    found, undated = [], {}
    for name, (start, end, precision) in dated_tables(site).items():
        rows = site.tables[name]
        firsts = rows.values[start].to_pylist()
        lasts = rows.values[end].to_pylist() if end else [None] * len(rows)
        for i, (first, last) in enumerate(zip(firsts, lasts)):
            if first is None:
                undated[name] = undated.get(name, 0) + 1
                continue
            found.append(item(site, name, i, first, last, rows.cell(i, precision) or "day"))
    found.sort(key=lambda it: (it.start, it.end, it.table, site.tables[it.table].anchor(it.index)))
    return found, undated


def item(site: Site, name: str, i: int, first, last, precision: str) -> Item:
    rows = site.tables[name]
    first_of = lambda columns: next((rows.cell(i, c) for c in columns if rows.cell(i, c)), "")  # noqa: E731
    label = first_of(LABELS) or "; ".join(rows.cell(i, k) for k in rows.resource.primary_key)
    start, end = dates.span(first, last, precision)
    return Item(name, i, start, end, precision, dates.described(first, last, precision), label, first_of(KINDS),
                [t for t in first_of(TOPICS).split(";") if t], rows.cell(i, "status"), site.row(name, i))


def place_on_tracks(found: list[Item]) -> None:
    """Items of a table that would overlap on screen go on separate lines."""
    if not found:
        return
    gap = datetime.timedelta(days=max(30, (max(i.end for i in found) - min(i.start for i in found)).days // 90))
    ends: dict[str, list[datetime.date]] = {}
    counted = {name for name, n in Counter(i.table for i in found).items() if n > MOST_MARKS}  # not drawn one by one
    for it in (i for i in found if i.table not in counted):
        tracks = ends.setdefault(it.table, [])
        it.track = next((n for n, end in enumerate(tracks) if end + gap <= it.start), len(tracks))
        if it.track == len(tracks):
            tracks.append(it.end)
        tracks[it.track] = it.end


def in_order(site: Site, found: list[Item]) -> list[str]:
    """The tables with items, in the descriptor's order."""
    return [name for name in site.tables if any(i.table == name for i in found)]


def chart(site: Site, found: list[Item]) -> str:
    """One view per table, one above the other, on the same time axis of whole years."""
    first, last = datetime.date(found[0].start.year, 1, 1), datetime.date(last_year(found) + 1, 1, 1)
    axis = alt.X("start:T", title=None, scale=charts.utc(domain=[charts.moment(first), charts.moment(last)]),
                 axis=alt.Axis(format="%Y", grid=True, values=year_ticks(first.year, last.year)))
    views = [table_view(site, name, [i for i in found if i.table == name], axis) for name in in_order(site, found)]
    return charts.svg(alt.vconcat(*views, spacing=18), inline=True)


def year_ticks(first: int, last: int) -> list:
    """About ten labelled years: every year, or every 2, 5, 10… (fixed, so labels never crowd)."""
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 1000) if (last - first) / s <= 10)
    return [charts.moment(datetime.date(y, 1, 1)) for y in range(first + (-first) % step, last + 1, step)]


def table_view(site: Site, name: str, found: list[Item], axis: alt.X) -> alt.TopLevelMixin:
    """A bar over each item's span, and a dot on each day-precision item (a day is too thin a bar to see)."""
    scale = alt.Scale(domain=list(PRECISION_COLOURS), range=list(PRECISION_COLOURS.values()))
    if len(found) > MOST_MARKS:
        return counted_view(site, name, found, axis, scale)
    values = [{"start": f"{i.start.isoformat()}T00:00:00Z", "end": f"{i.end.isoformat()}T00:00:00Z", "track": i.track,
               "precision": i.precision, "href": i.target, "label": f"{i.when}: {i.label}",
               "tentative": i.status in TENTATIVE} for i in found]
    base = alt.Chart(alt.Data(values=values), title=site.tables[name].title).encode(
        x=axis, y=alt.Y("track:O", axis=None), href="href:N", description="label:N",
        color=alt.Color("precision:N", title="Date known to the", scale=scale, legend=alt.Legend(orient="bottom")),
        stroke=alt.Stroke("precision:N", scale=scale, legend=None),
        fillOpacity=alt.condition(alt.datum.tentative, alt.value(0.15), alt.value(1.0)))
    spans = base.mark_bar(height=8, strokeWidth=1.5).encode(x2="end:T")
    days = base.mark_circle(size=40, strokeWidth=1.5).transform_filter(alt.datum.precision == "day")
    tracks = 1 + max(i.track for i in found)
    return alt.layer(spans, days).properties(width=WIDTH, height=max(24, 12 * tracks))


def counted_view(site: Site, name: str, found: list[Item], axis: alt.X, scale: alt.Scale) -> alt.Chart:
    """The number of the table's rows that begin in each year, stacked by precision (stacked
    here: Vega-Lite does not stack a bar that spans a range of time)."""
    order = list(PRECISION_COLOURS)
    counted = Counter((i.start.year, order.index(i.precision)) for i in found)
    values, below = [], Counter()
    for (year, precision), n in sorted(counted.items()):
        values.append({"start": f"{year:04d}-01-01T00:00:00Z", "end": f"{year + 1:04d}-01-01T00:00:00Z",
                       "precision": order[precision], "from": below[year], "to": below[year] + n,
                       "label": f"{year}: {n} row{'s' * (n != 1)} dated to the {order[precision]}"})
        below[year] += n
    return alt.Chart(alt.Data(values=values), title=f"{site.tables[name].title}: rows a year").mark_bar(
        strokeWidth=1.5).encode(
        x=axis, x2="end:T", y=alt.Y("from:Q", title="rows"), y2="to:Q", description="label:N",
        color=alt.Color("precision:N", title="Date known to the", scale=scale, legend=alt.Legend(orient="bottom")),
    ).properties(width=WIDTH, height=80)


def pages(site: Site) -> dict[str, bytes]:
    found, undated = items(site)
    place_on_tracks(found)
    body = [intro(site, found, undated)]
    if found:
        body += [filters(site, found), figure(site, found), listing(site, found)]
    return {HERE: site.page(HERE, "Timeline", "\n".join(body)), "timeline.csv": as_csv(site, found)}


def intro(site: Site, found: list[Item], undated: dict[str, int]) -> str:
    if not found:
        return "<p>No table of the package has dated rows yet.</p>"
    tables = ", ".join(f'<a href="{href(HERE, f"tables/{n}.html")}">{h(site.tables[n].title.lower())}</a>'
                       for n in in_order(site, found))
    years = f"{found[0].start.year}–{last_year(found)}"
    text = (f"<p>{len(found)} dated rows of {tables}, {years}, on one time axis. A date is drawn as precisely as "
            "its source gives it: a bar spans the whole month or year a source names, a dot marks a day; what "
            "was only planned or proposed is drawn hollow. "
            "Each item links to its row, with the passage that supports it.</p>")
    if undated:
        text += "<p>Not drawn, because no source dates them: " + ", ".join(
            f'<a href="{href(HERE, f"tables/{n}.html")}">{count} row{"s" * (count != 1)} of '
            f"{h(site.tables[n].title.lower())}</a>" for n, count in undated.items()) + ".</p>"
    return text


def filters(site: Site, found: list[Item]) -> str:
    """Filters by table, kind and topic; hidden until site.js shows them, as they do nothing without it."""
    tables = "".join(f'<label><input type="checkbox" name="table" value="{h(n)}" checked> '
                     f"{h(site.tables[n].title)}</label>" for n in in_order(site, found))
    kinds = choice("kind", sorted({i.kind for i in found} - {""}))
    topics = choice("topic", sorted({t for i in found for t in i.topics}))
    return (f'<form class="filters timeline-filters" aria-label="Filter the timeline" hidden>'
            f"<fieldset><legend>Tables</legend>{tables}</fieldset>{kinds}{topics}"
            f'<button type="reset">Show all</button> <output aria-live="polite"></output></form>')


def choice(name: str, values: list[str]) -> str:
    options = "".join(f'<option value="{h(v)}">{h(v.replace("_", " "))}</option>' for v in values)
    return f'<label>{name.capitalize()} <select name="{name}"><option value="">all</option>{options}</select></label>'


def last_year(found: list[Item]) -> int:
    """The year of the last day any item may mean (an item's end is the day after it)."""
    return (max(i.end for i in found) - datetime.timedelta(days=1)).year


def figure(site: Site, found: list[Item]) -> str:
    first, last = found[0].start.year, last_year(found)
    described = f"Timeline chart of {len(found)} dated rows from {first} to {last}; the list below gives each of them."
    return (f'<figure class="chart" id="timeline-chart"><div class="scroll" role="img" aria-label="{described}">'
            f"{chart(site, found)}</div>"
            f'<figcaption>Each line is one table; items that would overlap are drawn on lines of their own. The list '
            f'below is the same in words. The data behind the chart: <a href="timeline.csv">timeline.csv</a>.'
            f"</figcaption></figure>")


def listing(site: Site, found: list[Item]) -> str:
    years: dict[int, list[str]] = {}
    for it in found:
        years.setdefault(it.start.year, []).append(entry(site, it))
    sections = "".join(f'<section class="year" aria-labelledby="year-{year}"><h2 id="year-{year}">{year}</h2>'
                       f'<ol class="items">{"".join(entries)}</ol></section>' for year, entries in years.items())
    return f'<div id="timeline-list">{sections}</div>'


def entry(site: Site, it: Item) -> str:
    kind = " · ".join(h(p.replace("_", " ")) for p in (site.tables[it.table].title, it.kind, ", ".join(it.topics),
                                                        it.status) if p)
    target = href(HERE, it.target)
    return (f'<li data-table="{h(it.table)}" data-kind="{h(it.kind)}" data-topics="{h(";".join(it.topics))}" '
            f'data-href="{target}"><a href="{target}"><span class="when">{h(it.when)}</span> {h(it.label)}</a> '
            f'<span class="what">{kind}</span></li>')


def as_csv(site: Site, found: list[Item]) -> bytes:
    """The chart's data: each item, the days its date may mean, and its row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["table", "key", "date", "precision", "first_day", "last_day", "kind", "topics", "status", "label",
                     "row"])
    for it in found:
        rows = site.tables[it.table]
        writer.writerow([it.table, ";".join(rows.cell(it.index, k) for k in rows.resource.primary_key), it.when,
                         it.precision, it.start.isoformat(), (it.end - datetime.timedelta(days=1)).isoformat(),
                         it.kind, ";".join(it.topics), it.status, it.label, it.target])
    return buffer.getvalue().encode("utf-8")
