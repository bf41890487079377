"""`kzuz site`: a static, self-contained website of the package — overview, timeline,
trade and indicator charts, region ties, every table with every row's quote and source,
the data dictionary and the changelog — written from datapackage.json and the data.

Why it is built this way:

- Static HTML written by Python, with no template engine and no site generator: the
  pages are a few functions over the descriptor (one module per page, named for it),
  and every value passes through one escaping function (`html.h`). The pages work from
  `file://` and from any static host (GitHub Pages) alike, because every link is relative.
- Charts are Vega-Lite specifications written with Altair and drawn to SVG at build time
  by vl-convert-python (`charts.py`): maintained libraries, no chart library in the
  page, nothing drawn or fetched in the reader's browser, and the drawing is the same
  bytes on every build.
- JavaScript is one small file of our own (`assets/site.js`) that sorts and filters rows
  already in the page; without it every page is complete. No framework: there is
  nothing here one would do for.
- Built at a million rows: the tables stay Arrow columns, a table's rows are on numbered
  pages of `links.ROWS_PER_PAGE`, each made as it is written, and a chart is handed what
  it draws (an indicator's values by year and status beyond `indicators.MAX_BARS`, with
  pyarrow; a table's dated rows by year beyond `timeline.MOST_MARKS`), never a datum per
  row past those bounds.
- Self-contained and closed: every asset is in the site, no font or script comes from
  another host, and each page's Content-Security-Policy lets the browser load only the
  site's own files, so a value that escaped escaping could still not run.
- Reproducible: no clock is read, every collection is iterated in a fixed order, every
  id comes from the data's own keys, and files are written in sorted order.
- Driven by the descriptor: tables, columns, foreign keys, dated tables (a date column
  with a `…_precision` column) and region columns are found in datapackage.json, so a
  new table or column appears on the site with no change to this code.

Modules: build (the order of work), output (where it may write), rows (the tables as
text and values, row anchors), links (rows, keys and references), html (escaping and
the page frame), charts (Altair → SVG), dates (precision in words), downloads (the
package files and the release), and one module per page: overview, timeline,
indicators, ties, tables, dictionary, changelog.
"""
from .build import Built, build_site

__all__ = ["Built", "build_site"]
