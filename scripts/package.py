"""The one strict way into a package, for every command: its descriptor, and its CSV
files read strictly, as text columns with the line of every row. The bytes come from
`sources` (a directory, a release zip or a git ref), which opens only what is safe.

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
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from . import descriptor as descriptors
from .descriptor import DESCRIPTOR
from .problems import Failure, Problem
from .sources import MAX_TABLE_BYTES, Directory, Opened, Source, Unreadable

CHUNK = 1 << 22          # bytes scanned at a time
MAX_HEADER = 1 << 20     # a header longer than this is not a header
# the csv module's own limit (128 KiB) would raise on a long header name
csv.field_size_limit(max(csv.field_size_limit(), MAX_HEADER + 1))
MAX_COLUMNS = 1000
BLOCK = 1 << 22        # bytes pyarrow parses at a time (a row may not be longer)
FMT_HINT = "(kzuz fmt fixes this)"


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
    """A package as read from its source: the descriptor, and (once `kzuz.load` has read
    them) every table, typed. `problems` are what was found reading it; `kzuz validate`
    adds the checks and the rules."""
    source: Source
    descriptor: dict | None
    resources: list[Resource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: descriptors.Lines = field(default_factory=descriptors.Lines)  # where each value of the descriptor is
    tables: dict = field(default_factory=dict)  # resource name -> typed.Typed, for every table that could be read
    rows: dict[str, int] = field(default_factory=dict)  # rows read per table; empty until the tables are read
    tables_read: bool = False  # the descriptor could be trusted, and every table was read
    descriptor_bytes: bytes = b""  # as read: what a copy of the package carries

    @property
    def directory(self) -> Path:
        """Where a command that writes may write: a package directory, never a zip or a git ref."""
        if self.source.directory is None:
            raise Failure.environment(self.source.label, "is a release zip or a git ref: this command works on a "
                                      "package directory", "not-a-directory")
        return self.source.directory

    def resource(self, name: str) -> Resource | None:
        return next((r for r in self.resources if r.name == name), None)

    def standard_problems(self):
        """The descriptor against the Data Package standard (frictionless), checked in
        another process: call what this returns for the problems."""
        return descriptors.standard_in_background(self.descriptor, self.lines)

    def file_bytes(self, resource: Resource) -> bytes:
        """A table's file as it was read, for a copy of it (the release zip, the site): read
        again, and refused if it is not the file that was checked (it changed meanwhile)."""
        raw = self.source.read(resource.path, MAX_TABLE_BYTES)
        typed = self.tables.get(resource.name)
        if typed is None or hashlib.sha256(raw).hexdigest() != typed.table.sha256:
            raise Failure([Problem(resource.path, None, None, "changed while kzuz was reading the package: run the "
                                   "command again when nothing else writes to it", "changed-while-read")])
        return raw


def listed(value) -> list:
    return [value] if isinstance(value, str) else list(value or [])


def open_package(source: Source | Path) -> Package:
    """The package's descriptor, read and checked by kzuz's own rules (the standard's
    check, in another process, is `Package.standard_problems`). A source with no
    descriptor at all is no package: a Failure of the environment."""
    source = source if isinstance(source, Source) else Directory(Path(source))
    if isinstance(source, Directory) and not source.directory.is_dir():
        raise Failure.environment(source.label, "is not a directory", "not-a-package")
    try:
        raw = source.read(DESCRIPTOR, descriptors.MAX_BYTES)
    except Unreadable as unreadable:
        if unreadable.problem.code == "missing-file":
            raise Failure.environment(source.label, f"has no {DESCRIPTOR}: is it the package's directory?",
                                      "not-a-package") from None
        return Package(source, None, problems=[unreadable.problem])
    descriptor, lines, problems = descriptors.parse(raw)
    if descriptor is None:
        return Package(source, None, problems=problems, lines=lines)
    problems = descriptors.safety(descriptor, lines, ()) + descriptors.package_shape(descriptor, lines)
    if problems:
        return Package(source, descriptor, problems=problems, lines=lines)
    return Package(source, descriptor, [resource_of(r) for r in descriptor["resources"]], lines=lines,
                   descriptor_bytes=raw)


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
    controls: bool = True                         # a cell may hold a control character (package.scan)
    unicode: bool = True                          # a cell may hold a bidirectional or zero-width one
    sha256: str | None = None                     # of the file's bytes, as scanned

    @property
    def rows(self) -> int:
        return 0 if self.lines is None else len(self.lines)

    @property
    def complete(self) -> bool:
        """Every row was read: no row was left out for having the wrong number of cells.
        What a partly read table lacks is unknown, so nothing is judged by its absence."""
        return self.readable and not any(p.code in ("missing-cell", "extra-cell") for p in self.problems)


def read_table(source: Source, resource: Resource) -> Table:
    """The table's rows as text columns. The bytes are scanned (scan) while pyarrow
    parses them (read_rows), on two cores: both release the GIL for their work. The
    parse is kept only if the scan finds the file sound."""
    from concurrent.futures import ThreadPoolExecutor

    table = Table(resource)
    try:
        opened = source.table(resource.path)
    except Unreadable as unreadable:
        table.problems.append(unreadable.problem)
        return table
    try:
        head = opened.pread(MAX_HEADER + 4, 0)
        header, header_problems = read_header(head[3:] if head.startswith(BOM) else head, resource) if head else (None, [])
        with ThreadPoolExecutor(1) as worker:
            scanning = worker.submit(scan, opened, resource.path)
            parsed = parse_rows(opened, header, resource) if header is not None else None
            scanned = scanning.result()
    finally:
        opened.close()
    table.problems += scanned.problems
    table.sha256 = scanned.sha256
    if scanned.fatal:
        return table
    table.problems += header_problems
    if parsed is None:
        return table
    if isinstance(parsed, Problem):
        table.problems.append(parsed)
        return table
    rows_from(parsed, header, scanned, table)
    return table


BOM = b"\xef\xbb\xbf"


@dataclass
class Scanned:
    low: int = 0            # bytes below 0x20: one LF a line when nothing else is there
    crlf: bool = False
    unicode: bool = False   # a C1 control, bidirectional control or zero-width character may be there
    problems: list[Problem] = field(default_factory=list)
    fatal: bool = False     # the rows cannot be read safely
    sha256: str | None = None  # of every byte, when the whole file was scanned


def line_at(opened: Opened, offset: int) -> int:
    """The line of byte `offset` (counted again from the start: only a problem needs it)."""
    line, at = 1, 0
    while at < offset:
        chunk = opened.pread(min(CHUNK, offset - at), at)
        if not chunk:
            break
        line += chunk.count(b"\n")
        at += len(chunk)
    return line


def scan(opened: Opened, file: str) -> Scanned:
    """The whole file, chunk by chunk with numpy: BOM, CR, quoting, and whether a cell
    may hold a line break or a character `constraints.hygiene` must look for. Each test
    is a pass of numpy over the bytes; lines are counted only where a problem is."""
    import numpy as np

    result = Scanned()
    digest = hashlib.sha256()
    chunk = opened.pread(CHUNK, 0)
    digest.update(chunk)
    offset = len(chunk)
    if not chunk:
        result.problems.append(Problem(file, None, None, "is empty: it needs at least the header row", "empty-file"))
        result.fatal = True
        return result
    start = 0  # the file offset of the chunk
    if chunk.startswith(BOM):
        result.problems.append(Problem(file, 1, None, "starts with a byte-order mark (BOM): save as UTF-8 without "
                                       f"BOM {FMT_HINT}", "bom"))
        chunk, start = chunk[3:], 3
    before = ord("\n")  # the byte before the chunk (a file starts like a line)
    parity, unclosed = 0, None  # parity: quotes so far, odd inside a quoted cell
    while chunk:
        following = opened.pread(CHUNK, offset)
        digest.update(following)
        offset += len(following)
        data = np.frombuffer(chunk, np.uint8)
        result.low += int(np.count_nonzero(data < 32))
        if b"\r" in chunk and not carriage_returns(opened, start, chunk, following, file, result):
            return result
        result.unicode = result.unicode or suspect_characters(chunk, following[:2])
        quotes = np.flatnonzero(data == 34)
        if len(quotes):
            bad, opener = quote_fault(data, quotes, parity, before, following[:1])
            if bad is not None:
                opening = (parity + bad) % 2 == 0
                result.problems.append(Problem(file, line_at(opened, start + int(quotes[bad])), None,
                                               'has a quote inside a cell that is not quoted: quote the whole cell, '
                                               'doubling each " inside it' if opening else
                                               'has a quoted cell with text after its closing quote: quote the whole '
                                               'cell, doubling each " inside it', "quote"))
                result.fatal = True
                return result
            if opener is not None:
                unclosed = start + opener
            parity = (parity + len(quotes)) % 2
        before = chunk[-1]
        start += len(chunk)
        chunk = following
    if parity:
        result.problems.append(Problem(file, None if unclosed is None else line_at(opened, unclosed), None,
                                       'has a quoted cell that is never closed: add the closing "', "unclosed-quote"))
        result.fatal = True
    result.sha256 = digest.hexdigest()
    return result


def carriage_returns(opened: Opened, start: int, chunk: bytes, following: bytes, file: str, result: Scanned) -> bool:
    """Reports CRLF line ends (once), or a bare CR (then the rows cannot be read: pyarrow
    would end a row there, where no line ends). False when reading must stop."""
    bare = _bare_cr(chunk)
    if bare == len(chunk) - 1 and following.startswith(b"\n"):
        bare = -1  # a CRLF cut in two by the chunks
    first = chunk.find(b"\r")
    if first != bare and not result.crlf:  # the first CR ends a line: a CRLF, reported once a file
        result.problems.append(Problem(file, line_at(opened, start + first), None, "ends its lines with CRLF "
                                       f"(Windows): save with LF line ends {FMT_HINT}", "crlf"))
        result.crlf = True
    if bare != -1:
        result.problems.append(Problem(file, line_at(opened, start + bare), None, "has a carriage return (CR) that is "
                                       f"not part of a line end: lines end with LF {FMT_HINT}", "cr"))
        result.fatal = True
        return False
    return True


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


# The UTF-8 of the characters no cell may hold, by lead byte: C1 controls (C2 80–9F);
# zero-width, bidirectional controls and the word joiner (E2 80 8B–8F, AA–AE; E2 81
# A0, A6–A9); the byte-order mark (EF BB BF).
SUSPECT_THIRD = {0x80: (*range(0x8B, 0x90), *range(0xAA, 0xAF)), 0x81: (0xA0, *range(0xA6, 0xAA))}


def suspect_characters(chunk: bytes, following: bytes) -> bool:
    """Whether `chunk` (then `following`) may hold one of those characters: then the
    cells are searched. C2 and E2 are found in one pass ((b & 0xDF) == 0xC2), then the
    bytes after them looked at; a character cut by the chunk's end is looked at whole."""
    import numpy as np

    data = np.frombuffer(chunk, np.uint8)
    at = np.flatnonzero((data & 0xDF) == 0xC2)
    if suspect_at(data, at[at < len(data) - 2]):
        return True
    edge = np.frombuffer(chunk[-2:] + following + b"\0\0", np.uint8)  # the last two bytes, whole
    if suspect_at(edge, np.arange(min(2, len(chunk)))):
        return True
    return b"\xef" in chunk and (chunk + following).find(b"\xef\xbb\xbf") != -1  # memchr, then the rare search


def suspect_at(data, at) -> bool:
    """Whether a C1 control, bidirectional control or zero-width character starts at one of `at`."""
    import numpy as np

    if not len(at):
        return False
    lead, second, third = data[at], data[at + 1], data[at + 2]
    e2 = lead == 0xE2
    return bool(((lead == 0xC2) & (second >= 0x80) & (second < 0xA0)).any()
                or (e2 & (second == 0x80) & np.isin(third, SUSPECT_THIRD[0x80])).any()
                or (e2 & (second == 0x81) & np.isin(third, SUSPECT_THIRD[0x81])).any())


def read_header(head: bytes, resource: Resource) -> tuple[list[str] | None, list[Problem]]:
    """The header's names, or None (with the reasons) when the rows cannot be read by name."""
    file, names = resource.path, resource.field_names
    end = head.find(b"\n")
    first = (head if end == -1 else head[:end]).removesuffix(b"\r")  # CRLF is reported by scan, not fatal
    if b"\r" in first:
        return None, []  # a CR that ends no line (a file of old Mac line ends): scan reports it at its line
    if len(first) > MAX_HEADER:
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


def parse_rows(opened: Opened, header: list[str], resource: Resource):
    """(the rows as a pyarrow Table of text, the ragged rows) — or the Problem pyarrow ends on.
    A cell in the schema's missingValues (by default the empty cell) reads as null."""
    import pyarrow as pa

    missing = resource.missing_values
    try:
        data, ragged = arrow_read(opened.arrow(), len(header), missing, threads=True)
        if ragged and any(number is None for number, _, _ in ragged):
            data, ragged = arrow_read(opened.arrow(), len(header), missing, threads=False)  # slower; numbers the rows it skips
    except pa.ArrowInvalid as error:
        return arrow_problem(error, opened, resource.path)
    return data, ragged


def rows_from(parsed, header: list[str], scanned: Scanned, table: Table) -> None:
    """The parsed rows into `table`, each with its line; ragged rows reported and left out."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    data, ragged = parsed
    file, width = table.resource.path, len(header)
    # Every record spans one line plus the line breaks inside its cells; the header is record 1.
    spans = np.ones(data.num_rows + len(ragged) + 1, np.int64)
    kept = np.ones(len(spans), bool)
    kept[0] = False
    for number, _, text in ragged:
        spans[number - 1] += text.count("\n")
        kept[number - 1] = False
    # One LF a record (the last may lack it) and no other byte below 0x20: no cell holds a
    # line break or a control character, and no line need be counted.
    plain = scanned.low in (len(spans), len(spans) - 1) and not scanned.crlf
    if not plain:
        inside = sum(pc.fill_null(pc.count_substring(column, "\n"), 0).to_numpy(zero_copy_only=False).astype(np.int64)
                     for column in data.columns)
        spans[kept] += inside
    starts = np.concatenate(([1], 1 + np.cumsum(spans)[:-1]))
    table.problems += [ragged_problem(file, int(starts[number - 1]), cells, width) for number, cells, _ in ragged]
    table.lines = starts[kept]
    table.columns = {header[i]: data.column(i) for i in range(width)}
    table.controls, table.unicode = not plain, scanned.unicode
    blank = blank_rows(table.columns)
    if blank is not None:
        table.problems += [Problem(file, int(line), None, "has no values: remove the line (kzuz fmt does)", "blank-row")
                           for line in table.lines[blank]]
        keep = ~blank
        table.lines = table.lines[keep]
        table.columns = {name: column.filter(pa.array(keep)) for name, column in table.columns.items()}
    table.readable = True


def arrow_read(path, width: int, missing: list[str], threads: bool):
    """(the rows as a pyarrow Table of text columns, [(record number or None, cells, text)] of ragged rows)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    ragged = []

    def skip(row):
        ragged.append((row.number, row.actual_columns, row.text))
        return "skip"
    data = pacsv.read_csv(
        path, read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=threads, block_size=BLOCK),
        parse_options=pacsv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                                         newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=skip),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=missing,
                                             strings_can_be_null=True, quoted_strings_can_be_null=True))
    return data, ragged


def blank_rows(columns: dict):
    """A mask of the rows whose cells are all empty (or missing), or None when there is none."""
    import pyarrow.compute as pc

    empty = None
    for column in columns.values():
        this = pc.fill_null(pc.equal(pc.binary_length(column), 0), True)
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


def arrow_problem(error: Exception, opened: Opened, file: str) -> Problem:
    """What pyarrow refused, in words, with the line where that can be found."""
    if "invalid UTF8" in str(error):
        found = first_non_utf8(opened)
        if found is None:
            return Problem(file, None, None, "is not UTF-8: save the file as UTF-8", "encoding")
        line, byte = found
        return Problem(file, line, None, f"is not UTF-8 (byte 0x{byte:02X} cannot be read): save the file as UTF-8",
                       "encoding")
    if "straddles two block boundaries" in str(error):
        return Problem(file, None, None, f"has a row over {BLOCK:,} bytes long: no row of a table needs that",
                       "row-too-long")
    return Problem(file, None, None, f"cannot be read as CSV: {str(error).splitlines()[0][:200]}", "csv")


def first_non_utf8(opened: Opened) -> tuple[int, int] | None:
    """(line, byte) of the first byte that is not UTF-8, chunk by chunk; a character cut
    by a chunk's end is carried into the next chunk and read whole."""
    offset, line, carried = 0, 1, b""
    while True:
        chunk = opened.pread(CHUNK, offset)
        data = carried + chunk
        try:
            data.decode("utf-8")
            carried = b""
        except UnicodeDecodeError as bad:
            if not (chunk and bad.reason == "unexpected end of data"):
                return line + data.count(b"\n", 0, bad.start), data[bad.start]
            data, carried = data[:bad.start], data[bad.start:]  # the cut character: no LF in it
        if not chunk:
            return None
        line += data.count(b"\n")
        offset += len(chunk)
