"""Charts: Vega-Lite specifications written with Altair, drawn to SVG at build time by
vl-convert (Vega's own renderer in an embedded JavaScript engine), so the site carries
no chart library and draws nothing in the reader's browser; the same data and the same
library versions give the same bytes.

Two settings make the drawing independent of the machine: every time scale is UTC (Vega
would otherwise place dates in the builder's time zone), and vl-convert is told it may
fetch from no address at all (the data are inline; a `url` in a spec is refused).
"""
from __future__ import annotations

import re

import altair as alt
import vl_convert

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
CONFIG = {"font": FONT, "background": "#ffffff", "view": {"stroke": None},
          "axis": {"labelColor": "#1a1a1a", "titleColor": "#1a1a1a", "labelFontSize": 11, "titleFontSize": 12},
          "legend": {"labelColor": "#1a1a1a", "titleColor": "#1a1a1a", "labelFontSize": 11, "titleFontSize": 12},
          "title": {"color": "#1a1a1a", "fontSize": 13, "anchor": "start"}}
# vl-convert 1.x resolves every link (the `href` channel) against this base, the one its
# loader uses for the Vega example data (vega/vl-convert#100); the site's links are
# relative to the page, so the base is taken off again, and any other address refused.
LOADER_BASE = "https://vega.github.io/vega-datasets/"
LINK = re.compile(r'(xlink:href|href)="([^"]*)"')


class ChartError(Exception):
    """A chart that could not be drawn as the site needs it."""


def svg(chart: alt.TopLevelMixin, inline: bool = False) -> str:
    """The chart as SVG. INLINE: to be put in a page beside a text alternative that has
    the same links, so the drawing is hidden from screen readers and its links from
    the Tab key (they would be the same links twice)."""
    # Altair's own JSON-schema check costs two seconds a build; the specs are this
    # module's, and vl-convert compiles them (and fails on a wrong one) anyway.
    spec = chart.to_dict(validate=False)
    spec["config"] = {**CONFIG, **spec.get("config", {})}
    drawn = LINK.sub(local_link, vl_convert.vegalite_to_svg(spec, allowed_base_urls=[]))
    if inline:
        drawn = drawn.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
        drawn = drawn.replace("<a ", '<a tabindex="-1" ')
    return drawn


def local_link(match: re.Match) -> str:
    attribute, target = match.groups()
    if target.startswith(LOADER_BASE):
        target = target[len(LOADER_BASE):]
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//", target):
        raise ChartError(f"a chart links to {target!r}, outside the site")
    return f'{attribute}="{target}"'


def utc(**scale) -> alt.Scale:
    return alt.Scale(type="utc", **scale)


def moment(day) -> alt.DateTime:
    """A date as Vega-Lite reads it in UTC, whatever the builder's time zone."""
    return alt.DateTime(year=day.year, month=day.month, date=day.day, utc=True)
