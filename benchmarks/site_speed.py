"""Time and memory of `kzuz release` and `kzuz site` beside `kzuz validate`, on a copy of
the shipped package whose `indicators` table is grown to N valid rows (the rows
validate_speed.grow makes), against the goals of the issue: at 100,000 indicator rows
every command exits 0, release in at most 3× the time of validate, site in at most 5×,
each under 1 GB.

    .venv/bin/python benchmarks/site_speed.py [--sizes 100000 1000000] [--runs 3]

Every measurement is a whole process (start-up and imports included). The commands run
interleaved (validate, release, site, validate, …) so that a machine that slows down
mid-run slows all three alike; each figure is the median of the runs with their minimum
and maximum, and the peak resident memory (ru_maxrss) of the largest run. The copy is
git-less, as a downloaded package is: its CHANGELOG.md and CITATION.cff come from the
repository at the descriptor's version, so release has a section for it and no previous
release to compare against (the first release). Since release runs before site in each
round, the site offers the release in dist/, as the Pages workflow builds it.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from validate_speed import BIN, ROOT, run

PACKAGE_FILES = ("datapackage.json", "README.md", "CHANGELOG.md", "CITATION.cff", "LICENSE-DATA.md")
COMMANDS = ("validate", "release", "site")
GOALS = {"release": 3.0, "site": 5.0}   # at most this many times the time of validate
MEMORY_MB = 1024


def copy_package(target: Path) -> Path:
    target.mkdir()
    for name in PACKAGE_FILES:
        shutil.copy(ROOT / name, target)
    shutil.copytree(ROOT / "data", target / "data")
    return target


def bench(package: Path, runs: int) -> dict[str, list[tuple[float, float, int]]]:
    found: dict[str, list[tuple[float, float, int]]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name in COMMANDS:
            found[name].append(run([str(BIN / "kzuz"), name, str(package)]))
    return found


def report(label: str, found: dict[str, list[tuple[float, float, int]]]) -> bool:
    """Print the figures and the goals; True when every goal is met."""
    median = {name: statistics.median(t for t, _, _ in runs) for name, runs in found.items()}
    print(f"\n{label}\n| command | median (min–max) | peak memory | exit |\n|---|---|---|---|")
    for name, runs in found.items():
        times = [t for t, _, _ in runs]
        print(f"| kzuz {name} | {median[name]:.2f} s ({min(times):.2f}–{max(times):.2f}) | "
              f"{max(m for _, m, _ in runs):.0f} MB | {sorted({s for _, _, s in runs})} |")
    met = True
    for name, runs in found.items():
        checks = [(f"kzuz {name} exits 0", all(s == 0 for _, _, s in runs)),
                  (f"kzuz {name} under {MEMORY_MB} MB", max(m for _, m, _ in runs) < MEMORY_MB)]
        if name in GOALS:
            ratio = median[name] / median["validate"]
            checks.append((f"kzuz {name} ≤ {GOALS[name]:g}× validate ({ratio:.2f}×)", ratio <= GOALS[name]))
        for goal, passed in checks:
            print(f"{'PASS' if passed else 'FAIL'}  {goal}")
            met &= passed
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    met = True
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            package = copy_package(Path(scratch) / f"package-{size}")
            # grown in a process of its own, as validate_speed does: a child forked from a
            # large parent would count the parent's pages in its own peak memory
            subprocess.run([sys.executable, str(Path(__file__).with_name("validate_speed.py")), "--grow", str(size),
                            str(package)], check=True)
            met &= report(f"{size:,} indicator rows, {args.runs} runs of each", bench(package, args.runs))
            shutil.rmtree(package)
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
