"""Rules for data/indicator_definitions.csv: its Table Schema and the common rules say it all."""
import datetime

from .rules import Rule


def rules(package: dict, today: datetime.date) -> list[Rule]:
    return []
