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

from schemas import cross_table, indicators, projects, regional_memoranda, regions, visits
from schemas.common import common_rules, precision_column
from schemas.rules import (Rule, agrees_within, codes_known, country_list, id_starts_with_date, lookup, not_before,
                           not_before_1991, not_in_future, precision_rules)
from schemas.table_schema import enum, field, required, resource_schema

TODAY = datetime.date(2025, 11, 22)
DESCRIPTOR = json.loads((Path(__file__).resolve().parent.parent / "datapackage.json").read_text(encoding="utf-8"))
DATES = {"date", "start_date", "end_date", "signed_date", "status_date", "period_start", "period_end",
         "published_date"}


def frame(**columns) -> pd.DataFrame:
    """Rows from line 2 on; a column named like a date holds dates (None: empty)."""
    data = {name: pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[s]") if name in DATES
            else pd.Series(values, dtype=float) if name == "value" else pd.Series(values, dtype="str")
            for name, values in columns.items()}
    rows = len(next(iter(data.values())))
    return pd.DataFrame(data).set_axis(pd.Index(range(2, rows + 2), name="line"))


def failing(rule: Rule, df: pd.DataFrame):
    """The lines where `rule` fails (for a rule about the whole table: whether it passes)."""
    result = rule.passes(df)
    if rule.whole_table:
        return bool(result)
    assert len(result) == len(df)
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
    single = codes_known("language", {"ru"}, "a language")
    assert failing(single, frame(language=["ru", "ru;en", "en"])) == [3, 4]


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
    rule = Rule("r", "x", "{date}|{value}|{half}|{notes}", lambda df: True)
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
    df = frame(project_id=["p", "p", "q", "q", "r"], status=[first, later, first, later, later],
               status_date=["2022-12-22", "2022-12-22", "2022-12-22", "2022-12-21", "2020-01-01"])
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


def test_a_document_of_a_visit_is_dated_within_it():
    visits_ = frame(visit_id=["v", "broken"], start_date=["2022-12-22", "2022-12-23"],
                    end_date=["2022-12-23", "2022-12-22"])
    rule = cross_table.visit_contains_date(visits_, "signed_date", "signed_date_precision")
    df = frame(visit_id=["v", "v", "v", "v", "v", "v", "v", "v", "broken", None, "v"],
               signed_date=["2022-12-22", "2022-12-23", "2022-12-21", "2022-12-24", "2022-12-01", "2022-11-01",
                            "2022-01-01", "2021-01-01", "2000-01-01", "2000-01-01", None],
               signed_date_precision=["day", "day", "day", "day", "month", "month", "year", "year", "day", "day",
                                      "day"])
    assert failing(rule, df) == [4, 5, 7, 9]
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
    assert [r.name for r in cross_table.rules("indicators", DESCRIPTOR, {})] == []
    names = [r.name for r in cross_table.rules("indicators", DESCRIPTOR, {
        "indicator_definitions": frame(indicator=["x"], unit=["count"]),
        "sources": frame(source_id=["s"], published_date=["2025-01-01"])})]
    assert names == ["unit_matches_definition", "period_end_at_publication"]


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
    with pytest.raises(KeyError):
        field(schema, "c")
    with pytest.raises(KeyError):
        resource_schema({"resources": [{"name": "r", "schema": schema}]}, "s")
    assert resource_schema({"resources": [{"name": "r", "schema": schema}]}, "r") is schema
