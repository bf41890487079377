"""`kzuz site` on tables longer than a page and indicators with more values than a chart
has bars, at fixture size: the page length (links.ROWS_PER_PAGE) is set to 4 rows, so
every table of the frozen package is on numbered pages, and the
indicators are grown to a few thousand rows, more than indicators.MAX_BARS each.

What is checked is what a reader meets: each row on exactly one page, in the file's
order; pagination links on every page of a paged table, the current page marked; every
link to a row landing on the page that holds its anchor; and a chart that draws ranges
by year and status, whose specification does not grow with the rows. Timings are not
tested here: benchmarks/site_speed.py measures them.
"""
from __future__ import annotations

import csv
import datetime
import html
import json
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from browser import start, visit
from conftest import read_rows, write_rows
from site_links import unlanded
from site_packages import HOSTILE, add_hostile_cells, frozen_package

from kzuz.cli import main
from kzuz.site import charts, indicators, links, tables, timeline
from kzuz.site.html import POLICY, escaped, h

PAGE = 4
MARKS = 12   # the fixture has 11 visits (drawn one by one) and 27 treaties (counted by year)
KEYS = {"sources": ["source_id"], "regions": ["region_code"], "visits": ["visit_id"], "treaties": ["treaty_id"],
        "indicators": ["indicator", "period_start", "period_end", "status", "source_id"],
        "regional_memoranda": ["memorandum_id", "uz_region", "kz_region"]}


def rows_of(package: Path, table: str) -> list[dict[str, str]]:
    with (package / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def page_name(table: str, number: int) -> str:
    return f"{table}.html" if number == 1 else f"{table}-{number}.html"


def anchors(text: str) -> list[str]:
    return re.findall(r'<tr id="(row-[^"]+)">', text)


@pytest.fixture(scope="module")
def paged(tmp_path_factory) -> Path:
    """The frozen package with two hostile cells, its site built with pages of PAGE rows and a
    timeline that draws the rows of a table one by one up to MARKS."""
    package = frozen_package(tmp_path_factory.mktemp("paged") / "package")
    add_hostile_cells(package)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(links, "ROWS_PER_PAGE", PAGE)
        patch.setattr(timeline, "MOST_MARKS", MARKS)
        assert main(["site", str(package)]) == 0
    return package


def test_a_long_table_is_on_numbered_pages_each_row_once_in_the_order_of_its_file(paged):
    for table, key in KEYS.items():
        rows = rows_of(paged, table)
        count = math.ceil(len(rows) / PAGE)
        assert count > 1, table  # the fixture's tables are longer than a page
        folder = paged / "site" / "tables"
        assert not (folder / page_name(table, count + 1)).exists()
        shown = [anchors((folder / page_name(table, n)).read_text(encoding="utf-8")) for n in range(1, count + 1)]
        assert [len(page) for page in shown] == [PAGE] * (count - 1) + [len(rows) - PAGE * (count - 1)]
        expected = ["row-" + ".".join(row[k] for k in key) for row in rows]
        assert [a for page in shown for a in page] == expected, table


def test_each_page_of_a_long_table_links_to_the_others_and_marks_itself(paged):
    rows = rows_of(paged, "indicators")
    count = math.ceil(len(rows) / PAGE)
    for number in range(1, count + 1):
        text = (paged / "site" / "tables" / page_name("indicators", number)).read_text(encoding="utf-8")
        navs = re.findall(r'<nav class="pages" aria-label="([^"]+)"><ul>(.*?)</ul></nav>', text)
        assert [label for label, _ in navs] == ["Pages of Indicators", "Pages of Indicators, after the rows"]
        for _, items in navs:
            current = re.findall(r'<a href="([^"]+)" aria-current="page"', items)
            assert current == [page_name("indicators", number)]
            targets = set(re.findall(r'<a href="([^"]+)"', items))
            assert {page_name("indicators", 1), page_name("indicators", count)} <= targets
            assert ('rel="prev"' in items) == (number > 1) and ('rel="next"' in items) == (number < count)
            if number > 1:
                assert f'<a href="{page_name("indicators", number - 1)}" rel="prev"' in items
        first, last = (number - 1) * PAGE + 1, min(len(rows), number * PAGE)
        assert f"this is page {number} of {count}, rows {first}–{last}" in text
        assert "act on the rows of this page only" in text
        assert f"<title>Indicators, page {number} of {count} — " in text
    index = (paged / "site" / "tables" / "index.html").read_text(encoding="utf-8")
    assert 'href="indicators.html"' in index


def test_a_table_that_fits_on_one_page_has_no_pagination(tmp_path):
    package = frozen_package(tmp_path / "package")
    assert main(["site", str(package)]) == 0
    for path in (package / "site" / "tables").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert 'class="pages"' not in text and "this page only" not in text, path
    assert sorted(p.name for p in (package / "site" / "tables").glob("*-[0-9]*.html")) == []


def test_every_link_to_a_row_lands_on_the_page_that_holds_it(paged):
    site = paged / "site"
    assert unlanded(site, "https://github.com/") == []
    where = {}  # anchor → the page of its table that holds it
    for table in KEYS:
        for path in (site / "tables").glob(f"{table}*.html"):
            if re.fullmatch(rf"{table}(-\d+)?\.html", path.name):
                where.update({(table, a): path.name for a in anchors(path.read_text(encoding="utf-8"))})
    visits = rows_of(paged, "visits")
    treaties = (site / "tables").glob("treaties*.html")
    linked = [link for path in treaties for link in re.findall(r'href="(visits[^"#]*\.html)#(row-[^"]+)"',
                                                               path.read_text(encoding="utf-8"))]
    assert linked and all(where["visits", anchor] == page for page, anchor in linked)
    assert any(page != "visits.html" for page, _ in linked)  # some visits are past the first page
    timeline = (site / "timeline.html").read_text(encoding="utf-8")
    for row in visits:
        anchor = f"row-{row['visit_id']}"
        assert f'href="tables/{where["visits", anchor]}#{anchor}"' in timeline
    ties = (site / "ties.html").read_text(encoding="utf-8")
    for row in rows_of(paged, "regional_memoranda"):
        anchor = f"row-{row['memorandum_id']}.{row['uz_region']}.{row['kz_region']}"
        assert f'href="tables/{where["regional_memoranda", anchor]}#{anchor}"' in ties


def test_a_table_with_more_dated_rows_than_marks_is_counted_by_year_on_the_timeline(paged):
    text = (paged / "site" / "timeline.html").read_text(encoding="utf-8")
    chart = text[text.index('<figure class="chart" id="timeline-chart">'):].split("</figure>")[0]
    with (paged / "site" / "timeline.csv").open(encoding="utf-8", newline="") as f:
        items = list(csv.DictReader(f))
    per_table = Counter(item["table"] for item in items)
    assert per_table["visits"] <= MARKS < per_table["treaties"]
    for item in items:  # a table's own rows are links in the chart, or none of them are
        assert (f'xlink:href="{item["row"]}"' in chart) == (per_table[item["table"]] <= MARKS), item["row"]
    counted = Counter((item["table"], item["first_day"][:4], item["precision"]) for item in items
                      if per_table[item["table"]] > MARKS)
    bars = re.findall(r'aria-label="(\d{4}): (\d+) rows? dated to the (\w+)"', chart)
    assert sorted((year, int(n), precision) for year, n, precision in bars) == sorted(
        (year, n, precision) for (_, year, precision), n in counted.items())  # a bar per year and precision
    assert text.count('<li data-table="treaties"') == per_table["treaties"]  # the list still names each row


def test_every_page_keeps_its_policy_and_shows_hostile_cells_as_text(paged):
    for path in (paged / "site").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">' in text, path
        assert not any(value in text for value in HOSTILE.values()), path
    visits = "".join(p.read_text(encoding="utf-8") for p in (paged / "site" / "tables").glob("visits*.html"))
    assert html.escape(HOSTILE["visits", "summary_en"]) in visits


def test_a_paged_site_is_built_the_same_twice(paged):
    first = files_of(paged / "site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(links, "ROWS_PER_PAGE", PAGE)
        patch.setattr(timeline, "MOST_MARKS", MARKS)
        assert main(["site", str(paged)]) == 0
    assert files_of(paged / "site") == first


def test_the_pages_escape_a_column_as_h_escapes_a_value():
    import pyarrow as pa

    values = ['<script>x="1"</script>', "a & b", "it's", "&amp;", "", "плохо > «хорошо»", "\"'<>&"]
    assert escaped(pa.chunked_array([values])).to_pylist() == [h(v) for v in values]


def test_anchors_made_a_column_at_a_time_encode_what_is_not_a_letter_digit_or_hyphen():
    import numpy as np
    import pyarrow as pa

    from kzuz.site.rows import anchors_of

    text = {"first": pa.chunked_array([["a b", "Ü", "x.y", "plain-1"]]),
            "second": pa.chunked_array([["2022", "", "é", "z"]])}
    lines = np.array([2, 3, 4, 6])
    assert anchors_of(text, ["first", "second"], lines).to_pylist() == [
        "row-a_20b.2022", "row-_C3_9C.", "row-x_2Ey._C3_A9", "row-plain-1.z"]
    assert anchors_of(text, ["first"], lines).to_pylist() == ["row-a_20b", "row-_C3_9C", "row-x_2Ey", "row-plain-1"]
    assert anchors_of(text, [], lines).to_pylist() == ["line-2", "line-3", "line-4", "line-6"]


def test_a_failed_build_leaves_the_old_site_whole_and_nothing_beside_it(tmp_path, monkeypatch, capsys):
    package = frozen_package(tmp_path / "package")
    assert main(["site", str(package)]) == 0
    before = files_of(package / "site")

    def broken(*args):
        raise RuntimeError("a page that cannot be made")
    monkeypatch.setattr(tables, "table_page_bytes", broken)
    assert main(["site", str(package)]) == 3
    assert files_of(package / "site") == before
    assert sorted(p.name for p in package.iterdir()) == sorted([".github", "CHANGELOG.md", "CITATION.cff", "data",
                                                                 "datapackage.json", "site"])


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start(tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


def test_in_the_browser_a_page_filters_its_own_rows_and_a_link_lands_on_another_page(paged, browser):
    from selenium.webdriver.common.by import By

    folder = paged / "site" / "tables"
    for path in sorted(folder.glob("*.html")):
        seen = visit(browser, path.as_uri())
        assert [e["message"] for e in seen.console if e["level"] in ("SEVERE", "WARNING")] == [], path
        assert seen.failures == [], path
    visit(browser, (folder / "indicators-2.html").as_uri())
    assert browser.find_element(By.CSS_SELECTOR, "form[data-rows] output").text == f"{PAGE} of {PAGE} rows shown"
    linking = next(path for path in sorted(folder.glob("treaties*.html"))
                   if 'href="visits-' in path.read_text(encoding="utf-8"))  # to a visit past the first page
    visit(browser, linking.as_uri())
    link = browser.find_element(By.CSS_SELECTOR, '#rows-treaties a[href^="visits-"]')
    target = link.get_attribute("href")
    browser.execute_script("arguments[0].scrollIntoView()", link)
    link.click()
    assert browser.current_url == target
    anchor = target.split("#")[1]
    assert browser.execute_script("return document.querySelector(':target') === document.getElementById(arguments[0])",
                                  anchor)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# Indicators with more values than a chart has bars ------------------------------------

DECADE = 3650   # the grown periods start within ten years, whatever their number


def grow_indicators(package: Path, rows: int) -> None:
    """ROWS rows made from the fixture's own, with new periods (so every key stays unique),
    each starting on one of the days of 1995–2004, and each value kept."""
    header, *shipped = read_rows(package / "data" / "indicators.csv")
    at = {name: header.index(name) for name in header}
    grown = []
    for n in range(rows):
        row = list(shipped[n % len(shipped)])
        start = datetime.date(1995, 1, 1) + datetime.timedelta(days=n * 37 % DECADE)
        row[at["period_start"]] = start.isoformat()
        row[at["period_end"]] = (start + datetime.timedelta(days=n * 37 // DECADE)).isoformat()
        row[at["period_end_basis"]] = "stated"
        grown.append(row)
    write_rows(package / "data" / "indicators.csv", [header] + grown)


def grown_site(folder: Path, rows: int) -> tuple[Path, list[dict]]:
    """A package whose indicators are grown to ROWS rows, its site, and the chart specifications it drew."""
    package = frozen_package(folder / "package")
    grow_indicators(package, rows)
    drawn, draw = [], charts.vl_convert.vegalite_to_svg

    def recording(spec, *args, **kwargs):
        drawn.append(json.loads(json.dumps(spec)))
        return draw(spec, *args, **kwargs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(charts.vl_convert, "vegalite_to_svg", recording)
        assert main(["site", str(package)]) == 0
    return package, [spec for spec in drawn if "vconcat" not in spec]  # the timeline's is not an indicator's


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> dict[int, tuple[Path, list[dict]]]:
    return {rows: grown_site(tmp_path_factory.mktemp(f"grown-{rows}"), rows) for rows in (2000, 12000)}


def data_of(spec: dict) -> list:
    """Every datum a specification carries, in all its views."""
    found = list(spec.get("data", {}).get("values", []))
    for view in spec.get("layer", []) + spec.get("vconcat", []):
        found += data_of(view)
    return found


def test_an_indicator_with_more_values_than_bars_is_drawn_as_ranges_by_year_and_status(grown):
    package, _ = grown[12000]
    observed = rows_of(package, "indicators")
    text = (package / "site" / "indicators.html").read_text(encoding="utf-8")
    by_indicator = defaultdict(list)
    for row in observed:
        by_indicator[row["indicator"]].append(row)
    for indicator, mine in by_indicator.items():
        assert len(mine) > indicators.MAX_BARS
        expected = defaultdict(list)
        for row in mine:
            expected[int(row["period_start"][:4]), row["status"]].append(float(row["value"]))
        with (package / "site" / "charts" / f"{indicator}.csv").open(encoding="utf-8", newline="") as f:
            ranges = list(csv.DictReader(f))
        assert {(int(r["year"]), r["status"]): (int(r["values"]), float(r["lowest"]), float(r["highest"]))
                for r in ranges} == {k: (len(v), min(v), max(v)) for k, v in expected.items()}
        svg = (package / "site" / "charts" / f"{indicator}.svg").read_text(encoding="utf-8")
        assert svg.count('aria-roledescription="bar"') == len(ranges)  # a bar per year and status
        section = text[text.index(f'<h2 id="{indicator}">'):].split("</section>")[0]
        assert section.count("<tr><td>") == len(ranges)
        assert f"Its {len(mine):,} values" in section
    assert "is drawn by year instead" in text


def test_a_charts_specification_does_not_grow_with_the_rows(grown):
    (_, fewer), (_, more) = grown[2000], grown[12000]
    assert len(fewer) == len(more) > 1
    for small, large in zip(fewer, more):
        assert small["title"] == large["title"]
        assert len(data_of(large)) == len(data_of(small)) <= 10 * 5  # ten years, five statuses at most
        assert len(json.dumps(large)) < 1.1 * len(json.dumps(small))
