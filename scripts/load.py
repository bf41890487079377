"""`kzuz.load`: a package read once — its descriptor checked, every table read by the
strict reader and typed — for every command to act on.

    package = load("path/to/package")        # or a release zip, or a git ref: load("v0.1.0")
    package.descriptor, package.tables["visits"].values["start_date"], package.problems

Where the bytes come from is `sources`; reading them is `package`; typing the columns is
`typed`. What `load` finds is in `package.problems`: the descriptor's (then no table is
read: a descriptor that cannot be trusted says nothing reliable about them), each file's
(a table that cannot be read is left out of `package.tables`), and each cell whose text
is not of its field's type. `kzuz validate` adds the checks and the semantic rules.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .package import Package, open_package, read_table
from .sources import Source, open_source
from .typed import type_table


def load(given: str | Path | Source, repo: Path = Path("."), *, judge: bool = True) -> Package:
    """The package GIVEN names (a directory, a zip, or a git ref of the repository around
    REPO). With `judge`, as validate needs: the descriptor is also checked against the Data
    Package standard (frictionless, in another process), and the rules' libraries are
    imported while the files are read, so that validate finds them ready. Without (diff,
    docs), neither is paid for."""
    source = given if isinstance(given, Source) else open_source(given, repo)
    package = open_package(source)
    if package.problems:
        return package
    standard = package.standard_problems() if judge else list
    # The files are read (pyarrow, numpy: no GIL held) while this thread imports pandas and
    # pandera for the rules, which is mostly Python and would otherwise come first.
    with ThreadPoolExecutor(max(1, min(4, len(package.resources)))) as pool:
        reading = {r.name: pool.submit(read_table, source, r) for r in package.resources}
        if judge:
            from kzuz import schemas  # noqa: F401
        read = {name: future.result() for name, future in reading.items()}
    release_unused()
    package.problems += standard()
    if package.problems:
        return package
    # columns are typed two at a time: their kernels (pyarrow, numpy) hold no GIL
    with ThreadPoolExecutor(2) as pool:
        for name, table in read.items():
            package.problems += table.problems
            package.rows[name] = table.rows
            if table.readable:
                typed = package.tables[name] = type_table(table, pool)
                package.problems += typed.problems
                typed.problems = []  # the checks add theirs; these are the package's now
    package.tables_read = True
    return package


def release_unused() -> None:
    """Hands back to the system what pyarrow's allocator keeps of the buffers it freed
    (pyarrow's blocks as it parsed, a column's temporaries as it was typed): at a million
    rows tens of megabytes that would otherwise add to the peak of the steps after."""
    import pyarrow

    pyarrow.default_memory_pool().release_unused()
