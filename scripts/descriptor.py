"""What `datapackage.json` may say, checked before anything acts on it.

Every command reads the descriptor of a package it did not write, so it is read here as
data, never followed: bounded in size and depth, strict JSON (a repeated key is an
error, not "the last one wins" as in `json.loads`), and checked for the shape the other
modules rely on. Nothing in it is fetched or opened: a resource's `path` must be a
relative path to a CSV inside the package, a `schema` or `dialect` must be written out
(a reference would be a URL or a file to follow), `$ref` and profile URLs are refused.
URLs that are only metadata (a licence's or a source's `path`, `homepage`) stay text.

The CSV format is the project's contract (DESIGN.md), so a `dialect` can only restate
it. Table and field names must also fit every release format (`release_names`), so that
a package `kzuz validate` passes is one `kzuz release` can build. Only then does
frictionless check the descriptor against the Data Package standard; it stops at the
first fault and names neither resource nor field, so each resource and field is also
opened alone to say where.

    descriptor, problems = parse(raw_bytes)
    problems += check(descriptor, lines)
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .datasette import METADATA_TABLE
from .problems import Problem
from .workbook import DICTIONARY_SHEET, README_SHEET, RESERVED_SHEETS, SHEET_NAME, sheet_name

DESCRIPTOR = "datapackage.json"
MAX_BYTES = 2_000_000
MAX_DEPTH = 32
TYPES = ("string", "integer", "number", "boolean", "date", "year")
FORMATS = {"string": ("default", "uri", "email", "uuid")}
CONSTRAINTS = {"required", "unique", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
               "exclusiveMinimum", "exclusiveMaximum"}
# The dialect DESIGN.md fixes; a descriptor may restate it, never change it.
DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True, "headerRowCount": 1,
           "skipInitialSpace": False, "lineTerminator": "\n", "caseSensitiveHeader": True}
DIALECT_META = {"csvddfVersion", "$schema", "title", "description"}
PROFILES = {"data-package", "tabular-data-package", "data-resource", "tabular-data-resource"}
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
PATH = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_.-]+)*\.csv$")
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # a scheme: http:, file:, data:, c: …
VERSION = re.compile(r"^\d+\.\d+\.\d+$")
SQLITE_RESERVED = "sqlite_"  # SQLite keeps the table names starting so, in any case, for itself
STATA_NAME = 32  # the longest variable name a Stata .dta file holds (Stata 14 and later)


@dataclass
class Lines:
    """The line of each value in the descriptor, by JSON path, e.g. ('resources', 2, 'schema')."""
    at: dict[tuple, int] = field(default_factory=dict)

    def __call__(self, path: tuple) -> int | None:
        while path and path not in self.at:
            path = path[:-1]
        return self.at.get(path)


def path_text(path: tuple) -> str:
    """('resources', 2, 'schema') → 'resources[2].schema'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def problem(lines: Lines, path: tuple, message: str, code: str) -> Problem:
    return Problem(DESCRIPTOR, lines(path), path_text(path) or None, message, code)


# Reading -----------------------------------------------------------------------------

def parse(raw: bytes) -> tuple[dict | None, Lines, list[Problem]]:
    """The descriptor as a dict (None when it cannot be read), where each value is, and why not."""
    lines = Lines()
    if len(raw) > MAX_BYTES:
        return None, lines, [Problem(DESCRIPTOR, None, None, f"is {len(raw):,} bytes: a descriptor over "
                                     f"{MAX_BYTES:,} bytes is not read", "descriptor-too-large")]
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, lines, [Problem(DESCRIPTOR, 1, None, "starts with a byte-order mark (BOM): save it as UTF-8 "
                                     "without BOM", "descriptor-bom")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, lines, [Problem(DESCRIPTOR, raw.count(b"\n", 0, error.start) + 1, None,
                                     f"is not UTF-8 (byte 0x{raw[error.start]:02X} cannot be read): save it as UTF-8",
                                     "descriptor-encoding")]
    problems = scan(text, lines)
    if problems:
        return None, lines, problems
    try:
        descriptor = json.loads(text, parse_constant=_no_constant)
    except (json.JSONDecodeError, ValueError) as error:
        where = f" (column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        return None, lines, [Problem(DESCRIPTOR, getattr(error, "lineno", None), None,
                                     f"is not valid JSON: {getattr(error, 'msg', error)}{where}", "descriptor-json")]
    if not isinstance(descriptor, dict):
        return None, lines, [Problem(DESCRIPTOR, 1, None, "must be a JSON object, {…}", "descriptor-json")]
    return descriptor, lines, []


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+|"')


def scan(text: str, lines: Lines) -> list[Problem]:
    """Walk the JSON without recursion: the line of every value by its path, keys
    repeated within an object, and nesting beyond MAX_DEPTH. Syntax errors are left to
    `json.loads`, which words them well."""
    stack: list[list] = []  # [container kind, path, keys seen or next index, pending key]
    line, position, expect_key = 1, 0, False
    for token in TOKEN.finditer(text):
        line += text.count("\n", position, token.start())
        position = token.start()
        t = token.group()
        top = stack[-1] if stack else None
        if t in ":,":
            if t == "," and top is not None:
                expect_key = top[0] == "object"
                if top[0] == "array":
                    top[2] += 1
            continue
        if t in "}]":
            if not stack:
                return []  # a syntax error: json.loads says where
            stack.pop()
            expect_key = False
            continue
        if top is not None and top[0] == "object" and expect_key:
            try:
                key = json.loads(t)
            except ValueError:
                return []  # not a string: a syntax error, worded by json.loads
            if key in top[2]:
                path = top[1] + (key,)
                return [Problem(DESCRIPTOR, line, path_text(path), f"repeats the key '{key}': a reader would "
                                "keep only one of the two values; remove the other", "descriptor-duplicate-key")]
            top[2].add(key)
            top[3] = key
            expect_key = False
            lines.at[top[1] + (key,)] = line
            continue
        path = () if top is None else top[1] + ((top[3],) if top[0] == "object" else (top[2],))
        lines.at.setdefault(path, line)
        if t in "{[":
            if len(stack) >= MAX_DEPTH:
                return [Problem(DESCRIPTOR, line, path_text(path) or None, f"nests deeper than {MAX_DEPTH} levels: "
                                "no descriptor of this package needs that", "descriptor-too-deep")]
            stack.append(["object", path, set(), None] if t == "{" else ["array", path, 0, None])
            expect_key = t == "{"
    return []


# Shape -------------------------------------------------------------------------------

def check(descriptor: dict, lines: Lines) -> list[Problem]:
    """Everything the commands rely on, then the Data Package standard (frictionless)."""
    found = safety(descriptor, lines, ())
    found += package_shape(descriptor, lines)
    if not found:
        found += standard(descriptor, lines)
    return found


def safety(value, lines: Lines, path: tuple) -> list[Problem]:
    """`$ref` and profile URLs anywhere: the places a reader would fetch from."""
    found = []
    pending = [(value, path)]
    while pending:
        value, path = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "$ref":
                    found.append(problem(lines, path + (key,), "is a reference: kzuz never follows one; "
                                         "write the value out", "descriptor-reference"))
                elif key in ("profile", "$schema") and isinstance(item, str) and item not in PROFILES:
                    found.append(problem(lines, path + (key,), f"'{_short(item)}' is not a profile kzuz knows "
                                         f"({', '.join(sorted(PROFILES))}); it never fetches one: remove it",
                                         "descriptor-profile"))
                pending.append((item, path + (key,)))
        elif isinstance(value, list):
            pending += [(item, path + (n,)) for n, item in enumerate(value)]
    return found


def _short(value, limit: int = 60) -> str:
    value = str(value)
    return value if len(value) <= limit else value[:limit] + "…"


def package_shape(descriptor: dict, lines: Lines) -> list[Problem]:
    found = []
    name = descriptor.get("name")
    if "name" in descriptor and (not isinstance(name, str) or not NAME.match(name)):
        found.append(problem(lines, ("name",), f"'{_short(name)}' is not a name of the form {NAME.pattern}: "
                             "release files are named after it", "descriptor-name"))
    version = descriptor.get("version")
    if "version" in descriptor and (not isinstance(version, str) or not VERSION.match(version)):
        found.append(problem(lines, ("version",), f"'{_short(version)}' is not a version X.Y.Z", "descriptor-version"))
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return found + [problem(lines, ("resources",), "must be a list of resources, one per table", "descriptor-resources")]
    names = [r.get("name") if isinstance(r, dict) else None for r in resources]
    for n, resource in enumerate(resources):
        where = ("resources", n)
        if not isinstance(resource, dict):
            found.append(problem(lines, where, "must be an object describing one table", "descriptor-resource"))
            continue
        if names.count(resource.get("name")) > 1:
            found.append(problem(lines, where + ("name",), f"'{_short(resource.get('name'))}' names two resources",
                                 "descriptor-resource-name"))
        found += resource_shape(resource, names, resources, lines, where)
    return found + release_names(resources, lines)


def resource_shape(resource: dict, names: list, resources: list, lines: Lines, where: tuple) -> list[Problem]:
    found = []
    name = resource.get("name")
    if not isinstance(name, str) or not TABLE_NAME.match(name):
        found.append(problem(lines, where + ("name",), f"'{_short(name)}' is not a table name of the form "
                             f"{TABLE_NAME.pattern}", "descriptor-resource-name"))
    found += resource_path(resource.get("path"), lines, where + ("path",))
    if "data" in resource:
        found.append(problem(lines, where + ("data",), "holds inline data: every table is a CSV file in the package",
                             "descriptor-inline-data"))
    for key, allowed in (("format", {"csv"}), ("mediatype", {"text/csv"}), ("scheme", {"file"}),
                         ("encoding", {"utf-8", "utf8"})):
        if key in resource and str(resource[key]).lower() not in allowed:
            found.append(problem(lines, where + (key,), f"'{_short(resource[key])}' is not what the package's CSV "
                                 f"files are ({' or '.join(sorted(allowed))}): remove it", "descriptor-format"))
    if "compression" in resource:
        found.append(problem(lines, where + ("compression",), "is not supported: the CSV files are stored as they are",
                             "descriptor-format"))
    found += dialect_shape(resource.get("dialect"), lines, where + ("dialect",))
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        what = "a reference" if isinstance(schema, str) else "missing" if schema is None else "not an object"
        return found + [problem(lines, where + ("schema",), f"is {what}: write the Table Schema out here "
                                "(kzuz never follows a reference)", "descriptor-schema")]
    return found + schema_shape(schema, names, resources, lines, where + ("schema",))


def resource_path(path, lines: Lines, where: tuple) -> list[Problem]:
    if isinstance(path, list):
        return [problem(lines, where, "lists several files: each table is one CSV file", "descriptor-path")]
    if not isinstance(path, str) or not path:
        return [problem(lines, where, "is missing: give the table's CSV file, e.g. data/visits.csv", "descriptor-path")]
    if URL.match(path) or "://" in path:
        return [problem(lines, where, f"'{_short(path)}' is a URL: kzuz never fetches; the table must be a CSV "
                        "file inside the package", "descriptor-path-url")]
    if path.startswith("/") or "\\" in path or any(part in ("", ".", "..") for part in path.split("/")):
        return [problem(lines, where, f"'{_short(path)}' leaves the package or is not a plain relative path: "
                        "write it like data/visits.csv", "descriptor-path-outside")]
    if not PATH.match(path):
        return [problem(lines, where, f"'{_short(path)}' is not a path of letters, digits, '_', '-' and '/' ending "
                        "in .csv", "descriptor-path")]
    return []


def dialect_shape(dialect, lines: Lines, where: tuple) -> list[Problem]:
    if dialect is None:
        return []
    if not isinstance(dialect, dict):
        return [problem(lines, where, "must be written out, if given at all (kzuz never follows a reference): "
                        "better, remove it", "descriptor-dialect")]
    found = []
    for key, value in dialect.items():
        if key in DIALECT_META:
            continue
        if key not in DIALECT or value != DIALECT[key] or type(value) is not type(DIALECT[key]):
            wanted = f"it can only be {json.dumps(DIALECT[key])}" if key in DIALECT else "it is not part of the format"
            found.append(problem(lines, where + (key,), f"{json.dumps(value, ensure_ascii=False)[:60]} changes the CSV "
                                 f"format, which is fixed (UTF-8, comma, LF, \" quoting, a header row, no comments): "
                                 f"{wanted}; remove it", "descriptor-dialect"))
    return found


def schema_shape(schema: dict, names: list, resources: list, lines: Lines, where: tuple) -> list[Problem]:
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [problem(lines, where + ("fields",), "must list the table's fields", "descriptor-fields")]
    found = []
    field_names = [f.get("name") if isinstance(f, dict) else None for f in fields]
    for n, spec in enumerate(fields):
        at = where + ("fields", n)
        if not isinstance(spec, dict):
            found.append(problem(lines, at, "must be an object with a name and a type", "descriptor-field"))
            continue
        if field_names.count(spec.get("name")) > 1:
            found.append(problem(lines, at + ("name",), f"'{_short(spec.get('name'))}' names two fields",
                                 "descriptor-field-name"))
        found += field_shape(spec, lines, at)
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(v, str) for v in missing):
        found.append(problem(lines, where + ("missingValues",), "must be a list of strings", "descriptor-missing-values"))
    found += key_shape(schema.get("primaryKey"), field_names, lines, where + ("primaryKey",), required=False)
    keys = schema.get("foreignKeys", [])
    if not isinstance(keys, list):
        return found + [problem(lines, where + ("foreignKeys",), "must be a list", "descriptor-foreign-key")]
    for n, key in enumerate(keys):
        found += foreign_key_shape(key, field_names, names, resources, lines, where + ("foreignKeys", n))
    return found


def field_shape(spec: dict, lines: Lines, at: tuple) -> list[Problem]:
    found = []
    name, type_ = spec.get("name"), spec.get("type")
    if not isinstance(name, str) or not FIELD_NAME.match(name):
        found.append(problem(lines, at + ("name",), f"'{_short(name)}' is not a column name of the form "
                             f"{FIELD_NAME.pattern}", "descriptor-field-name"))
    if type_ not in TYPES:
        found.append(problem(lines, at + ("type",), f"'{_short(type_)}' is not a type kzuz reads: use one of "
                             f"{', '.join(TYPES)}", "descriptor-field-type"))
        return found
    fmt = spec.get("format", "default")
    if fmt not in FORMATS.get(type_, ("default",)):
        found.append(problem(lines, at + ("format",), f"'{_short(fmt)}' is not a format kzuz reads for {type_}: use "
                             f"{', '.join(FORMATS.get(type_, ('default',)))}", "descriptor-field-format"))
    for option in ("decimalChar", "groupChar", "bareNumber"):
        if option in spec:
            found.append(problem(lines, at + (option,), "is not supported: numbers are written with digits and a "
                                 "dot, nothing else", "descriptor-field-option"))
    for option in ("trueValues", "falseValues"):
        values = spec.get(option)
        if values is not None and (type_ != "boolean" or not isinstance(values, list)
                                   or not all(isinstance(v, str) for v in values)):
            found.append(problem(lines, at + (option,), "must be a list of strings, on a boolean field",
                                 "descriptor-field-option"))
    constraints = spec.get("constraints", {})
    if not isinstance(constraints, dict):
        return found + [problem(lines, at + ("constraints",), "must be an object", "descriptor-constraints")]
    for key, value in constraints.items():
        found += constraint_shape(key, value, type_, lines, at + ("constraints", key))
    return found


def constraint_shape(key: str, value, type_: str, lines: Lines, at: tuple) -> list[Problem]:
    def wrong(words: str) -> list[Problem]:
        return [problem(lines, at, words, "descriptor-constraint")]
    if key not in CONSTRAINTS:
        return wrong(f"is not a constraint kzuz checks ({', '.join(sorted(CONSTRAINTS))})")
    if key in ("required", "unique") and not isinstance(value, bool):
        return wrong("must be true or false")
    if key in ("minLength", "maxLength") and (type(value) is not int or value < 0 or type_ != "string"):
        return wrong("must be a whole number, on a string field")
    if key == "pattern" and (not isinstance(value, str) or type_ != "string"):
        return wrong("must be a regular expression, on a string field")
    if key == "enum" and (not isinstance(value, list) or not value
                          or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value)):
        return wrong("must be a list of values")
    if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") and type_ == "string":
        return wrong("applies to numbers and dates, not strings: use minLength or maxLength")
    return []


def key_shape(key, field_names: list, lines: Lines, at: tuple, required: bool) -> list[Problem]:
    if key is None and not required:
        return []
    names = [key] if isinstance(key, str) else key
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        return [problem(lines, at, "must be a field name or a list of field names", "descriptor-key")]
    unknown = [n for n in names if n not in field_names]
    return [problem(lines, at, f"names {', '.join(repr(_short(n)) for n in unknown)}, not a field of the table",
                    "descriptor-key")] if unknown else []


def foreign_key_shape(key, field_names: list, names: list, resources: list, lines: Lines, at: tuple) -> list[Problem]:
    if not isinstance(key, dict) or not isinstance(key.get("reference"), dict):
        return [problem(lines, at, "must be an object with fields and a reference", "descriptor-foreign-key")]
    found = key_shape(key.get("fields"), field_names, lines, at + ("fields",), required=True)
    reference = key["reference"]
    target = reference.get("resource", "")
    if target != "" and target not in names:
        return found + [problem(lines, at + ("reference", "resource"), f"'{_short(target)}' is not a resource of the "
                                "package", "descriptor-foreign-key")]
    schema = (resources[names.index(target)] if target else {}).get("schema") if target else None
    target_fields = field_names if target == "" else [f.get("name") for f in (schema or {}).get("fields", [])
                                                      if isinstance(f, dict)] if isinstance(schema, dict) else []
    found += key_shape(reference.get("fields"), target_fields, lines, at + ("reference", "fields"), required=True)
    listed = lambda v: [v] if isinstance(v, str) else v if isinstance(v, list) else []  # noqa: E731
    if not found and len(listed(key["fields"])) != len(listed(reference["fields"])):
        found.append(problem(lines, at, "names a different number of fields on each side", "descriptor-foreign-key"))
    return found


# Release formats ---------------------------------------------------------------------

def release_names(resources: list, lines: Lines) -> list[Problem]:
    """Names a release format cannot hold, each at its line: the release database (SQLite,
    release.py) ignores case in names and keeps `sqlite_…` and its own METADATA_TABLE; the
    workbook (workbook.py) has a README and a Dictionary sheet, then one per table named by
    `sheet_name`, which Excel compares ignoring case and which may not be History; a Stata
    variable name is at most STATA_NAME characters. (A name repeated exactly is reported
    by `package_shape` and `schema_shape`.)"""
    found = []
    tables: dict[str, str] = {}  # the names seen, by their lower case
    # why a sheet name is taken, by its lower case
    sheets = {s.lower(): f"is the release workbook's {s} sheet: rename the table" for s in (README_SHEET,
                                                                                              DICTIONARY_SHEET)}
    sheets |= {s.lower(): f"is {s}, a sheet name Excel reserves (for a workbook's change history): rename the table"
               for s in RESERVED_SHEETS}
    for n, resource in enumerate(resources):
        name = resource.get("name") if isinstance(resource, dict) else None
        if not isinstance(name, str) or tables.get(name.lower()) == name:
            continue
        folded, sheet = name.lower(), sheet_name(name)
        if folded.startswith(SQLITE_RESERVED):
            why = f"starts with '{SQLITE_RESERVED}', which SQLite keeps for its own tables: rename the table"
        elif folded == METADATA_TABLE.lower():
            why = f"is the release database's own table {METADATA_TABLE}: rename the table"
        elif folded in tables:
            why = (f"equals table name '{tables[folded]}' but for case, and the release database (SQLite) and "
                   "workbook (Excel) ignore case: rename one of them")
        else:
            why = sheets.get(sheet.lower())
        if why:
            found.append(problem(lines, ("resources", n, "name"), f"table name '{_short(name)}' {why}",
                                 "release-table-name"))
        tables.setdefault(folded, name)
        sheets.setdefault(sheet.lower(), f"is cut to the sheet name '{sheet}' of the release workbook (Excel allows "
                                         f"{SHEET_NAME} characters), as table name '{name}' is: rename one of them")
        schema = resource.get("schema") if isinstance(resource, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if isinstance(fields, list):
            found += release_field_names(fields, lines, ("resources", n, "schema", "fields"))
    return found


def release_field_names(fields: list, lines: Lines, where: tuple) -> list[Problem]:
    found = []
    seen: dict[str, str] = {}  # the names seen, by their lower case
    for n, spec in enumerate(fields):
        name = spec.get("name") if isinstance(spec, dict) else None
        if not isinstance(name, str) or seen.get(name.lower()) == name:
            continue
        at = where + (n, "name")
        if name.lower() in seen:
            found.append(problem(lines, at, f"field name '{_short(name)}' equals field name '{seen[name.lower()]}' "
                                 "but for case, and the release database (SQLite) ignores case in column names: "
                                 "rename one of them", "release-field-name"))
        if len(name) > STATA_NAME:
            found.append(problem(lines, at, f"field name '{_short(name)}' is {len(name)} characters, and a Stata "
                                 f"(.dta) variable name holds {STATA_NAME} at most: shorten it", "release-field-name"))
        seen.setdefault(name.lower(), name)
    return found


# The standard ------------------------------------------------------------------------

def standard(descriptor: dict, lines: Lines) -> list[Problem]:
    """The descriptor against the Data Package standard, by frictionless, fault by fault."""
    return [problem(lines, path, message, code) for path, message, code in standard_faults(descriptor)]


def standard_in_background(descriptor: dict, lines: Lines):
    """`standard`, in a process of its own on the other core: importing frictionless takes
    longer than validating a small package, and the main process has pandas and pandera
    to import meanwhile. (A process that has imported frictionless already, a test run
    say, checks in place.) Call the function it returns for the problems."""
    import subprocess
    import sys

    if "frictionless" in sys.modules:
        found = standard(descriptor, lines)
        return lambda: found

    root = str(Path(__file__).resolve().parent.parent)
    child = subprocess.Popen([sys.executable, "-c", f"import sys; sys.path.insert(0, {root!r}); "
                              "from kzuz.descriptor import standard_child; standard_child()"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdin.write(json.dumps(descriptor).encode("utf-8"))
    child.stdin.close()

    def problems() -> list[Problem]:
        out = child.stdout.read()
        error = child.stderr.read()
        if child.wait(timeout=300) != 0:
            raise RuntimeError(f"the check against the Data Package standard failed: {error.decode()[-500:]}")
        return [problem(lines, tuple(path), message, code) for path, message, code in json.loads(out)]
    return problems


def standard_child() -> None:
    """The other end of `standard_in_background`: a descriptor on stdin, its faults on stdout."""
    import sys

    sys.stdout.write(json.dumps(standard_faults(json.loads(sys.stdin.buffer.read()))))


def standard_faults(descriptor: dict) -> list[tuple[tuple, str, str]]:
    from frictionless import FrictionlessException, Package  # imported late: `kzuz --help` stays quick

    try:
        Package.from_descriptor(descriptor)
    except FrictionlessException as exception:
        return localised(descriptor, exception)
    return []


def localised(descriptor: dict, exception) -> list[tuple[tuple, str, str]]:
    from frictionless import Field, Resource

    found = []
    for n, resource in enumerate(descriptor["resources"]):
        faults = rejected(lambda: Resource.from_descriptor(resource))
        if not faults:
            continue
        in_fields = [(("resources", n, "schema", "fields", m), e)
                     for m, spec in enumerate(resource["schema"]["fields"])
                     for e in rejected(lambda: Field.from_descriptor(spec))]
        said = {e.note for _, e in in_fields}
        found += in_fields + [(("resources", n), e) for e in faults if e.note not in said]
    if not found:
        found = [((), e) for e in exception.reasons or [exception.error]]
    return [(path + at_property(e.note), f"{e.note or e.message} (the Data Package standard, checked by frictionless)",
             f"standard-{e.type}") for path, e in found]


def at_property(note: str | None) -> tuple:
    """The path below the object checked that frictionless names in its words ("… at
    property 'sources/0/title'"), so the problem has that value's line."""
    import re

    found = re.search(r" at property '([^']*)'", note or "")
    return tuple(int(part) if part.isdigit() else part for part in found.group(1).split("/") if part) if found else ()


def rejected(open_) -> list:
    from frictionless import FrictionlessException

    try:
        open_()
    except FrictionlessException as exception:
        return exception.reasons or [exception.error]
    return []
