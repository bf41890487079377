"""`kzuz`: the command line. Each command is a thin wrapper over its module's function."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import problems as render

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kzuz", description="Tools for the Kazakhstan–Uzbekistan Relations Data Package.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("validate", help="check the whole package and list every problem")
    check.add_argument("package", nargs="?", default=".", type=Path, help="package directory (default: .)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    return {"validate": run_validate}[args.command](args)


def run_validate(args) -> int:
    from .validate import NotAPackage, validate

    try:
        report = validate(args.package)
    except NotAPackage as error:
        print(f"kzuz validate: {error}", file=sys.stderr)
        return EXIT_USAGE
    rows = sum(report.rows.values())
    if args.format == "json":
        sys.stdout.write(render.as_json(report.problems, valid=report.valid, rows=report.rows))
    else:
        if os.environ.get("GITHUB_ACTIONS") == "true":
            sys.stdout.write(render.github(report.problems))
        sys.stdout.write(render.text(report.problems))
        files = len({p.file for p in report.problems})
        print(f"valid: {len(report.rows)} tables, {rows} rows" if report.valid else
              f"invalid: {len(report.problems)} problem{'s' * (len(report.problems) != 1)} in "
              f"{files} file{'s' * (files != 1)} ({rows} rows read)")
    return EXIT_VALID if report.valid else EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
