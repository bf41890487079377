"""`kzuz site`: the website of the package, read as files and used in a real browser.

One site is built for the module from the frozen fixture, with two cells an attacker
would write and a release in dist/ (one of whose files does not match its checksum);
the tests read it as a stranger would, computing what they expect from the fixture's
CSV files, never from the code that wrote the pages. The browser tests (Chromium,
headless) open every page of it.
"""
from __future__ import annotations

import calendar
import csv
import html
import http.server
import os
import json
import re
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from browser import DESKTOP, PHONE, distinct_colours, start, visit
from conftest import FIXTURE_VERSION, ROOT, set_cell
from site_links import unlanded
from site_packages import HOSTILE, REPOSITORY, add_hostile_cells, add_new_tables, add_release, frozen_package

from kzuz.cli import main

KZUZ = Path(sys.executable).with_name("kzuz")
VERSION = FIXTURE_VERSION
RELEASE = {f"kazakhstan-uzbekistan-relations-{VERSION}.zip": b"the zip", "RELEASE_NOTES.md": f"# {VERSION}\n".encode()}
TAMPERED = "RELEASE_NOTES.md"


@pytest.fixture(scope="module")
def shown(tmp_path_factory) -> Path:
    """A package (fixture rows, hostile cells, a release) and its site, built once."""
    package = frozen_package(tmp_path_factory.mktemp("shown") / "package")
    add_hostile_cells(package)
    add_release(package, RELEASE, wrong={TAMPERED})
    assert main(["site", str(package)]) == 0
    return package


def rows_of(package: Path, table: str) -> list[dict[str, str]]:
    with (package / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def page(package: Path, name: str) -> str:
    return (package / "site" / name).read_text(encoding="utf-8")


def row_html(text: str, anchor: str) -> str:
    found = re.search(rf'<tr id="{re.escape(anchor)}">(.*?)</tr>', text, re.S)
    assert found, f"no row {anchor}"
    return found.group(1)


def month_words(iso: str) -> str:
    year, month, _ = (int(p) for p in iso.split("-"))
    return f"{calendar.month_name[month]} {year}"


# What the pages say ------------------------------------------------------------------

def test_every_table_has_a_page_with_every_row_anchored_by_its_key(shown):
    for table, key in (("sources", "source_id"), ("regions", "region_code"), ("visits", "visit_id"),
                       ("treaties", "treaty_id"), ("indicator_definitions", "indicator")):
        text = page(shown, f"tables/{table}.html")
        for row in rows_of(shown, table):
            assert f'<tr id="row-{row[key]}">' in text
    memoranda = page(shown, "tables/regional_memoranda.html")
    for row in rows_of(shown, "regional_memoranda"):  # a composite key: its parts joined by '.'
        assert f'<tr id="row-{row["memorandum_id"]}.{row["uz_region"]}.{row["kz_region"]}">' in memoranda
    indicators = page(shown, "tables/indicators.html")
    anchors = re.findall(r'<tr id="(row-[^"]+)">', indicators)
    assert len(anchors) == len(set(anchors)) == len(rows_of(shown, "indicators"))


def test_every_row_shows_its_quote_and_the_full_reference_of_its_source(shown):
    sources = {row["source_id"]: row for row in rows_of(shown, "sources")}
    for table, key in (("treaties", "treaty_id"), ("visits", "visit_id")):
        text = page(shown, f"tables/{table}.html")
        for row in rows_of(shown, table):
            cells = row_html(text, f"row-{row[key]}")
            source = sources[row["source_id"]]
            assert f'<blockquote lang="{source["language"]}">{html.escape(row["source_quote"])}</blockquote>' in cells
            assert html.escape(source["title"]) in cells
            assert f'href="sources.html#row-{row["source_id"]}"' in cells


def test_foreign_keys_are_links_to_the_rows_they_name(shown):
    treaties = page(shown, "tables/treaties.html")
    for row in rows_of(shown, "treaties"):
        if row["visit_id"]:
            assert f'href="visits.html#row-{row["visit_id"]}"' in row_html(treaties, f"row-{row['treaty_id']}")
    memoranda = page(shown, "tables/regional_memoranda.html")
    for row in rows_of(shown, "regional_memoranda"):
        cells = row_html(memoranda, f"row-{row['memorandum_id']}.{row['uz_region']}.{row['kz_region']}")
        assert f'href="regions.html#row-{row["uz_region"]}"' in cells
        assert f'href="regions.html#row-{row["kz_region"]}"' in cells


def test_every_column_is_described_on_its_table_page_and_in_the_dictionary(shown):
    import json

    descriptor = json.loads((shown / "datapackage.json").read_text(encoding="utf-8"))
    dictionary = page(shown, "dictionary.html")
    for resource in descriptor["resources"]:
        text = page(shown, f"tables/{resource['name']}.html")
        for field in resource["schema"]["fields"]:
            assert f"<dt><code>{field['name']}</code>" in text
            assert f'<tr id="field-{resource["name"]}-{field["name"]}">' in dictionary


def test_cells_an_attacker_wrote_are_shown_as_text_and_never_as_markup(shown):
    for path in (shown / "site").rglob("*"):
        if path.suffix in (".html", ".svg"):
            text = path.read_text(encoding="utf-8")
            for value in HOSTILE.values():
                assert value not in text, path
            assert "<img src=x" not in text and "<script>document" not in text, path
    assert html.escape(HOSTILE["visits", "summary_en"]) in page(shown, "tables/visits.html")


def test_the_timeline_has_every_dated_row_at_the_precision_its_source_gives(shown):
    text = page(shown, "timeline.html")
    dated = {"visits": "start_date", "treaties": "signed_date", "regional_memoranda": "signed_date"}
    for table, column in dated.items():
        expected = sum(1 for row in rows_of(shown, table) if row[column])
        assert text.count(f'<li data-table="{table}"') == expected
    for row in rows_of(shown, "visits"):
        day = int(row["start_date"][8:])
        if row["date_precision"] == "month":
            assert month_words(row["start_date"]) in text
            assert f"{day} {month_words(row['start_date'])}" not in text  # no invented day
    timeline = list(csv.DictReader((shown / "site" / "timeline.csv").open(encoding="utf-8")))
    for item in timeline:
        year, month = int(item["first_day"][:4]), int(item["first_day"][5:7])
        if item["precision"] == "month":
            assert item["first_day"][8:] == "01"
            assert item["last_day"] == f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
        if item["precision"] == "year":
            assert (item["first_day"][5:], item["last_day"][5:]) == ("01-01", "12-31")
    assert not (shown / "site" / "tables" / "sources.html").read_text(encoding="utf-8").count("data-table=")


def test_each_indicator_has_a_chart_with_one_bar_per_value_and_its_hedges_in_words(shown):
    observations = rows_of(shown, "indicators")
    text = page(shown, "indicators.html")
    for indicator in sorted({row["indicator"] for row in observations}):
        mine = [row for row in observations if row["indicator"] == indicator]
        svg = (shown / "site" / "charts" / f"{indicator}.svg").read_text(encoding="utf-8")
        assert svg.count('aria-roledescription="bar"') == len(mine)  # nothing averaged away
        assert f'<img src="charts/{indicator}.svg" alt="' in text
        assert f'<a href="charts/{indicator}.csv">' in text
        with (shown / "site" / "charts" / f"{indicator}.csv").open(encoding="utf-8", newline="") as f:
            assert list(csv.DictReader(f)) == mine
    section = text[text.index('<h2 id="trade-turnover">'):]
    section = section[:section.index("</section>")]
    hedged = [row for row in observations
              if row["indicator"] == "trade-turnover" and row["qualifier"] == "approximately"]
    assert hedged and section.count("<td>about ") == len(hedged)
    statuses = {row["status"] for row in observations if row["indicator"] == "trade-turnover"}
    assert all(f"<td>{status}</td>" in section for status in statuses)


def test_sources_that_disagree_are_named_side_by_side(shown):
    observations = rows_of(shown, "indicators")
    contracts = [row for row in observations if row["indicator"] == "contracts-value"
                 and row["period_start"] == "2022-12-21"]
    assert len({row["source_id"] for row in contracts}) == 2  # the fixture's case
    text = page(shown, "indicators.html")
    sentence = text[text.index("the sources differ"):].split("</figcaption>")[0]
    assert all(row["source_id"] in sentence for row in contracts)
    assert "more than 8,000,000,000" in sentence


def test_region_ties_link_each_pair_to_the_rows_that_tie_it(shown):
    text = page(shown, "ties.html")
    for row in rows_of(shown, "regional_memoranda"):
        tie = f'id="tie-{row["uz_region"]}.{row["kz_region"]}"'
        assert tie in text
        section = text[text.index(tie):].split("</section>")[0]
        assert (f'href="tables/regional_memoranda.html#row-{row["memorandum_id"]}.{row["uz_region"]}.'
                f'{row["kz_region"]}"') in section


def test_the_overview_offers_the_release_files_whose_checksums_match_and_only_those(shown):
    text = page(shown, "index.html")
    sums = (shown / "dist" / "SHA256SUMS").read_text(encoding="utf-8")
    for line in sums.splitlines():
        digest, name = line.split("  ")
        assert digest in text
        offered = f'<a href="downloads/{name}">' in text
        assert offered == (name != TAMPERED)
        assert (shown / "site" / "downloads" / name).exists() == (name != TAMPERED)
    assert (shown / "site" / "downloads" / "SHA256SUMS").read_text(encoding="utf-8") == sums
    assert f"Release {VERSION}" in text


def test_without_the_repositorys_address_no_link_to_it_is_invented(shown):
    for path in (shown / "site").rglob("*.html"):
        assert "github.com" not in path.read_text(encoding="utf-8"), path
    assert "Correct a value" in page(shown, "index.html")  # the template, named


def test_every_link_and_asset_stays_inside_the_site_and_lands_somewhere(shown):
    assert unlanded(shown / "site", REPOSITORY) == []


# New tables, and the other ways in -------------------------------------------------

@pytest.fixture(scope="module")
def extended(tmp_path_factory) -> Path:
    """The fixture package with two tables it does not have, and its repository's address."""
    package = frozen_package(tmp_path_factory.mktemp("extended") / "package")
    add_new_tables(package)
    assert main(["site", str(package)]) == 0
    return package


def test_tables_added_to_the_descriptor_appear_everywhere_with_no_code_change(extended):
    site = extended / "site"
    events, projects = rows_of(extended, "ceremonies"), rows_of(extended, "ventures")
    events_page = (site / "tables" / "ceremonies.html").read_text(encoding="utf-8")
    assert all(f'<tr id="row-{row["ceremony_id"]}">' in events_page for row in events)
    assert 'href="ceremonies.html"' in (site / "tables" / "index.html").read_text(encoding="utf-8")
    assert 'id="table-ceremonies"' in (site / "dictionary.html").read_text(encoding="utf-8")
    visits_page = (site / "tables" / "visits.html").read_text(encoding="utf-8")  # and a new column of a table
    assert '<dt><code>briefing</code>' in visits_page and '<th scope="col" data-type="string">briefing</th>' in visits_page
    timeline = (site / "timeline.html").read_text(encoding="utf-8")
    assert timeline.count('<li data-table="ceremonies"') == len(events)
    assert timeline.count('<li data-table="ventures"') == len(projects)
    assert "November 2025" in timeline and "1 November 2025" not in timeline  # the month event, as a month
    ties = (site / "ties.html").read_text(encoding="utf-8")
    for row in projects:  # each Uzbek region of a project is tied to each Kazakh one
        codes = row["region_codes"].split(";")
        for uz in (c for c in codes if c.startswith("UZ-")):
            for kz in (c for c in codes if c.startswith("KZ-")):
                section = ties[ties.index(f'id="tie-{uz}.{kz}"'):].split("</section>")[0]
                assert f'tables/ventures.html#row-{row["venture_id"]}.{row["status"]}"' in section


def test_what_was_only_planned_is_said_so_and_drawn_hollow(extended):
    timeline = (extended / "site" / "timeline.html").read_text(encoding="utf-8")
    visits = rows_of(extended, "visits")
    assert {row["status"] for row in visits} == {"held", "planned"}
    for row in visits:
        link = f'tables/visits.html#row-{row["visit_id"]}'
        entry = timeline[timeline.index(f'data-href="{link}"'):].split("</li>")[0]
        assert ("· planned" in entry) == (row["status"] == "planned")
        fills = re.findall(rf'xlink:href="{re.escape(link)}"><path [^>]*fill-opacity="([0-9.]+)"', timeline)
        assert fills and all((float(f) < 0.5) == (row["status"] == "planned") for f in fills)


def test_with_the_repositorys_address_issues_and_changelog_links_point_to_it(extended):
    overview = (extended / "site" / "index.html").read_text(encoding="utf-8")
    assert f'href="{REPOSITORY}/issues/new?template=correct-a-value.md"' in overview
    assert "No release has been built yet" in overview
    changelog = (extended / "site" / "changelog.html").read_text(encoding="utf-8")
    assert f'href="{REPOSITORY}/compare/' in changelog


def test_a_rebuild_in_another_time_zone_is_byte_identical_and_keeps_nothing_stale(shown):
    first = files_of(shown / "site")
    (shown / "site" / "tables" / "stale.html").write_text("from an old build", encoding="utf-8")
    again = subprocess.run([str(KZUZ), "site", str(shown)], capture_output=True, text=True,
                           env={**os.environ, "TZ": "Pacific/Kiritimati"})  # UTC+14: dates would move a day
    assert again.returncode == 0, again.stderr
    second = files_of(shown / "site")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_invalid_package_is_not_built_and_its_problems_are_listed(package, capsys):
    line = set_cell(package, "treaties", "1998-10-31-eternal-friendship", "signed_date", "31.10.1998")
    assert main(["site", str(package)]) == 1
    assert f"data/treaties.csv:{line}: signed_date:" in capsys.readouterr().out
    assert not (package / "site").exists()


@pytest.mark.parametrize("out, why", [
    ("../elsewhere", "is not a folder inside the package"),
    ("data", "holds data/"),
    (".", "is not a folder inside the package"),
    ("notes", "holds files kzuz site did not write"),
    ("link", "is a symbolic link"),
    ("link/site", "is a symbolic link"),
])
def test_the_site_is_written_only_into_a_folder_of_its_own_inside_the_package(package, tmp_path, capsys, out, why):
    (package / "notes").mkdir()
    (package / "notes" / "mine.txt").write_text("keep me", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (package / "link").symlink_to(tmp_path / "outside")
    before = files_of(package)
    assert main(["site", str(package), "--out", out]) == 2
    assert why in capsys.readouterr().err
    assert files_of(package) == before and list((tmp_path / "outside").iterdir()) == []
    assert not (tmp_path / "elsewhere").exists()


def test_the_pages_workflow_builds_the_release_then_the_site_and_publishes_that_folder():
    import yaml

    steps = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))["jobs"]["pages"]
    runs = [step.get("run", "") for step in steps["steps"]]
    tools = set(re.findall(r"\.venv/bin/([\w-]+)", " ".join(runs)))
    assert "kzuz" in tools and all(Path(sys.executable).with_name(tool).exists() for tool in tools)
    release = next(n for n, run in enumerate(runs) if "kzuz release" in run)
    site = next(n for n, run in enumerate(runs) if "kzuz site" in run)
    assert release < site  # the site offers the release it finds in dist/
    out = re.search(r"kzuz site --out (\S+)", runs[site]).group(1)
    upload = next(step for step in steps["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == out


# In a real browser -----------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start(tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


def test_every_page_loads_in_the_browser_without_an_error_or_a_request_elsewhere(shown, browser):
    site = shown / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 14
    for path in pages:
        seen = visit(browser, path.as_uri())
        problems = [entry["message"] for entry in seen.console if entry["level"] in ("SEVERE", "WARNING")]
        assert problems == [], path
        assert seen.failures == [], path
        assert [url for url in seen.requests if not url.startswith(site.as_uri() + "/")] == [], path
        assert "pwned" not in browser.title, path  # no value from the data ran


def test_the_charts_render(shown, browser):
    visit(browser, (shown / "site" / "indicators.html").as_uri())
    images = browser.execute_script(
        "return [...document.querySelectorAll('figure.chart img')].map(i => [i.complete, i.naturalWidth])")
    indicators = {row["indicator"] for row in rows_of(shown, "indicators")}
    assert len(images) == len(indicators) and all(done and width > 0 for done, width in images)
    visit(browser, (shown / "site" / "timeline.html").as_uri())
    box = browser.execute_script("const s = document.querySelector('#timeline-chart svg').getBoundingClientRect();"
                                 "return [s.width, s.height]")
    marks = browser.execute_script("return document.querySelectorAll('#timeline-chart svg a').length")
    with (shown / "site" / "timeline.csv").open(encoding="utf-8", newline="") as f:
        items = list(csv.DictReader(f))
    assert box[0] > 300 and box[1] > 100
    assert marks == len(items) + sum(1 for item in items if item["precision"] == "day")  # a bar each, a dot a day


def visible(browser, selector: str) -> list:
    return browser.execute_script(f"return [...document.querySelectorAll({selector!r})].filter(e => !e.hidden)")


def test_the_timeline_filters_change_the_items_shown_in_the_list_and_the_chart(shown, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    visit(browser, (shown / "site" / "timeline.html").as_uri())
    everything = len(visible(browser, "#timeline-list li"))
    treaties = len(browser.find_elements(By.CSS_SELECTOR, '#timeline-list li[data-table="treaties"]'))
    browser.find_element(By.CSS_SELECTOR, 'input[name="table"][value="treaties"]').click()
    shown_now = visible(browser, "#timeline-list li")
    assert len(shown_now) == everything - treaties > 0
    assert all(item.get_attribute("data-table") != "treaties" for item in shown_now)
    hidden_marks = browser.execute_script(
        "return [...document.querySelectorAll('#timeline-chart svg a')].filter(a => getComputedStyle(a).display"
        " === 'none').map(a => a.getAttribute('xlink:href') || a.getAttribute('href'))")
    assert hidden_marks and all(link.startswith("tables/treaties.html#") for link in hidden_marks)
    browser.find_element(By.CSS_SELECTOR, 'input[name="table"][value="treaties"]').click()
    Select(browser.find_element(By.NAME, "topic")).select_by_value("politics")
    political = visible(browser, "#timeline-list li")
    assert 0 < len(political) < everything
    assert all("politics" in item.get_attribute("data-topics").split(";") for item in political)


def test_a_table_filters_searches_and_sorts_its_rows(shown, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    treaties = rows_of(shown, "treaties")
    visit(browser, (shown / "site" / "tables" / "treaties.html").as_uri())
    label = browser.find_element(By.XPATH, "//form[@data-rows]//label[starts-with(normalize-space(.), 'doc_type')]")
    kind, count = Counter(row["doc_type"] for row in treaties).most_common(1)[0]
    Select(label.find_element(By.TAG_NAME, "select")).select_by_value(kind)
    assert len(visible(browser, "#rows-treaties tbody tr")) == count < len(treaties)
    browser.find_element(By.CSS_SELECTOR, "form[data-rows] button[type=reset]").click()
    assert len(visible(browser, "#rows-treaties tbody tr")) == len(treaties)
    word = "Eternal"
    browser.find_element(By.NAME, "search").send_keys(word.lower())
    assert len(visible(browser, "#rows-treaties tbody tr")) == sum(
        1 for row in treaties if any(word.lower() in value.lower() for value in row.values()))
    browser.find_element(By.CSS_SELECTOR, "form[data-rows] button[type=reset]").click()
    header = browser.find_element(By.XPATH, "//table[@id='rows-treaties']//th[normalize-space(.)='signed_date']")
    header.find_element(By.TAG_NAME, "button").click()
    column = browser.execute_script("return [...arguments[0].parentNode.children].indexOf(arguments[0])", header)
    dates = browser.execute_script(
        "return [...document.querySelectorAll('#rows-treaties tbody tr')].map(r => r.cells[arguments[0]].textContent)",
        column)
    present = [d for d in dates if d]
    assert present == sorted(row["signed_date"] for row in treaties if row["signed_date"])
    assert dates[len(present):] == [""] * (len(dates) - len(present))  # undated last
    assert header.get_attribute("aria-sort") == "ascending"


def test_following_a_foreign_key_lands_on_its_row(shown, browser):
    from selenium.webdriver.common.by import By

    visit(browser, (shown / "site" / "tables" / "treaties.html").as_uri())
    link = browser.find_element(By.CSS_SELECTOR, '#rows-treaties a[href^="visits.html#row-"]')
    anchor = link.get_attribute("href").split("#")[1]
    browser.execute_script("arguments[0].scrollIntoView()", link)
    link.click()
    assert browser.current_url.endswith(f"visits.html#{anchor}")
    landed = browser.execute_script(
        "const r = document.getElementById(arguments[0]); const box = r.getBoundingClientRect();"
        "return [document.querySelector(':target') === r, box.top >= 0 && box.top < window.innerHeight]", anchor)
    assert landed == [True, True]


def test_the_skip_link_is_the_first_stop_of_the_keyboard(shown, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    visit(browser, (shown / "site" / "index.html").as_uri())
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("class") == "skip"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert browser.current_url.endswith("#main")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_pages_are_drawn_and_fit_the_screen_at_desktop_and_phone_width(shown, browser, size):
    browser.set_window_size(*size)
    try:
        for name in ("index.html", "timeline.html", "tables/treaties.html"):
            visit(browser, (shown / "site" / name).as_uri())
            assert distinct_colours(browser.get_screenshot_as_png()) > 20, name  # not blank
            width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], f"{name} is wider than the screen: {width}"
    finally:
        browser.set_window_size(*DESKTOP)


def test_the_site_works_from_a_web_server_as_on_github_pages(shown, browser):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args):
            super().__init__(*args, directory=str(shown / "site"))

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        for name in ("index.html", "timeline.html", "tables/visits.html"):
            seen = visit(browser, origin + name)
            assert [e for e in seen.console if e["level"] in ("SEVERE", "WARNING")] == [], name
            assert seen.failures == [] and all(url.startswith(origin) for url in seen.requests), name
    finally:
        server.shutdown()
