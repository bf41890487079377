"""Every semantic rule (schemas/) at its boundary, on both sides, on frames of a few rows
built here in the form `schemas.frame` gives them (dates as datetime64[s], numbers as
floats, text as str, indexed by line). Fast, so a mutation run over schemas/ can use it;
tests/test_rules.py checks the same rules through `kzuz validate` on a whole package."""
from __future__ import annotations

import datetime
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzuz import schemas
from kzuz.schemas import cross_table, indicators, projects, regional_memoranda, regions, visits
from kzuz.schemas.common import common_rules, precision_column
from kzuz.schemas.rules import (Rule, agrees_within, codes_known, country_list, id_starts_with_date, lookup, not_before,
                           not_before_1991, not_in_future, precision_rules)
from kzuz.schemas.table_schema import enum, field, required, resource_schema

TODAY = datetime.date(2025, 11, 22)
DESCRIPTOR = json.loads((Path(__file__).resolve().parent.parent / "datapackage.json").read_text(encoding="utf-8"))
DATES = {"date", "start_date", "end_date", "signed_date", "status_date", "period_start", "period_end",
         "published_date"}


def frame(**columns) -> pd.DataFrame:
    """Rows from line 2 on; a column named like a date holds dates (None: empty)."""
    data = {name: pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601").astype("datetime64[s]")
            if name in DATES
            else pd.Series(values, dtype=float) if name == "value" else pd.Series(values, dtype="str")
            for name, values in columns.items()}
    rows = len(next(iter(data.values())))
    return pd.DataFrame(data).set_axis(pd.Index(range(2, rows + 2), name="line"))


def failing(rule: Rule, df: pd.DataFrame):
    """The lines where `rule` fails (for a rule about the whole table: whether it passes)."""
    result = rule.passes(df)
    if rule.whole_table:
        return bool(result)
    assert list(result.index) == list(df.index)  # the validator reads the failing rows by position
    return [line for line, ok in zip(df.index, result) if not ok]


def by_name(rules: list[Rule], name: str) -> Rule:
    found = [r for r in rules if r.name == name]
    assert len(found) == 1, [r.name for r in rules]
    return found[0]


def message(rule: Rule, df: pd.DataFrame, line: int) -> str:
    return rule.explain({**df.loc[line].to_dict(), "cell": None})


# Dates and their precision ----------------------------------------------------------------

def test_a_month_is_its_first_day_and_a_year_its_first_of_january():
    month, year, paired = precision_rules("date", "date_precision")
    df = frame(date=["2022-12-01", "2022-12-02", "2022-01-01", "2022-01-02", "2022-02-01", "2022-12-31", None],
               date_precision=["month", "month", "year", "year", "year", "day", None])
    assert failing(month, df) == [3]
    assert failing(year, df) == [5, 6]
    assert failing(paired, df) == []
    assert message(month, df, 3) == ("2022-12-02 has month precision but is not the 1st of the month: store a month "
                                     "as YYYY-MM-01")
    assert message(year, df, 5) == "2022-01-02 has year precision but is not 1 January: store a year as YYYY-01-01"


def test_a_date_and_its_precision_come_together():
    *_, paired = precision_rules("date", "date_precision")
    df = frame(date=["2022-12-01", None, "2022-12-01", None], date_precision=[None, "day", "day", None])
    assert failing(paired, df) == [2, 3]
    assert message(paired, df, 2) == "is empty, but date is given: say how precise it is (day, month or year)"
    assert message(paired, df, 3) == "is given, but date is empty: clear it too"


def test_nothing_before_1991_unless_a_note_names_the_year():
    rule = not_before_1991("date")
    df = frame(date=["1991-01-01", "1990-12-31", "1990-12-31", "1990-12-31", None],
               notes=[None, None, "Signed in 1990, before independence", "a note about 1989", None])
    assert failing(rule, df) == [3, 5]
    assert failing(rule, frame(date=["1990-12-31", "1991-01-01"])) == [2]  # a table without notes
    assert failing(rule, frame(date=["1991-01-01"], notes=[None])) == []
    # the year as a number of its own, not inside another: the year 1 is not named by "1991"
    years = frame(date=["0001-01-01", "0001-01-01", "0001-01-01", "1990-01-01", "1990-01-01", "1990-01-01"],
                  notes=["published 1991", "dated 0001 in the source", "year 1, as printed", "in 19901",
                         "in 1990.", "(1990)"])
    assert failing(rule, years) == [2, 5]
    assert message(rule, df, 3) == "1990-12-31 is before 1991: correct it, or explain it in notes, naming the year"


def test_nothing_that_happened_is_dated_after_today():
    rule = not_in_future("date", TODAY)
    df = frame(date=["2025-11-22", "2025-11-23", None])
    assert failing(rule, df) == [3]
    assert message(rule, df, 3) == ("2025-11-23 is after today (2025-11-22): only what has already happened "
                                    "belongs here")
    planned = not_in_future("date", TODAY, applies=lambda df: df["status"] == "held")
    assert failing(planned, frame(date=["2025-11-23", "2025-11-23"], status=["planned", "held"])) == [3]


def test_an_end_is_not_before_its_start():
    rule = not_before("end_date", "start_date")
    df = frame(start_date=["2022-12-22", "2022-12-22", "2022-12-22", None],
               end_date=["2022-12-22", "2022-12-21", None, "2022-12-21"])
    assert failing(rule, df) == [3]
    assert message(rule, df, 3) == "2022-12-21 is before start_date 2022-12-22"


def test_an_id_starts_with_its_date_at_its_precision():
    rule = id_starts_with_date("visit_id", "date", "date_precision")
    df = frame(visit_id=["2022-12-22-state-visit", "2022-12-22", "2022-12-22state", "2022-12-21-state-visit",
                         "2022-12-state-visit", "2022-12-22-visit", "2022-visit", "2023-visit", "x", None],
               date=["2022-12-22", "2022-12-22", "2022-12-22", "2022-12-22",
                     "2022-12-01", "2022-12-01", "2022-01-01", "2022-01-01", None, "2022-01-01"],
               date_precision=["day", "day", "day", "day", "month", "month", "year", "year", "day", "day"])
    assert failing(rule, df) == [4, 5, 9, 11]
    assert message(rule, df, 5) == ("must start with its date at its precision (2022-12-22, day), "
                                    "e.g. '2022-12-22-…'")
    assert message(rule, df, 9) == "must start with its date at its precision (2022-01-01, year), e.g. '2022-…'"
    assert failing(rule, frame(visit_id=["2022-12-x"], date=["2022-12-01"], date_precision=["week"])) == []


# Codes ---------------------------------------------------------------------------------

def test_codes_are_known_each_one_of_a_list():
    rule = codes_known("topics", {"trade", "energy"}, "a topic", separator=";")
    df = frame(topics=["trade", "trade;energy", "trade;water", "Trade", None])
    assert failing(rule, df) == [4, 5]
    assert message(rule, df, 4) == "'water' is not a topic"
    assert rule.explain({"topics": "fire;trade;water"}) == "'fire' is not a topic; 'water' is not a topic"
    single = codes_known("language", {"ru"}, "a language")
    assert failing(single, frame(language=["ru", "ru;en", "en", "ru ru"])) == [3, 4, 5]


def test_a_country_list_holds_kz_and_uz_sorted_once_each_and_known():
    include, ordered, known = country_list("countries")
    df = frame(countries=["KZ;UZ", "KG;KZ;UZ", "UZ;KZ", "KZ;KZ;UZ", "KZ", "KZ;UZ;XX", None])
    assert failing(include, df) == [6]
    assert failing(ordered, df) == [4, 5]
    assert failing(known, df) == [7]
    assert message(include, df, 6) == "'KZ' must include both KZ and UZ"
    assert message(ordered, df, 4) == "'UZ;KZ' must be sorted alphabetically, each code once"
    assert message(known, df, 7) == "'XX' is not an ISO 3166-1 alpha-2 country code"


def test_rows_of_one_document_agree():
    optional = agrees_within("memorandum_id", "visit_id", True, "document")
    must = agrees_within("memorandum_id", "visit_id", False, "document")
    df = frame(memorandum_id=["m1", "m1", "m2", "m2", "m3", "m3"], visit_id=["v", "v", "v", None, "v", "w"])
    assert failing(optional, df) == [4, 5, 6, 7]
    assert failing(must, df) == [6, 7]  # an empty required cell was reported already
    assert message(must, df, 6) == "differs between rows of memorandum m3: they describe one document"


def test_a_lookup_gives_each_row_its_value_and_none_where_there_is_none():
    found = lookup(pd.Series(["a", "b", None, "a", "c"]), {"a": "one", "b": "two"})
    assert [v if isinstance(v, str) else None for v in found] == ["one", "two", None, "one", None]


def test_a_message_shows_dates_whole_numbers_and_empty_cells_as_written():
    rule = Rule("r", "x", "{date}|{value}|{half}|{notes}", lambda df: pd.Series(True, index=df.index))
    assert rule.explain({"date": pd.Timestamp("2022-12-22"), "value": 5.0, "half": 0.5, "notes": np.nan}) == (
        "2022-12-22|5|0.5|")


# Tables --------------------------------------------------------------------------------

def test_a_held_visit_is_not_in_the_future_and_the_host_is_not_the_visitor():
    rules = visits.rules(DESCRIPTOR, TODAY)
    df = frame(start_date=["2025-11-22", "2025-11-23", "2025-11-23"], end_date=["2025-11-23", "2025-11-23", None],
               status=["held", "held", "planned"], visitor_country=["KZ", "UZ", "KZ"], host_country=["UZ", "UZ", "XX"],
               visit_id=["2025-11-22-a", "2025-11-23-b", "2025-11-23-c"], date_precision=["day", "day", "day"])
    assert failing(by_name(rules, "start_date_not_in_future"), df) == [3]
    assert failing(by_name(rules, "end_date_not_in_future"), df) == [2, 3]
    assert failing(by_name(rules, "host_differs_from_visitor"), df) == [3]
    assert failing(by_name(rules, "host_country_known"), df) == [4]
    assert message(by_name(rules, "host_differs_from_visitor"), df, 3) == "is the visitor's country too (UZ)"


def test_indicator_values_at_their_bounds():
    rules = indicators.rules(DESCRIPTOR, TODAY)
    df = frame(unit=["percent", "percent", "percent", "percent", "usd", "usd", "usd", "count", "count", "usd"],
               value=[-100, 100, -100.01, 100.01, 0, -0.5, 5.5, 0.5, -1, None])
    assert failing(by_name(rules, "percent_in_range"), df) == [4, 5]
    assert failing(by_name(rules, "amount_not_negative"), df) == [7, 10]
    assert failing(by_name(rules, "usd_whole_dollars"), df) == [7, 8]
    assert message(by_name(rules, "amount_not_negative"), df, 10) == (
        "-1 count is negative: only a percentage change can be")
    actual = by_name(rules, "period_end_not_in_future")
    assert failing(actual, frame(period_end=["2025-11-22", "2025-11-23", "2025-11-23"],
                                 status=["actual", "actual", "target"])) == [3]


def test_a_later_stage_of_a_project_is_not_dated_before_an_earlier_one():
    rule = by_name(projects.rules(DESCRIPTOR, TODAY), "status_date_in_stage_order")
    stages = enum(resource_schema(DESCRIPTOR, "projects"), "status")
    first, later = stages[0], stages[1]
    df = frame(project_id=["p", "p", "q", "q", "r", "p"], status=[first, later, first, later, later, later],
               status_date=["2022-12-22", "2022-12-22", "2022-12-22", "2022-12-21", "2020-01-01", None])
    assert failing(rule, df) == [5]
    assert message(rule, df, 5) == (f"2022-12-21 ({later}) is before an earlier stage of project q: correct the "
                                    "date or the status")
    assert failing(rule, frame(project_id=[], status=[], status_date=[])) == []


def test_the_gazetteer_is_iso_3166_2_whole_and_exact():
    rules = regions.rules(DESCRIPTOR, TODAY)
    iso = regions.subdivisions(enum(resource_schema(DESCRIPTOR, "regions"), "country"))
    code = "UZ-TK"
    whole = frame(region_code=sorted(iso), country=[c[:2] for c in sorted(iso)],
                  name_iso=[iso[c].name for c in sorted(iso)], type=[iso[c].type.lower() for c in sorted(iso)])
    assert all(failing(r, whole) in ([], True) for r in rules)
    line = 2 + sorted(iso).index(code)
    broken = whole.copy()
    broken.loc[line, ["country", "name_iso", "type"]] = ["KZ", iso[code].name + "x", "region"]
    assert failing(by_name(rules, "country_matches_code"), broken) == [line]
    assert failing(by_name(rules, "name_iso_matches_iso"), broken) == [line]
    assert failing(by_name(rules, "type_matches_iso"), broken) == [line]
    assert message(by_name(rules, "type_matches_iso"), broken, line) == (
        f"region differs from the ISO 3166-2 type of {code} ({iso[code].type.lower()})")
    short = whole.drop(index=line)
    gazetteer = by_name(rules, "gazetteer_complete")
    assert failing(gazetteer, short) is False
    assert gazetteer.explain_table(short).startswith(f"the gazetteer lacks {code} ({iso[code].name}): ")
    first, second = sorted(iso)[:2]
    assert gazetteer.explain_table(whole.drop(index=[2, 3])).startswith(
        f"the gazetteer lacks {first} ({iso[first].name}), {second} ({iso[second].name}): ")
    unknown = frame(region_code=["UZ-XX"], country=["UZ"], name_iso=["X"], type=["region"])
    assert failing(by_name(rules, "region_code_in_iso"), unknown) == [2]
    assert not [s for s in iso.values() if s.parent_code is not None]


def test_topics_of_a_memorandum_are_named_once():
    rule = by_name(regional_memoranda.rules(DESCRIPTOR, TODAY), "topics_once")
    topics = enum(resource_schema(DESCRIPTOR, "treaties"), "topic")
    df = frame(topics=[topics[0], f"{topics[0]};{topics[1]}", f"{topics[0]};{topics[0]}", None])
    assert failing(rule, df) == [4]


# Across tables ----------------------------------------------------------------------------

def test_a_unit_is_its_indicators_unit():
    definitions = frame(indicator=["flights", "trade"], unit=["count", "usd"])
    rule = cross_table.unit_matches_definition(definitions)
    df = frame(indicator=["flights", "flights", "trade", "unknown", None, "trade"],
               unit=["count", "usd", "usd", "usd", "usd", None])
    assert failing(rule, df) == [3]
    assert message(rule, df, 3) == "'usd' differs from the unit of flights in indicator_definitions.csv (count)"
    # the wrong unit first, and the right one written by no row
    assert failing(rule, frame(indicator=["flights", "flights"], unit=["usd", "eur"])) == [2, 3]


def test_a_document_of_a_visit_is_dated_within_it():
    visits_ = frame(visit_id=["v", "broken", "first", "new-year", "one-day", "open"],
                    start_date=["2022-12-22", "2022-12-23", "2022-12-01", "2022-01-01", "2022-12-22", "2022-12-22"],
                    end_date=["2022-12-23", "2022-12-22", "2022-12-01", "2022-01-01", "2022-12-22", None])
    rule = cross_table.visit_contains_date(visits_, "signed_date", "signed_date_precision")
    df = frame(visit_id=["v", "v", "v", "v", "v", "v", "v", "v", "broken", None, "v"],
               signed_date=["2022-12-22", "2022-12-23", "2022-12-21", "2022-12-24", "2022-12-01", "2022-11-01",
                            "2022-01-01", "2021-01-01", "2000-01-01", "2000-01-01", None],
               signed_date_precision=["day", "day", "day", "day", "month", "month", "year", "year", "day", "day",
                                      "day"])
    assert failing(rule, df) == [4, 5, 7, 9]
    edges = frame(visit_id=["first", "new-year", "one-day", "one-day", "open", "first", "new-year"],
                  signed_date=["2022-12-01", "2022-01-01", "2022-12-22", "2022-12-23", "2000-01-01", "2022-12-15",
                               "2022-06-15"],
                  signed_date_precision=["month", "year", "day", "day", "day", "month", "year"])
    # a visit of one day; a visit without an end is not judged; a month or year stored off its
    # first day (reported by another rule) is still the whole month or year here
    assert failing(rule, edges) == [5]
    assert message(rule, df, 4) == ("2022-12-21 (day) is outside visit v, 2022-12-22 to 2022-12-23: correct the "
                                    "date or the visit_id")


def test_the_last_day_a_date_may_mean():
    assert cross_table.last_day(pd.Timestamp("2024-02-01"), "month") == pd.Timestamp("2024-02-29")
    assert cross_table.last_day(pd.Timestamp("9999-12-01").as_unit("s"), "month") == pd.Timestamp("9999-12-31")
    assert cross_table.last_day(pd.Timestamp("2022-01-01"), "year") == pd.Timestamp("2022-12-31")
    assert cross_table.last_day(pd.Timestamp("2022-01-05"), "day") == pd.Timestamp("2022-01-05")


def test_a_period_left_open_ends_with_the_month_its_source_was_published_in():
    sources = frame(source_id=["s", None], published_date=["2025-11-10", "2025-01-01"])
    rule = cross_table.closed_at_publication(sources)
    df = frame(source_id=["s", "s", "s", "t", "s"], period_end=["2025-11-30", "2025-11-29", "2025-11-29",
                                                                 "2025-11-29", None],
               period_end_basis=["publication", "publication", "stated", "publication", "publication"])
    assert failing(rule, df) == [3]
    assert message(rule, df, 3) == ("2025-11-29 is not the last day of the month s was published in (2025-11-30), "
                                    "as period_end_basis publication says")


def test_what_happened_is_not_dated_after_the_last_day_its_source_speaks_of():
    sources = frame(source_id=["day", "month", "year", "ancient", "vague", None],
                    published_date=["2025-11-10", "2025-11-01", "2025-01-01", "0001-01-01", "2000-01-01",
                                    "2000-01-01"],
                    published_date_precision=["day", "month", "year", "day", None, "day"])
    rule = cross_table.not_after_publication(sources, "date", "date_precision", {}, "it had not happened",
                                             datetime.date(9999, 12, 31))
    # each source on the last day it speaks of, then on the next day
    df = frame(source_id=["day", "day", "month", "month", "year", "year", "ancient", "ancient"],
               date=["2025-11-10", "2025-11-11", "2025-11-30", "2025-12-01", "2025-12-31", "2026-01-01",
                     "0001-01-01", "0001-01-02"], date_precision=["day"] * 8)
    assert failing(rule, df) == [3, 5, 7, 9]
    assert message(rule, df, 3) == "2025-11-11 is after 2025-11-10, when day was published: it had not happened"
    assert message(rule, df, 5) == "2025-12-01 is after 2025-11, when month was published: it had not happened"
    assert message(rule, df, 7) == "2026-01-01 is after 2025, when year was published: it had not happened"
    assert message(rule, df, 9) == "0001-01-02 is after 0001-01-01, when ancient was published: it had not happened"
    # a month or a year of the row counts from its first day (stored off it, it is reported apart)
    coarse = frame(source_id=["day", "day", "month", "month", "day", "day", "day"],
                   date=["2025-11-01", "2025-12-01", "2025-11-01", "2025-12-01", "2025-01-01", "2026-01-01",
                         "2025-11-15"], date_precision=["month", "month", "month", "month", "year", "year", "month"])
    assert failing(rule, coarse) == [3, 5, 7]
    # an unknown source, one without a precision, an empty date: other rules report those
    quiet = frame(source_id=["unknown", "vague", None, "day"], date=["2099-01-01", "2099-01-01", "2099-01-01", None],
                  date_precision=["day"] * 4)
    assert failing(rule, quiet) == []
    # after today, the table's own rule says so (`…_not_in_future`), and this one is quiet
    today = cross_table.not_after_publication(sources, "date", "date_precision", {}, "why", TODAY)
    df = frame(source_id=["day"] * 2, date=["2025-11-22", "2025-11-23"], date_precision=["day"] * 2)
    assert failing(today, df) == [2]


def test_only_the_rows_that_report_what_happened_are_held_to_their_source():
    sources = frame(source_id=["s"], published_date=["2025-11-10"], published_date_precision=["day"])
    rule = cross_table.not_after_publication(sources, "period_end", None,
                                             {"status": ("actual",), "period_end_basis": ("stated",)}, "why", TODAY)
    df = frame(source_id=["s"] * 5, period_end=["2025-11-10", "2025-11-11", "2025-11-20", "2025-11-20", "2025-11-20"],
               status=["actual", "actual", "actual", "target", None],
               period_end_basis=["stated"] * 3 + [None, "stated"])
    assert failing(rule, df) == [3, 4]
    assert failing(rule, df.assign(period_end_basis="publication")) == []  # closed at the source's month
    assert rule.reads == ("source_id", "status", "period_end_basis")
    names = {table: [r.name for r in cross_table.rules(table, DESCRIPTOR, {"sources": sources}, TODAY)
                     if r.name.endswith("_not_after_publication")] for table in cross_table.REPORTED}
    # a held visit is reported under way from its first day, so its end is not judged
    assert names["visits"] == ["start_date_not_after_publication"]
    assert names["indicators"] == ["period_start_not_after_publication", "period_end_not_after_publication"]
    only = {table: [o for _, o, _ in dates] for table, dates in cross_table.REPORTED.items()}
    assert only["visits"] == [{"status": ("held",)}]
    assert only["connections"] == [{"status": ("discussed", "under_construction", "opened", "operating")}]
    assert only["treaties"] == only["regional_memoranda"] == only["projects"] == only["events"] == [{}]
    for table in ("visits", "indicators", "connections"):  # a status renamed in the descriptor would exempt its rows
        assert set(only[table][0]["status"]) < set(enum(resource_schema(DESCRIPTOR, table), "status"))


def test_every_source_is_cited_and_described():
    cited = cross_table.source_is_cited([frame(source_id=["a", None]), frame(source_id=["b"])])
    assert failing(cited, frame(source_id=["a", "b", "c", None])) == [4]
    described = cross_table.source_in_descriptor({"sources": [{"title": "A book"}]})
    assert failing(described, frame(title_en=["A book", "Another", None])) == [3]
    assert failing(cross_table.source_in_descriptor({}), frame(title_en=["A book"])) == [2]


def test_region_codes_of_a_list_are_in_the_gazetteer():
    rule = cross_table.region_codes_known(frame(region_code=["KZ-10", "UZ-TK", None]))
    df = frame(region_codes=["KZ-10", "KZ-10;UZ-TK", "KZ-10;UZ-XX", None])
    assert failing(rule, df) == [4]
    assert message(rule, df, 4) == "'UZ-XX' is not a region_code in data/regions.csv"


def test_cross_table_rules_are_left_out_when_the_table_they_read_is_not_there():
    assert [r.name for r in cross_table.rules("indicators", DESCRIPTOR, {}, TODAY)] == []
    names = [r.name for r in cross_table.rules("indicators", DESCRIPTOR, {
        "indicator_definitions": frame(indicator=["x"], unit=["count"]),
        "sources": frame(source_id=["s"], published_date=["2025-01-01"], published_date_precision=["day"])}, TODAY)]
    assert names == ["unit_matches_definition", "period_end_at_publication", "period_start_not_after_publication",
                     "period_end_not_after_publication"]


# Reading the descriptor ----------------------------------------------------------------------

def test_a_date_takes_its_own_precision_column_before_a_shared_one():
    both = {"fields": [{"name": "date_precision"}, {"name": "signed_date_precision"}, {"name": "signed_date"}]}
    assert precision_column(both, "signed_date") == "signed_date_precision"
    assert precision_column(both, "other_date") == "date_precision"
    assert precision_column({"fields": [{"name": "x"}]}, "x") is None


def test_every_date_field_gets_the_common_rules_with_the_shared_precision():
    schema = {"fields": [{"name": "date", "type": "date"}, {"name": "date_precision", "type": "string"},
                         {"name": "seen", "type": "date"}, {"name": "n", "type": "integer"}]}
    assert [r.name for r in common_rules(schema)] == [
        "date_month_on_first", "date_year_on_first", "date_precision_with_date", "date_not_before_1991",
        "seen_month_on_first", "seen_year_on_first", "date_precision_with_seen", "seen_not_before_1991"]
    assert [r.name for r in common_rules({"fields": [{"name": "seen", "type": "date"}]})] == ["seen_not_before_1991"]


def test_a_field_or_resource_the_rules_read_must_be_there():
    schema = {"fields": [{"name": "a", "constraints": {"required": True, "enum": ["x"]}}, {"name": "b"}]}
    assert field(schema, "a")["name"] == "a" and enum(schema, "a") == ["x"]
    assert required(schema, "a") and not required(schema, "b")
    with pytest.raises(KeyError, match="^'c'$"):
        field(schema, "c")
    with pytest.raises(KeyError, match="^'s'$"):
        resource_schema({"resources": [{"name": "r", "schema": schema}]}, "s")
    assert resource_schema({"resources": [{"name": "r", "schema": schema}]}, "r") is schema


# Each table's rules, as the package builds them ------------------------------------------

ISO = regions.subdivisions(["KZ", "UZ"])

def table_frame(table: str, **cells) -> pd.DataFrame:
    """A frame of `table` with every field of its Table Schema, empty unless given."""
    rows = len(next(iter(cells.values())))
    kinds = {f["name"]: f["type"] for f in resource_schema(DESCRIPTOR, table)["fields"]}
    assert set(cells) <= set(kinds), set(cells) - set(kinds)
    data = {}
    for name, kind in kinds.items():
        values = pd.Series(cells.get(name, [None] * rows), dtype=object)
        data[name] = (pd.to_datetime(values).astype("datetime64[s]") if kind == "date"
                      else values.astype(float) if kind in ("number", "integer") else values.astype("str"))
    return pd.DataFrame(data).set_axis(pd.Index(range(2, rows + 2), name="line"))


VISIT = "2022-12-22-state-visit"
COMPANIONS = {
    "visits": lambda: table_frame("visits", visit_id=[VISIT], start_date=["2022-12-22"], end_date=["2022-12-23"]),
    "indicator_definitions": lambda: table_frame("indicator_definitions", indicator=["flights"], unit=["count"]),
    "sources": lambda: table_frame("sources", source_id=["s"], published_date=["2025-11-10"],
                                   published_date_precision=["day"]),
    "regions": lambda: table_frame("regions", region_code=["KZ-10", "UZ-TK"]),
}
TOPICS = enum(resource_schema(DESCRIPTOR, "treaties"), "topic")
FUTURE = "2025-11-23 is after today (2025-11-22): "
HAPPENED = FUTURE + "only what has already happened belongs here"
STAGES = enum(resource_schema(DESCRIPTOR, "projects"), "status")
DAY2 = dict(date_precision=["day", "day"])
AFTER_S = "2025-11-11 is after 2025-11-10, when s was published: "

# (table, rule, cells of two or more rows, the lines it fails on, the column it blames, what it says of the first)
CASES = [
    ("sources", "language_known", dict(language=["ru", "xx"]), [3], "language",
     "'xx' is not an ISO 639-1 language code (e.g. ru, en, uz)"),
    ("sources", "published_date_not_in_future", dict(published_date=["2025-11-22", "2025-11-23"]), [3],
     "published_date", HAPPENED),
    ("sources", "published_date_month_on_first", dict(published_date=["2025-11-01", "2025-11-02"],
                                                      published_date_precision=["month", "month"]), [3],
     "published_date", "2025-11-02 has month precision but is not the 1st of the month: store a month as YYYY-MM-01"),
    ("sources", "source_in_descriptor", dict(title_en=[DESCRIPTOR["sources"][0]["title"], "Unknown"]), [3],
     "title_en", "'Unknown' is missing from the sources of datapackage.json: add {\"title\": \"Unknown\"} there"),
    ("visits", "end_date_not_before_start_date", dict(start_date=["2022-12-22"] * 2,
                                                      end_date=["2022-12-22", "2022-12-21"]), [3], "end_date",
     "2022-12-21 is before start_date 2022-12-22"),
    ("visits", "visit_id_starts_with_date", dict(visit_id=["2022-12-22-a", "2022-12-23-b"],
                                                 start_date=["2022-12-22"] * 2, **DAY2), [3], "visit_id",
     "must start with its start_date at its precision (2022-12-22, day), e.g. '2022-12-22-…'"),
    ("visits", "start_date_not_in_future", dict(start_date=["2025-11-22", "2025-11-23"], status=["held", "held"]),
     [3], "start_date", FUTURE + "a held visit has already happened: one known only from a preview is `planned`"),
    ("visits", "end_date_not_in_future", dict(end_date=["2025-11-23", "2025-11-23"], status=["planned", "held"]),
     [3], "end_date", FUTURE + "a held visit has already happened: one known only from a preview is `planned`"),
    ("visits", "visitor_country_known", dict(visitor_country=["KZ", "XX"]), [3], "visitor_country",
     "'XX' is not an ISO 3166-1 alpha-2 country code"),
    ("visits", "host_country_known", dict(host_country=["UZ", "XX"]), [3], "host_country",
     "'XX' is not an ISO 3166-1 alpha-2 country code"),
    ("visits", "host_differs_from_visitor", dict(visitor_country=["KZ", "UZ"], host_country=["UZ", "UZ"]), [3],
     "host_country", "is the visitor's country too (UZ)"),
    ("visits", "start_date_not_before_1991", dict(start_date=["1991-01-01", "1990-12-31", "1990-12-31"],
                                                  notes=[None, None, "in 1990, before independence"]), [3], "start_date",
     "1990-12-31 is before 1991: correct it, or explain it in notes, naming the year"),
    ("visits", "date_precision_with_end_date", dict(end_date=["2022-12-22"] * 2, date_precision=["day", None]),
     [3], "date_precision", "is empty, but end_date is given: say how precise it is (day, month or year)"),
    ("treaties", "parties_include_kz_and_uz", dict(parties=["KZ;UZ", "KZ"]), [3], "parties",
     "'KZ' must include both KZ and UZ"),
    ("treaties", "parties_sorted", dict(parties=["KZ;UZ", "UZ;KZ"]), [3], "parties",
     "'UZ;KZ' must be sorted alphabetically, each code once"),
    ("treaties", "parties_known", dict(parties=["KZ;UZ", "KZ;UZ;XX"]), [3], "parties",
     "'XX' is not an ISO 3166-1 alpha-2 country code"),
    ("treaties", "treaty_id_starts_with_date", dict(treaty_id=["2022-12-22-a", "2022-12-a"],
                                                   signed_date=["2022-12-22"] * 2, signed_date_precision=["day"] * 2),
     [3], "treaty_id", "must start with its signed_date at its precision (2022-12-22, day), e.g. '2022-12-22-…'"),
    ("treaties", "signed_date_not_in_future", dict(signed_date=["2025-11-22", "2025-11-23"]), [3], "signed_date",
     HAPPENED),
    ("treaties", "signed_date_year_on_first", dict(signed_date=["2022-01-01", "2022-02-01"],
                                                  signed_date_precision=["year"] * 2), [3], "signed_date",
     "2022-02-01 has year precision but is not 1 January: store a year as YYYY-01-01"),
    ("treaties", "signed_date_within_visit", dict(visit_id=[VISIT] * 2, signed_date=["2022-12-22", "2022-12-24"],
                                                 signed_date_precision=["day"] * 2), [3], "signed_date",
     f"2022-12-24 (day) is outside visit {VISIT}, 2022-12-22 to 2022-12-23: correct the date or the visit_id"),
    ("regional_memoranda", "topics_known", dict(topics=[TOPICS[0], f"{TOPICS[0]};nothing"]), [3], "topics",
     f"'nothing' is not a topic of treaties.topic ({', '.join(TOPICS)})"),
    ("regional_memoranda", "topics_once", dict(topics=[TOPICS[0], f"{TOPICS[0]};{TOPICS[0]}"]), [3], "topics",
     f"'{TOPICS[0]};{TOPICS[0]}' names a topic twice"),
    ("regional_memoranda", "memorandum_id_starts_with_date", dict(
        memorandum_id=["2022-12-a", "2023-12-b"], signed_date=["2022-12-01"] * 2, signed_date_precision=["month"] * 2),
     [3], "memorandum_id", "must start with its signed_date at its precision (2022-12-01, month), e.g. '2022-12-…'"),
    ("regional_memoranda", "signed_date_not_in_future", dict(signed_date=["2025-11-22", "2025-11-23"]), [3],
     "signed_date", HAPPENED),
    ("regional_memoranda", "signed_date_within_visit", dict(
        visit_id=[VISIT] * 2, signed_date=["2022-12-01", "2022-11-01"], signed_date_precision=["month"] * 2),
     [3], "signed_date",
     f"2022-11-01 (month) is outside visit {VISIT}, 2022-12-22 to 2022-12-23: correct the date or the visit_id"),
    *[("regional_memoranda", f"{column}_agrees_within_memorandum_id", dict(memorandum_id=["m", "m", "n", "n"],
                                                                          **{column: values}),
       lines, column, "differs between rows of memorandum m: they describe one document")
      for column, values, lines in [
          ("signed_date", ["2022-12-01", "2022-12-02", "2022-12-01", None], [2, 3]),
          ("signed_date_precision", ["day", "month", "day", None], [2, 3]),
          ("title_en", ["A", "B", "A", None], [2, 3]),
          ("doc_type", ["a", "b", "a", None], [2, 3]),
          ("topics", ["a", "b", "a", None], [2, 3]),
          ("visit_id", ["v", "w", "v", None], [2, 3, 4, 5])]],  # visit_id is optional: an empty one differs
    ("indicators", "period_end_not_before_period_start", dict(period_start=["2022-01-01"] * 2,
                                                              period_end=["2022-01-01", "2021-12-31"]), [3],
     "period_end", "2021-12-31 is before period_start 2022-01-01"),
    ("indicators", "period_end_not_in_future", dict(period_end=["2025-11-23"] * 2, status=["target", "actual"]),
     [3], "period_end", FUTURE + "status actual is for what has happened: a value ahead is a target, forecast, "
                                 "estimate or potential"),
    ("indicators", "percent_in_range", dict(value=[100, 100.5], unit=["percent"] * 2), [3], "value",
     "100.5 percent is outside -100 to 100"),
    ("indicators", "amount_not_negative", dict(value=[0, -1, -5], unit=["usd", "usd", "percent"]), [3], "value",
     "-1 usd is negative: only a percentage change can be"),
    ("indicators", "usd_whole_dollars", dict(value=[5, 5.5], unit=["usd"] * 2), [3], "value",
     "5.5 usd is not a whole number of dollars: write the amount in whole US dollars (8000000000 for 8 billion)"),
    ("indicators", "unit_matches_definition", dict(indicator=["flights"] * 2, unit=["count", "usd"]), [3], "unit",
     "'usd' differs from the unit of flights in indicator_definitions.csv (count)"),
    ("indicators", "period_end_at_publication", dict(source_id=["s"] * 2, period_end=["2025-11-30", "2025-11-10"],
                                                     period_end_basis=["publication"] * 2), [3], "period_end",
     "2025-11-10 is not the last day of the month s was published in (2025-11-30), as period_end_basis "
     "publication says"),
    ("projects", "countries_include_kz_and_uz", dict(countries=["KZ;UZ", "UZ"]), [3], "countries",
     "'UZ' must include both KZ and UZ"),
    ("projects", "status_date_not_in_future", dict(status_date=["2025-11-22", "2025-11-23"]), [3], "status_date",
     HAPPENED),
    ("projects", "status_date_in_stage_order", dict(project_id=["p", "p"], status=STAGES[:2],
                                                    status_date=["2022-12-22", "2022-12-21"]), [3], "status_date",
     f"2022-12-21 ({STAGES[1]}) is before an earlier stage of project p: correct the date or the status"),
    ("projects", "status_date_within_visit", dict(visit_id=[VISIT] * 2, status_date=["2022-01-01", "2021-01-01"],
                                                  status_date_precision=["year"] * 2), [3], "status_date",
     f"2021-01-01 (year) is outside visit {VISIT}, 2022-12-22 to 2022-12-23: correct the date or the visit_id"),
    ("projects", "region_codes_known", dict(region_codes=["KZ-10;UZ-TK", "KZ-98;UZ-TK;KZ-99"]), [3], "region_codes",
     "'KZ-98' is not a region_code in data/regions.csv; 'KZ-99' is not a region_code in data/regions.csv"),
    *[("projects", f"{column}_agrees_within_project_id", dict(project_id=["p", "p", "q", "q"],
                                                              **{column: ["A", "B", "A", None]}),
       [2, 3], column, "differs between rows of project p: they describe one project")
      for column in projects.PROJECT_COLUMNS],
    ("regions", "region_code_in_iso", dict(region_code=["UZ-TK", "UZ-XX"]), [3], "region_code",
     "UZ-XX is not a first-level subdivision in ISO 3166-2 (pycountry)"),
    ("regions", "country_matches_code", dict(region_code=["UZ-TK", "UZ-TK"], country=["UZ", "KZ"]), [3], "country",
     "KZ differs from the country of UZ-TK"),
    ("regions", "name_iso_matches_iso", dict(region_code=["UZ-TK", "UZ-TK"], name_iso=[ISO["UZ-TK"].name, "Tashkent"]),
     [3], "name_iso", f"'Tashkent' differs from the ISO 3166-2 name of UZ-TK ('{ISO['UZ-TK'].name}')"),
    ("regions", "type_matches_iso", dict(region_code=["UZ-TK", "UZ-TK"], type=[ISO["UZ-TK"].type.lower(), "oblast"]),
     [3], "type", f"oblast differs from the ISO 3166-2 type of UZ-TK ({ISO['UZ-TK'].type.lower()})"),
    ("connections", "status_date_not_in_future", dict(status_date=["2025-11-22", "2025-11-23"]), [3],
     "status_date", FUTURE + "a status is what had happened by its date: a plan is `planned`"),
    ("connections", "to_place_with_to_region", dict(to_place=["Tashkent", None, None], to_region=["UZ-TK"] * 2 + [None]),
     [3], "to_place", "is empty, but to_region is given: name the place"),
    ("events", "countries_sorted", dict(countries=["KZ;UZ", "UZ;KZ"]), [3], "countries",
     "'UZ;KZ' must be sorted alphabetically, each code once"),
    ("events", "event_id_starts_with_date", dict(event_id=["2022-a", "2021-b"], date=["2022-01-01"] * 2,
                                                 date_precision=["year"] * 2), [3], "event_id",
     "must start with its date at its precision (2022-01-01, year), e.g. '2022-…'"),
    ("events", "date_not_in_future", dict(date=["2025-11-22", "2025-11-23"]), [3], "date", HAPPENED),
    ("events", "date_within_visit", dict(visit_id=[VISIT] * 2, date=["2022-12-23", "2022-12-24"], **DAY2), [3],
     "date", f"2022-12-24 (day) is outside visit {VISIT}, 2022-12-22 to 2022-12-23: correct the date or the visit_id"),
    # the companion source s is of 2025-11-10, day precision: that day passes, the next fails
    ("visits", "start_date_not_after_publication", dict(
        source_id=["s"] * 3, start_date=["2025-11-10", "2025-11-11", "2025-11-11"], status=["held", "held", "planned"],
        date_precision=["day"] * 3), [3], "start_date", AFTER_S + "a held visit cannot be reported before it happens"),
    *[(table, "signed_date_not_after_publication", dict(
        source_id=["s"] * 3, signed_date=["2025-11-10", "2025-11-11", "2025-11-01"],
        signed_date_precision=["day", "day", "month"]), [3], "signed_date",
       AFTER_S + "a document cannot be reported signed before it is signed")
      for table in ("treaties", "regional_memoranda")],
    ("indicators", "period_start_not_after_publication", dict(
        source_id=["s"] * 3, period_start=["2025-11-10", "2025-11-11", "2025-11-11"],
        status=["actual", "actual", "target"]),
     [3], "period_start", AFTER_S + "a value cannot be measured before its period begins"),
    ("indicators", "period_end_not_after_publication", dict(
        source_id=["s"] * 4, period_end=["2025-11-10", "2025-11-11", "2025-11-30", "2025-11-11"],
        status=["actual", "actual", "actual", "forecast"],
        period_end_basis=["stated", "stated", "publication", "stated"]),
     [3], "period_end", AFTER_S + "an actual value is of a period that has ended: a period still running has an "
                                  "estimate, or, if the source gives no end, ends at publication (period_end_basis "
                                  "publication)"),
    ("projects", "status_date_not_after_publication", dict(
        source_id=["s"] * 3, status=[STAGES[0], STAGES[0], STAGES[-1]],
        status_date=["2025-11-10", "2025-11-11", "2025-11-11"],
        status_date_precision=["day"] * 3), [3, 4], "status_date",
     AFTER_S + "a project cannot be reported at a stage before it reaches it"),
    ("connections", "status_date_not_after_publication", dict(
        source_id=["s"] * 4, status=["opened", "discussed", "planned", "operating"],
        status_date=["2025-11-10", "2025-11-11", "2025-11-11", "2025-11-11"], status_date_precision=["day"] * 4),
     [3, 5], "status_date", AFTER_S + "a link cannot be reported at a stage before it reaches it"),
    ("events", "date_not_after_publication", dict(source_id=["s"] * 2, date=["2025-11-10", "2025-11-11"], **DAY2), [3],
     "date", AFTER_S + "an event cannot be reported before it happens"),
]


def rules_of(table: str, frames: dict) -> list[Rule]:
    """The rules `schemas.build` gives `table` (the same three sources, without pandera)."""
    return (common_rules(resource_schema(DESCRIPTOR, table)) + schemas.TABLE_RULES[table](DESCRIPTOR, TODAY)
            + cross_table.rules(table, DESCRIPTOR, frames, TODAY))


def test_the_rules_of_a_table_are_those_the_package_checks():
    frames = {n: make() for n, make in COMPANIONS.items()}
    built = schemas.build(DESCRIPTOR, frames, TODAY)
    for table in schemas.TABLE_RULES:
        assert [r.name for r in rules_of(table, frames)] == [r.name for r in built[table].rules]


@pytest.mark.parametrize("table, name, cells, lines, column, says", CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_each_rule_of_each_table(table, name, cells, lines, column, says):
    frames = {table: table_frame(table, **cells), **{n: make() for n, make in COMPANIONS.items() if n != table}}
    rule = by_name(rules_of(table, frames), name)
    assert rule.column == column
    assert failing(rule, frames[table]) == lines
    assert message(rule, frames[table], lines[0]) == says


@pytest.mark.parametrize("table, name, cells, lines, column, says", CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_each_rule_reads_only_the_columns_it_declares(table, name, cells, lines, column, says):
    """A rule is kept quiet on a row whose declared columns were reported (schemas.failures):
    a column it read without declaring it would let it speak about a cell already reported."""
    frames = {table: table_frame(table, **cells), **{n: make() for n, make in COMPANIONS.items() if n != table}}
    rule = by_name(rules_of(table, frames), name)
    fields = [f["name"] for f in resource_schema(DESCRIPTOR, table)["fields"]]
    assert set(rule.reads_columns()) <= set(fields)
    for other in set(cells) - set(rule.reads_columns()):
        blank = table_frame(table, **{**cells, other: [None] * len(lines and cells[other])})
        assert failing(rule, blank) == lines, other


def test_every_source_is_cited_by_a_table_that_cites_sources():
    citing = [r["name"] for r in DESCRIPTOR["resources"]
              if r["name"] != "sources" and "source_id" in [f["name"] for f in r["schema"]["fields"]]]
    assert {"visits", "treaties", "indicators", "projects", "connections", "events"} <= set(citing)
    frames = {"sources": table_frame("sources", source_id=["s", "t"])}
    frames.update({n: table_frame(n, source_id=["s"]) for n in citing})
    rule = by_name(schemas.build(DESCRIPTOR, frames, TODAY)["sources"].rules, "source_is_cited")
    assert rule.column == "source_id"
    assert failing(rule, frames["sources"]) == [3]
    assert message(rule, frames["sources"], 3) == "t is cited by no row: cite it or remove it"
    del frames[citing[-1]]  # a table that could not be read: who cites what is unknown
    assert "source_is_cited" not in [r.name for r in schemas.build(DESCRIPTOR, frames, TODAY)["sources"].rules]


# From failed checks to problems ---------------------------------------------------------------

def checked(frames: dict, reported=(), complete=None) -> list[tuple]:
    paths = {name: f"data/{name}.csv" for name in frames}
    return [(p.file, p.line, p.column, p.message, p.code)
            for p in schemas.check(DESCRIPTOR, frames, paths, list(reported), TODAY, complete)]


def test_the_rules_judge_dates_against_the_day_given():
    visits_ = table_frame("visits", visit_id=["2025-11-23-x"], start_date=["2025-11-23"], end_date=["2025-11-23"],
                          status=["held"], date_precision=["day"])
    assert [c[-1] for c in checked({"visits": visits_})] == ["start_date_not_in_future", "end_date_not_in_future"]


def test_a_resource_the_rules_do_not_know_keeps_the_common_rules():
    extra = {"name": "extra", "schema": {"fields": [{"name": "date", "type": "date"}]}}
    built = schemas.build({**DESCRIPTOR, "resources": DESCRIPTOR["resources"] + [extra]}, {}, TODAY)
    assert [r.name for r in built["extra"].rules] == ["date_not_before_1991"]


def test_a_failed_rule_is_one_problem_at_its_line_and_column_named_by_the_rule():
    visits_ = table_frame("visits", visitor_country=["KZ", "UZ", "UZ"], host_country=["UZ", "UZ", "UZ"])
    assert checked({"visits": visits_}) == [("data/visits.csv", 3, "host_country", "is the visitor's country too (UZ)",
                                             "host_differs_from_visitor"),
                                            ("data/visits.csv", 4, "host_country", "is the visitor's country too (UZ)",
                                             "host_differs_from_visitor")]


def test_failing_rows_are_found_and_worded_across_the_chunks_of_a_text_column():
    """A column read from a large file comes in chunks; the rows for messages are taken
    chunk by chunk, and by position, whatever the lines are."""
    import pyarrow as pa

    visits_ = table_frame("visits", visitor_country=["KZ", "UZ", "UZ", "KZ", "UZ"], host_country=["UZ"] * 5)
    visits_.index = pd.Index([2, 5, 6, 40, 41], name="line")
    for column in ("visitor_country", "host_country"):
        values = visits_[column].tolist()
        visits_[column] = pd.Series(pa.chunked_array([values[:2], values[2:]]).to_pandas().array, index=visits_.index)
    assert visits_["host_country"].array.__arrow_array__().num_chunks == 2
    found = checked({"visits": visits_})
    assert [(c[1], c[3]) for c in found] == [(5, "is the visitor's country too (UZ)"),
                                             (6, "is the visitor's country too (UZ)"),
                                             (41, "is the visitor's country too (UZ)")]


def test_the_rules_of_a_table_have_distinct_names():
    """A failed rule's rows are kept by its name (CheckedTable.failing), and its problems carry it as their code."""
    frames = {r["name"]: table_frame(r["name"], **{r["schema"]["fields"][0]["name"]: [None]})
              for r in DESCRIPTOR["resources"]}
    for name, table in schemas.build(DESCRIPTOR, frames, TODAY).items():
        names = [r.name for r in table.rules]
        assert len(names) == len(set(names)), name


def test_a_rule_that_raises_is_a_bug_named_not_a_problem_of_the_data(monkeypatch):
    def raises(df):
        raise ValueError("a bug")

    monkeypatch.setitem(schemas.TABLE_RULES, "visits", lambda *_: [Rule("broken_rule", "city", "m", raises)])
    with pytest.raises(RuntimeError, match="broken_rule"):
        checked({"visits": table_frame("visits", city=["Tashkent"])})


@pytest.mark.parametrize("line, column, quiet", [
    (3, "host_country", True),      # the cell the rule blames was reported
    (3, "visitor_country", True),   # a cell it reads was
    (3, None, True),                # the whole row was
    (2, "host_country", False),     # another row
    (3, "city", False),             # a cell it does not read
])
def test_a_rule_is_quiet_on_a_row_whose_cells_it_reads_were_reported(line, column, quiet):
    from kzuz.problems import Problem

    visits_ = table_frame("visits", visitor_country=["KZ", "UZ"], host_country=["UZ", "UZ"])
    found = checked({"visits": visits_}, [Problem("data/visits.csv", line, column, "reported", "x")])
    assert found == ([] if quiet else [("data/visits.csv", 3, "host_country", "is the visitor's country too (UZ)",
                                        "host_differs_from_visitor")])
    assert checked({"visits": visits_}, [Problem("data/other.csv", 3, None, "reported", "x")]) != []


def test_a_rule_about_the_whole_table_is_a_problem_of_no_line_and_only_when_the_table_was_read_whole():
    iso = regions.subdivisions(enum(resource_schema(DESCRIPTOR, "regions"), "country"))
    codes = sorted(iso)[1:]
    regions_ = table_frame("regions", region_code=codes, country=[c[:2] for c in codes],
                           name_iso=[iso[c].name for c in codes], type=[iso[c].type.lower() for c in codes])
    lacking = sorted(iso)[0]
    assert checked({"regions": regions_}) == [("data/regions.csv", None, None, f"the gazetteer lacks {lacking} "
                                               f"({iso[lacking].name}): every first-level subdivision of KZ and UZ "
                                               "belongs here", "gazetteer_complete")]
    assert checked({"regions": regions_}, complete=set()) == []
    whole = table_frame("regions", region_code=sorted(iso), country=[c[:2] for c in sorted(iso)],
                        name_iso=[iso[c].name for c in sorted(iso)], type=[iso[c].type.lower() for c in sorted(iso)])
    assert checked({"regions": whole}) == []  # the gazetteer whole: the rule about the table passes


def test_a_failure_about_the_whole_table_does_not_hide_the_failures_of_rows_after_it(monkeypatch):
    monkeypatch.setitem(schemas.TABLE_RULES, "visits", lambda *_: [
        Rule("table_rule", None, "the table lacks a row", lambda df: False, details=lambda df: {}),
        Rule("row_rule", "city", "{city} is not a city", lambda df: df["city"] != "x", reads=("city",))])
    found = [c for c in checked({"visits": table_frame("visits", city=["Tashkent", "x"])}) if c[-1].endswith("_rule")]
    assert found == [("data/visits.csv", None, None, "the table lacks a row", "table_rule"),
                     ("data/visits.csv", 3, "city", "x is not a city", "row_rule")]


def test_a_table_read_in_part_is_not_looked_up_by_another():
    treaties_ = table_frame("treaties", visit_id=[VISIT], signed_date=["2022-12-24"], signed_date_precision=["day"])
    frames = {"treaties": treaties_, "visits": COMPANIONS["visits"]()}
    within = lambda found: [c for c in found if c[-1] == "signed_date_within_visit"]  # noqa: E731
    assert [c[1] for c in within(checked(frames))] == [2]
    assert within(checked(frames, complete={"treaties"})) == []


def test_rules_that_cannot_read_what_they_need_say_so():
    visits_ = table_frame("visits", visitor_country=["KZ"]).drop(columns="host_country")
    assert checked({"visits": visits_}) == [
        ("datapackage.json", None, None, "resource 'visits' lacks 'host_country', which the semantic rules (schemas/) "
         "read: restore it, or change the rules with it", "rules-cannot-run")]
    without = {**DESCRIPTOR, "resources": [r for r in DESCRIPTOR["resources"] if r["name"] != "treaties"]}
    found = schemas.check(without, {"visits": visits_}, {"visits": "data/visits.csv"}, [], TODAY)
    assert [(p.file, p.message, p.code) for p in found] == [
        ("datapackage.json", "lacks 'treaties', which the semantic rules (schemas/) read: restore it, or change the "
         "rules with it", "rules-cannot-run")]
    projects_ = resource_schema(DESCRIPTOR, "projects")
    no_status = {**DESCRIPTOR, "resources": [r if r["name"] != "projects" else {**r, "schema": {
        **projects_, "fields": [f for f in projects_["fields"] if f["name"] != "status"]}} for r in DESCRIPTOR["resources"]]}
    found = schemas.check(no_status, {"visits": visits_}, {"visits": "data/visits.csv"}, [], TODAY)
    assert [p.message for p in found] == ["projects lacks the field status, which the semantic rules (schemas/) read "
                                          "as string: restore it, or change the rules with it"]


def test_a_typed_table_becomes_a_frame_by_line_with_reported_cells_empty(tmp_path):
    from kzuz.package import Resource, read_table
    from kzuz.sources import Directory
    from kzuz.typed import type_table

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text("d,n,s\n0001-01-01,1.5,a\n9999-12-31,x,\n\n2022-12-22,-2,c\n")
    fields = [{"name": "d", "type": "date"}, {"name": "n", "type": "number"}, {"name": "s", "type": "string"}]
    typed = type_table(read_table(Directory(tmp_path), Resource("t", "data/t.csv", fields, [], [], [""], {})))
    df = schemas.frame(typed)
    assert df.index.tolist() == [2, 3, 5] and df.index.name == "line"
    assert str(df["d"].dtype) == "datetime64[s]"
    assert [d.isoformat()[:10] for d in df["d"]] == ["0001-01-01", "9999-12-31", "2022-12-22"]
    assert [None if pd.isna(v) else v for v in df["n"]] == [1.5, None, -2.0]  # 'x' was reported: it reads as empty
    assert [None if pd.isna(v) else v for v in df["s"]] == ["a", None, "c"]
