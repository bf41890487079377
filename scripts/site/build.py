"""`kzuz site`: check the package, read it once, write every page, in that order.

    built = build_site(Path("."))              # writes ./site/
    built = build_site(Path("."), out="public")

The package must be valid (the same check as `kzuz validate`): a site shows every row as
evidence, and a broken key would be a dead link. Each page module returns the files it
makes (path in the site → bytes, or a function that makes the bytes: a table's pages and
the package's CSV files, which at a million rows are gigabytes together, are made as they
are written); all are written in sorted order into a new folder, which then takes the
old site's place, so that a build that fails leaves the old site whole.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..package import open_package
from ..problems import Problem
from ..validate import validate
from . import changelog, dictionary, downloads, indicators, output, overview, tables, ties, timeline
from .links import Site
from .rows import read_all

ASSETS = ("favicon.svg", "site.css", "site.js")
PAGES = (timeline.pages, indicators.pages, ties.pages, tables.pages, dictionary.pages, changelog.pages)


class Invalid(Exception):
    """The package has problems; a site is built only from a valid package."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem{'s' * (len(problems) != 1)}")
        self.problems = problems


@dataclass
class Built:
    folder: Path
    files: list[str]       # paths inside the folder

    @property
    def pages(self) -> list[str]:
        return [f for f in self.files if f.endswith(".html")]


def build_site(package_dir: Path, out=None) -> Built:
    """Write the site of the package in PACKAGE_DIR into OUT (a folder inside it, default
    site/). Raises output.Refused for an --out it may not write, Invalid for an invalid package."""
    package_dir = Path(package_dir)
    package = open_package(package_dir)
    if package.problems:
        raise Invalid(package.problems)
    folder = output.folder(package_dir, out, [r.path for r in package.resources])
    report = validate(package_dir)
    if not report.valid:
        raise Invalid(report.problems)
    site = Site(package_dir, package.descriptor, read_all(package))
    release, copies = downloads.release(site)
    files = {**assets(), **downloads.package_files(site), **copies}
    for make in PAGES:
        files.update(make(site))
    files.update(overview.pages(site, release, set(files)))
    output.write(folder, files)
    return Built(folder, sorted(files))


def assets() -> dict[str, bytes]:
    folder = resources.files(__package__) / "assets"
    return {f"assets/{name}": (folder / name).read_bytes() for name in ASSETS}
