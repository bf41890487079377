"""Rules for data/events.csv beyond its Table Schema."""
import datetime

from .rules import Rule, country_list, id_starts_with_date, not_in_future

# The fields these rules read by name, by table, with the Table Schema type they read each as
READS = {"events": {"event_id": "string", "date": "date", "date_precision": "string", "countries": "string"}}


def rules(package: dict, today: datetime.date) -> list[Rule]:
    return [
        *country_list("countries"),
        id_starts_with_date("event_id", "date", "date_precision"),
        not_in_future("date", today),
    ]
