"""What frictionless does not look at: the bytes of a CSV file.

frictionless reads a BOM, CRLF line ends, NUL bytes, an unclosed quote, text after a
closing quote and a blank line before the header without a word, and reports a bad
encoding without a line. These checks fill that gap, and `record_lines` maps
frictionless's row numbers (records) to lines in the file, which differ once a quoted
cell spans lines.
"""
from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from .problems import Problem

FMT_HINT = "(kzuz fmt fixes this)"

# The csv module refuses a cell over 128 KiB; how long a cell may be is the schema's
# maxLength to say, in words. (frictionless raises the limit too, but only once imported.)
csv.field_size_limit(2**31 - 1)


def line_at(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def check_bytes(raw: bytes, file: str) -> tuple[list[Problem], str | None]:
    """Problems with the file as bytes, and its text when it can be decoded."""
    problems = []
    if raw.startswith(codecs.BOM_UTF8):
        problems.append(Problem(file, 1, None, f"starts with a byte-order mark (BOM): save as UTF-8 without BOM {FMT_HINT}", "bom"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(Problem(file, line_at(raw, error.start), None,
                                f"is not UTF-8 (byte 0x{raw[error.start]:02X} cannot be read): save the file as UTF-8", "encoding"))
        return problems, None
    if "\0" in text:
        problems.append(Problem(file, line_at(raw, raw.index(b"\0")), None, "contains a NUL byte: remove it", "nul-byte"))
    if text and not text.partition("\n")[0].strip("\r ,"):  # frictionless takes the next line as the header
        problems.append(Problem(file, 1, None, "is blank: the header must be the first line", "blank-first-line"))
    if b"\r\n" in raw:
        problems.append(Problem(file, line_at(raw, raw.index(b"\r\n")), None,
                                f"ends its lines with CRLF (Windows): save with LF line ends {FMT_HINT}", "crlf"))
    opened = unclosed_quote(text)
    if opened is not None:
        problems.append(Problem(file, text.count("\n", 0, opened) + 1, None,
                                'has a quoted cell that is never closed: add the closing "', "unclosed-quote"))
    else:
        misquoted = text_after_quote(text)
        if misquoted is not None:
            problems.append(Problem(file, misquoted, None, 'has a quoted cell with text after its closing quote: '
                                    'quote the whole cell, doubling each " inside it', "text-after-quote"))
    return problems, text


def unclosed_quote(text: str) -> int | None:
    """Offset of a quote that opens a cell and is never closed (an escaped quote is "").

    Read as the csv module reads it: a quote opens a cell only at the cell's start; one
    inside an unquoted cell (5" floppy) is a character, and counting it would blame a
    later, well-quoted cell."""
    position = text.find('"')
    while position != -1:
        if position == 0 or text[position - 1] in ",\r\n":
            close = text.find('"', position + 1)
            while close != -1 and text.startswith('""', close):
                close = text.find('"', close + 2)
            if close == -1:
                return position
            position = close
        position = text.find('"', position + 1)
    return None


def text_after_quote(text: str) -> int | None:
    """Line of a quoted cell with text after its closing quote ("Almaty" Region), which
    frictionless reads as Almaty Region without a word and a strict reader refuses (kzuz
    fmt among them). Once every quote is closed, that is all a strict reader refuses."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error:
        return reader.line_num
    return None


def record_lines(text: str) -> list[int]:
    """Line on which each record starts: record_lines(text)[n - 1] is row n's line (header = row 1)."""
    starts, reader, next_line = [], csv.reader(io.StringIO(text, newline="")), 1
    for _ in reader:
        starts.append(next_line)
        next_line = reader.line_num + 1
    return starts


class Lines:
    """Row number → line, read from the file only when a problem needs it."""

    def __init__(self, path: Path):
        self.path, self._starts = path, None

    def __call__(self, row_number: int | None) -> int | None:
        if row_number is None:
            return None
        if self._starts is None:
            try:
                self._starts = record_lines(self.path.read_bytes().decode("utf-8-sig", errors="replace"))
            except OSError:
                self._starts = []
        return self._starts[row_number - 1] if 0 < row_number <= len(self._starts) else row_number
