"""`kzuz fmt`: every CSV in canonical form, so diffs show only real changes.

Canonical: columns in schema order, rows sorted by primary key, cells trimmed, LF line
ends, UTF-8 without BOM, minimal quoting, a final newline. Lossless: a file that
cannot be read safely (not UTF-8, an unclosed quote, text after a closing quote, ragged
rows, unknown, missing, unnamed or repeated columns) is left untouched and the reason
reported. A blank line, or a row whose cells are all empty once trimmed, holds no value
and is dropped.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .csv_files import text_after_quote, unclosed_quote
from .problems import Problem
from .validate import DESCRIPTOR, NotAPackage, read_descriptor


class Unsafe(Exception):
    """The file cannot be formatted without risking its content."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line, self.message = line, message


@dataclass
class FmtReport:
    changed: list[str] = field(default_factory=list)  # files rewritten (or, with check, that would be)
    problems: list[Problem] = field(default_factory=list)  # files left alone, and why


def format_package(package_dir: Path, check: bool = False) -> FmtReport:
    package_dir = Path(package_dir)
    report = FmtReport()
    try:
        descriptor = read_descriptor(package_dir / DESCRIPTOR, report)  # in validate's words when broken
    except FileNotFoundError:
        raise NotAPackage(f"{package_dir} has no {DESCRIPTOR}: is it the package's directory?") from None
    for resource in (descriptor or {}).get("resources", []):
        if not isinstance(resource.get("path"), str):  # inline data, or none: no file to format
            report.problems.append(Problem(DESCRIPTOR, None, None, f"resource '{resource.get('name')}' has no path: "
                                           "there is no CSV file to format", "fmt-no-path"))
            continue
        path = package_dir / resource["path"]
        try:
            raw = path.read_bytes()
            canonical = canonical_csv(raw, resource["schema"])
        except OSError as error:
            report.problems.append(Problem(resource["path"], None, None, f"cannot be read: {error.strerror}", "fmt-unreadable"))
            continue
        except Unsafe as unsafe:
            report.problems.append(Problem(resource["path"], unsafe.line, None,
                                           f"left unformatted: {unsafe.message}", "fmt-unsafe"))
            continue
        if canonical != raw:
            report.changed.append(resource["path"])
            if not check:
                path.write_bytes(canonical)
    return report


def canonical_csv(raw: bytes, table_schema: dict) -> bytes:
    rows = parse(raw)
    columns = [f["name"] for f in table_schema["fields"]]
    header, body = rows[0] if rows else [], rows[1:]
    order = column_order([c.strip() for c in header], columns)
    key = [columns.index(k) for k in table_schema.get("primaryKey", [])]
    records = [[row[i].strip() for i in order] for row in body if any(cell.strip() for cell in row)]
    records.sort(key=lambda record: [record[i] for i in key])
    return "".join(map(csv_line, [columns] + records)).encode("utf-8")


def csv_line(cells: list[str]) -> str:
    """Minimal quoting: a cell is quoted when it holds a comma, a quote or a line break.
    (csv.writer takes only its own line end for a line break: with "\n" it leaves a lone
    "\r" unquoted, and the file reads back with the row cut in two.)"""
    return ",".join('"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\r\n') else cell
                    for cell in cells) + "\n"


def parse(raw: bytes) -> list[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unsafe(raw.count(b"\n", 0, error.start) + 1, "it is not UTF-8: save it as UTF-8 first") from None
    if not text.strip():
        raise Unsafe(None, "it is empty: it needs at least the header row")
    text = re.sub("\r+\n", "\n", text)  # a line end, not data: CRLF, or CRCRLF from a file converted twice
    opened = unclosed_quote(text)
    if opened is not None:
        raise Unsafe(text.count("\n", 0, opened) + 1, 'a quoted cell is never closed: add the closing "')
    misquoted = text_after_quote(text)
    if misquoted is not None:
        raise Unsafe(misquoted, 'a quoted cell has text after its closing quote: quote the whole cell, '
                                'doubling each " inside it')
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, line = [], 1  # the line the next record starts on, as validate counts them
    for row in reader:
        if row and rows and len(row) != len(rows[0]):
            cells = len(row)
            raise Unsafe(line, f"the line has {cells} cell{'s' * (cells != 1)} where the header has {len(rows[0])}")
        if row:  # a blank line holds nothing, before the header too
            rows.append(row)
        line = reader.line_num + 1
    return rows


def column_order(header: list[str], columns: list[str]) -> list[int]:
    """Where each schema column is in the file; refuses anything but a permutation."""
    if "" in header:  # a spreadsheet's trailing comma: no name to look the column up by
        raise Unsafe(1, f"the header has an empty column name (column {header.index('') + 1})")
    repeated = sorted({c for c in header if header.count(c) > 1})
    unknown = [c for c in header if c not in columns]
    missing = [c for c in columns if c not in header]
    if repeated:
        raise Unsafe(1, f"the header repeats {', '.join(repeated)}")
    if unknown or missing:
        words = ([f"unknown column(s) {', '.join(unknown)}"] if unknown else []) + \
                ([f"missing column(s) {', '.join(missing)}"] if missing else [])
        raise Unsafe(1, f"the header has {' and '.join(words)}")
    return [header.index(c) for c in columns]
