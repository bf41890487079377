"""Every validation rule, broken once in a copy of the shipped package the way a
contributor would break it, with the exact words `kzuz validate` says about it.

Each test asserts the whole list of problems, so it also proves that nothing else
is reported. Lines are lines of the shipped CSVs (header = 1); today is 2026-11-21.
"""

import pytest

from conftest import edit_descriptor, line_of, problems, read_rows, set_cell, set_cell_of, write_rows

AFTER_TODAY = "is after today (2026-11-21): only what has already happened belongs here"
TOPICS = ("politics, security, defence, border, trade, investment, industry, energy, water, environment, "
          "transport, customs, telecommunications, education, culture, health, tourism, justice, subsoil, "
          "youth, interregional, other")


def add_row(package, table: str, copy_of: str, **cells) -> None:
    """Append a copy of the row whose first cell is `copy_of`, with `cells` changed."""
    path = package / "data" / f"{table}.csv"
    rows = read_rows(path)
    row = list(next(r for r in rows[1:] if r[0] == copy_of))
    for column, value in cells.items():
        row[rows[0].index(column)] = value
    write_rows(path, rows + [row])


def delete_row(package, table: str, key: str) -> None:
    path = package / "data" / f"{table}.csv"
    write_rows(path, [row for row in read_rows(path) if row[0] != key])


# Dates in order

def test_end_date_before_start_date_is_reported(package):
    set_cell(package, "visits", "2022-12-21-state-visit-tokayev", "end_date", "2022-12-20")
    # the treaties signed during the visit are not blamed for the visit's own dates
    assert problems(package) == ["data/visits.csv:9: end_date: 2022-12-20 is before start_date 2022-12-21"]


def test_period_end_before_period_start_is_reported(package):
    set_cell(package, "indicators", "agreements-reached", "period_end", "2022-12-20")
    assert problems(package) == ["data/indicators.csv:2: period_end: 2022-12-20 is before period_start 2022-12-21"]


# Nothing that happened lies after today

HELD_AFTER_TODAY = ("is after today (2026-11-21): a held visit has already happened: one known only from a preview "
                    "is `planned`")


def move_visit_to_2099(package) -> None:
    set_cell(package, "visits", "2025-03-29-almaty-talks", "start_date", "2099-03-29")
    set_cell(package, "visits", "2025-03-29-almaty-talks", "end_date", "2099-03-29")
    set_cell(package, "visits", "2025-03-29-almaty-talks", "visit_id", "2099-03-29-almaty-talks")


def test_held_visit_dated_after_today_is_reported(package):
    move_visit_to_2099(package)
    assert problems(package) == [f"data/visits.csv:10: end_date: 2099-03-29 {HELD_AFTER_TODAY}",
                                 f"data/visits.csv:10: start_date: 2099-03-29 {HELD_AFTER_TODAY}"]


def test_planned_visit_may_lie_after_today(package):
    move_visit_to_2099(package)
    set_cell(package, "visits", "2099-03-29-almaty-talks", "status", "planned")
    assert problems(package) == []


def publish_akmalov_today(package) -> None:
    """A row dated today needs a source of today, or it is after its publication. (No row of
    akmalov-2022 has a period closed at publication, which would move with the source.)"""
    set_cell(package, "sources", "akmalov-2022", "published_date", "2026-11-21")


def test_visit_on_today_is_not_after_today(package):
    publish_akmalov_today(package)
    set_cell(package, "visits", "2025-03-29-almaty-talks", "source_id", "akmalov-2022")
    set_cell(package, "visits", "2025-03-29-almaty-talks", "start_date", "2026-11-21")
    set_cell(package, "visits", "2025-03-29-almaty-talks", "end_date", "2026-11-21")
    set_cell(package, "visits", "2025-03-29-almaty-talks", "visit_id", "2026-11-21-almaty-talks")
    assert problems(package) == []


def test_treaty_signed_after_today_is_reported(package):
    set_cell(package, "treaties", "1998-10-31-eternal-friendship", "signed_date", "2099-10-31")
    set_cell(package, "treaties", "1998-10-31-eternal-friendship", "treaty_id", "2099-10-31-eternal-friendship")
    assert problems(package) == [f"data/treaties.csv:3: signed_date: 2099-10-31 {AFTER_TODAY}"]


def test_memorandum_signed_after_today_is_reported(package):
    set_cell(package, "regional_memoranda", "2025-11-tashkent-astana", "signed_date", "2099-11-01")
    set_cell(package, "regional_memoranda", "2025-11-tashkent-astana", "visit_id", "")
    set_cell(package, "regional_memoranda", "2025-11-tashkent-astana", "memorandum_id", "2099-11-tashkent-astana")
    assert problems(package) == [f"data/regional_memoranda.csv:6: signed_date: 2099-11-01 {AFTER_TODAY}"]


def test_source_published_after_today_is_reported(package):
    set_cell(package, "sources", "akmalov-2022", "published_date", "2099-12-26")
    assert problems(package) == [f"data/sources.csv:2: published_date: 2099-12-26 {AFTER_TODAY}"]


def test_actual_indicator_after_today_is_reported(package):
    set_cell(package, "indicators", "kambarata-hpp-1-capacity", "status", "actual")
    set_cell(package, "indicators", "kambarata-hpp-1-capacity", "period_start", "2099-01-01")
    set_cell(package, "indicators", "kambarata-hpp-1-capacity", "period_end", "2099-12-31")
    set_cell(package, "indicators", "kambarata-hpp-1-capacity", "period_end_basis", "stated")  # 2099 is stated
    assert problems(package) == ["data/indicators.csv:19: period_end: 2099-12-31 is after today (2026-11-21): "
                                 "status actual is for what has happened: a value ahead is a target, forecast, "
                                 "estimate or potential"]


@pytest.mark.parametrize("status", ["target", "forecast", "estimate", "potential"])
def test_indicator_that_is_not_actual_may_lie_after_today(package, status):
    set_cell(package, "indicators", "kambarata-hpp-1-capacity", "status", status)
    set_cell(package, "indicators", "kambarata-hpp-1-capacity", "period_start", "2099-01-01")
    set_cell(package, "indicators", "kambarata-hpp-1-capacity", "period_end", "2099-12-31")
    set_cell(package, "indicators", "kambarata-hpp-1-capacity", "period_end_basis", "stated")  # 2099 is stated
    assert problems(package) == []


# Nothing that happened lies after the publication that reports it

def test_a_2025_visit_cited_to_a_2022_article_is_reported(package):
    line = set_cell(package, "visits", "2025-11-14-state-visit-tokayev", "source_id", "akmalov-2022")
    assert problems(package) == [f"data/visits.csv:{line}: start_date: 2025-11-14 is after 2022-12-26, when "
                                 "akmalov-2022 was published: a held visit cannot be reported before it happens"]


def test_a_row_cited_to_a_source_of_the_year_1_is_reported(package):
    add_row(package, "sources", "trend-2025-11", source_id="undated-0001", title_en="An undated source",
            published_date="0001-01-01", published_date_precision="day", notes="")
    edit_descriptor(package, lambda d: d["sources"].append({"title": "An undated source"}))
    line = set_cell(package, "events", "1992-11-23-diplomatic-relations", "source_id", "undated-0001")
    assert problems(package) == [
        f"data/events.csv:{line}: date: 1992-11-23 is after 0001-01-01, when undated-0001 was published: an event "
        "cannot be reported before it happens",
        "data/sources.csv:7: published_date: 0001-01-01 is before 1991: correct it, or explain it in notes, naming "
        "the year"]


@pytest.mark.parametrize("date, fine", [("2022-12-31", True), ("2023-01-01", False)])
def test_a_source_of_a_month_speaks_of_its_last_day(package, date, fine):
    line = set_cell(package, "events", "1992-11-23-diplomatic-relations", "source_id", "expert-2022-interregional")
    set_cell_of(package, "events", line, "date", date)
    set_cell_of(package, "events", line, "event_id", f"{date}-diplomatic-relations")
    assert problems(package) == ([] if fine else [
        f"data/events.csv:{line}: date: {date} is after 2022-12, when expert-2022-interregional was published: "
        "an event cannot be reported before it happens"])


# Nothing before independence, unless a note says why

def move_treaty_to_1990(package) -> None:
    """A treaty of 1990, before independence (and before any visit in visits.csv)."""
    set_cell(package, "treaties", "2013-06-14-strategic-partnership", "visit_id", "")
    set_cell(package, "treaties", "2013-06-14-strategic-partnership", "signed_date", "1990-06-14")
    set_cell(package, "treaties", "2013-06-14-strategic-partnership", "treaty_id", "1990-06-14-strategic-partnership")


def test_date_before_1991_without_notes_is_reported(package):
    move_treaty_to_1990(package)
    assert problems(package) == ["data/treaties.csv:4: signed_date: 1990-06-14 is before 1991: "
                                 "correct it, or explain it in notes, naming the year"]


def test_date_before_1991_with_notes_naming_its_year_is_accepted(package):
    move_treaty_to_1990(package)
    set_cell(package, "treaties", "1990-06-14-strategic-partnership", "notes", "Signed in 1990 by the Soviet republics.")
    assert problems(package) == []


def test_date_before_1991_with_notes_about_something_else_is_reported(package):
    move_treaty_to_1990(package)
    set_cell(package, "treaties", "1990-06-14-strategic-partnership", "notes", "Signed by the Soviet republics.")
    assert problems(package) == ["data/treaties.csv:4: signed_date: 1990-06-14 is before 1991: "
                                 "correct it, or explain it in notes, naming the year"]


# Precision

def test_month_precision_not_on_the_first_is_reported(package):
    set_cell(package, "treaties", "2022-12-environmental-protection", "signed_date", "2022-12-22")
    assert problems(package) == ["data/treaties.csv:10: signed_date: 2022-12-22 has month precision but is not "
                                 "the 1st of the month: store a month as YYYY-MM-01"]


@pytest.mark.parametrize("date", ["2022-12-01", "2022-01-05"])
def test_year_precision_not_on_1_january_is_reported(package, date):
    set_cell(package, "treaties", "2022-12-environmental-protection", "signed_date", date)
    set_cell(package, "treaties", "2022-12-environmental-protection", "signed_date_precision", "year")
    assert problems(package) == [f"data/treaties.csv:10: signed_date: {date} has year precision but is not "
                                 "1 January: store a year as YYYY-01-01"]


def test_precision_without_its_date_is_reported(package):
    set_cell(package, "treaties", "central-asia-2040-strategy", "signed_date_precision", "year")
    assert problems(package) == ["data/treaties.csv:28: signed_date_precision: is given, but signed_date is empty: "
                                 "clear it too"]


def test_date_without_its_precision_is_reported(package):
    set_cell(package, "treaties", "central-asia-2040-strategy", "signed_date", "2024-01-01")
    assert problems(package) == ["data/treaties.csv:28: signed_date_precision: is empty, but signed_date is given: "
                                 "say how precise it is (day, month or year)"]


# Identifiers begin with their date

@pytest.mark.parametrize("table, key, column, wrong, expected", [
    ("visits", "2025-03-29-almaty-talks", "visit_id", "2025-03-30-almaty-talks",
     "data/visits.csv:10: visit_id: must start with its start_date at its precision (2025-03-29, day), "
     "e.g. '2025-03-29-…'"),
    ("visits", "2018-interregional-forum-shymkent", "visit_id", "2019-interregional-forum-shymkent",
     "data/visits.csv:4: visit_id: must start with its start_date at its precision (2018-01-01, year), "
     "e.g. '2018-…'"),
    ("treaties", "2022-12-environmental-protection", "treaty_id", "2022-11-environmental-protection",
     "data/treaties.csv:10: treaty_id: must start with its signed_date at its precision (2022-12-01, month), "
     "e.g. '2022-12-…'"),
    ("regional_memoranda", "2025-11-tashkent-astana", "memorandum_id", "2025-12-tashkent-astana",
     "data/regional_memoranda.csv:6: memorandum_id: must start with its signed_date at its precision "
     "(2025-11-01, month), e.g. '2025-11-…'"),
])
def test_id_not_starting_with_its_date_is_reported(package, table, key, column, wrong, expected):
    set_cell(package, table, key, column, wrong)
    assert problems(package) == [expected]


# Countries and languages

@pytest.mark.parametrize("parties, message", [
    ("UZ;KZ", "'UZ;KZ' must be sorted alphabetically, each code once"),
    ("KZ;KZ;UZ", "'KZ;KZ;UZ' must be sorted alphabetically, each code once"),
    ("KG;KZ", "'KG;KZ' must include both KZ and UZ"),
    ("KG;UZ", "'KG;UZ' must include both KZ and UZ"),
    ("KZ;UZ;XX", "'XX' is not an ISO 3166-1 alpha-2 country code"),
])
def test_parties_sorted_with_kz_and_uz_and_known_codes(package, parties, message):
    set_cell(package, "treaties", "2022-12-22-allied-relations", "parties", parties)
    assert problems(package) == [f"data/treaties.csv:8: parties: {message}"]


@pytest.mark.parametrize("column", ["visitor_country", "host_country"])
def test_unknown_country_code_is_reported(package, column):
    set_cell(package, "visits", "2025-03-29-almaty-talks", column, "XX")
    assert problems(package) == [f"data/visits.csv:10: {column}: 'XX' is not an ISO 3166-1 alpha-2 country code"]


def test_host_equal_to_visitor_is_reported(package):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "host_country", "UZ")
    assert problems(package) == ["data/visits.csv:10: host_country: is the visitor's country too (UZ)"]


def test_language_not_iso_639_1_is_reported(package):
    set_cell(package, "sources", "akmalov-2022", "language", "kz")  # Kazakh is kk; KZ is the country
    assert problems(package) == ["data/sources.csv:2: language: 'kz' is not an ISO 639-1 language code "
                                 "(e.g. ru, en, uz)"]


# The gazetteer is ISO 3166-2, whole and exact

def test_region_code_not_in_iso_3166_2_is_reported(package):
    add_row(package, "regions", "KZ-79", region_code="KZ-80", name_en="New Region", name_ru="Новая область",
            name_iso="Jana oblysy", type="region")
    assert problems(package) == ["data/regions.csv:36: region_code: KZ-80 is not a first-level subdivision "
                                 "in ISO 3166-2 (pycountry)"]


def test_region_country_not_matching_its_code_is_reported(package):
    set_cell(package, "regions", "KZ-62", "country", "UZ")
    assert problems(package) == ["data/regions.csv:17: country: UZ differs from the country of KZ-62"]


def test_region_name_iso_differing_from_iso_is_reported(package):
    set_cell(package, "regions", "KZ-62", "name_iso", "Ulytau oblysy")
    assert problems(package) == ["data/regions.csv:17: name_iso: 'Ulytau oblysy' differs from the ISO 3166-2 name "
                                 "of KZ-62 ('Ulytaū oblysy')"]


def test_region_type_differing_from_iso_is_reported(package):
    set_cell(package, "regions", "KZ-62", "type", "city")
    assert problems(package) == ["data/regions.csv:17: type: city differs from the ISO 3166-2 type of KZ-62 (region)"]


def test_region_deleted_from_the_gazetteer_is_reported(package):
    delete_row(package, "regions", "KZ-62")
    assert problems(package) == ["data/regions.csv: the gazetteer lacks KZ-62 (Ulytaū oblysy): every first-level "
                                 "subdivision of KZ and UZ belongs here"]


# Regional memoranda

@pytest.mark.parametrize("column, code, form, country", [
    ("uz_region", "KZ-71", "^UZ-[A-Z0-9]{2,3}$", "Uzbek"),
    ("kz_region", "UZ-TK", "^KZ-[A-Z0-9]{2,3}$", "Kazakh"),
])
def test_region_of_the_wrong_country_is_reported(package, column, code, form, country):
    set_cell(package, "regional_memoranda", "2025-11-tashkent-astana", column, code)
    assert problems(package) == [f"data/regional_memoranda.csv:6: {column}: '{code}' does not have the form {form} "
                                 f"(ISO 3166-2 code of the {country} region (→ `regions.region_code`))"]


def test_unknown_topic_is_reported(package):
    set_cell(package, "regional_memoranda", "2025-11-tashkent-astana", "topics", "interregional;space")
    assert problems(package) == [f"data/regional_memoranda.csv:6: topics: 'space' is not a topic of treaties.topic "
                                 f"({TOPICS})"]


def test_repeated_topic_is_reported(package):
    set_cell(package, "regional_memoranda", "2025-11-tashkent-astana", "topics", "interregional;trade;interregional")
    assert problems(package) == ["data/regional_memoranda.csv:6: topics: 'interregional;trade;interregional' "
                                 "names a topic twice"]


def test_rows_of_one_memorandum_disagreeing_are_reported(package):
    path = package / "data" / "regional_memoranda.csv"
    rows = read_rows(path)
    rows[3][rows[0].index("title_en")] = "Memorandum between the Samarkand and Turkistan Regions"  # line 4
    write_rows(path, rows)
    memorandum = "2022-12-tashkent-samarkand-jizzakh-turkestan"
    assert problems(package) == [
        f"data/regional_memoranda.csv:{line}: title_en: differs between rows of memorandum {memorandum}: "
        "they describe one document" for line in (3, 4, 5)]


def test_one_row_of_a_memorandum_without_its_visit_is_reported(package):
    path = package / "data" / "regional_memoranda.csv"
    rows = read_rows(path)
    rows[3][rows[0].index("visit_id")] = ""  # line 4: visit_id is optional, but one document has one visit
    write_rows(path, rows)
    memorandum = "2022-12-tashkent-samarkand-jizzakh-turkestan"
    assert problems(package) == [
        f"data/regional_memoranda.csv:{line}: visit_id: differs between rows of memorandum {memorandum}: "
        "they describe one document" for line in (3, 4, 5)]


# Indicators

def test_unit_differing_from_its_definition_is_reported(package):
    set_cell(package, "indicators", "agreements-reached", "unit", "usd")
    assert problems(package) == ["data/indicators.csv:2: unit: 'usd' differs from the unit of agreements-reached "
                                 "in indicator_definitions.csv (count)"]


@pytest.mark.parametrize("value", ["150", "-100.5"])
def test_percent_outside_minus_100_to_100_is_reported(package, value):
    set_cell(package, "indicators", "trade-turnover-growth", "value", value)
    assert problems(package) == [f"data/indicators.csv:33: value: {value} percent is outside -100 to 100"]


@pytest.mark.parametrize("value", ["-100", "100", "-3.5"])
def test_percent_within_its_bounds_is_accepted(package, value):
    set_cell(package, "indicators", "trade-turnover-growth", "value", value)
    assert problems(package) == []


@pytest.mark.parametrize("indicator, line, value, unit", [
    ("trade-turnover", 24, "-1500000000", "usd"),
    ("agreements-reached", 2, "-15", "count"),
])
def test_negative_amount_is_reported(package, indicator, line, value, unit):
    set_cell(package, "indicators", indicator, "value", value)
    assert problems(package) == [f"data/indicators.csv:{line}: value: {value} {unit} is negative: "
                                 "only a percentage change can be"]


def test_money_not_in_whole_dollars_is_reported(package):
    set_cell(package, "indicators", "trade-turnover", "value", "1.5")  # billions, written as in the source
    assert problems(package) == ["data/indicators.csv:24: value: 1.5 usd is not a whole number of dollars: "
                                 "write the amount in whole US dollars (8000000000 for 8 billion)"]


# Documents signed during a visit are dated within it

def test_treaty_dated_outside_its_visit_is_reported(package):
    set_cell(package, "treaties", "2022-12-22-allied-relations", "visit_id", "2025-11-14-state-visit-tokayev")
    assert problems(package) == ["data/treaties.csv:8: signed_date: 2022-12-22 (day) is outside visit "
                                 "2025-11-14-state-visit-tokayev, 2025-11-14 to 2025-11-15: "
                                 "correct the date or the visit_id"]


def test_memorandum_dated_outside_its_visit_is_reported(package):
    set_cell(package, "regional_memoranda", "2025-11-tashkent-astana", "visit_id", "2022-12-21-state-visit-tokayev")
    assert problems(package) == ["data/regional_memoranda.csv:6: signed_date: 2025-11-01 (month) is outside visit "
                                 "2022-12-21-state-visit-tokayev, 2022-12-21 to 2022-12-22: "
                                 "correct the date or the visit_id"]


# Sources

def test_source_cited_by_no_row_is_reported(package):
    add_row(package, "sources", "trend-2025-11", source_id="nobody-2024", title_en="A source nobody cites")
    edit_descriptor(package, lambda d: d["sources"].append({"title": "A source nobody cites"}))
    assert problems(package) == ["data/sources.csv:7: source_id: nobody-2024 is cited by no row: cite it or remove it"]


def test_source_missing_from_the_descriptor_is_reported(package):
    title = "Review of Kazakhstan–Uzbekistan relations"
    edit_descriptor(package, lambda d: d["sources"].remove({"title": title}))
    assert problems(package) == [f"data/sources.csv:4: title_en: '{title}' is missing from the sources of "
                                 f"datapackage.json: add {{\"title\": \"{title}\"}} there"]


# Text cells

@pytest.mark.parametrize("city", [" Almaty", "Almaty ", "Almaty\t"])
def test_text_with_leading_or_trailing_white_space_is_reported(package, city):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "city", city)
    assert problems(package) == ["data/visits.csv:10: city: has white space at its start or end: "
                                 "remove it (kzuz fmt does)"]


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_text_starting_like_a_formula_is_reported(package, prefix):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "summary_en", f"{prefix}HYPERLINK(\"http://x\")")
    assert problems(package) == [f"data/visits.csv:10: summary_en: starts with '{prefix}', which a spreadsheet "
                                 "runs as a formula: reword the cell"]


def test_two_text_cells_of_one_row_are_reported_each(package):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "city", "Almaty ")
    set_cell(package, "visits", "2025-03-29-almaty-talks", "notes", "-see the source")
    assert problems(package) == [
        "data/visits.csv:10: city: has white space at its start or end: remove it (kzuz fmt does)",
        "data/visits.csv:10: notes: starts with '-', which a spreadsheet runs as a formula: reword the cell"]


# What frictionless rejects (types, constraints, keys): one message a cell

@pytest.mark.parametrize("date", ["22.12.2022", "2022-13-01", "2022-12"])
def test_malformed_date_is_reported(package, date):
    set_cell(package, "visits", "2022-12-21-business-forum", "start_date", date)
    assert problems(package) == [f"data/visits.csv:8: start_date: '{date}' is not a date: "
                                 "use YYYY-MM-DD (a month is YYYY-MM-01, a year YYYY-01-01)"]


# Each rule that reads the rejected date (named beside it) stays quiet.
@pytest.mark.parametrize("table, key, column, line", [
    ("visits", "2021-07-15-central-south-asia-conference", "start_date", 6),  # end after start, precision, id
    ("visits", "2020-02-interregional-forum-urgench", "start_date", 5),  # on the 1st, precision given, id
    ("treaties", "2022-12-22-allied-relations", "signed_date", 8),  # precision given, within visit, id
    ("regional_memoranda", "2022-12-tashkent-samarkand-jizzakh-turkestan", "signed_date", 3),  # rows 4, 5 agree
    ("indicators", "agreements-reached", "period_start", 2),  # end after start
])
def test_rejected_cell_gets_one_message_only(package, table, key, column, line):
    set_cell(package, table, key, column, "22.12.2022")
    assert problems(package) == [f"data/{table}.csv:{line}: {column}: '22.12.2022' is not a date: "
                                 "use YYYY-MM-DD (a month is YYYY-MM-01, a year YYYY-01-01)"]


@pytest.mark.parametrize("value", ["8 млрд", "8,000,000,000"])
def test_malformed_number_is_reported(package, value):
    set_cell(package, "indicators", "contracts-value", "value", value)
    assert problems(package) == [f"data/indicators.csv:9: value: '{value}' is not a number: write digits, with a dot "
                                 "for decimals and no spaces, units or thousands separators (8000000000, 10.5)"]


def test_malformed_url_is_reported(package):
    set_cell(package, "sources", "akmalov-2022", "url", "www.example.org")
    assert problems(package) == ["data/sources.csv:2: url: 'www.example.org' is not a uri: write the whole address, "
                                 "starting with https:// (or http://)"]


def test_value_outside_its_enum_is_reported(package):
    set_cell(package, "visits", "2022-12-21-business-forum", "kind", "conference")
    assert problems(package) == ["data/visits.csv:8: kind: 'conference' is not one of: state_visit, official_visit, "
                                 "working_visit, working_meeting, summit, forum, other"]


@pytest.mark.parametrize("key, column, line", [
    ("2022-12-21-business-forum", "source_quote", 8),
    ("2025-03-29-almaty-talks", "visit_id", 10),
])
def test_empty_required_cell_is_reported(package, key, column, line):
    set_cell(package, "visits", key, column, "")
    assert problems(package) == [f"data/visits.csv:{line}: {column}: is empty, but every row needs it"]


def test_identifier_that_is_not_a_slug_is_reported(package):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "visit_id", "Bad ID")
    assert problems(package) == ["data/visits.csv:10: visit_id: 'Bad ID' does not have the form "
                                 "^[a-z0-9]+(-[a-z0-9]+)*$ (Identifier: the start date at its precision, "
                                 "then a slug, e.g. `2022-12-21-state-visit-tokayev`)"]


def test_text_longer_than_its_max_length_is_reported(package):
    set_cell(package, "sources", "trend-2025-11", "source_quote", "я" * 1001)
    assert problems(package) == ["data/sources.csv:6: source_quote: is 1001 characters long; at most 1000 are allowed"]


def test_repeated_identifier_is_reported_once(package):
    add_row(package, "visits", "2025-03-29-almaty-talks")
    assert problems(package) == ["data/visits.csv:13: visit_id: '2025-03-29-almaty-talks' repeats line 10: "
                                 "it must be unique"]


def test_repeated_composite_primary_key_is_reported(package):
    add_row(package, "indicators", "contracts-value", qualifier="approximately")  # copies line 9
    assert problems(package) == ["data/indicators.csv:36: repeats the primary key (indicator, period_start, "
                                 "period_end, status, source_id: contracts-value, 2021-11-01, 2021-11-30, actual, "
                                 "expert-2022-interregional) of line 9"]


@pytest.mark.parametrize("table, key, column, value, line, target", [
    ("visits", "2022-12-21-business-forum", "source_id", "nobody-2020", 8, "a source_id in data/sources.csv"),
    ("indicators", "agreements-reached", "indicator", "agreements-made", 2,
     "an indicator in data/indicator_definitions.csv"),
])
def test_unknown_foreign_key_is_reported(package, table, key, column, value, line, target):
    set_cell(package, table, key, column, value)
    assert problems(package) == [f"data/{table}.csv:{line}: {column}: '{value}' is not {target}"]


# Joint projects

def test_project_without_both_countries_is_reported(package):
    set_cell(package, "projects", "green-energy-corridor", "countries", "AZ;KZ")
    assert problems(package) == ["data/projects.csv:3: countries: 'AZ;KZ' must include both KZ and UZ"]


def test_project_countries_unsorted_or_unknown_are_reported(package):
    set_cell(package, "projects", "green-energy-corridor", "countries", "AZ;UZ;KZ")
    set_cell(package, "projects", "central-asia-unified-energy-system", "countries", "KZ;UZ;ZZ")
    assert problems(package) == [
        "data/projects.csv:2: countries: 'ZZ' is not an ISO 3166-1 alpha-2 country code",
        "data/projects.csv:3: countries: 'AZ;UZ;KZ' must be sorted alphabetically, each code once"]


def test_project_region_not_in_the_gazetteer_is_reported(package):
    set_cell(package, "projects", "navoiy-mineral-fertiliser-production", "region_codes", "UZ-NW;UZ-ZZ")
    line = line_of(package, "projects", "navoiy-mineral-fertiliser-production")
    assert problems(package) == [f"data/projects.csv:{line}: region_codes: 'UZ-ZZ' is not a region_code in "
                                 "data/regions.csv"]


def test_project_stage_dated_before_an_earlier_stage_is_reported(package):
    project = "international-centre-for-industrial-cooperation-central-asia"
    opened = line_of(package, "projects", project, status="opened")
    set_cell_of(package, "projects", opened, "status_date", "2022-11-01")
    set_cell_of(package, "projects", opened, "visit_id", "")
    assert problems(package) == [f"data/projects.csv:{opened}: status_date: 2022-11-01 (opened) is before an earlier "
                                 f"stage of project {project}: correct the date or the status"]


def test_project_stages_on_the_same_date_are_in_order(package):
    project = "international-centre-for-industrial-cooperation-central-asia"
    opened = line_of(package, "projects", project, status="opened")
    set_cell_of(package, "projects", opened, "status_date", "2022-12-01")
    set_cell_of(package, "projects", opened, "visit_id", "2022-12-21-state-visit-tokayev")
    assert problems(package) == []


def test_rows_of_one_project_disagreeing_are_reported(package):
    project = "kambarata-hpp-1"
    launched = line_of(package, "projects", project, status="launched")
    agreed = line_of(package, "projects", project, status="agreed")
    set_cell_of(package, "projects", launched, "kind", "infrastructure")
    assert problems(package) == [
        f"data/projects.csv:{line}: kind: differs between rows of project {project}: they describe one project"
        for line in sorted((agreed, launched))]


def test_project_dated_outside_its_visit_is_reported(package):
    line = line_of(package, "projects", "navoiy-mineral-fertiliser-production")
    set_cell_of(package, "projects", line, "visit_id", "2025-11-14-state-visit-tokayev")
    assert problems(package) == [f"data/projects.csv:{line}: status_date: 2022-12-01 (month) is outside visit "
                                 "2025-11-14-state-visit-tokayev, 2025-11-14 to 2025-11-15: correct the date or the "
                                 "visit_id"]


def test_project_with_a_negative_value_is_reported(package):
    line = line_of(package, "projects", "navoiy-mineral-fertiliser-production")
    set_cell_of(package, "projects", line, "value_usd", "-1")
    assert problems(package) == [f"data/projects.csv:{line}: value_usd: -1 is below the minimum, 0"]


@pytest.mark.parametrize("value", ["0", "1500000000"])
def test_project_value_of_zero_or_more_dollars_is_accepted(package, value):
    set_cell_of(package, "projects", line_of(package, "projects", "navoiy-mineral-fertiliser-production"),
                "value_usd", value)
    assert problems(package) == []


def test_project_value_in_billions_is_not_whole_dollars(package):
    line = line_of(package, "projects", "navoiy-mineral-fertiliser-production")
    set_cell_of(package, "projects", line, "value_usd", "1.5")
    assert problems(package) == [f"data/projects.csv:{line}: value_usd: '1.5' is not an integer: write whole digits only"]


# Transport connections

def test_connection_region_not_in_the_gazetteer_is_reported(package):
    line = line_of(package, "connections", "air-almaty-tashkent")
    set_cell_of(package, "connections", line, "to_region", "UZ-ZZ")
    assert problems(package) == [f"data/connections.csv:{line}: to_region: 'UZ-ZZ' is not a region_code in "
                                 "data/regions.csv"]


def test_connection_region_without_a_place_is_reported(package):
    line = line_of(package, "connections", "air-almaty-tashkent")
    set_cell_of(package, "connections", line, "to_place", "")
    assert problems(package) == [f"data/connections.csv:{line}: to_place: is empty, but to_region is given: name "
                                 "the place"]


def test_connection_status_after_today_is_reported(package):
    line = line_of(package, "connections", "air-almaty-tashkent")
    set_cell_of(package, "connections", line, "status_date", "2026-12-01")
    assert problems(package) == [f"data/connections.csv:{line}: status_date: 2026-12-01 is after today (2026-11-21): "
                                 "a status is what had happened by its date: a plan is `planned`"]


# Events

def test_event_id_not_starting_with_its_date_is_reported(package):
    line = line_of(package, "events", "1992-11-23-diplomatic-relations")
    set_cell_of(package, "events", line, "event_id", "1992-11-23x-diplomatic-relations")
    assert problems(package) == [f"data/events.csv:{line}: event_id: must start with its date at its precision "
                                 "(1992-11-23, day), e.g. '1992-11-23-…'"]


def test_event_dated_outside_its_visit_is_reported(package):
    line = line_of(package, "events", "2025-11-order-of-friendship-tokayev")
    set_cell_of(package, "events", line, "visit_id", "2022-12-21-state-visit-tokayev")
    assert problems(package) == [f"data/events.csv:{line}: date: 2025-11-01 (month) is outside visit "
                                 "2022-12-21-state-visit-tokayev, 2022-12-21 to 2022-12-22: correct the date or the "
                                 "visit_id"]


def test_event_countries_without_uzbekistan_are_reported(package):
    line = line_of(package, "events", "1992-11-23-diplomatic-relations")
    set_cell_of(package, "events", line, "countries", "KZ")
    assert problems(package) == [f"data/events.csv:{line}: countries: 'KZ' must include both KZ and UZ"]


# Indicators whose period the source leaves open

def publication_row(package) -> int:
    header, *rows = read_rows(package / "data" / "indicators.csv")
    return next(n for n, row in enumerate(rows, start=2) if row[header.index("period_end_basis")] == "publication"
                and row[header.index("source_id")] == "trend-2025-11")


@pytest.mark.parametrize("end, fine", [("2025-11-30", True), ("2025-11-29", False), ("2025-12-01", False)])
def test_a_period_closed_at_publication_ends_on_the_last_day_of_that_month(package, end, fine):
    line = publication_row(package)
    set_cell_of(package, "indicators", line, "period_end", end)
    assert problems(package) == ([] if fine else [
        f"data/indicators.csv:{line}: period_end: {end} is not the last day of the month trend-2025-11 was "
        "published in (2025-11-30), as period_end_basis publication says"])


def test_a_stated_period_may_end_on_any_day(package):
    line = publication_row(package)
    set_cell_of(package, "indicators", line, "period_end_basis", "stated")
    set_cell_of(package, "indicators", line, "period_end", "2025-11-29")
    assert problems(package) == []


# Each rule at its boundary, both sides

@pytest.mark.parametrize("date, fine", [("1991-01-01", True), ("1990-12-31", False)])
def test_the_earliest_date_is_1_january_1991(package, date, fine):
    set_cell(package, "treaties", "1998-10-31-eternal-friendship", "signed_date", date)
    set_cell(package, "treaties", "1998-10-31-eternal-friendship", "treaty_id", f"{date}-eternal-friendship")
    assert problems(package) == ([] if fine else [
        f"data/treaties.csv:3: signed_date: {date} is before 1991: correct it, or explain it in notes, naming the year"])


@pytest.mark.parametrize("date, fine", [("2026-11-21", True), ("2026-11-22", False)])
def test_today_is_not_after_today(package, date, fine):
    publish_akmalov_today(package)
    set_cell(package, "treaties", "1998-10-31-eternal-friendship", "signed_date", date)
    set_cell(package, "treaties", "1998-10-31-eternal-friendship", "treaty_id", f"{date}-eternal-friendship")
    assert problems(package) == ([] if fine else [f"data/treaties.csv:3: signed_date: {date} {AFTER_TODAY}"])


@pytest.mark.parametrize("date, fine", [("2022-12-01", True), ("2022-12-02", False), ("2022-12-31", False)])
def test_a_month_is_stored_as_its_first_day(package, date, fine):
    set_cell(package, "treaties", "2022-12-environmental-protection", "signed_date", date)
    assert problems(package) == ([] if fine else [
        f"data/treaties.csv:10: signed_date: {date} has month precision but is not the 1st of the month: "
        "store a month as YYYY-MM-01"])


@pytest.mark.parametrize("date, fine", [("2022-12-21", True), ("2022-12-22", True), ("2022-12-20", False),
                                        ("2022-12-23", False)])
def test_a_document_signed_during_a_visit_is_dated_within_it_to_the_day(package, date, fine):
    set_cell(package, "treaties", "2022-12-22-allied-relations", "signed_date", date)
    set_cell(package, "treaties", "2022-12-22-allied-relations", "treaty_id", f"{date}-allied-relations")
    assert problems(package) == ([] if fine else [
        f"data/treaties.csv:8: signed_date: {date} (day) is outside visit 2022-12-21-state-visit-tokayev, "
        "2022-12-21 to 2022-12-22: correct the date or the visit_id"])


@pytest.mark.parametrize("date, precision, fine", [("2022-11-01", "month", False), ("2022-01-01", "year", True),
                                                   ("2023-01-01", "year", False)])
def test_a_month_or_year_touches_the_visit_if_any_of_its_days_does(package, date, precision, fine):
    set_cell(package, "treaties", "2022-12-environmental-protection", "signed_date", date)
    set_cell(package, "treaties", "2022-12-environmental-protection", "signed_date_precision", precision)
    set_cell(package, "treaties", "2022-12-environmental-protection", "treaty_id",
             f"{date[:7] if precision == 'month' else date[:4]}-environmental-protection")
    # a year after the visit is after the source too, of 2022-12
    after = [f"data/treaties.csv:10: signed_date: {date} is after 2022-12, when expert-2022-interregional was "
             "published: a document cannot be reported signed before it is signed"] if date > "2022-12-31" else []
    assert problems(package) == ([] if fine else [
        f"data/treaties.csv:10: signed_date: {date} ({precision}) is outside visit 2022-12-21-state-visit-tokayev, "
        "2022-12-21 to 2022-12-22: correct the date or the visit_id"] + after)


@pytest.mark.parametrize("identifier, fine", [("2025-03-29-almaty-talks", True), ("2025-03-29almaty-talks", False),
                                              ("2025-03-29", True)])
def test_an_identifier_continues_its_date_with_a_hyphen(package, identifier, fine):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "visit_id", identifier)
    assert problems(package) == ([] if fine else [
        "data/visits.csv:10: visit_id: must start with its start_date at its precision (2025-03-29, day), "
        "e.g. '2025-03-29-…'"])


@pytest.mark.parametrize("end, fine", [("2025-03-29", True), ("2025-03-28", False)])
def test_a_visit_may_end_on_the_day_it_starts_but_not_before(package, end, fine):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "end_date", end)
    assert problems(package) == ([] if fine else [
        f"data/visits.csv:10: end_date: {end} is before start_date 2025-03-29"])


@pytest.mark.parametrize("value, fine", [("0", True), ("-1", False)])
def test_a_zero_amount_is_an_amount(package, value, fine):
    set_cell(package, "indicators", "contracts-value", "value", value)
    assert problems(package) == ([] if fine else [
        f"data/indicators.csv:9: value: {value} usd is negative: only a percentage change can be"])


@pytest.mark.parametrize("value, fine", [("100", True), ("100.01", False), ("-100", True), ("-100.01", False)])
def test_a_percentage_lies_within_plus_and_minus_100(package, value, fine):
    set_cell(package, "indicators", "trade-turnover-growth", "value", value)
    assert problems(package) == ([] if fine else [f"data/indicators.csv:33: value: {value} percent is outside -100 to 100"])


@pytest.mark.parametrize("value, fine", [("8000000000", True), ("8000000000.5", False)])
def test_money_is_whole_dollars(package, value, fine):
    set_cell(package, "indicators", "trade-turnover", "value", value)
    assert problems(package) == ([] if fine else [
        f"data/indicators.csv:24: value: {value} usd is not a whole number of dollars: write the amount in whole US "
        "dollars (8000000000 for 8 billion)"])


@pytest.mark.parametrize("length, fine", [(1000, True), (1001, False)])
def test_a_cell_may_be_exactly_its_max_length(package, length, fine):
    set_cell(package, "sources", "trend-2025-11", "source_quote", "я" * length)
    assert problems(package) == ([] if fine else [
        f"data/sources.csv:6: source_quote: is {length} characters long; at most 1000 are allowed"])


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31"])
def test_any_date_a_calendar_holds_is_read_and_judged(package, date):
    set_cell(package, "indicators", "agreements-reached", "period_end", date)
    expected = {"0001-01-01": ["data/indicators.csv:2: period_end: 0001-01-01 is before 1991: correct it, or explain "
                               "it in notes, naming the year",  # its note's digits do not name the year 1
                               "data/indicators.csv:2: period_end: 0001-01-01 is before period_start 2022-12-21"],
                "9999-12-31": ["data/indicators.csv:2: period_end: 9999-12-31 is after today (2026-11-21): status "
                               "actual is for what has happened: a value ahead is a target, forecast, estimate or "
                               "potential"]}
    assert problems(package) == expected[date]


@pytest.mark.parametrize("date", ["0000-01-01", "2023-02-29", "2024-02-30", "2022-00-10"])
def test_a_day_no_calendar_holds_is_not_a_date(package, date):
    set_cell(package, "indicators", "agreements-reached", "period_end", date)
    assert problems(package) == [f"data/indicators.csv:2: period_end: '{date}' is not a date: use YYYY-MM-DD "
                                 "(a month is YYYY-MM-01, a year YYYY-01-01)"]


def test_a_leap_day_is_a_date(package):
    set_cell(package, "indicators", "agreements-reached", "period_end", "2020-02-29")  # before its source, of 2022
    set_cell(package, "indicators", "agreements-reached", "period_start", "2020-02-29")
    assert problems(package) == []
