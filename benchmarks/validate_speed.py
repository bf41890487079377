"""Time `kzuz validate` as a whole process beside `frictionless validate` on the same package.

    .venv/bin/python benchmarks/validate_speed.py [PACKAGE_DIR] [--runs N]

Prints the median wall-clock time of each over N runs (default 7) and their ratio.
The goal is kzuz at most 1.5x frictionless alone. Not met: on the 2-core machine of
2026-11 it measured about 1.3 s against 0.5 s (2.6x). A profile of one run (warm disk):
importing pandas and pandera ~0.4 s, frictionless ~0.15 s; loading pycountry's
subdivisions ~0.1 s; expanding the Table Schemas into pandera ~0.15 s; frictionless's
validation ~0.2 s; pandera's checks ~0.2 s, of which the rules themselves are ~0.06 s.
The CSVs are parsed once (a frictionless check hands its typed rows to pandera), so what
is left is mostly import time of the libraries DESIGN.md asks for.
Run it in the environment the README's first command makes: with the test extra
installed, pandera also imports hypothesis on first use, which adds about 0.1 s.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def median_seconds(command: list[str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", default=".", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    kzuz = median_seconds([str(BIN / "kzuz"), "validate"], args.package, args.runs)
    frictionless = median_seconds([str(BIN / "frictionless"), "validate", "datapackage.json"], args.package, args.runs)
    print(f"kzuz validate:          median {kzuz:.3f} s over {args.runs} runs")
    print(f"frictionless validate:  median {frictionless:.3f} s over {args.runs} runs")
    print(f"ratio: {kzuz / frictionless:.2f}x (goal: at most 1.5x)")


if __name__ == "__main__":
    main()
