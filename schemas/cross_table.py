"""Rules that read more than one table (or the descriptor beside the tables).

Each takes the frames it reads and returns the rule for the table it blames; a rule
whose input table could not be read is left out rather than guessed at.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .rules import Rule, lookup, present

def last_day(date: pd.Timestamp, precision: str) -> pd.Timestamp:
    """The last day a date at its precision may mean: 2022-12-01 (month) → 2022-12-31.
    (DateOffset arithmetic would overflow on 9999-12.)"""
    if precision == "month":
        return date + pd.offsets.MonthEnd(0)
    if precision == "year":
        return pd.Timestamp(year=date.year, month=12, day=31)
    return date


def unit_matches_definition(definitions: pd.DataFrame) -> Rule:
    units = dict(zip(definitions["indicator"], definitions["unit"]))

    def passes(df):
        # compared as codes of the distinct values: a million rows hold a few dozen of each
        indicator, names = pd.factorize(df["indicator"])
        unit, written = pd.factorize(df["unit"])
        code = {u: i for i, u in enumerate(written)}
        # each indicator's unit as a code among the units written (-1: none wrote it; -2: no unit to match)
        wanted = np.array([code.get(units[n], -1) if isinstance(units.get(n), str) else -2 for n in names] + [-2])
        expected = wanted[indicator]  # an empty indicator's code, -1, finds the last
        return pd.Series((expected == -2) | (unit < 0) | (unit == expected), index=df.index)

    return Rule("unit_matches_definition", "unit",
                lambda row: f"'{row['unit']}' differs from the unit of {row['indicator']} "
                            f"in indicator_definitions.csv ({units.get(row['indicator'])})", passes, reads=("indicator",))


def visit_contains_date(visits: pd.DataFrame, date_column: str, precision_column: str) -> Rule:
    """A document signed during a visit is dated within it (at the document's precision)."""
    # An empty visit_id is NaN, which a document without a visit would find as its key.
    spans = {v: (s, e) for v, s, e in zip(visits["visit_id"], visits["start_date"], visits["end_date"]) if pd.notna(v)}

    def within(visit_id, date, precision) -> bool:
        if visit_id not in spans or pd.isna(date) or precision not in ("day", "month", "year"):
            return True
        start, end = spans[visit_id]
        if pd.isna(start) or pd.isna(end) or end < start:
            return True  # the visit's own dates are broken, and reported there
        first = date.replace(day=1) if precision == "month" else date.replace(month=1, day=1) if precision == "year" else date
        return first <= end and last_day(first, precision) >= start  # a month stored off its 1st is reported apart

    def passes(df):
        return pd.Series([within(*cells) for cells in zip(df["visit_id"], df[date_column], df[precision_column])],
                         index=df.index)

    def message(row):
        start, end = spans[row["visit_id"]]
        return (f"{row[date_column]} ({row[precision_column]}) is outside visit {row['visit_id']}, "
                f"{start.date()} to {end.date()}: correct the date or the visit_id")

    return Rule(f"{date_column}_within_visit", date_column, message, passes, reads=(precision_column, "visit_id"))


def source_is_cited(citing: list[pd.DataFrame]) -> Rule:
    cited = set().union(*(df["source_id"].dropna().unique().tolist() for df in citing))
    return Rule("source_is_cited", "source_id", "{source_id} is cited by no row: cite it or remove it",
                lambda df: df["source_id"].isin(list(cited)) | ~present(df["source_id"]))


def source_in_descriptor(package: dict) -> Rule:
    titles = {s.get("title") for s in package.get("sources", [])}
    return Rule("source_in_descriptor", "title_en",
                "'{title_en}' is missing from the sources of datapackage.json: add {{\"title\": \"{title_en}\"}} there",
                lambda df: df["title_en"].isin(list(titles)) | ~present(df["title_en"]))


def region_codes_known(regions: pd.DataFrame) -> Rule:
    """Each of a list of region codes is in the gazetteer (a foreign key on a `;` list)."""
    known = set(regions["region_code"].dropna().tolist())

    def unknown(codes) -> list[str]:
        return [code for code in codes.split(";") if code not in known] if isinstance(codes, str) else []

    return Rule("region_codes_known", "region_codes",
                lambda row: "; ".join(f"'{code}' is not a region_code in data/regions.csv"
                                      for code in unknown(row["region_codes"])),
                lambda df: df["region_codes"].astype(object).map(lambda v: not unknown(v)).astype(bool))


def closed_at_publication(sources: pd.DataFrame) -> Rule:
    """A period the source leaves open (`publication`) ends on the last day of the
    source's month of publication."""
    ends = {source: last_day(date, "month") for source, date in zip(sources["source_id"], sources["published_date"])
            if isinstance(source, str) and not pd.isna(date)}

    def passes(df):
        expected = pd.to_datetime(lookup(df["source_id"], ends))
        return ((df["period_end_basis"] != "publication") | df["period_end"].isna() | expected.isna()
                | (df["period_end"] == expected)).astype(bool)

    def message(row):
        return (f"{row['period_end']} is not the last day of the month {row['source_id']} was published in "
                f"({ends[row['source_id']].date()}), as period_end_basis publication says")

    return Rule("period_end_at_publication", "period_end", message, passes, reads=("period_end_basis", "source_id"))


def rules(table: str, package: dict, frames: dict[str, pd.DataFrame]) -> list[Rule]:
    """The cross-table rules that blame `table`, given the frames that could be read."""
    found: list[Rule] = []
    if table == "indicators" and "indicator_definitions" in frames:
        found.append(unit_matches_definition(frames["indicator_definitions"]))
    if table == "indicators" and "sources" in frames:
        found.append(closed_at_publication(frames["sources"]))
    if table in ("treaties", "regional_memoranda") and "visits" in frames:
        found.append(visit_contains_date(frames["visits"], "signed_date", "signed_date_precision"))
    if table == "projects" and "visits" in frames:
        found.append(visit_contains_date(frames["visits"], "status_date", "status_date_precision"))
    if table == "events" and "visits" in frames:
        found.append(visit_contains_date(frames["visits"], "date", "date_precision"))
    if table == "projects" and "regions" in frames:
        found.append(region_codes_known(frames["regions"]))
    if table == "sources":
        found.append(source_in_descriptor(package))
        citing = [r["name"] for r in package["resources"]
                  if r["name"] != "sources" and any(f["name"] == "source_id" for f in r["schema"]["fields"])]
        if all(name in frames for name in citing):
            found.append(source_is_cited([frames[name] for name in citing]))
    return found
