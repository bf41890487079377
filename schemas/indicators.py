"""Rules for data/indicators.csv beyond its Table Schema."""
import datetime

from .rules import Rule, not_before, not_in_future


def rules(package: dict, today: datetime.date) -> list[Rule]:
    percent = lambda df: df["unit"] == "percent"  # noqa: E731
    return [
        not_before("period_end", "period_start"),
        not_in_future("period_end", today, applies=lambda df: df["status"] == "actual"),
        Rule("percent_in_range", "value", "{value} percent is outside -100 to 100",
             lambda df: ~percent(df) | df["value"].between(-100, 100) | df["value"].isna(), reads=("unit",)),
        Rule("amount_not_negative", "value", "{value} {unit} is negative: only a percentage change can be",
             lambda df: percent(df) | (df["value"] >= 0) | df["value"].isna(), reads=("unit",)),
    ]
