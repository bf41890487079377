"""Trade and indicators: one chart per indicator, its values over time as the sources
give them, each with what it is (actual, target, forecast, estimate, potential) and
how the source hedges it (about, more than, up to).

Nothing is averaged or merged: every observation is its own bar, in the order of the
periods, and a bar is labelled with its period and its source, so two sources on one
period stand side by side; a sentence under the chart says where they differ. A bar's
colour is its status and only actual values are filled; the hedge is written over the
bar (≈ about, > more than, < less than, ≤ up to). Periods are named as the sources give
them ("Jan–Aug 2025"), in order along the axis, not to scale.

Each chart is an SVG file drawn at build time (charts.py), shown as an image whose
alternative text summarises it; the table under it lists every value in words with a
link to its row, and a CSV file beside the chart holds the rows it draws.
"""
from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

import altair as alt

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
        said = " ".join(w for w in (hedge, number(self.value), unit_words(self.unit)) if w)
        divisor, word = scale([self])
        return f"{said} ({number(round(self.value / divisor, 3))} {word})" if word else said


def observations_of(rows: Rows) -> dict[str, list[Observation]]:
    """Indicator → its observations, the most observed indicator first (then in the table's order)."""
    grouped: dict[str, list[Observation]] = {}
    for i in range(len(rows)):
        grouped.setdefault(rows.cell(i, "indicator"), []).append(Observation(
            i, rows.values["period_start"][i], rows.values["period_end"][i], rows.values["value"][i],
            rows.cell(i, "unit"), rows.cell(i, "qualifier"), rows.cell(i, "status"), rows.cell(i, "source_id"),
            rows.cell(i, "reporter")))
    return dict(sorted(grouped.items(), key=lambda item: -len(item[1])))


def pages(site: Site) -> dict[str, bytes]:
    rows = site.tables.get(TABLE)
    if rows is None or not len(rows):
        return {HERE: site.page(HERE, "Trade and indicators", "<p>The package has no indicator observations yet.</p>")}
    built, sections, contents = {}, [], []
    for indicator, observed in observations_of(rows).items():
        about = definition(site, rows, indicator)
        name, file = about.get("name_en") or indicator, f"charts/{encoded(indicator)}"
        built[f"{file}.svg"] = chart(name, observed, statuses(rows)).encode("utf-8")
        built[f"{file}.csv"] = as_csv(rows, observed)
        sections.append(section(site, indicator, name, about.get("description", ""), observed, file))
        contents.append(f'<li><a href="#{h(encoded(indicator))}">{h(name)}</a> ({len(observed)})</li>')
    intro = (f"<p>{len(rows)} observations of {len(sections)} indicators, each chart with the values as the sources "
             f'give them. All rows: <a href="{href(HERE, f"tables/{TABLE}.html")}">the indicators table</a>.</p>'
             "<p>Colour tells the status of a value; only actual values are filled. A sign over a bar is the "
             "source's hedge: ≈ about, &gt; more than, &lt; less than, ≤ up to. Periods follow one another along "
             "the axis in order, not to scale.</p>")
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
    return known + sorted(set(rows.text["status"]) - set(known))


def number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.6g}"


def unit_words(unit: str) -> str:
    return UNIT_WORDS.get(unit, unit.replace("-", " "))


def scale(observed: list[Observation]) -> tuple[float, str]:
    """(divisor, its word) that makes the largest sum of money readable: 4.1 billion."""
    largest = max(abs(o.value) for o in observed)
    if observed[0].unit == "usd":
        for divisor, word in SCALES:
            if largest >= divisor:
                return divisor, word
    return 1.0, ""


def chart(name: str, observed: list[Observation], every_status: list[str]) -> str:
    """One bar per observation, labelled with its period and source."""
    divisor, word = scale(observed)
    ordered = sorted(observed, key=lambda o: o.order)
    values = [{"bar": f"{dates.period(o.start, o.end, short=True)}|{o.source}|{n}", "status": o.status,
               "value": o.value / divisor,
               "label": QUALIFIER_SIGNS.get(o.qualifier, "") + number(round(o.value / divisor, 3))}
              for n, o in enumerate(ordered)]
    present = [s for s in every_status if any(o.status == s for o in observed)]
    colours = [STATUS_COLOURS[every_status.index(s) % len(STATUS_COLOURS)] for s in present]
    colour = alt.Scale(domain=present, range=colours)
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
    return "".join(sentences)


def values_table(site: Site, name: str, observed: list[Observation]) -> str:
    rows = site.tables[TABLE]
    body = "".join(f"<tr><td>{h(o.period)}</td><td>{h(o.words)}</td><td>{h(o.status)}</td><td>{h(o.source)}</td>"
                   f'<td>{h(o.reporter)}</td><td><a href="{href(HERE, site.row(TABLE, o.row))}">line '
                   f"{rows.lines[o.row]}</a></td></tr>\n" for o in sorted(observed, key=lambda o: o.order))
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
