"""`kzuz validate`: frictionless (descriptor, types, constraints, keys), then the
pandera rules (schemas/), over one read of each CSV; every problem at once.

    report = validate(Path("."))
    report.valid, report.problems, report.rows
"""
from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from .csv_files import Lines, check_bytes
from .explain import STRUCTURAL, borrowed, descriptor_problems, explain, header_problems, merge_ragged, said_elsewhere
from .problems import Problem
from .versions import version_problems

DESCRIPTOR = "datapackage.json"


class NotAPackage(Exception):
    """The directory given is not a data package at all (a usage error, not bad data)."""


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # rows read per resource

    @property
    def valid(self) -> bool:
        return not self.problems


def validate(package_dir: Path, today: datetime.date | None = None) -> Report:
    package_dir = Path(package_dir)
    descriptor_path = package_dir / DESCRIPTOR
    if not package_dir.is_dir():
        raise NotAPackage(f"{package_dir} is not a directory")
    if not descriptor_path.is_file():
        raise NotAPackage(f"{package_dir} has no {DESCRIPTOR}: is it the package's directory?")
    report = Report()
    descriptor = read_descriptor(descriptor_path, report)
    if descriptor is not None:
        report.problems += version_problems(package_dir)
        package = open_package(descriptor, package_dir, report)
        if package is not None:
            check_tables(package, package_dir, report, today)
    report.problems.sort(key=Problem.sort_key)
    return report


def read_descriptor(path: Path, report: Report) -> dict | None:
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        report.problems.append(Problem(DESCRIPTOR, None, None, "is not UTF-8: save it as UTF-8", "descriptor-encoding"))
        return None
    except json.JSONDecodeError as error:
        report.problems.append(Problem(DESCRIPTOR, error.lineno, None,
                                       f"is not valid JSON: {error.msg} (column {error.colno})", "descriptor-json"))
        return None
    if not isinstance(descriptor, dict):
        report.problems.append(Problem(DESCRIPTOR, 1, None, "must be a JSON object", "descriptor-json"))
        return None
    return descriptor


def open_package(descriptor: dict, package_dir: Path, report: Report):
    from frictionless import FrictionlessException, Package  # imported late: `kzuz --help` stays quick

    try:
        package = Package(descriptor, basepath=str(package_dir))
    except FrictionlessException as exception:
        report.problems += [Problem(DESCRIPTOR, None, None, message, code)
                            for message, code in descriptor_problems(descriptor, str(package_dir), exception)]
        return None
    # frictionless accepts these, but a table that is not a file in the package, or no
    # table at all, would pass unchecked
    unchecked = [Problem(DESCRIPTOR, None, None, f"resource '{r.name}' has no path in the package "
                         f"({r.path or 'inline data'}): every table is a CSV file under data/", "resource-path")
                 for r in package.resources if not r.path or "://" in r.path]  # inline data, a URL
    if not package.resources:
        unchecked.append(Problem(DESCRIPTOR, None, None, "lists no resources: each table needs one", "resource-none"))
    report.problems += unchecked
    return None if unchecked else package


def check_tables(package, package_dir: Path, report: Report, today: datetime.date | None) -> None:
    from frictionless import Checklist

    resources = {r.name: r for r in package.resources}
    broken: set[str] = set()
    unread: set[str] = set()  # own file missing or not UTF-8
    quoted: dict[str, int] = {}  # line of a quote never closed: frictionless reads the rest as one cell
    for name, resource in resources.items():
        path = package_dir / resource.path
        raw = path.read_bytes() if path.is_file() else b""
        problems, text = check_bytes(raw, resource.path)
        report.problems += problems
        if not path.is_file() or text is None:
            unread.add(name)
        if text is None or any(p.code in STRUCTURAL for p in problems):
            broken.add(name)
        quoted.update((name, p.line) for p in problems if p.code == "unclosed-quote")

    collected = row_collector()
    result = package.validate(checklist=Checklist(checks=[collected]))
    report.problems += [Problem(DESCRIPTOR, None, None, e.message, e.type) for e in result.errors]
    own = {task.name: [e for e in task.errors if not borrowed(e, task.name in unread)
                       and not (e.type == "encoding-error" and task.name in broken)]  # check_bytes gave its line
           for task in result.tasks}
    # a file error stops frictionless reading the table, even one borrowed from a table it points to
    broken |= {task.name for task in result.tasks if any(e.type in STRUCTURAL for e in task.errors)}
    for task in result.tasks:
        resource = resources[task.name]
        fields = {f.name: f.to_descriptor() for f in resource.schema.fields}
        lines = Lines(package_dir / resource.path)
        key = resource.schema.primary_key
        errors = [e for e in own[task.name] if not said_elsewhere(e, key, fields)
                  and not (e.type == "foreign-key" and e.reference_name in broken)]  # its rows were not all read
        found = (header_problems(errors, fields, resource.path)
                 or merge_ragged([explain(e, resource.path, lines, fields, key) for e in errors], len(fields)))
        if task.name in quoted:  # what frictionless read inside the open quote is noise
            found = [p for p in found if p.line is None or p.line < quoted[task.name]]
        report.problems += found
    for name in resources:
        report.rows[name] = len(collected.rows.get(name, []))
    if result.errors:
        return  # the descriptor itself is wrong: the rules would read it wrongly too
    report.problems += check_semantics(package, package_dir, collected, broken, report.problems, today)


def row_collector():
    """A frictionless check that keeps each row it has typed, so the semantic rules
    need no second parse of the CSVs."""
    from frictionless import Check

    class Collector(Check):
        type = "kzuz-collect-rows"
        Errors = []

        def __init__(self):
            super().__init__()
            self.rows: dict[str, list[tuple[int, dict]]] = {}

        def validate_row(self, row):
            self.rows.setdefault(self.resource.name, []).append((row.row_number, row.to_dict()))
            return iter(())

    return Collector()


def check_semantics(package, package_dir: Path, collected, broken: set[str], reported: list[Problem], today) -> list[Problem]:
    import schemas
    from schemas.table_schema import typed_frame

    descriptor = package.to_descriptor()
    frames = {}
    for resource in descriptor["resources"]:
        name = resource["name"]
        if name in broken:
            continue
        numbered = collected.rows.get(name, [])
        frames[name] = typed_frame([row for _, row in numbered], resource["schema"], index=[n for n, _ in numbered])
    try:
        checked = schemas.build(descriptor, frames, today)
    except KeyError as missing:
        return [rules_cannot_run(missing)]
    paths = {r["name"]: r["path"] for r in descriptor["resources"]}
    problems = []
    for name, frame in frames.items():
        try:
            problems += table_failures(checked[name], frame, paths[name], Lines(package_dir / paths[name]),
                                       [p for p in reported if p.file == paths[name]])
        except KeyError as missing:
            problems.append(rules_cannot_run(missing, name))
    return problems


def table_failures(table, frame, file: str, lines: Lines, reported: list[Problem]) -> list[Problem]:
    import pandera.pandas as pa

    try:
        table.schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as failed:
        return failures(failed.failure_cases, table, frame, file, lines, reported)
    return []


def rules_cannot_run(missing: KeyError, table: str | None = None) -> Problem:
    """The rules in schemas/ read the shipped descriptor's resources, fields and constraints
    by name: an edited descriptor can lack one, which is bad data, not a crash."""
    where = f"resource '{table}' " if table else ""
    return Problem(DESCRIPTOR, None, None, f"{where}lacks {missing}, which the semantic rules (schemas/) read: "
                                           "restore it, or change the rules with it", "rules-cannot-run")


def failures(cases, table, frame, file: str, lines: Lines, reported: list[Problem]) -> list[Problem]:
    """pandera's failure cases → one Problem per failing cell and rule.

    One message per cell, frictionless's first: a rule that reads a cell frictionless
    rejected (it reads as empty here) stays quiet, as do rows rejected as a whole."""
    rows_reported = {p.line for p in reported if p.column is None}
    cells_reported = {(p.line, p.column) for p in reported}
    problems, seen = [], set()
    for case in per_cell(cases):
        row = None if case.index is None or case.index != case.index else int(case.index)
        line = lines(row)
        if case.schema_context != "DataFrameSchema" or case.check_number is None:
            column, reads, message, code = case.column, (case.column,), f"fails {case.check}", str(case.check)
        else:
            rule = table.rules[int(case.check_number)]
            column = rule.column or (case.column if row is not None else None)  # else it names the table
            reads, code = rule.reads_columns() + (column,), rule.name
            if row is None:
                message = rule.explain_table(frame)
            else:
                message = rule.explain({**frame.loc[row].to_dict(), "cell": case.failure_case})
        if (code, line, column) in seen or line in rows_reported or any((line, c) in cells_reported for c in reads):
            continue  # pandera lists a row-wide failure once per column
        seen.add((code, line, column))
        problems.append(Problem(file, line, column, message, code))
    return problems


def per_cell(cases):
    """pandera (0.35) reports a check that answers per cell as one case per row, whose
    failure_case is {column: value} of the row's failing cells: one case per cell here."""
    for case in cases.itertuples(index=False):
        if isinstance(case.failure_case, dict):
            for column, value in case.failure_case.items():
                yield case._replace(column=column, failure_case=value)
        else:
            yield case
