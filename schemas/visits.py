"""Rules for data/visits.csv beyond its Table Schema."""
import datetime

import pycountry

from .rules import Rule, codes_known, id_starts_with_date, not_before, not_in_future

COUNTRIES = {c.alpha_2 for c in pycountry.countries}
# The fields these rules read by name, by table, with the Table Schema type they read each as
READS = {"visits": {"visit_id": "string", "start_date": "date", "end_date": "date", "date_precision": "string",
                    "status": "string", "visitor_country": "string", "host_country": "string"}}
PLANNED = "a held visit has already happened: one known only from a preview is `planned`"


def held(df):
    return df["status"] == "held"


def rules(package: dict, today: datetime.date) -> list[Rule]:
    return [
        not_before("end_date", "start_date"),
        id_starts_with_date("visit_id", "start_date", "date_precision"),
        not_in_future("start_date", today, applies=held, why=PLANNED),
        not_in_future("end_date", today, applies=held, why=PLANNED),
        codes_known("visitor_country", COUNTRIES, "an ISO 3166-1 alpha-2 country code"),
        codes_known("host_country", COUNTRIES, "an ISO 3166-1 alpha-2 country code"),
        Rule("host_differs_from_visitor", "host_country", "is the visitor's country too ({visitor_country})",
             lambda df: df["host_country"] != df["visitor_country"], reads=("visitor_country",)),
    ]
