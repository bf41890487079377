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
    fmt = commands.add_parser("fmt", help="put every CSV into canonical form (lossless)")
    fmt.add_argument("package", nargs="?", default=".", type=Path, help="package directory (default: .)")
    fmt.add_argument("--check", action="store_true", help="change nothing; list the files that would change, exit 1 if any")
    compare = commands.add_parser("diff", help="rows added, removed and changed between two versions of the package")
    compare.add_argument("old", help="package directory, release zip or git ref")
    compare.add_argument("new", help="package directory, release zip or git ref")
    compare.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    release = commands.add_parser("release", help="check the package may be released and build dist/")
    release.add_argument("package", nargs="?", default=".", type=Path, help="package directory (default: .)")
    release.add_argument("--previous", help="the release to compare with (default: the highest vX.Y.Z tag below the version)")
    docs = commands.add_parser("docs", help="write the data dictionary from datapackage.json")
    docs.add_argument("package", nargs="?", default=".", type=Path, help="package directory (default: .)")
    docs.add_argument("--check", action="store_true", help="change nothing; exit 1 if the dictionary is out of date")
    args = parser.parse_args(argv)
    from .validate import NotAPackage

    try:
        return {"validate": run_validate, "fmt": run_fmt, "diff": run_diff, "release": run_release,
                "docs": run_docs}[args.command](args)
    except NotAPackage as error:  # pointed at the wrong directory: a usage error, not bad data
        print(f"kzuz {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE


def run_validate(args) -> int:
    from .validate import validate

    report = validate(args.package)
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


def run_fmt(args) -> int:
    from .fmt import format_package

    report = format_package(args.package, check=args.check)
    for path in report.changed:
        print(f"{'would reformat' if args.check else 'formatted'} {path}")
    sys.stdout.write(render.text(report.problems))
    if not report.changed and not report.problems:
        print("all files are in canonical form")
    return EXIT_INVALID if report.problems or (args.check and report.changed) else EXIT_VALID


def run_diff(args) -> int:
    from . import diff

    try:
        old, new = diff.read_snapshot(args.old), diff.read_snapshot(args.new)
    except (diff.CannotRead, OSError, ValueError, KeyError) as error:
        print(f"kzuz diff: {error}", file=sys.stderr)
        return EXIT_USAGE
    result = diff.diff(old, new)
    sys.stdout.write({"text": diff.as_text, "json": diff.as_json, "markdown": diff.as_markdown}[args.format](result))
    return EXIT_VALID


def run_release(args) -> int:
    from .release import Refused, release

    try:
        built = release(args.package, previous=args.previous)
    except Refused as refused:
        for reason in refused.reasons:
            print(f"kzuz release: refused: {reason}", file=sys.stderr)
        return EXIT_INVALID
    since = f"changes since {built.previous}" if built.previous else "first release"
    print(f"built {built.version} ({since}):")
    for path in built.artefacts:
        print(f"  {path.relative_to(Path(args.package)).as_posix()}")
    return EXIT_VALID


def run_docs(args) -> int:
    from .docs import DICTIONARY, write_docs

    if write_docs(args.package, check=args.check):
        print(f"{DICTIONARY} is up to date" if args.check else f"wrote {DICTIONARY}")
        return EXIT_VALID
    print(f"{DICTIONARY} is out of date: run kzuz docs")
    return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
