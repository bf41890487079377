"""Rules for data/regions.csv: the gazetteer must be ISO 3166-2, whole and exact."""
import datetime

import pandas as pd
import pycountry

from .rules import Rule
from .table_schema import enum, resource_schema

# The fields these rules read by name, by table, with the Table Schema type they read each as
READS = {"regions": {"region_code": "string", "country": "string", "name_iso": "string", "type": "string"}}


def subdivisions(countries) -> dict[str, object]:
    """First-level subdivisions only: a subdivision with a parent is second-level."""
    return {s.code: s for c in countries for s in pycountry.subdivisions.get(country_code=c) or []
            if s.parent_code is None}


def _matches_iso(df: pd.DataFrame, column: str, iso: dict, iso_value) -> pd.Series:
    return pd.Series([code not in iso or value == iso_value(iso[code])
                      for code, value in zip(df["region_code"], df[column])], index=df.index)


def rules(package: dict, today: datetime.date) -> list[Rule]:
    countries = enum(resource_schema(package, "regions"), "country")
    iso = subdivisions(countries)

    def complete(df):
        return not set(iso) - set(df["region_code"].dropna())

    def missing(df):
        codes = sorted(set(iso) - set(df["region_code"].dropna()))
        return {"missing": ", ".join(f"{c} ({iso[c].name})" for c in codes)}

    return [
        Rule("region_code_in_iso", "region_code",
             "{region_code} is not a first-level subdivision in ISO 3166-2 (pycountry)",
             lambda df: df["region_code"].isin(list(iso)) | df["region_code"].isna()),
        Rule("country_matches_code", "country", "{country} differs from the country of {region_code}",
             lambda df: df["region_code"].isna() | (df["region_code"].str[:2] == df["country"]), reads=("region_code",)),
        # each names ISO's value: a missing diacritic (Ulytau, Ulytaū) is hard to spot
        Rule("name_iso_matches_iso", "name_iso",
             lambda row: f"'{row['name_iso']}' differs from the ISO 3166-2 name of {row['region_code']} "
                         f"('{iso[row['region_code']].name}')",
             lambda df: _matches_iso(df, "name_iso", iso, lambda s: s.name), reads=("region_code",)),
        Rule("type_matches_iso", "type",
             lambda row: f"{row['type']} differs from the ISO 3166-2 type of {row['region_code']} "
                         f"({iso[row['region_code']].type.lower()})",
             lambda df: _matches_iso(df, "type", iso, lambda s: s.type.lower()), reads=("region_code",)),
        Rule("gazetteer_complete", None,  # a missing row is in no line and no column
             "the gazetteer lacks {missing}: every first-level subdivision of %s belongs here" % " and ".join(countries),
             complete, details=missing),
    ]
