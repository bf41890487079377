"""`kzuz release`: check that the package may be released, then build `dist/`.

Refuses when the package is invalid, the version disagrees between files, CHANGELOG
has no section for the version, the bump since the previous release tag is smaller
than the change requires (`kzuz diff`), or the version's own tag exists with other data.
Builds, byte for byte the same from the same commit and the same library versions
(fixed zip timestamps and order; no clock is read; pyarrow and SQLite write their
version into their files):

    dist/NAME-X.Y.Z.zip       datapackage.json (with hash and bytes per resource) + data/*.csv
    dist/NAME-X.Y.Z.sqlite    one table per resource, with primary and foreign keys
    dist/parquet/*.parquet    typed columns (dates as dates), also as one NAME-X.Y.Z-parquet.zip
    dist/RELEASE_NOTES.md     the CHANGELOG section + what changed since the previous release
    dist/SHA256SUMS           for every artefact above (`sha256sum -c SHA256SUMS`)
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from . import diff as diffs
from .validate import DESCRIPTOR, validate
from .versions import bump_between, changelog_section, parse, stated_versions

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no build clock in the archive
SQL_TYPES = {"string": "TEXT", "date": "TEXT", "number": "NUMERIC", "integer": "INTEGER", "boolean": "INTEGER"}


class Refused(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class Built:
    version: str
    previous: str | None
    artefacts: list[Path]


def release(package_dir: Path, previous: str | None = None) -> Built:
    package_dir = Path(package_dir)
    version, date, section, previous, change = check_releasable(package_dir, previous)
    dist = package_dir / "dist"
    if dist.exists():
        shutil.rmtree(dist)
    dist.mkdir()
    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    stem = f"{descriptor['name']}-{version}"
    artefacts = [
        build_zip(package_dir, descriptor, dist / f"{stem}.zip"),
        build_sqlite(package_dir, dist / f"{stem}.sqlite"),
        *build_parquet(package_dir, dist / "parquet", dist / f"{stem}-parquet.zip"),
        write_notes(dist / "RELEASE_NOTES.md", descriptor, version, date, section, previous, change),
    ]
    artefacts.append(write_checksums(dist, artefacts))
    return Built(version, previous, artefacts)


def check_releasable(package_dir: Path, previous: str | None):
    check_valid(package_dir)
    version = stated_versions(package_dir)["datapackage.json"]
    found = changelog_section(package_dir, version)
    if found is None:
        raise Refused([f"CHANGELOG.md has no section '## [{version}] - YYYY-MM-DD': cut the version with "
                       "bump2version, which moves 'Unreleased' under it"])
    date, section = found
    current = diffs.read_snapshot(str(package_dir))
    check_not_released(package_dir, version, current)
    previous = previous or previous_tag(package_dir, version)
    old = read_previous(previous, package_dir) if previous else empty_like(package_dir)
    change = diffs.diff(old, current)
    if previous:
        # from the descriptor, not the tag's name: --previous may also be a zip or a folder
        made = bump_between(old.descriptor.get("version") or previous.lstrip("v"), version)
        if diffs.BUMPS.index(made) < diffs.BUMPS.index(change.bump):
            raise Refused([f"{previous} → {version} is a {made} bump, but the changes since {previous} need a "
                           f"{change.bump} bump ({'; '.join(change.reasons)})"])
    return version, date, section, previous, change


def check_valid(package_dir: Path) -> None:
    report = validate(package_dir)
    # a disagreeing version is one of validate's problems; name it, since its fix is bump2version
    reasons = [f"{p.file} {p.message}" for p in report.problems if p.code == "version-disagrees"]
    if others := len(report.problems) - len(reasons):
        reasons.insert(0, f"the package is invalid ({others} problem{'s' * (others != 1)}): "
                          "run kzuz validate and fix what it lists")
    if reasons:
        raise Refused(reasons)


def check_not_released(package_dir: Path, version: str, current: diffs.Snapshot) -> None:
    """A version is released once: if its tag exists (a rebuild, as on CI), the data must be the tag's."""
    tag = version_tags(package_dir).get(parse(version))
    if tag and diffs.diff(diffs.read_snapshot(tag, repo=package_dir), current).bump != "none":
        raise Refused([f"{version} is already released as {tag}, and the data have changed since: cut a new "
                       "version with bump2version"])


def read_previous(previous: str, package_dir: Path) -> diffs.Snapshot:
    try:
        return diffs.read_snapshot(previous, repo=package_dir)
    except diffs.CannotRead as error:
        raise Refused([f"--previous {error}"]) from None


def version_tags(package_dir: Path) -> dict[tuple[int, int, int], str]:
    """version → its `vX.Y.Z` tag."""
    listed = subprocess.run(["git", "tag", "--list", "v*.*.*"], cwd=package_dir, capture_output=True, text=True)
    tags = {}
    for tag in listed.stdout.split():
        try:
            tags[parse(tag[1:])] = tag
        except ValueError:
            continue  # not a release tag
    return tags


def previous_tag(package_dir: Path, version: str) -> str | None:
    """The highest `vX.Y.Z` tag below `version`, or None before the first release."""
    tags = version_tags(package_dir)
    below = [v for v in tags if v < parse(version)]
    return tags[max(below)] if below else None


def empty_like(package_dir: Path) -> diffs.Snapshot:
    """What there was before the first release: the same tables, no rows."""
    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    return diffs.Snapshot(descriptor, {r["name"]: [] for r in descriptor["resources"]})


def build_zip(package_dir: Path, descriptor: dict, target: Path) -> Path:
    descriptor = json.loads(json.dumps(descriptor))  # a copy to annotate
    files = {}
    for resource in descriptor["resources"]:
        raw = (package_dir / resource["path"]).read_bytes()
        resource["hash"] = "sha256:" + hashlib.sha256(raw).hexdigest()
        resource["bytes"] = len(raw)
        files[resource["path"]] = raw
    entries = {DESCRIPTOR: (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), **files}
    return write_zip(target, entries)


def write_zip(target: Path, entries: dict[str, bytes]) -> Path:
    """The same bytes for the same entries: fixed order, time and permissions."""
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content, compresslevel=9)
    return target


def typed_rows(package_dir: Path):
    """(resource descriptor, rows as typed Python values) for each resource, via frictionless."""
    from frictionless import Package

    package = Package(str(package_dir / DESCRIPTOR))
    for resource in package.resources:
        names = resource.schema.field_names
        yield resource.to_descriptor(), names, [[row[n] for n in names] for row in resource.read_rows()]


def build_sqlite(package_dir: Path, target: Path) -> Path:
    with sqlite3.connect(target) as db:
        for resource, names, rows in typed_rows(package_dir):
            db.execute(create_table(resource))
            marks = ", ".join("?" for _ in names)
            db.executemany(f'INSERT INTO "{resource["name"]}" VALUES ({marks})', [[sql_value(v) for v in r] for r in rows])
    db.close()
    return target


def create_table(resource: dict) -> str:
    schema = resource["schema"]
    columns = [f'"{f["name"]}" {SQL_TYPES.get(f["type"], "TEXT")}'
               + (" NOT NULL" if f.get("constraints", {}).get("required") else "") for f in schema["fields"]]
    quoted = lambda names: ", ".join(f'"{n}"' for n in ([names] if isinstance(names, str) else names))  # noqa: E731
    constraints = [f"PRIMARY KEY ({quoted(schema['primaryKey'])})"] if schema.get("primaryKey") else []
    for key in schema.get("foreignKeys", []):
        reference = key["reference"]
        constraints.append(f'FOREIGN KEY ({quoted(key["fields"])}) REFERENCES "{reference["resource"]}" '
                           f'({quoted(reference["fields"])})')
    return f'CREATE TABLE "{resource["name"]}" ({", ".join(columns + constraints)})'


def sql_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def build_parquet(package_dir: Path, folder: Path, bundle: Path) -> list[Path]:
    """One Parquet file per resource, and all of them in one zip (a release page lists
    files flat, so the folder travels as the zip)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow_types = {"string": pa.string(), "date": pa.date32(), "number": pa.float64(), "integer": pa.int64(),
                   "boolean": pa.bool_()}
    folder.mkdir()
    written = []
    for resource, names, rows in typed_rows(package_dir):
        fields = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        columns = {n: pa.array([float(r[i]) if isinstance(r[i], Decimal) else r[i] for r in rows],
                               type=arrow_types.get(fields[n], pa.string())) for i, n in enumerate(names)}
        target = folder / f"{resource['name']}.parquet"
        pq.write_table(pa.table(columns), target)
        written.append(target)
    write_zip(bundle, {f"parquet/{p.name}": p.read_bytes() for p in written})
    return [*written, bundle]


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
