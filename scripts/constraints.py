"""Table Schema constraints and text hygiene, on whole columns; then keys across tables.

Per cell: required, enum, pattern, minLength/maxLength, minimum/maximum (and their
exclusive forms), and for every text cell: no control characters, no bidirectional
controls, no zero-width characters in identifiers and codes, no white space at either
end, no leading `=`, `+`, `-`, `@` (a spreadsheet runs those as formulas). One message
per cell: the first rule a cell breaks is the one reported.

Across rows and tables: `unique`, primary keys (composite too) and foreign keys, with the
line of the first occurrence for a repeat. Patterns run on RE2 (pyarrow), which cannot
be made to backtrack for ever by a hostile pattern or cell.
"""
from __future__ import annotations

import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .descriptor import DESCRIPTOR
from .problems import Problem
from .typed import Typed, cells, parse, shown, words

# (RE2 for the whole column, Python's re for the few cells that hold one, what it is, code)
CONTROL = (r"[\x00-\x1f\x7f-\x9f]", r"[\x00-\x1f\x7f-\x9f]", "a control character", "control-character")
BIDI = (r"[\x{202A}-\x{202E}\x{2066}-\x{2069}]", r"[\u202a-\u202e\u2066-\u2069]",
        "which reorders how the text around it is shown", "bidi-control")
INVISIBLE = (r"[\x{200B}-\x{200F}\x{2060}\x{FEFF}]", r"[\u200b-\u200f\u2060\ufeff]",
             "which cannot be seen in an identifier or code", "zero-width")
FORMULA = ("=", "+", "-", "@")
CONTROL_NAMES = {0x00: "NULL", 0x09: "TAB", 0x0A: "LINE FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE"}


def name_of(character: str) -> str:
    code = ord(character)
    name = CONTROL_NAMES.get(code) or unicodedata.name(character, "a control character")
    return f"U+{code:04X} ({name})"


# Cells -------------------------------------------------------------------------------

def check_cells(typed: Typed, pool=None) -> list[Problem]:
    """Adds the cell problems of `typed` to it; returns problems about the descriptor
    itself (a pattern RE2 cannot compile). `pool` (an Executor) checks the columns side by
    side: each writes only its own column's marks, and the problems are sorted later."""
    identifiers = key_fields(typed.resource)
    found = (pool.map if pool else map)(lambda spec: check_column(typed, spec, identifiers), typed.resource.fields)
    return [problem for column in found for problem in column]


def check_column(typed: Typed, spec: dict, identifiers: set[str]) -> list[Problem]:
    descriptor_problems = []
    name, constraints = spec["name"], spec.get("constraints", {})
    values, text = typed.values[name], typed.table.columns[name]
    present = values.is_valid().to_numpy(zero_copy_only=False)
    if constraints.get("required") or name in typed.resource.primary_key:
        typed.reject(name, ~present & ~typed.rejected[name], required)
    if spec["type"] == "string":
        padded, formula = ends(text, present)
        typed.reject(name, padded, untrimmed)
        hygiene(typed, name, text, name in identifiers)
    if "enum" in constraints:
        typed.reject(name, present & ~in_enum(spec, values, constraints["enum"]), one_of(text, constraints["enum"]))
    if "pattern" in constraints:
        try:
            fits = per_value(text, lambda cells: pc.match_substring_regex(cells, f"^(?:{constraints['pattern']})$"))
        except pa.ArrowInvalid as error:
            descriptor_problems.append(Problem(DESCRIPTOR, None, f"{typed.resource.name}.{name}",
                                               f"pattern cannot be used: {str(error)[:120]}", "descriptor-pattern"))
        else:
            typed.reject(name, present & ~fits, form(text, spec))
    lengths(typed, name, text, present, constraints)
    bounds(typed, name, values, present, constraints, spec["type"])
    if spec["type"] == "string":
        typed.reject(name, formula, spreadsheet(text))
    return descriptor_problems


def per_value(text, test) -> np.ndarray:
    """`test` (a pyarrow kernel answering per cell), run once per distinct value when the
    values repeat, as codes and ids do: a million cells may hold twenty values."""
    distinct = pc.unique(text).drop_null()
    if len(distinct) * 4 > len(text):
        return pc.fill_null(test(text), True).to_numpy(zero_copy_only=False)
    passing = distinct.filter(pc.fill_null(test(distinct), False))
    return pc.or_kleene(pc.is_in(text, value_set=passing), pc.is_null(text)).to_numpy(zero_copy_only=False)


def key_fields(resource) -> set[str]:
    """Identifiers and codes: fields in a key, unique, or held to an enum or pattern."""
    names = set(resource.primary_key) | {n for k in resource.foreign_keys for n in k.fields}
    return names | {f["name"] for f in resource.fields
                    if {"unique", "enum", "pattern"} & set(f.get("constraints", {}))}


def in_enum(spec: dict, values, allowed: list) -> np.ndarray:
    """Compared as values of the field's type: 1.50 is the 1.5 of an enum of numbers."""
    members, _ = parse(spec, pa.array([str(v) for v in allowed]))
    return pc.fill_null(pc.is_in(values, value_set=members.combine_chunks().drop_null()), False).to_numpy(
        zero_copy_only=False)


@words("required")
def required(rows):
    return ["is empty, but every row needs it"] * len(rows)


def one_of(text, allowed):
    @words("enum")
    def message(rows):
        listing = ", ".join(map(str, allowed))
        return [f"'{shown(v)}' is not one of: {listing}" for v in cells(text, rows)]
    return message


def form(text, spec):
    pattern = spec["constraints"]["pattern"]
    about = spec.get("description", "").rstrip(".")

    @words("pattern")
    def message(rows):
        return [f"'{shown(v)}' does not have the form {pattern}" + (f" ({about})" if about else "")
                for v in cells(text, rows)]
    return message


def lengths(typed: Typed, name: str, text, present, constraints: dict) -> None:
    if "minLength" not in constraints and "maxLength" not in constraints:
        return
    length = pc.fill_null(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    if "maxLength" in constraints:
        most = constraints["maxLength"]

        @words("maxLength")
        def too_long(rows):
            return [f"is {length[r]} characters long; at most {most} are allowed" for r in rows]
        typed.reject(name, present & (length > most), too_long)
    if "minLength" in constraints:
        least = constraints["minLength"]

        @words("minLength")
        def too_short(rows):
            return [f"is {length[r]} characters long; at least {least} are needed" for r in rows]
        typed.reject(name, present & (length < least), too_short)


BOUNDS = {"minimum": ("less", "below the minimum"), "maximum": ("greater", "above the maximum"),
          "exclusiveMinimum": ("less_equal", "not above the exclusive minimum"),
          "exclusiveMaximum": ("greater_equal", "not below the exclusive maximum")}


def bounds(typed: Typed, name: str, values, present, constraints: dict, type_: str) -> None:
    for key, (compare, words_) in BOUNDS.items():
        if key not in constraints:
            continue
        limit, limit_bad = parse({"type": type_}, pa.array([str(constraints[key])]))
        if limit_bad[0]:
            continue  # the descriptor check reports a bound that is not of the field's type
        beyond = pc.fill_null(getattr(pc, compare)(values, limit[0]), False).to_numpy(zero_copy_only=False)

        @words(key)
        def message(rows, key=key, words_=words_):
            return [f"{shown(v)} is {words_}, {constraints[key]}" for v in cells(values, rows)]
        typed.reject(name, present & beyond, message)


def hygiene(typed: Typed, name: str, text, identifier: bool) -> None:
    """Characters no cell may hold, each named by its code point. Searched only in a file
    whose bytes may hold them (package.scan): a regular expression over every cell of a
    large table costs more than reading it."""
    import re

    table = typed.table
    searches = ([CONTROL] if table.controls or table.unicode else []) + ([BIDI] if table.unicode else []) + (
        [INVISIBLE] if table.unicode and identifier else [])
    for re2, python, why, code in searches:
        found = pc.fill_null(pc.match_substring_regex(text, re2), False).to_numpy(zero_copy_only=False)
        if not found.any():
            continue

        @words(code)
        def message(rows, python=re.compile(python), why=why):
            out = []
            for value in cells(text, rows):
                at = python.search(value).start()
                out.append(f"contains {name_of(value[at])} at character {at + 1}, {why}: remove it")
            return out
        typed.reject(name, found, message)




def ends(text, present) -> tuple[np.ndarray, np.ndarray]:
    """(cells with white space at either end, cells starting like a formula), from the
    first and last byte of each cell (numpy over pyarrow's buffers); only the few cells
    whose bytes could begin or end such a character are looked at in Python."""
    found = [chunk_ends(chunk) for chunk in text.chunks]
    padded = np.concatenate([p for p, _ in found]) if found else np.zeros(0, bool)
    formula = np.concatenate([f for _, f in found]) if found else np.zeros(0, bool)
    return padded & present, formula & present


def chunk_ends(chunk) -> tuple[np.ndarray, np.ndarray]:
    """White space at either end and a formula's first character, read from the bytes at
    each end of each cell: every white-space character Python's str.strip removes is one
    of a few UTF-8 sequences, so the test is exact and never decodes a cell. The bytes
    after a first byte, or before a last one, are read only where they could complete one."""
    padded, formula = np.zeros(len(chunk), bool), np.zeros(len(chunk), bool)
    if not len(chunk) or chunk.buffers()[2] is None or not chunk.buffers()[2].size:
        return padded, formula  # no cell holds anything
    offsets = np.frombuffer(chunk.buffers()[1], np.int32)[chunk.offset:chunk.offset + len(chunk) + 1].astype(np.int64)
    data = np.frombuffer(chunk.buffers()[2], np.uint8)
    first, end = offsets[:-1], offsets[1:]
    filled = end > first

    def byte(at, rows=slice(None)):  # the byte at each position, 0 where the cell has none there
        inside = filled[rows] & (at >= first[rows]) & (at < end[rows])
        return np.where(inside, data[np.clip(at, 0, len(data) - 1)], 0)

    a, z = byte(first), byte(end - 1)
    padded = ASCII_WHITE[a] | ASCII_WHITE[z]
    rows = np.flatnonzero(WHITE_LEAD[a])
    if len(rows):
        start = first[rows]
        padded[rows] |= (two_byte_white(a[rows], byte(start + 1, rows))
                         | three_byte_white(a[rows], byte(start + 1, rows), byte(start + 2, rows)))
    rows = np.flatnonzero(WHITE_LAST[z])
    if len(rows):
        last = end[rows] - 1
        x, y = byte(last - 2, rows), byte(last - 1, rows)
        padded[rows] |= two_byte_white(y, z[rows]) | three_byte_white(x, y, z[rows])
    return padded, filled & FORMULA_BYTES[a]


# UTF-8 of the white space str.strip removes: ASCII (with the separators 1C-1F), U+0085 and
# U+00A0 (C2 85, C2 A0), U+1680 (E1 9A 80), U+2000-200A (E2 80 80-8A), U+2028-2029 (E2 80
# A8-A9), U+202F (E2 80 AF), U+205F (E2 81 9F), U+3000 (E3 80 80). UTF-8 cannot be misread
# from the middle of a character, so these bytes at a cell's end are that character.
def byte_set(values) -> np.ndarray:
    """A table of 256 booleans: `table[byte_array]` tests membership in one pass."""
    table = np.zeros(256, bool)
    table[list(values)] = True
    return table


ASCII_WHITE = byte_set(b" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f")
E2_80_WHITE = byte_set([*range(0x80, 0x8B), 0xA8, 0xA9, 0xAF])
FORMULA_BYTES = byte_set("".join(FORMULA).encode())
WHITE_LEAD = byte_set([0xC2, 0xE1, 0xE2, 0xE3])              # the first byte of one of them
WHITE_LAST = byte_set([0x85, 0xA0, *range(0x80, 0x8B), 0xA8, 0xA9, 0xAF, 0x9F])  # its last byte


def two_byte_white(a, b) -> np.ndarray:
    return (a == 0xC2) & ((b == 0x85) | (b == 0xA0))


def three_byte_white(a, b, c) -> np.ndarray:
    return (((a == 0xE1) & (b == 0x9A) & (c == 0x80)) | ((a == 0xE2) & (b == 0x80) & E2_80_WHITE[c])
            | ((a == 0xE2) & (b == 0x81) & (c == 0x9F)) | ((a == 0xE3) & (b == 0x80) & (c == 0x80)))


@words("text-trimmed")
def untrimmed(rows):
    return ["has white space at its start or end: remove it (kzuz fmt does)"] * len(rows)


def spreadsheet(text):
    @words("text-formula")
    def message(rows):
        return [f"starts with '{v[:1]}', which a spreadsheet runs as a formula: reword the cell"
                for v in cells(text, rows)]
    return message


# Keys --------------------------------------------------------------------------------

def check_keys(tables: dict[str, Typed]) -> list[Problem]:
    """unique, primary and foreign keys; a table that could not be read is left out, and
    so are the foreign keys that point into it (what is missing there is unknown)."""
    problems = []
    for typed in tables.values():
        resource = typed.resource
        for spec in resource.fields:
            if spec.get("constraints", {}).get("unique") or resource.primary_key == [spec["name"]]:
                problems += repeats(typed, [spec["name"]], single=True)
        if len(resource.primary_key) > 1:
            problems += repeats(typed, resource.primary_key, single=False)
        for key in resource.foreign_keys:
            target = tables.get(key.resource)
            if target is not None and target.table.complete:
                problems += dangling(typed, key, target)
    return problems


def joined(typed: Typed, names) -> tuple[pa.ChunkedArray, np.ndarray]:
    """The key's cells as one text per row (joined by a unit separator when the key has
    several fields), and the rows whose key is whole and sound."""
    texts = [typed.table.columns[n] for n in names]
    key = texts[0] if len(texts) == 1 else pc.binary_join_element_wise(*texts, "\x1f")
    return key, usable(typed, names)


def usable(typed: Typed, names) -> np.ndarray:
    sound = np.ones(typed.table.rows, bool)
    for n in names:
        sound &= typed.values[n].is_valid().to_numpy(zero_copy_only=False) & ~typed.rejected[n]
    return sound


def key_codes(typed: Typed, names) -> np.ndarray:
    """One integer per row that is equal exactly where the key's cells are: each field
    dictionary-encoded, the codes combined (and re-numbered whenever the product of the
    fields' sizes could overflow 64 bits). Far cheaper than joining the cells as text."""
    combined, size = np.zeros(typed.table.rows, np.int64), 1
    for n in names:
        column = typed.table.columns[n]
        codes = pc.fill_null(pc.index_in(column, value_set=pc.unique(column)), -1).to_numpy(
            zero_copy_only=False).astype(np.int64) + 1
        width = int(codes.max()) + 1 if len(codes) else 1
        if size * width >= 2 ** 62:
            _, combined = np.unique(combined, return_inverse=True)
            size = int(combined.max()) + 1
        combined, size = combined * width + codes, size * width
    return combined


def repeats(typed: Typed, names: list[str], single: bool) -> list[Problem]:
    import pandas as pd

    if typed.table.rows < 2:
        return []
    sound = usable(typed, names)
    codes = pd.Series(key_codes(typed, names)[sound])
    later = codes.duplicated(keep="first").to_numpy()
    if not later.any():
        return []
    first_of = pd.Series(np.flatnonzero(~later), index=codes[~later].to_numpy())  # each key → where it first is
    positions = np.flatnonzero(sound)
    rows, firsts = positions[later], positions[first_of.loc[codes[later].to_numpy()].to_numpy()]
    lines, earlier = typed.line(rows), typed.line(firsts)
    file = typed.resource.path
    if single:
        values = cells(typed.table.columns[names[0]], rows)
        return [Problem(file, line, names[0], f"'{shown(v)}' repeats line {at}: it must be unique", "unique")
                for line, at, v in zip(lines, earlier, values)]
    keys = [cells(typed.table.columns[n], rows) for n in names]
    return [Problem(file, line, None, f"repeats the primary key ({', '.join(names)}: "
                    f"{', '.join(shown(k[i]) for k in keys)}) of line {at}", "primary-key")
            for i, (line, at) in enumerate(zip(lines, earlier))]


def dangling(typed: Typed, key, target: Typed) -> list[Problem]:
    if not typed.table.rows:
        return []
    own, usable = joined(typed, key.fields)
    theirs, sound = joined(target, key.reference)
    known = pc.filter(theirs, pa.array(sound)).combine_chunks() if len(theirs) else pa.array([], pa.string())
    found = pc.fill_null(pc.is_in(own, value_set=known), False).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(usable & ~found)
    if not len(rows):
        return []
    column = ", ".join(key.fields)
    names = ", ".join(key.reference)
    article = "an" if names[:1] in "aeiou" else "a"
    values = [v.replace("\x1f", ", ") for v in cells(own, rows)]  # the key's fields, as joined
    return [Problem(typed.resource.path, line, column, f"'{shown(v)}' is not {article} {names} in "
                    f"{target.resource.path}", "foreign-key") for line, v in zip(typed.line(rows), values)]
