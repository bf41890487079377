"""Time and memory of `kzuz validate` beside `frictionless validate` and a plain pyarrow
read of the same CSV files, on the shipped package and on copies whose `indicators`
table is grown to N rows (valid, and with 1 % of the rows broken).

    .venv/bin/python benchmarks/validate_speed.py [--sizes 1000 100000 1000000] [--runs 3]

Every measurement is a whole process (start-up and imports included), as a user or CI
pays for it. The three commands run interleaved (kzuz, frictionless, pyarrow, kzuz, …)
so that a machine that slows down mid-run slows all three alike; each figure is the
median of the runs, with the peak resident memory of the process (ru_maxrss).

The grown rows are real rows of data/indicators.csv with new periods (so every primary
key stays unique and every value keeps its unit); the broken 1 % are spread evenly and
cycle through the mistakes contributors make: a date in another format, a value out of
its enum, a number with a unit, an unknown indicator, a repeated key, a trailing space,
a negative amount.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYARROW_READ = """
import sys, pyarrow as pa, pyarrow.csv as c
from pathlib import Path
for path in sorted(Path(sys.argv[1], "data").glob("*.csv")):
    c.read_csv(path, convert_options=c.ConvertOptions(column_types={}, strings_can_be_null=False))
"""


def grow(package: Path, rows: int, broken: bool) -> None:
    """Rewrite data/indicators.csv with `rows` rows built from the shipped ones."""
    header, *shipped = list(csv.reader(io.StringIO((ROOT / "data" / "indicators.csv").read_text(encoding="utf-8"))))
    at = {name: header.index(name) for name in header}
    sources = csv.DictReader(io.StringIO((ROOT / "data" / "sources.csv").read_text(encoding="utf-8")))
    published = {s["source_id"]: datetime.date.fromisoformat(s["published_date"]) for s in sources}
    rng, seen, out = random.Random(rows), set(), []
    start = datetime.date(1992, 1, 1)
    while len(out) < rows:
        row = list(rng.choice(shipped))
        first = start + datetime.timedelta(days=rng.randrange(12000))
        last = first + datetime.timedelta(days=rng.randrange(400))
        if last > datetime.date(2025, 10, 31) or last > published[row[at["source_id"]]]:  # no value before its source
            continue
        row[at["period_start"]], row[at["period_end"]] = first.isoformat(), last.isoformat()
        if "period_end_basis" in at:
            row[at["period_end_basis"]] = "stated"
        key = tuple(row[at[k]] for k in ("indicator", "period_start", "period_end", "status", "source_id"))
        if key not in seen:
            seen.add(key)
            out.append(row)
    if broken:
        for n, index in enumerate(range(50, rows, 100)):  # 1 % of the rows
            break_row(out, index, n, at)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header] + out)
    (package / "data" / "indicators.csv").write_text(buffer.getvalue(), encoding="utf-8")


def break_row(rows: list[list[str]], index: int, n: int, at: dict[str, int]) -> None:
    row = rows[index]
    kind = n % 7
    if kind == 0:
        row[at["period_start"]] = "22.12.2022"
    elif kind == 1:
        row[at["status"]] = "actul"
    elif kind == 2:
        row[at["value"]] = "8 млрд"
    elif kind == 3:
        row[at["indicator"]] = "no-such-indicator"
    elif kind == 4:
        rows[index] = list(rows[index - 1])  # the previous row again: its key repeats
    elif kind == 5:
        row[at["reporter"]] = (row[at["reporter"]] or "Statistics Agency") + " "
    else:
        row[at["unit"]], row[at["indicator"]], row[at["value"]] = "usd", "trade-turnover", "-5"


def measure(command: list[str]) -> tuple[float, float]:
    """(seconds, peak resident MB) of one run of `command`."""
    return run(command)[:2]


def run(command: list[str]) -> tuple[float, float, int]:
    """(seconds, peak resident MB, exit status) of one run of `command`."""
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def commands(package: Path) -> dict[str, list[str]]:
    return {
        "kzuz validate": [str(BIN / "kzuz"), "validate", str(package)],
        "frictionless validate": [str(BIN / "frictionless"), "validate", str(package / "datapackage.json")],
        "pyarrow read": [sys.executable, "-c", PYARROW_READ, str(package)],
    }


def bench(package: Path, runs: int, label: str) -> dict[str, tuple[float, float]]:
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands(package)}
    for _ in range(runs):
        for name, command in commands(package).items():
            results[name].append(measure(command))
    medians = {name: (statistics.median(t for t, _ in found), max(m for _, m in found))
               for name, found in results.items()}
    kzuz, fl, arrow = (medians[n][0] for n in ("kzuz validate", "frictionless validate", "pyarrow read"))
    print(f"| {label} | " + " | ".join(f"{t:.2f} s ({m:.0f} MB)" for t, m in medians.values())
          + f" | {kzuz / fl:.2f}× | {kzuz / arrow:.1f}× |", flush=True)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--grow", type=int, help=argparse.SUPPRESS)
    parser.add_argument("package", nargs="?", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--broken", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.grow:
        grow(args.package, args.grow, args.broken)
        return
    print("| indicators rows | kzuz validate | frictionless validate | pyarrow read | kzuz ÷ frictionless | "
          "kzuz ÷ pyarrow |\n|---|---|---|---|---|---|", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        package = Path(scratch) / "package"
        package.mkdir()
        shutil.copy(ROOT / "datapackage.json", package)
        shutil.copytree(ROOT / "data", package / "data")
        rows = sum(len(list(csv.reader(path.open(encoding="utf-8")))) - 1 for path in (package / "data").glob("*.csv"))
        bench(package, args.runs, f"shipped ({rows} rows in all)")
        for size in args.sizes:
            for broken in (False, True):
                # grown in a process of its own: a child forked from a large parent would count
                # the parent's pages in its own peak memory
                subprocess.run([sys.executable, __file__, "--grow", str(size), str(package)]
                               + (["--broken"] if broken else []), check=True)
                bench(package, args.runs, f"{size:,}{' (1 % broken)' if broken else ''}")


if __name__ == "__main__":
    main()
