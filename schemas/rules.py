"""The shape every semantic rule takes, and the rules that apply to many tables.

A rule is a named, vectorised test over a whole table (so it can compare columns)
that blames one column and explains itself in a sentence. `Rule.check()` turns it
into a pandera check; the validator maps a failed check back to its rule to word
the message for each failing row.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import pandera.pandas as pa

PRECISIONS = ("day", "month", "year")
EARLIEST_YEAR = 1991
ISO_WIDTHS = {"day": 10, "month": 7, "year": 4}  # a date written at its precision: 2022-12-22, 2022-12, 2022


class LacksColumn(pa.errors.SchemaDefinitionError):
    """A rule read a column its table does not have. (pandera passes a
    SchemaDefinitionError on; any other error in a check it would report as a failure.)"""

    def __init__(self, column: str):
        super().__init__(column)
        self.column = column


@dataclass(frozen=True)
class Rule:
    name: str
    column: str | None  # the column blamed; None when `passes` returns one boolean per cell or for the table
    # Formatted with the failing row's values ("{end_date} is before {start_date}"), or
    # a function of the row when the words depend on more than the row.
    message: str | Callable[[dict], str]
    passes: Callable[[pd.DataFrame], pd.Series | bool]  # True where the row keeps the rule
    # A rule about the table as a whole (a row that is missing) returns one bool from
    # `passes` and words its message from `details(table)` instead of a row.
    details: Callable[[pd.DataFrame], dict] | None = None
    # Columns the rule reads besides `column`: a cell already rejected (a type or a
    # constraint) reads as empty here, so a rule reading it stays quiet on that row.
    reads: tuple[str, ...] = ()

    @property
    def whole_table(self) -> bool:
        """A rule about the table as a whole (a row that is missing)."""
        return self.details is not None

    def check(self, failing: dict[str, pd.Series]) -> pa.Check:
        """The rule as a pandera check of the whole table, which passes or fails as one
        bool; the rows where it fails go to `failing[name]`. (Given the rows, pandera would
        copy each failing row as a failure case, and the take that selects them copies every
        text column whole first, as pyarrow joins a chunked column's chunks: about 250 MB
        at a million rows, for values the messages read from the frame anyway.)"""
        def passes(df):
            try:
                kept = self.passes(df)
            except KeyError as missing:  # a column the table lacks: an edited descriptor
                raise LacksColumn(missing.args[0] if missing.args else "") from None
            if not isinstance(kept, pd.Series):
                return bool(kept)  # a rule about the table as a whole
            if kept.all():
                return True
            failing[self.name] = ~kept.astype(bool)
            return False
        return pa.Check(passes, name=self.name, error=self.name)

    def reads_columns(self) -> tuple[str, ...]:
        return ((self.column,) if self.column else ()) + self.reads

    def explain(self, row: dict) -> str:
        shown = {k: _show(v) for k, v in row.items()}
        return self.message(shown) if callable(self.message) else self.message.format_map(shown)

    def explain_table(self, table: pd.DataFrame) -> str:
        return self.message.format_map(self.details(table) if self.details else {})


def _show(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if pd.isna(value) else str(value)


def present(series: pd.Series) -> pd.Series:
    return series.notna()


def lookup(series: pd.Series, mapping: dict) -> pd.Series:
    """`series.map(mapping)`, without a Python object per row: each distinct value is
    looked up once (a million rows hold a few dozen indicators)."""
    codes, distinct = pd.factorize(series)
    found = pd.Series([mapping.get(v) for v in distinct] + [None])  # a missing value's code, -1, finds the None
    return pd.Series(found.to_numpy()[codes], index=series.index)


def precision_rules(column: str, precision: str) -> list[Rule]:
    """A month is stored as its 1st, a year as 1 January; the two columns come together."""
    # Each precision has its own rule, so a year off 1 January gets one message, about years.
    def on_first_of_month(df):
        d, p = df[column], df[precision]
        return ~((p == "month") & present(d)) | (d.dt.day == 1)

    def on_first_of_year(df):
        d, p = df[column], df[precision]
        return ~((p == "year") & present(d)) | ((d.dt.month == 1) & (d.dt.day == 1))

    def paired(df):
        return present(df[column]) == present(df[precision])

    return [
        Rule(f"{column}_month_on_first", column,
             "{%s} has {%s} precision but is not the 1st of the month: store a month as YYYY-MM-01"
             % (column, precision), on_first_of_month, reads=(precision,)),
        Rule(f"{column}_year_on_first", column,
             "{%s} has year precision but is not 1 January: store a year as YYYY-01-01" % column,
             on_first_of_year, reads=(precision,)),
        Rule(f"{precision}_with_{column}", precision,
             lambda row: (f"is empty, but {column} is given: say how precise it is (day, month or year)"
                          if row[column] else f"is given, but {column} is empty: clear it too"),
             paired, reads=(column,)),
    ]


def names_year(text: str, year: int) -> bool:
    """`text` names `year` as a number of its own: 1990, or 0001 / 1 for the year 1."""
    return re.search(rf"(?<![0-9])0*{year}(?![0-9])", text) is not None


def not_before_1991(column: str) -> Rule:
    """Nothing before independence, unless `notes` explains it: a note that names the
    date's year as a number of its own (any note at all would let a stray one through, and so
    would a year found inside another number: the year 1 inside "1991")."""
    def passes(df):
        d = df[column]
        early = present(d) & (d.dt.year < EARLIEST_YEAR)
        if not early.any():
            return ~early
        notes = df["notes"] if "notes" in df else pd.Series(None, index=df.index, dtype=object)
        explained = pd.Series([isinstance(n, str) and names_year(n, day.year) if is_early else False
                               for n, day, is_early in zip(notes, d, early)], index=df.index)
        return ~early | explained
    return Rule(f"{column}_not_before_{EARLIEST_YEAR}", column,
                "{%s} is before %d: correct it, or explain it in notes, naming the year" % (column, EARLIEST_YEAR),
                passes, reads=("notes",))


def not_in_future(column: str, today: datetime.date, applies: Callable[[pd.DataFrame], pd.Series] | None = None,
                  why: str = "only what has already happened belongs here") -> Rule:
    """A fact that already happened cannot be dated after the day the package is validated."""
    limit = pd.Timestamp(today)

    def passes(df):
        d = df[column]
        ok = ~present(d) | (d <= limit)
        return ok if applies is None else ok | ~applies(df)
    return Rule(f"{column}_not_in_future", column, "{%s} is after today (%s): %s" % (column, today.isoformat(), why),
                passes, reads=("status",) if applies else ())


def not_before(column: str, earlier: str) -> Rule:
    def passes(df):
        a, b = df[earlier], df[column]
        return ~(present(a) & present(b)) | (b >= a)
    return Rule(f"{column}_not_before_{earlier}", column,
                "{%s} is before %s {%s}" % (column, earlier, earlier), passes, reads=(earlier,))


def id_starts_with_date(id_column: str, date_column: str, precision: str) -> Rule:
    """Event-like ids begin with their date at its precision: 2022-12-22-…, 2022-12-…, 2022-…"""

    def expected(df) -> pd.Series:
        iso = df[date_column].dt.strftime("%Y-%m-%d")
        return pd.Series([d[:ISO_WIDTHS[p]] if isinstance(d, str) and p in ISO_WIDTHS else None
                          for d, p in zip(iso, df[precision])], index=df.index, dtype=object)

    def passes(df):
        want = expected(df)
        ids = df[id_column].astype(object)
        return pd.Series([w is None or (isinstance(i, str) and (i == w or i.startswith(w + "-")))
                          for i, w in zip(ids, want)], index=df.index)

    def message(row):  # the example is the date cut to its precision: 2022-12-… for a month
        prefix = row[date_column][:ISO_WIDTHS[row[precision]]]
        return (f"must start with its {date_column} at its precision ({row[date_column]}, {row[precision]}), "
                f"e.g. '{prefix}-…'")

    return Rule(f"{id_column}_starts_with_date", id_column, message, passes, reads=(date_column, precision))


def codes_known(column: str, known: set[str], what: str, separator: str | None = None) -> Rule:
    def unknown(value) -> list[str]:
        if not isinstance(value, str):
            return []
        return [p for p in (value.split(separator) if separator else [value]) if p not in known]

    def message(row):  # names the unknown code, not the whole list it hides in
        return "; ".join(f"'{code}' is not {what}" for code in unknown(row[column]))

    return Rule(f"{column}_known", column, message,
                lambda df: df[column].astype(object).map(lambda v: not unknown(v)).astype(bool))


def country_list(column: str, required: set[str] = frozenset({"KZ", "UZ"})) -> list[Rule]:
    """ISO 3166-1 alpha-2 codes joined by `;`: known, sorted, each once, and including `required`."""
    import pycountry

    countries = {c.alpha_2 for c in pycountry.countries}

    def each(df, test):
        return df[column].astype(object).map(lambda v: not isinstance(v, str) or test(v.split(";"))).astype(bool)

    return [
        Rule(f"{column}_include_kz_and_uz", column, "'{%s}' must include both KZ and UZ" % column,
             lambda df: each(df, lambda codes: required <= set(codes))),
        Rule(f"{column}_sorted", column, "'{%s}' must be sorted alphabetically, each code once" % column,
             lambda df: each(df, lambda codes: codes == sorted(set(codes)))),
        codes_known(column, countries, "an ISO 3166-1 alpha-2 country code", separator=";"),
    ]


def agrees_within(group: str, column: str, optional: bool, what: str) -> Rule:
    """Rows sharing `group` (one document, one project) agree on `column`."""
    def passes(df):
        values = df[column].astype(object)
        # An empty optional cell is a value the other rows must share; an empty required
        # one was rejected already, and blaming the rows that agree would be noise.
        values = values.where(values.notna(), "") if optional else values
        return values.groupby(df[group]).transform("nunique") <= 1
    return Rule(f"{column}_agrees_within_{group}", column,
                "differs between rows of %s {%s}: they describe one %s" % (group.removesuffix("_id"), group, what),
                passes, reads=(group,))
