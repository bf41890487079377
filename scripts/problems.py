"""One record for every problem any check finds, and the three ways to show a list of them.

Checks return Problems and never print; `text`, `as_json` and `github` render them.
Every value in a problem may come from a stranger's file, so every renderer escapes
what a terminal, a JSON reader or a CI log would act on: control characters (an ANSI
escape sequence clears a terminal), bidirectional controls (they reorder what the
reader sees), zero-width characters, and line breaks (a new line in a GitHub log may
start a workflow command). They are shown as `\\x1b`-style codes, never sent raw.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass

# C0 and C1 controls, DEL, bidirectional embeddings, overrides, isolates and marks,
# zero-width characters, line and paragraph separators, and the byte-order mark.
UNSAFE = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010), *range(0x2028, 0x202F),
          *range(0x2060, 0x2070), 0xFEFF]
_SHOWN = {code: (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}") for code in UNSAFE}
_JSON = {code: f"\\u{code:04x}" for code in UNSAFE if code >= 0x7F}  # json escapes C0 itself


@dataclass(frozen=True)
class Problem:
    file: str             # relative to the package directory, e.g. "data/visits.csv"
    line: int | None      # line in the file, header = 1; None when about the whole file
    column: str | None    # field name (or the descriptor's JSON path); None for a whole row or file
    message: str          # plain words, saying how to fix it where that is not obvious
    code: str             # stable identifier of the check, e.g. "type-error", "end_date_not_before_start_date"

    def sort_key(self):
        return (self.file, self.line or 0, self.column or "", self.message)

    def location(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.column}" if self.column else where


PACKAGE, ENVIRONMENT = 1, 2  # the exit status each kind of Failure ends in (DESIGN.md)


class Failure(Exception):
    """Every failure kzuz anticipates, whichever command meets it: the Problems, and whose
    they are. `status` PACKAGE (exit 1): the package has them, each at its file, line and
    column. ENVIRONMENT (exit 2): the user's or the machine's situation (a wrong option, a
    path that is not a package, a read-only folder, no git), each naming the path and the
    reason. A problem with no file is about the command's whole work ("refused: …").
    `summary`, if given, is the one line the command line ends with. The command line
    catches it, once; anything else that escapes is a bug."""

    def __init__(self, problems: list[Problem], status: int = PACKAGE, summary: str = ""):
        super().__init__(summary or "; ".join(f"{p.location()}: {p.message}" for p in problems))
        self.problems, self.status, self.summary = list(problems), status, summary

    @classmethod
    def refused(cls, reasons: list[str]) -> "Failure":
        """A command that will not do its work on this package, for these reasons."""
        return cls([Problem("", None, None, f"refused: {reason}", "refused") for reason in reasons])

    @classmethod
    def environment(cls, path, message: str, code: str = "environment") -> "Failure":
        """A situation of the machine or of the command's arguments, at PATH."""
        return cls([Problem(str(path), None, None, message, code)], ENVIRONMENT)


def printable(value: str) -> str:
    """`value` with every character a terminal or log could act on shown as a code, and
    the bytes of a name that is not UTF-8 (a path, kept by Python as lone surrogates,
    which no terminal can be sent) shown as `\\xff`."""
    value = str(value)
    try:
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte (from JSON's \\ud800)
        value = value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value.translate(_SHOWN)


def code_point(character: str) -> str:
    """U+200B ZERO WIDTH SPACE: how a message names a character it cannot show."""
    return f"U+{ord(character):04X} {unicodedata.name(character, 'control character')}"


def text(problems: list[Problem], per_file: int | None = None) -> str:
    """One line per problem; with `per_file`, the first so many of each file, then a count."""
    lines, shown, hidden = [], {}, {}
    for p in problems:
        shown[p.file] = shown.get(p.file, 0) + 1
        if per_file is not None and shown[p.file] > per_file:
            hidden[p.file] = hidden.get(p.file, 0) + 1
            continue
        lines.append(printable(f"{p.location()}: {p.message}") + "\n")
    lines += [f"{printable(file)}: and {count} more problem{'s' * (count != 1)} in this file "
              f"(--format json lists them all)\n" for file, count in hidden.items()]
    return "".join(lines)


def json_text(document) -> str:
    """JSON with every character a terminal could act on escaped (\\u202e), so printing it is safe."""
    return json.dumps(document, ensure_ascii=False, indent=2).translate(_JSON) + "\n"


def as_json(problems: list[Problem], **summary) -> str:
    return json_text({**summary, "problems": [asdict(p) for p in problems]})


def _escape(value: str, *, property_: bool = False) -> str:
    # https://docs.github.com/actions/reference/workflow-commands-for-github-actions: %, CR
    # and LF are escaped in both parts, ":" and "," in properties too.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    value = value.replace(":", "%3A").replace(",", "%2C") if property_ else value
    return printable(value)


def github(problems: list[Problem]) -> str:
    lines = []
    for p in problems:
        props = f"file={_escape(p.file, property_=True)}"
        if p.line:
            props += f",line={p.line}"
        title = p.column or p.code
        lines.append(f"::error {props},title={_escape(title, property_=True)}::{_escape(p.message)}\n")
    return "".join(lines)
