"""Rules for data/indicators.csv beyond its Table Schema."""
import datetime

from .rules import Rule, not_before, not_in_future

# The fields these rules read by name, by table, with the Table Schema type they read each as
READS = {"indicators": {"period_start": "date", "period_end": "date", "status": "string", "value": "number",
                        "unit": "string"}}


def rules(package: dict, today: datetime.date) -> list[Rule]:
    percent = lambda df: df["unit"] == "percent"  # noqa: E731
    return [
        not_before("period_end", "period_start"),
        not_in_future("period_end", today, applies=lambda df: df["status"] == "actual",
                      why="status actual is for what has happened: a value ahead is a target, forecast, "
                          "estimate or potential"),
        Rule("percent_in_range", "value", "{value} percent is outside -100 to 100",
             lambda df: ~percent(df) | df["value"].between(-100, 100) | df["value"].isna(), reads=("unit",)),
        Rule("amount_not_negative", "value", "{value} {unit} is negative: only a percentage change can be",
             lambda df: percent(df) | (df["value"] >= 0) | df["value"].isna(), reads=("unit",)),
        Rule("usd_whole_dollars", "value", "{value} usd is not a whole number of dollars: write the amount in "
             "whole US dollars (8000000000 for 8 billion)",
             lambda df: (df["unit"] != "usd") | (df["value"] % 1 == 0) | df["value"].isna(), reads=("unit",)),
    ]
