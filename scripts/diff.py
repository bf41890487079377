"""`kzuz diff OLD NEW`: what changed in the data, row by row, keyed by primary key.

OLD and NEW may each be a package directory, a release zip, or a git ref of the
repository the command runs in (`kzuz diff v0.1.0 HEAD`). Cells are compared as the
text in the CSV, so a change is exactly what a reviewer would see in the file.
From the changes it names the smallest version bump they require (DESIGN.md):
major for a removed or retyped column, a removed table or a changed key; minor for
added rows, columns or tables; patch for corrected values (and removed rows).
"""
from __future__ import annotations

import json
import subprocess
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from .descriptor import DESCRIPTOR, MAX_BYTES as DESCRIPTOR_BYTES
from .fmt import MAX_BYTES, Unsafe, parse
from .package import Unreadable, package_from_bytes, read_file
from .problems import Problem, json_text, printable

BUMPS = ("none", "patch", "minor", "major")
# A release zip is read within these bounds: a zip bomb or a crafted archive ends in a message.
ZIP_MEMBERS, ZIP_TOTAL, ZIP_RATIO = 10_000, 2_000_000_000, 200


class NotASnapshot(Exception):
    """OLD or NEW is neither a package directory, a zip nor a git ref (a usage error)."""


class CannotRead(Exception):
    """A snapshot whose descriptor or files cannot be read safely; `problems` say why."""

    def __init__(self, source: str, problems: list[Problem]):
        super().__init__(f"{source} cannot be read: {len(problems)} problem{'s' * (len(problems) != 1)}")
        self.problems = problems


@dataclass
class Snapshot:
    descriptor: dict
    tables: dict[str, list[dict[str, str]]]  # resource name -> rows as text

    def schema(self, name: str) -> dict:
        return next(r["schema"] for r in self.descriptor["resources"] if r["name"] == name)


@dataclass
class TableDiff:
    name: str
    added: list[str] = field(default_factory=list)       # keys, as "a | b" for composite keys
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # key -> column -> [old, new]
    schema: list[str] = field(default_factory=list)      # schema changes, in words


@dataclass
class Diff:
    tables: list[TableDiff]
    bump: str
    reasons: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


# Reading -----------------------------------------------------------------------------

def read_snapshot(source: str, repo: Path = Path(".")) -> Snapshot:
    path = Path(source)
    if path.is_dir():
        return _snapshot(source, lambda name, limit: read_file(path, name, limit))
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return _snapshot(source, zip_reader(archive, source))
    if _is_git_ref(source, repo):
        return _snapshot(source, lambda name, limit: _git_show(repo, source, name, limit))
    raise NotASnapshot(f"{source} is not a package directory, a zip or a git ref")


def _snapshot(source: str, read) -> Snapshot:
    """The descriptor, checked as every command checks it, then each table's rows as text."""
    try:
        package = package_from_bytes(Path(source), read(DESCRIPTOR, DESCRIPTOR_BYTES), standard=False)
    except Unreadable as unreadable:
        if unreadable.problem.code == "missing-file":  # pointed at something that is no package
            raise NotASnapshot(f"{source} has no {unreadable.problem.file}") from None
        raise CannotRead(source, [unreadable.problem]) from None
    if package.problems:
        raise CannotRead(source, package.problems)
    tables = {}
    for resource in package.resources:
        try:
            rows = parse(read(resource.path, MAX_BYTES))
        except Unreadable as unreadable:
            raise CannotRead(source, [unreadable.problem]) from None
        except Unsafe as unsafe:
            raise CannotRead(source, [Problem(resource.path, unsafe.line, None, unsafe.message, "diff-unreadable")]) from None
        header = [c.strip() for c in rows[0]] if rows else []
        tables[resource.name] = [dict(zip(header, (c.strip() for c in row))) for row in rows[1:]]
    return Snapshot(package.descriptor, tables)


def zip_reader(archive: zipfile.ZipFile, source: str):
    """name -> bytes for the package inside a release zip, refusing what a crafted zip
    could do: members outside the package, too many, too large, or compressed beyond
    any ratio real CSV reaches (a zip bomb)."""
    members = archive.infolist()
    problems = []
    if len(members) > ZIP_MEMBERS:
        problems.append(f"holds {len(members):,} members")
    if sum(m.file_size for m in members) > ZIP_TOTAL:
        problems.append(f"would unpack to over {ZIP_TOTAL:,} bytes")
    for member in members:
        name = PurePosixPath(member.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
            problems.append(f"holds {member.filename!r}, which points outside the package")
        elif member.compress_size and member.file_size / member.compress_size > ZIP_RATIO:
            problems.append(f"holds {member.filename!r}, compressed {member.file_size // member.compress_size}:1")
    if problems:
        raise CannotRead(source, [Problem(source, None, None, f"{p}: not a release zip kzuz reads", "zip-unsafe")
                                  for p in problems])
    tops = [m.filename for m in members if PurePosixPath(m.filename).name == DESCRIPTOR
            and len(PurePosixPath(m.filename).parts) <= 2]
    if not tops:
        raise NotASnapshot(f"{source} holds no {DESCRIPTOR}")
    base = PurePosixPath(min(tops, key=len)).parent

    def read(name: str, limit: int) -> bytes:
        member = name if str(base) == "." else str(base / name)
        try:
            with archive.open(member) as f:
                raw = f.read(limit + 1)
        except KeyError:
            raise Unreadable(Problem(name, None, None, f"is missing from {source}", "missing-file")) from None
        if len(raw) > limit:
            raise Unreadable(Problem(name, None, None, f"is over {limit:,} bytes", "file-too-large"))
        return raw
    return read


def _is_git_ref(ref: str, repo: Path) -> bool:
    if ref.startswith("-"):
        return False  # an option, not a ref
    return subprocess.run(["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
                          cwd=repo, capture_output=True).returncode == 0


def _git_show(repo: Path, ref: str, name: str, limit: int) -> bytes:
    prefix = subprocess.run(["git", "rev-parse", "--show-prefix"], cwd=repo, capture_output=True, text=True).stdout.strip()
    spec = f"{ref}:{prefix}{name}"
    kind = subprocess.run(["git", "cat-file", "-t", spec], cwd=repo, capture_output=True, text=True)
    size = subprocess.run(["git", "cat-file", "-s", spec], cwd=repo, capture_output=True, text=True)
    if kind.returncode != 0 or kind.stdout.strip() != "blob":  # a ref from before the package, or a directory
        raise Unreadable(Problem(f"{prefix}{name}", None, None, f"is not a file in {ref}", "missing-file"))
    mode = subprocess.run(["git", "ls-tree", ref, "--", f"{prefix}{name}"], cwd=repo, capture_output=True, text=True)
    if mode.stdout.startswith("120000"):
        raise Unreadable(Problem(name, None, None, f"is a symbolic link in {ref}: kzuz reads only files",
                                 "outside-package"))
    if int(size.stdout.strip() or 0) > limit:
        raise Unreadable(Problem(name, None, None, f"is over {limit:,} bytes in {ref}", "file-too-large"))
    return subprocess.run(["git", "cat-file", "blob", spec], cwd=repo, capture_output=True).stdout


# Comparing ---------------------------------------------------------------------------

def diff(old: Snapshot, new: Snapshot) -> Diff:
    old_names = [r["name"] for r in old.descriptor["resources"]]
    new_names = [r["name"] for r in new.descriptor["resources"]]
    tables, reasons = [], {}
    for name in new_names:
        if name not in old_names:
            table = TableDiff(name, added=[_key(row, new.schema(name)) for row in new.tables[name]],
                              schema=["table added"])
            reasons.setdefault("minor", []).append(f"table {name} added")
        else:
            table = compare_table(name, old, new, reasons)
        tables.append(table)
    for name in old_names:
        if name not in new_names:
            tables.append(TableDiff(name, removed=[_key(r, old.schema(name)) for r in old.tables[name]],
                                    schema=["table removed"]))
            reasons.setdefault("major", []).append(f"table {name} removed")
    bump = max(reasons, key=BUMPS.index, default="none")
    return Diff(tables, bump, reasons.get(bump, []))


def compare_table(name: str, old: Snapshot, new: Snapshot, reasons: dict) -> TableDiff:
    table = TableDiff(name, schema=schema_changes(old.schema(name), new.schema(name)))
    for change in table.schema:
        level = "minor" if change.startswith("field added") else "major"
        reasons.setdefault(level, []).append(f"{name}: {change}")
    old_rows = {_key(r, matching_key(old.schema(name), new.schema(name))): r for r in old.tables[name]}
    new_rows = {_key(r, new.schema(name)): r for r in new.tables[name]}
    table.added = [k for k in new_rows if k not in old_rows]
    table.removed = [k for k in old_rows if k not in new_rows]
    shared = [f["name"] for f in new.schema(name)["fields"] if f["name"] in {g["name"] for g in old.schema(name)["fields"]}]
    for key in (k for k in new_rows if k in old_rows):
        cells = {c: [old_rows[key].get(c) or "", new_rows[key].get(c) or ""] for c in shared
                 if (old_rows[key].get(c) or "") != (new_rows[key].get(c) or "")}
        if cells:
            table.changed[key] = cells
    if table.added:
        reasons.setdefault("minor", []).append(f"{name}: {len(table.added)} row(s) added")
    if table.changed:
        reasons.setdefault("patch", []).append(f"{name}: {len(table.changed)} row(s) corrected")
    if table.removed:
        reasons.setdefault("patch", []).append(f"{name}: {len(table.removed)} row(s) removed")
    return table


def matching_key(old: dict, new: dict) -> dict:
    """The schema whose primary key identifies the old rows: the new one, unless the old
    rows lack one of its fields (a new column became the key) and so cannot be matched."""
    old_fields = {f["name"] for f in old["fields"]}
    return new if set(new.get("primaryKey", [])) <= old_fields else old


def schema_changes(old: dict, new: dict) -> list[str]:
    old_fields = {f["name"]: f.get("type", "any") for f in old["fields"]}
    new_fields = {f["name"]: f.get("type", "any") for f in new["fields"]}
    changes = [f"field added: {n} ({t})" for n, t in new_fields.items() if n not in old_fields]
    changes += [f"field removed: {n}" for n in old_fields if n not in new_fields]
    changes += [f"field retyped: {n} ({old_fields[n]} → {t})" for n, t in new_fields.items()
                if n in old_fields and old_fields[n] != t]
    if old.get("primaryKey") != new.get("primaryKey"):
        changes.append(f"primary key changed: {old.get('primaryKey')} → {new.get('primaryKey')}")
    if _foreign_keys(old) != _foreign_keys(new):
        changes.append("foreign keys changed")
    return changes


def _foreign_keys(schema: dict) -> list:
    """Foreign keys with `fields` always lists: "a" and ["a"] say the same."""
    listed = lambda v: [v] if isinstance(v, str) else list(v)  # noqa: E731
    return sorted((listed(k["fields"]), k["reference"].get("resource", ""), listed(k["reference"]["fields"]))
                  for k in schema.get("foreignKeys", []))


def _key(row: dict[str, str], schema: dict) -> str:
    return " | ".join(row.get(k) or "" for k in schema.get("primaryKey", [])) or json.dumps(row, ensure_ascii=False)


# Showing -----------------------------------------------------------------------------

def counts(table: TableDiff) -> str:
    return f"{len(table.added)} added, {len(table.removed)} removed, {len(table.changed)} changed"


def as_text(result: Diff) -> str:
    out = []
    for table in result.tables:
        if not (table.added or table.removed or table.changed or table.schema):
            continue
        out.append(f"{table.name}: {counts(table)}")
        out += [f"  schema: {change}" for change in table.schema]
        out += [f"  + {key}" for key in table.added]
        out += [f"  - {key}" for key in table.removed]
        for key, cells in table.changed.items():
            out.append(f"  ~ {key}")
            out += [f"      {column}: {old!r} → {new!r}" for column, (old, new) in cells.items()]
    out.append("no changes" if result.bump == "none" else
               f"smallest version bump required: {result.bump} ({'; '.join(result.reasons)})")
    return "".join(printable(line) + "\n" for line in out)


def as_markdown(result: Diff) -> str:
    out = ["| table | added | removed | changed |", "|---|---:|---:|---:|"]
    out += [f"| `{t.name}` | {len(t.added)} | {len(t.removed)} | {len(t.changed)} |" for t in result.tables]
    for table in result.tables:
        if not (table.added or table.removed or table.changed or table.schema):
            continue
        out += ["", f"### `{table.name}`", ""]
        out += [f"- schema: {change}" for change in table.schema]
        out += [f"- added `{key}`" for key in table.added]
        out += [f"- removed `{key}`" for key in table.removed]
        for key, cells in table.changed.items():
            out.append(f"- changed `{key}`: " + "; ".join(
                f"{column} `{_md(old)}` → `{_md(new)}`" for column, (old, new) in cells.items()))
    out += ["", "No changes." if result.bump == "none" else
            f"Smallest version bump required: **{result.bump}** ({'; '.join(result.reasons)})."]
    return "".join(printable(line) + "\n" for line in out)


def _md(value: str) -> str:
    return value.replace("`", "'").replace("\n", " ").replace("|", "\\|")


def as_json(result: Diff) -> str:
    return json_text(result.to_dict())
