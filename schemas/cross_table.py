"""Rules that read more than one table (or the descriptor beside the tables).

Each takes the frames it reads and returns the rule for the table it blames; a rule
whose input table could not be read is left out rather than guessed at.
"""
from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from .common import precision_column
from .rules import ISO_WIDTHS, PRECISIONS, Rule, lookup, present
from .table_schema import resource_schema


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


# For each table, its dates that report what had happened by its source's publication:
# (the date column, the rows it is judged on — the values their columns must have, {} for
# every row —, why such a row cannot be dated after its source). Chosen and explained in
# `not_after_publication`.
REPORTED = {
    "visits": [("start_date", {"status": ("held",)}, "a held visit cannot be reported before it happens")],
    "treaties": [("signed_date", {}, "a document cannot be reported signed before it is signed")],
    "regional_memoranda": [("signed_date", {}, "a document cannot be reported signed before it is signed")],
    "indicators": [
        ("period_start", {"status": ("actual",)}, "a value cannot be measured before its period begins"),
        ("period_end", {"status": ("actual",), "period_end_basis": ("stated",)},
         "an actual value is of a period that has ended: a period still running has an estimate, or, if the "
         "source gives no end, ends at publication (period_end_basis publication)"),
    ],
    "projects": [("status_date", {}, "a project cannot be reported at a stage before it reaches it")],
    "connections": [("status_date", {"status": ("discussed", "under_construction", "opened", "operating")},
                     "a link cannot be reported at a stage before it reaches it")],
    "events": [("date", {}, "an event cannot be reported before it happens")],
}


# The fields these rules read by name, by table, with the Table Schema type they read each
# as: schemas/__init__.py checks the descriptor declares them so before any rule runs. (A
# date's precision found by `precision_column`, read only where the table has one, is not
# listed.)
READS = {
    "sources": {"source_id": "string", "title_en": "string", "published_date": "date",
                "published_date_precision": "string"},
    "indicator_definitions": {"indicator": "string", "unit": "string"},   # unit_matches_definition
    "indicators": {"indicator": "string", "unit": "string", "period_end": "date", "period_end_basis": "string"},
    "visits": {"visit_id": "string", "start_date": "date", "end_date": "date"},  # visit_contains_date
    "treaties": {"visit_id": "string", "signed_date": "date", "signed_date_precision": "string"},
    "regional_memoranda": {"visit_id": "string", "signed_date": "date", "signed_date_precision": "string"},
    "projects": {"visit_id": "string", "status_date": "date", "status_date_precision": "string",
                 "region_codes": "string"},
    "events": {"visit_id": "string", "date": "date", "date_precision": "string"},
    "regions": {"region_code": "string"},  # region_codes_known
}
# not_after_publication: each table's source_id, its dates and the columns that choose the rows
REPORTED_READS = {table: {"source_id": "string", **{column: "date" for column, _, _ in dates},
                          **{name: "string" for _, only, _ in dates for name in only}}
                  for table, dates in REPORTED.items()}


def first_day(dates: pd.Series, precisions: pd.Series | None) -> np.ndarray:
    """The first day a date at its precision may mean (a month stored off its 1st is
    reported apart). numpy's months and years, as pandas' periods overflow on 0001."""
    d = dates.to_numpy("datetime64[s]")
    if precisions is None:
        return d
    months, years = d.astype("datetime64[M]"), d.astype("datetime64[Y]")
    return np.where(precisions == "month", months, np.where(precisions == "year", years, d))


def not_after_publication(sources: pd.DataFrame, column: str, precision: str | None, only: dict, why: str,
                          today: datetime.date) -> Rule:
    """A row reporting what happened is not dated after the publication that reports it: not
    after the last day the source's date may mean (a source of 2025-11, month precision, speaks
    of all November; one of 2025, year precision, of all the year). A row's month or year counts
    from its first day: a row of 2025-11 is not after that source of 2025-11, one of 2025-12 is.

    The rows that report what happened (`REPORTED`): a held visit, by its start (a visit a
    source reports under way, on its first day, is held, and its end is the programme
    announced); every treaty and regional memorandum (each treaty status follows a signing);
    an actual indicator, by its start, and by its end when the end is stated (a period closed
    at publication ends with the source's month, after a source of a day within it); every
    project (each stage is a fact at its date: a proposal made, an agreement reached, a
    project launched); a connection discussed, under construction, opened or operating; every
    event. Left out, as they speak of what is to come: planned visits and connections, and
    indicators estimated (perhaps for a period still running), targeted, forecast or potential.
    A row whose source is unknown or has no precision, or whose date is empty, is left to the
    rules that report those; one dated after today, to the table's `…_not_in_future` (which
    judges each of these dates, or for an indicator's start its end): one fault, one problem."""
    published = {s: (d, p) for s, d, p in zip(sources["source_id"], sources["published_date"],
                                                sources["published_date_precision"])
                 if isinstance(s, str) and not pd.isna(d) and p in PRECISIONS}
    until = {source: last_day(d, p) for source, (d, p) in published.items()}

    def passes(df):
        limit = lookup(df["source_id"], until).astype("datetime64[s]").to_numpy()
        late = first_day(df[column], df[precision] if precision else None) > limit  # NaT on either side: False
        late &= ~(df[column] > pd.Timestamp(today)).to_numpy()  # reported as after today instead
        reported = np.logical_and.reduce([df[c].isin(values).to_numpy() for c, values in only.items()],
                                         initial=True)
        return pd.Series(~(late & reported), index=df.index)

    def message(row):
        date, source_precision = published[row["source_id"]]
        return (f"{row[column]} is after {date.date().isoformat()[:ISO_WIDTHS[source_precision]]}, "
                f"when {row['source_id']} was published: {why}")

    return Rule(f"{column}_not_after_publication", column, message, passes,
                reads=("source_id", *((precision,) if precision else ()), *only))


def rules(table: str, package: dict, frames: dict[str, pd.DataFrame], today: datetime.date) -> list[Rule]:
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
    if table in REPORTED and "sources" in frames:
        schema = resource_schema(package, table)
        found += [not_after_publication(frames["sources"], column, precision_column(schema, column), only, why, today)
                  for column, only, why in REPORTED[table]]
    return found
