"""Rules for data/connections.csv beyond its Table Schema (its regions are foreign keys)."""
import datetime

from .rules import Rule, not_in_future

# The fields these rules read by name, by table, with the Table Schema type they read each as
READS = {"connections": {"status_date": "date", "to_place": "string", "to_region": "string"}}


def rules(package: dict, today: datetime.date) -> list[Rule]:
    return [
        not_in_future("status_date", today, why="a status is what had happened by its date: a plan is `planned`"),
        Rule("to_place_with_to_region", "to_place", "is empty, but to_region is given: name the place",
             lambda df: df["to_place"].notna() | df["to_region"].isna(), reads=("to_region",)),
    ]
