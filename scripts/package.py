"""The one safe way into a package, for every command: its descriptor, and its CSV files
read strictly, as text columns with the line of every row.

Files. Only regular files whose real path is inside the package directory are opened:
a symbolic link that leaves it, a named pipe (which would block the reader forever), a
device or a directory where a file is expected is refused with a message, and nothing
is ever fetched. Files are opened without following a final link and without blocking.

CSV. The format is a contract (DESIGN.md), not a guess: UTF-8 without a byte-order
mark, commas, LF line ends, RFC 4180 quoting, a header row. frictionless and pyarrow
both accept more than that without a word (a tab- or semicolon-separated file, bare CR
line ends, `"Almaty" Region` read as `Almaty Region`), so every byte is checked here
first, with numpy over large chunks: a quote may only open a cell (after a comma or a
line end), close it (before one), or be doubled inside it. Then pyarrow's C++ reader,
which is fast and multi-threaded, reads the cells as text; typing them is `typed.py`'s
work. Rows with the wrong number of cells are reported with their line, the others
are kept, each with the line it starts on (a quoted cell can span lines).
"""
from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from . import descriptor as descriptors
from .descriptor import DESCRIPTOR
from .problems import Problem

CHUNK = 1 << 23          # bytes scanned at a time
MAX_HEADER = 1 << 20     # a header longer than this is not a header
MAX_COLUMNS = 1000
BLOCK = 1 << 22        # bytes pyarrow parses at a time (a row may not be longer)
FMT_HINT = "(kzuz fmt fixes this)"


class NotAPackage(Exception):
    """The directory given is not a data package at all (a usage error, not bad data)."""


class Unreadable(Exception):
    """A file the package names that cannot be read safely; `problem` says why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


# Files -------------------------------------------------------------------------------

def open_file(directory: Path, relative: str, what: str | None = None) -> int:
    """A read-only descriptor of DIRECTORY/RELATIVE, a regular file inside DIRECTORY."""
    what = what or relative
    root = Path(directory).resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise Unreadable(Problem(what, None, None, "is a link to a file outside the package: kzuz reads only "
                                 "files inside it; replace the link by the file", "outside-package"))
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise Unreadable(Problem(what, None, None, "is missing: restore it, or remove its resource from "
                                 f"{DESCRIPTOR}", "missing-file")) from None
    except OSError as error:
        raise Unreadable(Problem(what, None, None, f"cannot be opened ({error.strerror})", "unreadable-file")) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = ("a directory" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "not a regular file")
        raise Unreadable(Problem(what, None, None, f"is {kind}, not a file: kzuz reads only regular files",
                                 "not-a-file"))
    return fd


def read_file(directory: Path, relative: str, limit: int | None = None) -> bytes:
    fd = open_file(directory, relative)
    with os.fdopen(fd, "rb") as f:
        raw = f.read(limit + 1 if limit else -1)
    if limit and len(raw) > limit:
        raise Unreadable(Problem(relative, None, None, f"is over {limit:,} bytes: larger than kzuz reads",
                                 "file-too-large"))
    return raw


def is_link(directory: Path, relative: str) -> bool:
    return os.path.islink(Path(directory) / relative)


# The descriptor ----------------------------------------------------------------------

@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str            # the resource referred to (its own name for a self-reference)
    reference: tuple[str, ...]


@dataclass
class Resource:
    name: str
    path: str
    fields: list[dict]
    primary_key: list[str]
    foreign_keys: list[ForeignKey]
    missing_values: list[str]
    descriptor: dict

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]


@dataclass
class Package:
    directory: Path
    descriptor: dict | None
    resources: list[Resource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the descriptor's; none when it can be used


def listed(value) -> list:
    return [value] if isinstance(value, str) else list(value or [])


def open_package(directory: Path, standard: bool = True) -> Package:
    """The package's descriptor, checked (by frictionless for the standard when `standard`).

    Raises NotAPackage when DIRECTORY is no package at all."""
    directory = Path(directory)
    if not directory.is_dir():
        raise NotAPackage(f"{directory} is not a directory")
    if not os.path.lexists(directory / DESCRIPTOR):
        raise NotAPackage(f"{directory} has no {DESCRIPTOR}: is it the package's directory?")
    try:
        raw = read_file(directory, DESCRIPTOR, limit=descriptors.MAX_BYTES)
    except Unreadable as unreadable:
        return Package(directory, None, problems=[unreadable.problem])
    return package_from_bytes(directory, raw, standard)


def package_from_bytes(directory: Path, raw: bytes, standard: bool = True) -> Package:
    descriptor, lines, problems = descriptors.parse(raw)
    if descriptor is None:
        return Package(directory, None, problems=problems)
    problems = descriptors.check(descriptor, lines) if standard else (
        descriptors.safety(descriptor, lines, ()) + descriptors.package_shape(descriptor, lines))
    if problems:
        return Package(directory, descriptor, problems=problems)
    return Package(directory, descriptor, [resource_of(r) for r in descriptor["resources"]])


def resource_of(spec: dict) -> Resource:
    schema = spec["schema"]
    keys = [ForeignKey(tuple(listed(k["fields"])), k["reference"].get("resource") or spec["name"],
                       tuple(listed(k["reference"]["fields"]))) for k in schema.get("foreignKeys", [])]
    return Resource(spec["name"], spec["path"], schema["fields"], listed(schema.get("primaryKey")), keys,
                    schema.get("missingValues", [""]), spec)


# CSV ---------------------------------------------------------------------------------

@dataclass
class Table:
    """A CSV file's cells as text, by field, for the rows that could be read."""
    resource: Resource
    columns: dict = field(default_factory=dict)   # field name -> pyarrow ChunkedArray of str
    lines: object = None                          # numpy array: the line each row starts on
    problems: list[Problem] = field(default_factory=list)
    readable: bool = False                        # False: the rows could not be read safely

    @property
    def rows(self) -> int:
        return 0 if self.lines is None else len(self.lines)

    @property
    def complete(self) -> bool:
        """Every row was read: no row was left out for having the wrong number of cells.
        What a partly read table lacks is unknown, so nothing is judged by its absence."""
        return self.readable and not any(p.code in ("missing-cell", "extra-cell") for p in self.problems)


def read_table(package: Package, resource: Resource) -> Table:
    table = Table(resource)
    try:
        fd = open_file(package.directory, resource.path)
    except Unreadable as unreadable:
        table.problems.append(unreadable.problem)
        return table
    with os.fdopen(fd, "rb") as f:
        scanned = scan(f, resource.path)
        table.problems += scanned.problems
        if scanned.fatal:
            return table
        header, header_problems = read_header(scanned.head, resource)
        table.problems += header_problems
        if header is None:
            return table
        f.seek(0)
        read_rows(f, header, scanned, table)
    return table


@dataclass
class Scanned:
    head: bytes = b""       # the start of the file, enough for the header
    newlines: int = 0
    problems: list[Problem] = field(default_factory=list)
    fatal: bool = False     # the rows cannot be read safely


def scan(f, file: str) -> Scanned:
    """The whole file, chunk by chunk: BOM, CR, quoting, and the number of line ends."""
    import numpy as np

    result = Scanned()
    chunk = f.read(CHUNK)
    result.head = chunk[:MAX_HEADER + 1]
    if not chunk:
        result.problems.append(Problem(file, None, None, "is empty: it needs at least the header row", "empty-file"))
        result.fatal = True
        return result
    if chunk.startswith(b"\xef\xbb\xbf"):
        result.problems.append(Problem(file, 1, None, "starts with a byte-order mark (BOM): save as UTF-8 without "
                                       f"BOM {FMT_HINT}", "bom"))
        result.head = result.head[3:]
        chunk = chunk[3:]
    lines, before = 0, ord("\n")  # line ends so far; the byte before the chunk (a file starts like a line)
    parity, unclosed, crlf = 0, None, False  # parity: quotes so far, odd inside a quoted cell
    while chunk:
        following = f.read(CHUNK)
        if b"\r" in chunk:
            bare = _bare_cr(chunk)
            if bare == len(chunk) - 1 and following.startswith(b"\n"):
                bare = -1  # a CRLF cut in two by the chunks
            if bare != -1:
                line = lines + chunk.count(b"\n", 0, bare) + 1
                result.problems.append(Problem(file, line, None, "has a carriage return (CR) that is not part of a "
                                               f"line end: lines end with LF {FMT_HINT}", "cr"))
                result.fatal = True  # pyarrow would end a row there, where no line ends
                return result
            if not crlf:
                line = lines + chunk.count(b"\n", 0, chunk.find(b"\r")) + 1
                result.problems.append(Problem(file, line, None, "ends its lines with CRLF (Windows): save with LF "
                                               f"line ends {FMT_HINT}", "crlf"))
                crlf = True
        data = np.frombuffer(chunk, np.uint8)
        quotes = np.flatnonzero(data == 34)
        if len(quotes):
            bad, opener = quote_fault(data, quotes, parity, before, following[:1])
            if bad is not None:
                line = lines + chunk.count(b"\n", 0, int(quotes[bad])) + 1
                opening = (parity + bad) % 2 == 0
                result.problems.append(Problem(file, line, None, 'has a quote inside a cell that is not quoted: '
                                               'quote the whole cell, doubling each " inside it' if opening else
                                               'has a quoted cell with text after its closing quote: quote the whole '
                                               'cell, doubling each " inside it', "quote"))
                result.fatal = True
                return result
            if opener is not None:
                unclosed = lines + chunk.count(b"\n", 0, opener) + 1
            parity = (parity + len(quotes)) % 2
        lines += chunk.count(b"\n")
        before = chunk[-1]
        chunk = following
    result.newlines = lines
    if parity:
        result.problems.append(Problem(file, unclosed, None, 'has a quoted cell that is never closed: add the '
                                       'closing "', "unclosed-quote"))
        result.fatal = True
    return result


def _bare_cr(chunk: bytes) -> int:
    """Offset of the first CR not followed by LF, or -1."""
    at = chunk.find(b"\r")
    while at != -1 and chunk[at + 1:at + 2] == b"\n":
        at = chunk.find(b"\r", at + 1)
    return at


def quote_fault(data, quotes, parity: int, before: int, following: bytes):
    """(index in `quotes` of the first quote out of place or None, offset of the last quote opening a cell).

    The n-th quote of the file opens a cell when n is even: the byte before it must be a
    comma, a line end, or a quote (the second of a doubled pair). Odd, it closes one: the
    byte after must be a comma, a line end, the end of the file, or a quote."""
    import numpy as np

    prior = np.empty(len(quotes), np.uint8)
    prior[1:] = data[quotes[1:] - 1]
    prior[0] = data[quotes[0] - 1] if quotes[0] else before
    after = np.empty(len(quotes), np.uint8)
    after[:-1] = data[quotes[:-1] + 1]
    after[-1] = data[quotes[-1] + 1] if quotes[-1] + 1 < len(data) else (following[0] if following else 10)
    opens = (np.arange(len(quotes)) + parity) % 2 == 0
    # a comma, LF, CR (of a CRLF: a bare CR is refused before) or a quote
    bounds = lambda b: (b == 44) | (b == 10) | (b == 13) | (b == 34)  # noqa: E731
    wrong = np.flatnonzero((opens & ~bounds(prior)) | (~opens & ~bounds(after)))
    openers = np.flatnonzero(opens & (prior != 34))
    return (int(wrong[0]) if len(wrong) else None), (int(quotes[openers[-1]]) if len(openers) else None)


def read_header(head: bytes, resource: Resource) -> tuple[list[str] | None, list[Problem]]:
    """The header's names, or None (with the reasons) when the rows cannot be read by name."""
    file, names = resource.path, resource.field_names
    end = head.find(b"\n")
    first = head if end == -1 else head[:end]
    if end == -1 and len(head) > MAX_HEADER:
        return None, [Problem(file, 1, None, f"has a first line over {MAX_HEADER:,} bytes: that is not a header",
                              "header-too-long")]
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(file, 1, None, f"is not UTF-8 (byte 0x{first[error.start]:02X} cannot be read): save "
                              "the file as UTF-8", "encoding")]
    header = next(csv.reader(io.StringIO(text)), [])
    listing = ", ".join(names)
    if not any(cell.strip() for cell in header):
        return None, [Problem(file, 1, None, f"is blank: the header must be the first line ({listing})",
                              "blank-header")]
    if len(header) == 1 and len(names) > 1:
        for separator, word in (("\t", "tabs"), (";", "semicolons"), ("|", "bars")):
            if separator in header[0]:
                return None, [Problem(file, 1, None, f"is separated by {word}: use commas (save as CSV UTF-8, "
                                      "comma-delimited)", "delimiter")]
    if len(header) > MAX_COLUMNS:
        return None, [Problem(file, 1, None, f"has {len(header):,} columns; the schema has {len(names)}: "
                              f"the columns are {listing}", "header-too-wide")]
    problems = header_problems(header, names, file)
    # the rows can be read by name when each field is there once: a wrong order is reported, not fatal
    usable = all(header.count(n) == 1 for n in names) and all(h in names for h in header)
    return (header if usable else None), problems


def header_problems(header: list[str], names: list[str], file: str) -> list[Problem]:
    listing = ", ".join(names)
    problems = []
    for position, label in enumerate(header):
        shown = shorten(label)
        if not label:
            problems.append(Problem(file, 1, None, f"the header has an empty column name (column {position + 1}): "
                                    f"the columns are {listing}", "blank-label"))
        elif header.index(label) < position:
            problems.append(Problem(file, 1, shown, f"column '{shown}' appears twice in the header", "duplicate-label"))
        elif label not in names:
            hint = f" (did you mean '{label.strip()}'?)" if label.strip() in names else ""
            problems.append(Problem(file, 1, shown, f"column '{shown}' is not in the schema{hint}: the columns are "
                                    f"{listing}", "extra-label"))
    problems += [Problem(file, 1, name, f"column '{name}' is missing from the header: the columns are {listing}",
                         "missing-label") for name in names if name not in header]
    if not problems and header != names:
        problems = [Problem(file, 1, label, f"the header has '{label}' where the schema has '{name}': the columns "
                            f"are {listing}, in that order (kzuz fmt reorders them)", "incorrect-label")
                    for label, name in zip(header, names) if label != name]
    return problems


def shorten(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def read_rows(f, header: list[str], scanned: Scanned, table: Table) -> None:
    """Cells as text, through pyarrow; ragged rows reported with their line and left out."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    file, width = table.resource.path, len(header)
    try:
        data, ragged = arrow_read(f, width, threads=True)
        if ragged and any(number is None for number, _, _ in ragged):
            f.seek(0)
            data, ragged = arrow_read(f, width, threads=False)  # slower, but numbers the rows it skips
    except pa.ArrowInvalid as error:
        table.problems.append(arrow_problem(error, f, file))
        return
    # Every record spans one line plus the line breaks inside its cells; the header is record 1.
    spans = np.ones(data.num_rows + len(ragged) + 1, np.int64)
    kept = np.ones(len(spans), bool)
    kept[0] = False
    for number, _, text in ragged:
        spans[number - 1] += text.count("\n")
        kept[number - 1] = False
    if scanned.newlines > len(spans):  # some cell spans lines (LF ending the last line makes it equal)
        inside = sum(pc.count_substring(column, "\n").to_numpy(zero_copy_only=False).astype(np.int64)
                     for column in data.columns)
        spans[kept] += inside
    starts = np.concatenate(([1], 1 + np.cumsum(spans)[:-1]))
    table.problems += [ragged_problem(file, int(starts[number - 1]), cells, width) for number, cells, _ in ragged]
    table.lines = starts[kept]
    table.columns = {header[i]: data.column(i) for i in range(width)}
    blank = blank_rows(table.columns)
    if blank is not None:
        table.problems += [Problem(file, int(line), None, "has no values: remove the line (kzuz fmt does)", "blank-row")
                           for line in table.lines[blank]]
        keep = ~blank
        table.lines = table.lines[keep]
        table.columns = {name: column.filter(pa.array(keep)) for name, column in table.columns.items()}
    table.readable = True


def arrow_read(f, width: int, threads: bool):
    """(the rows as a pyarrow Table of text columns, [(record number or None, cells, text)] of ragged rows)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    ragged = []

    def skip(row):
        ragged.append((row.number, row.actual_columns, row.text))
        return "skip"
    data = pacsv.read_csv(
        f, read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=threads, block_size=BLOCK),
        parse_options=pacsv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                                         newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=skip),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                             strings_can_be_null=False, quoted_strings_can_be_null=False))
    return data, ragged


def blank_rows(columns: dict):
    """A mask of the rows whose cells are all empty, or None when there is none."""
    import pyarrow.compute as pc

    empty = None
    for column in columns.values():
        this = pc.equal(pc.binary_length(column), 0)
        empty = this if empty is None else pc.and_(empty, this)
    if empty is None or not pc.any(empty).as_py():
        return None
    return empty.to_numpy(zero_copy_only=False)


def ragged_problem(file: str, line: int, cells: int, width: int) -> Problem:
    if cells < width:
        return Problem(file, line, None, f"has {cells} cell{'s' * (cells != 1)} where the header has {width}: add "
                       "the missing commas (and quote any cell that contains a comma)", "missing-cell")
    return Problem(file, line, None, f"has {cells} cells where the header has {width}: quote any cell that "
                   "contains a comma", "extra-cell")


def arrow_problem(error: Exception, f, file: str) -> Problem:
    """What pyarrow refused, in words, with the line where that can be found."""
    if "UTF8" in str(error) or "UTF-8" in str(error):
        f.seek(0)
        decoder, offset, line = __import__("codecs").getincrementaldecoder("utf-8")(), 0, 1
        while True:
            chunk = f.read(CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as bad:
                at = max(0, bad.start)
                byte = chunk[at] if at < len(chunk) else 0
                line += chunk.count(b"\n", 0, at)
                return Problem(file, line, None, f"is not UTF-8 (byte 0x{byte:02X} cannot be read): save the file "
                               "as UTF-8", "encoding")
            if not chunk:
                break
            line += chunk.count(b"\n")
            offset += len(chunk)
        return Problem(file, None, None, "is not UTF-8: save the file as UTF-8", "encoding")
    if "straddling" in str(error) or "block" in str(error):
        return Problem(file, None, None, "has a row longer than kzuz reads at once: no row of a table needs that",
                       "row-too-long")
    return Problem(file, None, None, f"cannot be read as CSV: {str(error).splitlines()[0][:200]}", "csv")

