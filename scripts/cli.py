"""`kzuz`: the command line. Each command is a sentence — load the package, then act on it
— and this is the one place where a Failure (or an OSError) becomes an exit status."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import problems as render
from .load import load
from .problems import Failure
from .validate import validate

EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_CODES = """exit status:
  0  valid (or done)
  1  the package has problems (each is listed as file:line: column: message)
  2  usage or environment: a wrong option, a directory that is no package, a path that
     cannot be read or written (read-only, a full disk), with the path and the reason
  3  internal error: a bug in kzuz, not in the data (please report it)"""
SHOWN_PER_FILE = 50  # text output; --format json lists every problem
BUG_REPORT = ("this is a bug in kzuz, not a problem in your data: please report it with the command you ran, "
              "in the repository's issues (see CONTRIBUTING.md)")


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as installed

    try:
        return installed("kazakhstan-uzbekistan-relations")
    except PackageNotFoundError:
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kzuz", description="Tools for the Kazakhstan–Uzbekistan Relations Data Package.",
                                  epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    top.add_argument("--version", action="version", version=f"kzuz {version()}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, description=summary, epilog=EXIT_CODES,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

    def package_argument(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("package", nargs="?", default=".", type=Path, help="package directory (default: .)")

    check = command("validate", "check the whole package and list every problem, as file:line: column: message")
    package_argument(check)
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help=f"text (the first {SHOWN_PER_FILE} problems of each file, then a count; with "
                            "GITHUB_ACTIONS=true also as annotations) or json (every problem)")
    fmt = command("fmt", "put every CSV into canonical form (lossless)")
    package_argument(fmt)
    fmt.add_argument("--check", action="store_true", help="change nothing; list the files that would change, exit 1 if any")
    compare = command("diff", "rows added, removed and changed between two versions of the package")
    compare.add_argument("old", help="package directory, release zip or git ref")
    compare.add_argument("new", help="package directory, release zip or git ref")
    compare.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    release = command("release", "check the package may be released and build dist/")
    package_argument(release)
    release.add_argument("--previous", help="the release to compare with (default: the highest vX.Y.Z tag below the version)")
    docs = command("docs", "write DATA-DICTIONARY.md and the README's figures from datapackage.json and the data")
    package_argument(docs)
    docs.add_argument("--check", action="store_true", help="change nothing; exit 1 if a generated file is out of date")
    site = command("site", "build a static website of the package: timeline, charts, tables with quotes")
    package_argument(site)
    site.add_argument("--out", default="site", help="folder inside the package to write it to, relative to the package "
                                                   "directory (default: site); it is replaced whole, so it must be new, "
                                                   "empty, or a site kzuz built")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status = {"validate": run_validate, "fmt": run_fmt, "diff": run_diff, "release": run_release,
                  "docs": run_docs, "site": run_site}[args.command](args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return status
    except Failure as failure:  # every failure kzuz anticipates: the package's (1) or the situation's (2)
        show_failure(args.command, failure)
        return failure.status
    except BrokenPipeError:  # a closed standard output (kzuz validate | head): end quietly, with 2 as
        quiet_stdout()          # for any other output that could not be written
        return EXIT_USAGE
    except OSError as error:  # the machine's situation, not a bug: a read-only folder, a full disk
        where = f"{error.filename}: " if error.filename else ""
        print(render.printable(f"kzuz {args.command}: {where}{error.strerror or error}"), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 -- the one place a bug becomes a message, not a traceback
        if os.environ.get("KZUZ_DEBUG"):
            raise
        print(render.printable(f"kzuz {args.command}: internal error ({type(error).__name__}: {error}); "
                               f"{BUG_REPORT}"), file=sys.stderr)
        return EXIT_INTERNAL


def show_failure(command: str, failure: Failure) -> None:
    """A Failure's problems: those at a file of the package on standard output, as validate
    lists them; those about the command's work, the environment's, and the summary on
    standard error, each after `kzuz COMMAND:`."""
    at_files = [p for p in failure.problems if p.file and failure.status == EXIT_INVALID]
    try:
        sys.stdout.write(render.text(at_files, per_file=SHOWN_PER_FILE))
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
    # "PATH is not a directory": a problem at no line reads as a sentence about its path
    lines = [p.message if not p.file else f"{p.file} {p.message}" if p.line is None and p.column is None
             else f"{p.location()}: {p.message}" for p in failure.problems if p not in at_files]
    for line in lines + ([failure.summary] if failure.summary else []):
        print(render.printable(f"kzuz {command}: {line}"), file=sys.stderr)


def quiet_stdout() -> None:
    """Point standard output at /dev/null, so the flush at exit does not fail on the closed pipe again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # no file descriptor (a test's captured output): nothing to flush


def writer(args, command: str, check: bool = False):
    """The package held for a command that writes to it (one at a time); nothing to hold
    for `--check`, which writes nothing, or for a path that is no directory (`load` says so)."""
    from contextlib import nullcontext

    from .writing import exclusive

    return exclusive(args.package, command) if Path(args.package).is_dir() and not check else nullcontext()


def run_validate(args) -> int:
    report = validate(load(args.package))
    rows = sum(report.rows.values())
    if args.format == "json":
        sys.stdout.write(render.as_json(report.problems, valid=report.valid, rows=report.rows))
    else:
        if os.environ.get("GITHUB_ACTIONS") == "true":
            sys.stdout.write(render.github(report.problems))
        sys.stdout.write(render.text(report.problems, per_file=SHOWN_PER_FILE))
        files = len({p.file for p in report.problems})
        print(f"valid: {len(report.rows)} tables, {rows} rows" if report.valid else
              f"invalid: {len(report.problems)} problem{'s' * (len(report.problems) != 1)} in "
              f"{files} file{'s' * (files != 1)} ({rows} rows read)")
    return EXIT_VALID if report.valid else EXIT_INVALID


def run_fmt(args) -> int:
    from .fmt import format_package

    with writer(args, "fmt", check=args.check):
        report = format_package(args.package, check=args.check)
    for path in report.changed:
        print(render.printable(f"{'would reformat' if args.check else 'formatted'} {path}"))
    sys.stdout.write(render.text(report.problems))
    if not report.changed and not report.problems:
        print("all files are in canonical form")
    return EXIT_INVALID if report.problems or (args.check and report.changed) else EXIT_VALID


def run_diff(args) -> int:
    from . import diff

    result = diff.diff(diff.read(args.old), diff.read(args.new))
    sys.stdout.write({"text": diff.as_text, "json": diff.as_json, "markdown": diff.as_markdown}[args.format](result))
    return EXIT_VALID


def run_release(args) -> int:
    from .release import release

    with writer(args, "release"):
        built = release(load(args.package), previous=args.previous)
    since = f"changes since {built.previous}" if built.previous else "first release"
    print(f"built {built.version} ({since}):")
    for path in built.artefacts:
        print(render.printable(f"  {path.relative_to(Path(args.package)).as_posix()}"))
    return EXIT_VALID


def run_docs(args) -> int:
    from .docs import write_docs

    with writer(args, "docs", check=args.check):
        stale = write_docs(load(args.package, judge=False), check=args.check)
    if args.check:
        for name in stale:
            print(f"{name} is out of date: run kzuz docs")
        if not stale:
            print("generated files are up to date")
        return EXIT_INVALID if stale else EXIT_VALID
    print("\n".join(f"wrote {name}" for name in stale) or "generated files are up to date")
    return EXIT_VALID


def run_site(args) -> int:
    from .site import build_site

    with writer(args, "site"):
        built = build_site(load(args.package), out=args.out)
    index = built.folder / "index.html"
    print(render.printable(f"wrote {len(built.pages)} pages and {len(built.files) - len(built.pages)} other files "
                           f"to {built.folder}: open {index}"))
    return EXIT_VALID


if __name__ == "__main__":
    sys.exit(main())
