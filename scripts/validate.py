"""`kzuz validate`: the checks and the semantic rules over a loaded package.

    report = validate(load(Path(".")))
    report.valid, report.problems, report.rows

`load` reads the descriptor and every file once, strictly, and types the columns; here
`constraints` checks cells and keys, `versions` that every file states one version,
and the semantic rules (`schemas/`, pandera) run on the same typed columns. Every check
returns Problems; the command line renders them.
"""
from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from . import constraints
from .load import release_unused
from .package import Package
from .problems import Problem
from .versions import version_problems


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # rows read per resource

    @property
    def valid(self) -> bool:
        return not self.problems


def validate(package: Package, today: datetime.date | None = None) -> Report:
    report = Report(list(package.problems), dict(package.rows))
    if not package.tables_read:
        return report  # the descriptor could not be trusted: nothing reliable to check
    report.problems += version_problems(package)
    tables = package.tables
    # columns are checked two at a time: their kernels (pyarrow, numpy) hold no GIL
    with ThreadPoolExecutor(2) as pool:
        for typed in tables.values():
            report.problems += constraints.check_cells(typed, pool)
    release_unused()
    report.problems += constraints.check_keys(tables)
    for typed in tables.values():
        report.problems += typed.problems
    report.problems += rule_problems(package, report.problems, today)
    report.problems.sort(key=Problem.sort_key)
    return report


def rule_problems(package: Package, reported: list[Problem], today) -> list[Problem]:
    """The semantic rules of schemas/ on every table that could be read."""
    from kzuz import schemas

    tables = package.tables
    frames = {name: schemas.frame(typed) for name, typed in tables.items()}
    complete = {name for name, typed in tables.items() if typed.table.complete}
    return schemas.check(package.descriptor, frames, {n: t.resource.path for n, t in tables.items()},
                         reported, today, complete, package.lines)
