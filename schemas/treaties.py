"""Rules for data/treaties.csv beyond its Table Schema."""
import datetime

from .rules import Rule, country_list, id_starts_with_date, not_in_future

# The fields these rules read by name, by table, with the Table Schema type they read each as
READS = {"treaties": {"parties": "string", "treaty_id": "string", "signed_date": "date",
                      "signed_date_precision": "string"}}


def rules(package: dict, today: datetime.date) -> list[Rule]:
    return [
        *country_list("parties"),
        id_starts_with_date("treaty_id", "signed_date", "signed_date_precision"),
        not_in_future("signed_date", today),
    ]
