"""Rules for data/treaties.csv beyond its Table Schema."""
import datetime

import pandas as pd
import pycountry

from .rules import Rule, codes_known, id_starts_with_date, not_in_future

COUNTRIES = {c.alpha_2 for c in pycountry.countries}
REQUIRED_PARTIES = {"KZ", "UZ"}


def _parties(df: pd.DataFrame, test) -> pd.Series:
    return df["parties"].astype(object).map(lambda v: not isinstance(v, str) or test(v.split(";"))).astype(bool)


def rules(package: dict, today: datetime.date) -> list[Rule]:
    return [
        Rule("parties_include_kz_and_uz", "parties", "'{parties}' must include both KZ and UZ",
             lambda df: _parties(df, lambda p: REQUIRED_PARTIES <= set(p))),
        Rule("parties_sorted", "parties", "'{parties}' must be sorted alphabetically, each code once",
             lambda df: _parties(df, lambda p: p == sorted(set(p)))),
        codes_known("parties", COUNTRIES, "an ISO 3166-1 alpha-2 country code", separator=";"),
        id_starts_with_date("treaty_id", "signed_date", "signed_date_precision"),
        not_in_future("signed_date", today),
    ]
