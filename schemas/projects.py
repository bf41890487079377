"""Rules for data/projects.csv beyond its Table Schema.

A project reported at several stages is several rows sharing a `project_id`: they
describe one project, so they agree on what it is, and a later stage cannot be dated
before an earlier one.
"""
import datetime

import pandas as pd

from .rules import Rule, agrees_within, country_list, not_in_future
from .table_schema import enum, resource_schema

PROJECT_COLUMNS = ("name_en", "name_original", "kind", "topic", "countries")
# The fields these rules read by name, by table, with the Table Schema type they read each as
READS = {"projects": {"project_id": "string", "status": "string", "status_date": "date",
                      **dict.fromkeys(PROJECT_COLUMNS, "string")}}


def statuses_in_order(stages: list[str]) -> Rule:
    """Within a project, a later stage (the order of `status`'s enum) has a later or equal date."""
    rank = {stage: n for n, stage in enumerate(stages)}

    def passes(df):
        order = df["status"].map(rank)
        ok = pd.Series(True, index=df.index)
        if df.empty:
            return ok
        # the latest date among the project's earlier stages must not be after this row's
        for _, rows in df.assign(_rank=order).dropna(subset=["_rank", "status_date"]).groupby("project_id"):
            rows = rows.sort_values("_rank")
            earlier_latest = rows["status_date"].cummax().shift()
            ok.loc[rows.index] = ~(earlier_latest > rows["status_date"]).to_numpy()
        return ok

    return Rule("status_date_in_stage_order", "status_date",
                "{status_date} ({status}) is before an earlier stage of project {project_id}: correct the date or the "
                "status", passes, reads=("status", "project_id"))


def rules(package: dict, today: datetime.date) -> list[Rule]:
    stages = enum(resource_schema(package, "projects"), "status")
    return [
        *country_list("countries"),
        not_in_future("status_date", today),
        statuses_in_order(stages),
        *(agrees_within("project_id", column, False, "project") for column in PROJECT_COLUMNS),
    ]
