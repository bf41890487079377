"""`kzuz release`: check that the package may be released, then build `dist/`.

Refuses when the package is invalid, the version disagrees between files, CHANGELOG
has no section for the version, the bump since the previous release is smaller than
the change requires (`kzuz diff`), or the version's own tag exists with other data. The
previous release is the highest `vX.Y.Z` tag below the version or, where that tag is
missing (a fork, a clone without tags), the commit that cut the last version CHANGELOG
dates: the newest that changed the descriptor's version to it.
Builds, byte for byte the same from the same commit and the same library versions
(fixed zip timestamps and order; no clock is read; pyarrow and SQLite write their
version into their files):

    dist/NAME-X.Y.Z.zip       datapackage.json (with hash and bytes per resource) + data/*.csv, and
                              README.md, LICENSE-DATA.md, DATA-DICTIONARY.md, CHANGELOG.md, CITATION.cff
    dist/NAME-vX_Y_Z.sqlite   the database (database.py): a table per resource, with its keys, and `_metadata`
    dist/NAME-vX_Y_Z-datasette.json   its Datasette metadata (datasette.py)
    dist/NAME-X.Y.Z.xlsx      the workbook (workbook.py)
    dist/NAME-X.Y.Z-parquet.zip   parquet/*.parquet: typed columns (dates as dates)
    dist/RELEASE_NOTES.md     the CHANGELOG section + what changed since the previous release
    dist/SHA256SUMS           for every artefact above, and nothing else: the list of what a
                              release publishes (`sha256sum -c SHA256SUMS` among the downloads)

Every file says what it is: name, version, licence and citation (about.py) are in the
zip's README, the database's `_metadata` table, the Parquet files' key-value metadata
and the workbook's README sheet.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import diff as diffs
from .about import (CITATION, DICTIONARY, LICENCE_FILE, About, NoCitation, describe, downloader_readme,
                    released_citation, self_description)
from .database import build_database
from .datasette import database_name, write_metadata
from .descriptor import DESCRIPTOR
from .docs import dictionary
from .package import Package
from .problems import Failure
from .sources import git as run_git
from .validate import validate
from .versions import CHANGELOG, SECTION, TEXT_LIMIT, bump_between, changelog_section, parse, read_text
from .workbook import build_workbook
from .writing import staged

MARKER = ".kzuz-release"  # in dist/: the folder is kzuz release's to empty; not published, not in SHA256SUMS
MARKER_TEXT = b"Built by kzuz release: this folder is emptied and rewritten by each build.\n"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no build clock in the archive


def Refused(reasons: list[str]) -> Failure:  # noqa: N802 -- reads as the refusal it raises
    return Failure.refused(reasons)


@dataclass
class Built:
    version: str
    previous: str | None
    artefacts: list[Path]


def release(package: Package, previous: str | None = None) -> Built:
    """Build dist/ from PACKAGE, loaded from its directory (`kzuz.load`); PREVIOUS (a
    directory, zip or git ref) is the release to compare with, by default the last one."""
    package_dir = package.directory
    version, date, section, previous, change = check_releasable(package, previous)
    dist = checked_dist(package_dir, [r.path for r in package.resources])
    about = describe(package, version, date)
    tables = [package.tables[r.name] for r in package.resources]
    stem, database = f"{about.name}-{version}", database_name(about.name, version)
    with staged(dist) as build:  # built beside dist/, then swapped in whole: a failed build leaves the old one
        (build / MARKER).write_bytes(MARKER_TEXT)
        published = [
            build_zip(package, build / f"{stem}.zip", release_documents(package, about, tables)),
            build_database(tables, about, package.descriptor, build / f"{database}.sqlite"),
            write_metadata(package.descriptor, about, database, build / f"{database}-datasette.json"),
            build_workbook(tables, about, build / f"{stem}.xlsx"),
            build_parquet(tables, about, build / f"{stem}-parquet.zip"),
            write_notes(build / "RELEASE_NOTES.md", package.descriptor, version, date, section, previous, change),
        ]
        # SHA256SUMS is the one list of what a release publishes: release.yml uploads what it names
        published.append(write_checksums(build, published))
    return Built(version, previous, [dist / path.relative_to(build) for path in published])


def checked_dist(package_dir: Path, resources: list[str]) -> Path:
    """dist/ inside the package, which the release replaces, marked as kzuz release's. A dist
    that is a link or a file is refused, not followed; so is one holding a file of the package,
    or files kzuz release did not write (no MARKER): replacing it would delete someone's work."""
    dist = package_dir / "dist"
    if dist.is_symlink() or (dist.exists() and not dist.is_dir()):
        raise Refused(["dist is a symbolic link or a file: kzuz release writes only into a dist/ folder of the "
                       "package; remove it"])
    for path in [DESCRIPTOR, *resources]:
        if (package_dir / path).resolve().is_relative_to(dist.resolve()):
            raise Refused([f"dist/ holds {path}, a file of the package, and kzuz release empties dist/ before "
                           "each build: move the file out of dist/"])
    if dist.exists() and any(dist.iterdir()) and not (dist / MARKER).is_file():
        raise Refused([f"dist/ holds files kzuz release did not write (it has no {MARKER}), and it empties dist/ "
                       "before each build: move them, or remove dist/"])
    return dist


def check_releasable(package: Package, previous: str | None):
    check_valid(package)
    version = package.descriptor.get("version")
    if not version:
        raise Refused(['datapackage.json states no "version": a release is of a version (bump2version states it '
                       "in every file)"])
    found = changelog_section(package.source, version)
    if found is None:
        raise Refused([f"CHANGELOG.md has no section '## [{version}] - YYYY-MM-DD': cut the version with "
                       "bump2version, which moves 'Unreleased' under it"])
    date, section = found
    if not section.strip():
        raise Refused([f"CHANGELOG.md's section for {version} says nothing: write what changed (under "
                       "'## [Unreleased]' before bump2version, or under the section now)"])
    check_documents(package, version, date)
    check_not_released(package, version)
    ref, previous = (previous, previous) if previous else previous_release(package, version)
    old = read_previous(ref, package) if ref else empty_like(package)
    change = diffs.diff(old, package)
    if previous:
        # from the descriptor, not the tag's name: --previous may also be a zip or a folder
        stated = old.descriptor.get("version")
        if not stated:
            raise Refused([f'{previous} states no "version" in its datapackage.json: name a release with --previous'])
        made = bump_between(stated, version)
        if diffs.BUMPS.index(made) < diffs.BUMPS.index(change.bump):
            raise Refused([f"{previous} → {version} is a {made} bump, but the changes since {previous} need a "
                           f"{change.bump} bump ({'; '.join(change.reasons)})"])
    return version, date, section, previous, change


def released(ref: str, package: Package, what: str) -> Package:
    """The package at REF (a git ref, a zip or a folder), to compare with; a refusal that
    says why it cannot be read."""
    try:
        return diffs.read(ref, package.directory)
    except Failure as failure:
        if failure.problems and failure.problems[0].code == "not-a-package":
            raise Refused([f"{what} {ref} is not a package directory, a zip or a git ref"]) from None
        if failure.status != 1:
            raise  # the machine's situation (no git): not the package's
        raise Refused([f"{what} {ref} cannot be read"] + [f"{p.location()}: {p.message}" for p in failure.problems
                                                           if p.file]) from None


def check_valid(package: Package) -> None:
    report = validate(package)
    # a disagreeing version is one of validate's problems; name it, since its fix is bump2version
    reasons = [f"{p.file} {p.message}" for p in report.problems if p.code == "version-disagrees"]
    if others := len(report.problems) - len(reasons):
        reasons.insert(0, f"the package is invalid ({others} problem{'s' * (others != 1)}): "
                          "run kzuz validate and fix what it lists")
    if reasons:
        raise Refused(reasons)


def check_documents(package: Package, version: str, date: str) -> None:
    """The files every release carries are there, and CITATION.cff names the version."""
    reasons = [f"{name} is missing: every release carries it" for name in (LICENCE_FILE,)
               if package.source.text(name, TEXT_LIMIT) is None]
    try:
        describe(package, version, date)
    except NoCitation as error:
        reasons.append(str(error))
    if reasons:
        raise Refused(reasons)


def check_not_released(package: Package, version: str) -> None:
    """A version is released once: if its tag exists (a rebuild, as on CI), the data must be the tag's."""
    tag = version_tags(package).get(parse(version))
    if tag and diffs.diff(released(tag, package, "the tag"), package).bump != "none":
        raise Refused([f"{version} is already released as {tag}, and the data have changed since: cut a new "
                       "version with bump2version"])


def read_previous(previous: str, package: Package) -> Package:
    return released(previous, package, "--previous")


def version_tags(package: Package) -> dict[tuple[int, int, int], str]:
    """version → its `vX.Y.Z` tag (none where git or the repository is missing)."""
    listed = git(package, "tag", "--list", "v*.*.*")
    tags = {}
    for tag in (listed or "").split():
        try:
            tags[parse(tag[1:])] = tag
        except ValueError:
            continue  # not a release tag
    return tags


def previous_release(package: Package, version: str) -> tuple[str | None, str | None]:
    """The release before `version`: the highest `vX.Y.Z` tag below it; else, when CHANGELOG
    dates an earlier version, the commit that cut that version (`release_commit`), so a fork,
    a clone without tags or a tag never pushed still finds it; None before the first release.
    Returns (the git ref, how to name it)."""
    tags = version_tags(package)
    below = [v for v in tags if v < parse(version)]
    if below:
        return tags[max(below)], tags[max(below)]
    earlier = [v for v in released_versions(package) if parse(v) < parse(version)]
    if not earlier:
        return None, None
    last = max(earlier, key=parse)
    commit = release_commit(package, last)
    if commit is None:
        raise Refused([f"{CHANGELOG} says {last} was released before {version}, but there is no tag v{last} here "
                       f"and no commit in this repository's history states version {last} (a shallow clone, or "
                       f"no git): fetch the tags (git fetch --tags), or name the previous release with --previous "
                       f"(its release zip, a folder or a git ref)"])
    return commit, f"{last} (commit {commit[:12]}; its tag v{last} is not in this repository)"


def released_versions(package: Package) -> list[str]:
    """The versions CHANGELOG gives a dated section."""
    return [m.group("version") for m in SECTION.finditer(read_text(package.source, CHANGELOG) or "")]


def release_commit(package: Package, version: str) -> str | None:
    """The commit that cut `version`: the newest commit that changed datapackage.json's
    version to it (bump2version's, the one tagged). Later commits at that version are
    unreleased work the next bump cuts; an older stating of it (a version set and moved back
    before the first release) is not the release."""
    stated = f'"version": "{version}"'
    needed = (f"kzuz release needs it to find release {version} in the history, or name that release with "
              "--previous (its release zip or a folder)")
    for commit in (git(package, "log", "--format=%H", "-S", stated, "--", DESCRIPTOR, needed=needed) or "").split():
        descriptor = git(package, "show", f"{commit}:./{DESCRIPTOR}")
        if descriptor is not None and stated in descriptor:  # it added the version, not removed it
            return commit
    return None


def git(package: Package, *args: str, needed: str = "") -> str | None:
    """What a read-only git command prints in the package, or None where there is no
    repository or it fails. A release needs git only to find the previous one: without git,
    that is None too, unless the release cannot go on without it (`needed` says why)."""
    try:
        return run_git(package.directory, *args, check=False)
    except Failure:
        if needed:
            raise Failure.environment("git", f"is not installed (or not on PATH): {needed}", "no-git") from None
        return None


def empty_like(package: Package) -> Package:
    """What there was before the first release: the same tables, no rows."""
    return Package(package.source, package.descriptor, package.resources, tables_read=True)


def build_zip(package, target: Path, documents: dict[str, bytes] | None = None) -> Path:
    """The package as published: the descriptor with hash and bytes per resource, the CSVs,
    then `documents` (name → content) beside them."""
    descriptor = json.loads(json.dumps(package.descriptor))  # a copy to annotate
    files = {}
    for spec, resource in zip(descriptor["resources"], package.resources):
        raw = package.file_bytes(resource)
        spec["hash"] = "sha256:" + hashlib.sha256(raw).hexdigest()
        spec["bytes"] = len(raw)
        files[spec["path"]] = raw
    entries = {DESCRIPTOR: (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), **files}
    return write_zip(target, {**entries, **(documents or {})})


def release_documents(package, about: About, tables: list) -> dict[str, bytes]:
    """What a downloader needs beside the data: a README, the licence, the dictionary, the
    changelog and the citation."""
    text = lambda name: package.source.text(name, TEXT_LIMIT)  # noqa: E731 -- each was checked there
    documents = {LICENCE_FILE: text(LICENCE_FILE).encode("utf-8"),
                 DICTIONARY: dictionary(package.descriptor).encode("utf-8"),
                 CHANGELOG: text(CHANGELOG).encode("utf-8"),
                 CITATION: released_citation(text(CITATION), about.released).encode("utf-8")}
    names = [DESCRIPTOR, *(r.path for r in package.resources), "README.md", *documents]
    rows = {typed.resource.name: typed.table.rows for typed in tables}
    readme = downloader_readme(about, package.descriptor["resources"], rows, names)
    return {"README.md": readme.encode("utf-8"), **documents}


def write_zip(target: Path, entries: dict[str, bytes]) -> Path:
    """The same bytes for the same entries: fixed order, time and permissions."""
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content, compresslevel=9)
    return target


def build_parquet(tables: list, about: About, bundle: Path) -> Path:
    """One Parquet file per resource, all in one zip as `parquet/NAME.parquet` (a release
    page lists files flat, so the folder travels as the zip, and only the zip is published)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = {}
    for typed in tables:
        buffer = pa.BufferOutputStream()
        pq.write_table(arrow_table(typed, about), buffer)
        files[f"parquet/{typed.resource.name}.parquet"] = buffer.getvalue().to_pybytes()
    return write_zip(bundle, files)


def arrow_table(typed, about: About):
    """The typed columns, each with its description; required columns are not nullable; the
    package's name, version, licence and citation, and the resource's descriptor, as the
    schema's key-value metadata."""
    import pyarrow as pa

    resource = typed.resource
    fields = [pa.field(f["name"], typed.values[f["name"]].type,
                       nullable=not f.get("constraints", {}).get("required", False),
                       metadata={"description": f.get("description", "")}) for f in resource.fields]
    described = {**self_description(about), "resource": json.dumps(resource.descriptor, ensure_ascii=False)}
    schema = pa.schema(fields, metadata=described)
    return pa.Table.from_arrays([typed.values[f["name"]] for f in resource.fields], schema=schema)


def write_notes(target: Path, descriptor: dict, version: str, date: str, section: str, previous: str | None,
                change: diffs.Diff) -> Path:
    since = f"since {previous}" if previous else "(first release: every row is new)"
    target.write_text(f"# {descriptor.get('title', descriptor['name'])} {version} ({date})\n\n{section}\n\n"
                      f"## Changes in the data {since}\n\n{diffs.as_markdown(change)}", encoding="utf-8")
    return target


def write_checksums(dist: Path, artefacts: list[Path]) -> Path:
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(dist).as_posix()}\n"
             for p in sorted(artefacts, key=lambda p: p.relative_to(dist).as_posix())]
    target = dist / "SHA256SUMS"
    target.write_text("".join(lines), encoding="utf-8")
    return target
