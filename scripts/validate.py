"""`kzuz validate`: read → type → check → rules → problems, once over each file.

    report = validate(Path("."))
    report.valid, report.problems, report.rows

`package` opens the descriptor and the CSV files safely and strictly; `typed` gives each
column its Table Schema type; `constraints` checks cells and keys; the semantic rules
(`schemas/`, pandera) run on the same typed columns. Every check returns Problems; the
command line renders them.
"""
from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import constraints
from .package import NotAPackage, open_package, read_table  # noqa: F401 (NotAPackage: the CLI's usage error)
from .problems import Problem
from .typed import type_table
from .versions import version_problems


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # rows read per resource

    @property
    def valid(self) -> bool:
        return not self.problems


def validate(package_dir: Path, today: datetime.date | None = None) -> Report:
    package = open_package(Path(package_dir), standard=False)
    report = Report(list(package.problems))
    if package.problems:
        return report  # a descriptor that cannot be trusted says nothing reliable about the tables
    # frictionless checks the descriptor against the standard in another process, and the
    # files are read (pyarrow, numpy: no GIL held) while this thread imports pandas and
    # pandera for the rules, which is mostly Python and would otherwise come first.
    standard = package.standard_problems()
    with ThreadPoolExecutor(max(1, min(4, len(package.resources)))) as pool:
        reading = {r.name: pool.submit(read_table, package, r) for r in package.resources}
        from kzuz import schemas  # noqa: F401
        read = {name: future.result() for name, future in reading.items()}
    release_unused()
    report.problems += standard()
    if report.problems:
        return report
    report.problems += version_problems(package)
    tables = {}
    # columns are typed and checked two at a time: their kernels (pyarrow, numpy) hold no GIL
    with ThreadPoolExecutor(2) as pool:
        for name, table in read.items():
            report.problems += table.problems
            report.rows[name] = table.rows
            if table.readable:
                tables[name] = type_table(table, pool)
        for typed in tables.values():
            report.problems += constraints.check_cells(typed, pool)
    release_unused()
    report.problems += constraints.check_keys(tables)
    for typed in tables.values():
        report.problems += typed.problems
    report.problems += rule_problems(package, tables, report.problems, today)
    report.problems.sort(key=Problem.sort_key)
    return report


def release_unused() -> None:
    """Hands back to the system what pyarrow's allocator keeps of the buffers it freed
    (pyarrow's blocks as it parsed, a column's temporaries as it was typed): at a million
    rows tens of megabytes that would otherwise add to the peak of the steps after."""
    import pyarrow

    pyarrow.default_memory_pool().release_unused()


def rule_problems(package, tables: dict, reported: list[Problem], today) -> list[Problem]:
    """The semantic rules of schemas/ on every table that could be read."""
    from kzuz import schemas

    frames = {name: schemas.frame(typed) for name, typed in tables.items()}
    complete = {name for name, typed in tables.items() if typed.table.complete}
    return schemas.check(package.descriptor, frames, {n: t.resource.path for n, t in tables.items()},
                         reported, today, complete, package.lines)
