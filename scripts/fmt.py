"""`kzuz fmt`: every CSV in canonical form, so diffs show only real changes.

Canonical: columns in schema order, rows sorted by primary key, cells trimmed, LF line
ends, UTF-8 without BOM, minimal quoting, a final newline. Lossless: a file that
cannot be read safely (not UTF-8, an unclosed quote, ragged rows, unknown, missing or
repeated columns) is left untouched and the reason reported.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from .csv_files import unclosed_quote
from .problems import Problem
from .validate import DESCRIPTOR, NotAPackage


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
    try:
        descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotAPackage(f"{package_dir} has no {DESCRIPTOR}: is it the package's directory?") from None
    except (ValueError, UnicodeDecodeError) as error:
        return FmtReport(problems=[Problem(DESCRIPTOR, None, None, f"cannot be read: {error}", "descriptor-json")])
    report = FmtReport()
    for resource in descriptor.get("resources", []):
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")


def parse(raw: bytes) -> list[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unsafe(raw.count(b"\n", 0, error.start) + 1, "it is not UTF-8: save it as UTF-8 first") from None
    if not text.strip():
        raise Unsafe(None, "it is empty: it needs at least the header row")
    text = text.replace("\r\n", "\n")  # a line end, not data
    opened = unclosed_quote(text)
    if opened is not None:
        raise Unsafe(text.count("\n", 0, opened) + 1, 'a quoted cell is never closed: add the closing "')
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, width = [], None
    for row in reader:
        if width is None:
            width = len(row)
        elif row and len(row) != width:
            raise Unsafe(reader.line_num, f"the line has {len(row)} cells where the header has {width}")
        rows.append(row)
    return rows


def column_order(header: list[str], columns: list[str]) -> list[int]:
    """Where each schema column is in the file; refuses anything but a permutation."""
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
