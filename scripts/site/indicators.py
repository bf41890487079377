"""Trade and indicators: one chart per indicator, its values over time as the sources
give them, each with what it is (actual, target, forecast, estimate, potential) and
how the source hedges it (about, more than, up to).

Nothing is averaged or merged: every observation is its own bar, in the order of the
periods, and a bar is labelled with its period and its source, so two sources on one
period stand side by side; a sentence under the chart says where they differ. A bar's
colour is its status and only actual values are filled; the hedge is written over the
bar (≈ about, > more than, < less than, ≤ up to). Periods are named as the sources give
them ("Jan–Aug 2025"), in order along the axis, not to scale.

An indicator with more than MAX_BARS observations could not be read as bars (nor drawn:
Vega-Lite's renderer runs out of stack on a spec of a hundred thousand marks), so its
chart shows, for each year a period begins in and each status, the range from the lowest
to the highest value the sources give, and the table under it gives those ranges with
the number of values in each. What a chart is handed is aggregated here, with pyarrow,
to what it draws: its size follows the bars drawn, never the rows of the table.

Each chart is an SVG file drawn at build time (charts.py), shown as an image whose
alternative text summarises it; the table under it lists every value in words with a
link to its row (or every range, for an aggregated chart), and a CSV file beside the
chart holds the data it draws: the rows, or the ranges.
"""
from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

import altair as alt
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import charts, dates
from .html import h, href, inline
from .links import Site
from .rows import Rows, encoded

TABLE = "indicators"          # DESIGN.md's tidy table of observations
HERE = "indicators.html"
STATUS_COLOURS = ("#1f5f99", "#b35c00", "#2a7f62", "#a2337a", "#6b5a00", "#555555")  # by place in the status enum
QUALIFIER_WORDS = {"exact": "", "approximately": "about", "more_than": "more than", "less_than": "less than",
                   "up_to": "up to"}
QUALIFIER_SIGNS = {"approximately": "≈", "more_than": ">", "less_than": "<", "up_to": "≤"}
UNIT_WORDS = {"usd": "US dollars", "percent": "percent", "count": "", "flights-per-week": "flights a week",
              "cubic-metres": "cubic metres", "megawatts": "megawatts"}
SCALES = ((1e9, "billion"), (1e6, "million"))
# Bars of at least 80 px: beyond fifty, a chart is metres wide and no longer read as one picture.
MAX_BARS = 50
MOST_DISAGREEMENTS = 20   # periods named where sources differ; the others are counted
COLUMNS = {"indicator": "indicator", "start": "period_start", "end": "period_end", "value": "value", "unit": "unit",
           "qualifier": "qualifier", "status": "status", "source": "source_id", "reporter": "reporter"}


@dataclass
class Observation:
    row: int
    start: datetime.date
    end: datetime.date
    value: float
    unit: str
    qualifier: str
    status: str
    source: str
    reporter: str

    @property
    def order(self) -> tuple:
        return self.start, self.end, self.source, self.status

    @property
    def period(self) -> str:
        return dates.period(self.start, self.end)

    @property
    def words(self) -> str:
        """'about 4,000,000,000 US dollars (4 billion)', '10.5 percent', '42 flights a week'."""
        hedge = QUALIFIER_WORDS.get(self.qualifier, self.qualifier.replace("_", " "))
        return " ".join(w for w in (hedge, amount(self.value, self.unit)) if w)


@dataclass
class Range:
    """What an aggregated chart draws: the values of one status in one year."""
    year: int
    status: str
    count: int
    lowest: float
    highest: float


def observations_table(rows: Rows) -> pa.Table:
    """The columns a chart reads, typed where it counts, with each row's index."""
    columns = {name: (rows.values[field] if name in ("start", "end", "value") else rows.text[field])
               for name, field in COLUMNS.items()}
    return pa.table({"row": pa.array(np.arange(len(rows), dtype=np.int64)), **columns})


def indicators_of(observed: pa.Table) -> list[str]:
    """The indicators, the most observed first (then in the table's order)."""
    counted = observed.group_by("indicator").aggregate([("row", "count"), ("row", "min")])
    order = counted.sort_by([("row_count", "descending"), ("row_min", "ascending")])
    return order["indicator"].to_pylist()


def observations(observed: pa.Table) -> list[Observation]:
    return [Observation(o["row"], o["start"], o["end"], o["value"], o["unit"], o["qualifier"], o["status"],
                        o["source"], o["reporter"]) for o in observed.to_pylist()]


def pages(site: Site) -> dict[str, bytes]:
    rows = site.tables.get(TABLE)
    if rows is None or not len(rows):
        return {HERE: site.page(HERE, "Trade and indicators", "<p>The package has no indicator observations yet.</p>")}
    built, sections, contents, summarised = {}, [], [], 0
    table, every_status = observations_table(rows), statuses(rows)
    for indicator in indicators_of(table):
        about = definition(site, rows, indicator)
        name, file = about.get("name_en") or indicator, f"charts/{encoded(indicator)}"
        mine = table.filter(pc.equal(table["indicator"], indicator))
        if len(mine) <= MAX_BARS:
            observed = observations(mine)
            built[f"{file}.svg"] = chart(name, observed, every_status).encode("utf-8")
            built[f"{file}.csv"] = as_csv(rows, observed)
            sections.append(section(site, indicator, name, about.get("description", ""), observed, file))
        else:
            summarised += 1
            ranges = summary(mine, every_status)
            built[f"{file}.svg"] = summary_chart(name, ranges, mine["unit"][0].as_py(), every_status).encode("utf-8")
            built[f"{file}.csv"] = summary_csv(ranges)
            sections.append(summary_section(site, indicator, name, about.get("description", ""), mine, ranges, file))
        contents.append(f'<li><a href="#{h(encoded(indicator))}">{h(name)}</a> ({len(mine)})</li>')
    intro = (f"<p>{len(rows)} observations of {len(sections)} indicators, each chart with the values as the sources "
             f'give them. All rows: <a href="{href(HERE, f"tables/{TABLE}.html")}">the indicators table</a>.</p>'
             "<p>Colour tells the status of a value; only actual values are filled. A sign over a bar is the "
             "source's hedge: ≈ about, &gt; more than, &lt; less than, ≤ up to. Periods follow one another along "
             "the axis in order, not to scale.</p>")
    if summarised:
        intro += (f"<p>An indicator with more than {MAX_BARS} values is drawn by year instead: for each year a period "
                  "begins in and each status, a bar runs from the lowest to the highest value the sources give, and "
                  "the table under the chart counts the values in each.</p>")
    body = intro + f'<nav aria-label="Indicators"><ul class="columns-list">{"".join(contents)}</ul></nav>'
    built[HERE] = site.page(HERE, "Trade and indicators", body + "\n".join(sections))
    return built


def definition(site: Site, rows: Rows, indicator: str) -> dict[str, str]:
    """The indicator's row in the table the `indicator` column points to, as text."""
    key = next((k for k in rows.resource.foreign_keys if k.fields == ("indicator",)), None)
    found = site.lookup(key.resource, key.reference, (indicator,)) if key else None
    if found is None:
        return {}
    table = site.tables[key.resource]
    return {name: table.cell(found, name) for name in table.text}


def statuses(rows: Rows) -> list[str]:
    """Every status, in the enum's order: a status keeps its colour in every chart."""
    spec = next((f for f in rows.resource.fields if f["name"] == "status"), {})
    known = [str(s) for s in spec.get("constraints", {}).get("enum", [])]
    return known + sorted(set(pc.unique(rows.text["status"]).to_pylist()) - set(known))


def number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.6g}"


def unit_words(unit: str) -> str:
    return UNIT_WORDS.get(unit, unit.replace("-", " "))


def amount(value: float, unit: str) -> str:
    """'4,000,000,000 US dollars (4 billion)', '10.5 percent', '42 flights a week'."""
    said = " ".join(w for w in (number(value), unit_words(unit)) if w)
    divisor, word = scaled(abs(value), unit)
    return f"{said} ({number(round(value / divisor, 3))} {word})" if word else said


def scale(observed: list[Observation]) -> tuple[float, str]:
    return scaled(max(abs(o.value) for o in observed), observed[0].unit)


def scaled(largest: float, unit: str) -> tuple[float, str]:
    """(divisor, its word) that makes the largest sum of money readable: 4.1 billion."""
    if unit == "usd":
        for divisor, word in SCALES:
            if largest >= divisor:
                return divisor, word
    return 1.0, ""


def colours_of(present: list[str], every_status: list[str]) -> alt.Scale:
    return alt.Scale(domain=present, range=[STATUS_COLOURS[every_status.index(s) % len(STATUS_COLOURS)]
                                            for s in present])


def chart(name: str, observed: list[Observation], every_status: list[str]) -> str:
    """One bar per observation, labelled with its period and source."""
    divisor, word = scale(observed)
    ordered = sorted(observed, key=lambda o: o.order)
    values = [{"bar": f"{dates.period(o.start, o.end, short=True)}|{o.source}|{n}", "status": o.status,
               "value": o.value / divisor,
               "label": QUALIFIER_SIGNS.get(o.qualifier, "") + number(round(o.value / divisor, 3))}
              for n, o in enumerate(ordered)]
    present = [s for s in every_status if any(o.status == s for o in observed)]
    colour = colours_of(present, every_status)
    step = max(80, 7 * max(len(part) for v in values for part in v["bar"].split("|")[:2]))  # room for the label
    title = " ".join(w for w in (unit_words(observed[0].unit) or "number", word and f"({word}s)") if w)
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("bar:N", sort=[v["bar"] for v in values], title=None, scale=alt.Scale(paddingInner=0.25),
                axis=alt.Axis(labelAngle=0, labelLimit=step - 6, labelExpr="slice(split(datum.value, '|'), 0, 2)")),
        y=alt.Y("value:Q", title=title))
    bars = base.mark_bar(strokeWidth=2).encode(
        color=alt.Color("status:N", scale=colour, title="Status", legend=alt.Legend(orient="bottom")),
        stroke=alt.Stroke("status:N", scale=colour, legend=None),
        fillOpacity=alt.condition(alt.datum.status == "actual", alt.value(1.0), alt.value(0.15)))
    labels = base.mark_text(dy=-4, baseline="bottom", fontSize=11, color="#1a1a1a").encode(text="label:N")
    return charts.svg(alt.layer(bars, labels).properties(width=max(200, step * len(values)), height=220, title=name))


def section(site: Site, indicator: str, name: str, description: str, observed: list[Observation], file: str) -> str:
    years = sorted({o.start.year for o in observed})
    kinds = ", ".join(sorted({o.status for o in observed}))
    alt_text = (f"Bar chart of {name}: {len(observed)} value{'s' * (len(observed) != 1)} from {years[0]} to "
                f"{years[-1]} ({kinds}); the table under the chart lists each of them.")
    return (f'<section class="indicator" aria-labelledby="{h(encoded(indicator))}">'
            f'<h2 id="{h(encoded(indicator))}">{h(name)}</h2><p>{inline(description)}</p>'
            f'<figure class="chart"><img src="{h(file)}.svg" alt="{h(alt_text)}">'
            f'<figcaption>Data behind the chart: <a href="{h(file)}.csv">{h(file.split("/")[-1])}.csv</a>.'
            f"{disagreements(observed)}</figcaption></figure>{values_table(site, name, observed)}</section>")


def disagreements(observed: list[Observation]) -> str:
    """Where sources give different values for the same period and status, say so."""
    same: dict[tuple, list[Observation]] = {}
    for o in sorted(observed, key=lambda o: o.order):
        same.setdefault((o.start, o.end, o.status), []).append(o)
    sentences = []
    for (start, end, status), group in same.items():
        if len({o.source for o in group}) > 1 and len({(o.value, o.qualifier) for o in group}) > 1:
            said = "; ".join(f"{h(o.source)}: {h(o.words)}" for o in group)
            sentences.append(f" For {h(dates.period(start, end))} ({h(status)}), the sources differ: {said}.")
    more = len(sentences) - MOST_DISAGREEMENTS
    return "".join(sentences[:MOST_DISAGREEMENTS]) + (
        f" The sources differ for {more} more period{'s' * (more != 1)} as well." if more > 0 else "")


def differing(observed: pa.Table) -> list[Observation]:
    """The observations of the periods (and statuses) on which sources give different values:
    all that `disagreements` needs, found without a Python object per row."""
    keyed = observed.append_column("said", pc.binary_join_element_wise(
        pc.cast(observed["value"], pa.string()), observed["qualifier"], "|"))
    keys = ["start", "end", "status"]
    groups = keyed.group_by(keys).aggregate([("source", "count_distinct"), ("said", "count_distinct")])
    differ = groups.filter(pc.and_(pc.greater(groups["source_count_distinct"], 1),
                                   pc.greater(groups["said_count_distinct"], 1)))
    if not len(differ):
        return []
    return observations(observed.join(differ.select(keys), keys=keys, join_type="inner"))


def values_table(site: Site, name: str, observed: list[Observation]) -> str:
    rows = site.tables[TABLE]
    body = "".join(f"<tr><td>{h(o.period)}</td><td>{h(o.words)}</td><td>{h(o.status)}</td><td>{h(o.source)}</td>"
                   f'<td>{h(o.reporter)}</td><td><a href="{href(HERE, site.row(TABLE, o.row))}">line '
                   f"{rows.line(o.row)}</a></td></tr>\n" for o in sorted(observed, key=lambda o: o.order))
    return (f'<div class="scroll" role="region" aria-label="{h(name)}: values" tabindex="0"><table class="values">'
            f"<caption>{h(name)}: every value, with its row (the quote and the source)</caption><thead><tr>"
            '<th scope="col">Period</th><th scope="col">Value</th><th scope="col">Status</th>'
            '<th scope="col">Source</th><th scope="col">Reporter</th><th scope="col">Row</th></tr></thead>'
            f"<tbody>\n{body}</tbody></table></div>")


def as_csv(rows: Rows, observed: list[Observation]) -> bytes:
    """The rows drawn, as the indicators table holds them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(rows.resource.field_names)
    writer.writerows([rows.cell(o.row, n) for n in rows.resource.field_names] for o in observed)
    return buffer.getvalue().encode("utf-8")


def summary(observed: pa.Table, every_status: list[str]) -> list[Range]:
    """Per year a period begins in and per status: how many values, the lowest and the highest."""
    by_year = observed.append_column("year", pc.year(observed["start"]))
    grouped = by_year.group_by(["year", "status"]).aggregate([("value", "count"), ("value", "min"), ("value", "max")])
    ranges = [Range(g["year"], g["status"], g["value_count"], g["value_min"], g["value_max"])
              for g in grouped.to_pylist()]
    return sorted(ranges, key=lambda r: (r.year, every_status.index(r.status)))


def summary_chart(name: str, ranges: list[Range], unit: str, every_status: list[str]) -> str:
    """For each year, a bar per status from its lowest to its highest value; every year on the axis."""
    divisor, word = scaled(max(max(abs(r.lowest), abs(r.highest)) for r in ranges), unit)
    values = [{"year": str(r.year), "status": r.status, "lowest": r.lowest / divisor, "highest": r.highest / divisor}
              for r in ranges]
    present = [s for s in every_status if any(r.status == s for r in ranges)]
    colour = colours_of(present, every_status)
    years = [str(y) for y in range(ranges[0].year, ranges[-1].year + 1)]
    title = " ".join(w for w in (unit_words(unit) or "number", word and f"({word}s)") if w)
    bars = alt.Chart(alt.Data(values=values)).mark_bar(strokeWidth=2).encode(
        x=alt.X("year:O", title=None, scale=alt.Scale(domain=years, paddingInner=0.2), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("status:N", scale=alt.Scale(domain=present)),
        y=alt.Y("lowest:Q", title=title), y2="highest:Q",
        color=alt.Color("status:N", scale=colour, title="Status", legend=alt.Legend(orient="bottom")),
        stroke=alt.Stroke("status:N", scale=colour, legend=None),
        fillOpacity=alt.condition(alt.datum.status == "actual", alt.value(1.0), alt.value(0.15)))
    width = max(200, len(years) * max(40, 12 * len(present)))
    return charts.svg(bars.properties(width=width, height=220, title=name))


def summary_section(site: Site, indicator: str, name: str, description: str, observed: pa.Table,
                    ranges: list[Range], file: str) -> str:
    unit = observed["unit"][0].as_py()
    kinds = ", ".join(sorted({r.status for r in ranges}))
    alt_text = (f"Bar chart of {name}: the lowest to the highest of {len(observed):,} values in each year from "
                f"{ranges[0].year} to {ranges[-1].year} ({kinds}); the table under the chart lists these ranges.")
    first = pc.min(observed["row"]).as_py()
    rows = (f'Its {len(observed):,} values, each with its quote and source, are in <a href="'
            f'{href(HERE, site.row(TABLE, first))}">the indicators table</a> (the first on line '
            f"{site.tables[TABLE].line(first)}).")
    return (f'<section class="indicator" aria-labelledby="{h(encoded(indicator))}">'
            f'<h2 id="{h(encoded(indicator))}">{h(name)}</h2><p>{inline(description)}</p>'
            f'<figure class="chart"><img src="{h(file)}.svg" alt="{h(alt_text)}">'
            f'<figcaption>Data behind the chart: <a href="{h(file)}.csv">{h(file.split("/")[-1])}.csv</a>. {rows}'
            f"{disagreements(differing(observed))}</figcaption></figure>{ranges_table(name, ranges, unit)}</section>")


def ranges_table(name: str, ranges: list[Range], unit: str) -> str:
    body = "".join(f"<tr><td>{r.year}</td><td>{h(r.status)}</td><td>{r.count:,}</td><td>{h(amount(r.lowest, unit))}"
                   f"</td><td>{h(amount(r.highest, unit))}</td></tr>\n" for r in ranges)
    return (f'<div class="scroll" role="region" aria-label="{h(name)}: values by year" tabindex="0">'
            f'<table class="values"><caption>{h(name)}: the values of each year (the year a period begins in), '
            f'by status</caption><thead><tr><th scope="col">Year</th><th scope="col">Status</th>'
            '<th scope="col">Values</th><th scope="col">Lowest</th><th scope="col">Highest</th></tr></thead>'
            f"<tbody>\n{body}</tbody></table></div>")


def summary_csv(ranges: list[Range]) -> bytes:
    """The ranges drawn, one line per year and status."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["year", "status", "values", "lowest", "highest"])
    writer.writerows([r.year, r.status, r.count, plain(r.lowest), plain(r.highest)] for r in ranges)
    return buffer.getvalue().encode("utf-8")


def plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
