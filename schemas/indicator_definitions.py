"""Rules for data/indicator_definitions.csv: its Table Schema and the common rules say it all."""
import datetime

from .rules import Rule

READS: dict[str, dict[str, str]] = {}  # the fields these rules read by name: none (cross_table reads some)


def rules(package: dict, today: datetime.date) -> list[Rule]:
    return []
