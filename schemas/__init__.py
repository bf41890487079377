"""pandera schemas for the package: the semantic rules a Table Schema cannot express,
one module per table, cross-table rules in `cross_table`. Types and Table Schema
constraints are checked before (scripts/typed.py, scripts/constraints.py); these rules
read the same typed columns, as pandas frames indexed by the line of each row. Each module
states the fields its rules read by name and the type they read each as (`READS`); the
descriptor is checked against them before any rule runs, so a field retyped or removed in
datapackage.json is a problem there, not a rule failing inside pandas.

pandas rather than polars (pandera supports both): measured on this package's rules, the
rules themselves take milliseconds either way, while `import pandera.polars` costs about
0.3 s more than `import pandera.pandas` (it imports pandas as well as polars), and that
import is most of the time `kzuz validate` takes on the shipped package.

    from kzuz import schemas
    checked = schemas.build(descriptor, frames)        # frames: name -> DataFrame
    checked["treaties"].schema.validate(frames["treaties"], lazy=True)
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from . import (connections, cross_table, events, indicator_definitions, indicators, projects, regional_memoranda,
               regions, sources, treaties, visits)
from .common import common_rules
from .rules import LacksColumn, Rule

TABLES = {
    "sources": sources,
    "regions": regions,
    "visits": visits,
    "treaties": treaties,
    "regional_memoranda": regional_memoranda,
    "indicators": indicators,
    "indicator_definitions": indicator_definitions,
    "projects": projects,
    "connections": connections,
    "events": events,
}
TABLE_RULES = {name: module.rules for name, module in TABLES.items()}


def field_types(*reads: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """table → field → type, for every field a rule reads by name: the READS of each module, merged."""
    merged: dict[str, dict[str, str]] = {}
    for read in reads:
        for table, fields in read.items():
            for name, type_ in fields.items():
                if merged.setdefault(table, {}).setdefault(name, type_) != type_:
                    raise RuntimeError(f"schemas/ reads {table}.{name} as {merged[table][name]} and as {type_}")
    return merged


# What the rules read, stated beside each rule (the READS of each module): checked against the
# descriptor before they run (`unfit_fields`).
FIELD_TYPES = field_types(*(module.READS for module in TABLES.values()), cross_table.READS, cross_table.REPORTED_READS)


@dataclass(frozen=True)
class CheckedTable:
    schema: pa.DataFrameSchema
    rules: list[Rule]  # rules[i] is schema.checks[i]
    failing: dict[str, pd.Series]  # by rule name, the rows where a rule failed when the schema last ran


def build(package: dict, frames: dict[str, pd.DataFrame], today: datetime.date | None = None,
          complete: set[str] | None = None) -> dict[str, CheckedTable]:
    """One pandera schema per resource of `package` (a descriptor dict).

    `frames` are the tables that could be read; `complete` those of them read whole (by
    default all). A rule about a table as a whole, or one that looks rows up in another
    table, needs that table complete, and is left out otherwise: what a partly read table
    lacks is unknown. `today` bounds the dates of things that happened.
    """
    today = today or datetime.date.today()
    complete = set(frames) if complete is None else complete
    whole = {name: frame for name, frame in frames.items() if name in complete}
    built = {}
    for resource in package["resources"]:
        name, table_schema = resource["name"], resource["schema"]
        rules = (common_rules(table_schema) + TABLE_RULES.get(name, lambda *_: [])(package, today)
                 + cross_table.rules(name, package, whole, today))
        rules = [r for r in rules if name in complete or not r.whole_table]
        failing = {}
        schema = pa.DataFrameSchema(checks=[r.check(failing) for r in rules], name=name)
        built[name] = CheckedTable(schema, rules, failing)
    return built


def frame(typed) -> pd.DataFrame:
    """A typed table (scripts/typed.py) as pandas, indexed by line: dates as datetime64[s]
    (any year from 1 to 9999), numbers as floats, text as str; a cell already reported
    reads as empty, so a rule does not judge it twice."""
    import pyarrow as pa_
    import pyarrow.compute as pc

    columns = {}
    for name, values in typed.values.items():
        if typed.rejected[name].any():
            values = pc.if_else(pa_.array(typed.rejected[name]), pa_.scalar(None, values.type), values)
        if pa_.types.is_date(values.type):
            values = values.cast(pa_.timestamp("s"))
        columns[name] = values.to_pandas()
    return pd.DataFrame(columns).set_axis(pd.Index(typed.table.lines, name="line"))


def check(package: dict, frames: dict[str, pd.DataFrame], paths: dict[str, str], reported: list,
          today: datetime.date | None = None, complete: set[str] | None = None, lines=None) -> list:
    """The rules' failures as Problems (scripts/problems.py), one per failing cell and rule.

    A rule that reads a cell already reported stays quiet on that row. None runs when the
    descriptor lacks a field they read or declares it another type (`unfit_fields`, at the
    descriptor's `lines`, scripts/descriptor.py): a rule can read another table's columns too."""
    from kzuz.problems import Problem

    unfit = unfit_fields(package, lines)
    if unfit:
        return unfit
    try:
        checked = build(package, frames, today, complete)
    except KeyError as missing:
        return [rules_cannot_run(missing)]
    problems = []
    for name, data in frames.items():
        table = checked[name]
        table.failing.clear()
        try:
            table.schema.validate(data, lazy=True, inplace=True)
        except pa.errors.SchemaErrors as failed:
            own = [p for p in reported if p.file == paths[name]]
            problems += [Problem(paths[name], *found) for found in failures(failed.schema_errors, table, data, own)]
        except LacksColumn as lacking:
            problems.append(rules_cannot_run(KeyError(lacking.column), name))
    return problems


def unfit_fields(package: dict, lines=None) -> list:
    """The fields of FIELD_TYPES the descriptor lacks or declares another type, at their lines.
    (pandas would fail inside a rule on a text column read as dates, and say nothing of the
    descriptor.) A table the descriptor lacks is not checked: its rules, and those that look
    rows up in it, do not run."""
    from kzuz.descriptor import Lines, problem

    lines = lines or Lines()
    found = []
    for n, resource in enumerate(package["resources"]):
        table, at = resource["name"], ("resources", n, "schema", "fields")
        declared = {spec["name"]: (m, spec["type"]) for m, spec in enumerate(resource["schema"]["fields"])}
        for name, wanted in FIELD_TYPES.get(table, {}).items():
            if name not in declared:
                found.append(problem(lines, at, f"{table} lacks the field {name}, which the semantic rules (schemas/) "
                                     f"read as {wanted}: restore it, or change the rules with it",
                                     "rules-field-missing"))
            elif declared[name][1] != wanted:
                m, type_ = declared[name]
                found.append(problem(lines, at + (m, "type"), f"{table}.{name} is declared {type_}, but the semantic "
                                     f"rules (schemas/) read it as {wanted}: declare it {wanted}, or change the rules "
                                     "with it", "rules-field-type"))
    return found


def rules_cannot_run(missing: KeyError, table: str | None = None):
    """The rules read the shipped descriptor's resources and fields by name: an edited
    descriptor can lack one, which is bad data, not a crash."""
    from kzuz.problems import Problem

    where = f"resource '{table}' " if table else ""
    return Problem("datapackage.json", None, None, f"{where}lacks {missing}, which the semantic rules (schemas/) "
                   "read: restore it, or change the rules with it", "rules-cannot-run")


def failures(errors: list, table: CheckedTable, data: pd.DataFrame, reported: list):
    """pandera's failed checks → (line, column, message, code), one per failing row and rule.
    The failing rows are fetched once, together: one `data.loc` per failure costs more than
    the rules themselves when a large table has many."""
    rows_reported = {p.line for p in reported if p.column is None}
    cells_reported = {(p.line, p.column) for p in reported}
    kept = []
    for error in errors:
        if error.check_index is None:  # a bug: the schemas have no checks but the rules
            raise RuntimeError(f"pandera reported a failure of no rule: {error}")
        rule = table.rules[error.check_index]
        if not (rule.whole_table or rule.name in table.failing):  # a bug: the rule raised
            raise RuntimeError(f"the rule {rule.name} could not run: {error}")
        if rule.whole_table:
            kept.append((rule, None))
            continue
        for line in data.index[table.failing[rule.name].to_numpy()].tolist():
            if line not in rows_reported and not any((line, c) in cells_reported for c in rule.reads_columns()):
                kept.append((rule, line))
    rows = rows_at(data, sorted({line for _, line in kept if line is not None}))
    return [(line, rule.column, rule.explain(rows[line]), rule.name) if line is not None
            else (None, None, rule.explain_table(data), rule.name) for rule, line in kept]


def rows_at(data: pd.DataFrame, lines: list[int]) -> dict[int, dict]:
    """The rows of `data` at `lines`, as dicts. A text column is taken chunk by chunk
    (`data.loc` would have pyarrow join its chunks, a copy of the whole column)."""
    from kzuz.typed import cells
    import pyarrow as pa_

    positions = data.index.get_indexer(lines)
    columns = {name: cells(pa_.array(series.array), positions) if isinstance(series.dtype, pd.StringDtype)
               else series.iloc[positions].tolist() for name, series in data.items()}
    return {line: {name: values[i] for name, values in columns.items()} for i, line in enumerate(lines)}
