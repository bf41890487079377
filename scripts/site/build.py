"""`kzuz site`: check the loaded package, write every page, in that order.

    built = build_site(load(Path(".")))              # writes ./site/
    built = build_site(load(Path(".")), out="public")

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

from ..package import Package
from ..problems import Failure
from ..validate import validate
from . import changelog, dictionary, downloads, indicators, output, overview, tables, ties, timeline
from .links import Site
from .rows import read_all

ASSETS = ("favicon.svg", "site.css", "site.js")
PAGES = (timeline.pages, indicators.pages, ties.pages, tables.pages, dictionary.pages, changelog.pages)


@dataclass
class Built:
    folder: Path
    files: list[str]       # paths inside the folder

    @property
    def pages(self) -> list[str]:
        return [f for f in self.files if f.endswith(".html")]


def build_site(package: Package, out=None) -> Built:
    """Write the site of PACKAGE (loaded from its directory) into OUT, a folder inside that
    directory (default site/). A Failure for an --out it may not write, or an invalid package."""
    report = validate(package)
    if not report.valid:
        count = len(report.problems)
        raise Failure(report.problems, summary=f"not built: the package has {count} problem{'s' * (count != 1)} "
                                               "(kzuz validate lists them)")
    folder = output.folder(package.directory, out, [r.path for r in package.resources])
    site = Site(package, read_all(package))
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
