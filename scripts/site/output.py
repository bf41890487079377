"""Where the site is written, and the rule that keeps it there.

Like every kzuz command, `site` writes only inside the package directory: `--out` (a
path relative to the package directory; default `site`) must name a folder inside it,
neither the package directory itself nor one holding a file the descriptor names, and
no part of the path may be a symbolic link (the writes would follow it out). The folder
is replaced by each build, so that the site holds exactly what one build writes (two
builds are then byte-identical); to make sure that replacing never deletes anyone's
work, an existing folder is replaced only when it is empty or holds MARKER, the file
every site kzuz builds carries. A build writes into a new folder beside it and swaps the
two at the end, so a build that fails leaves the old site whole.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..descriptor import DESCRIPTOR
from ..problems import ENVIRONMENT, Failure, Problem
from ..writing import staged

DEFAULT = "site"
MARKER = ".kzuz-site"
MARKER_TEXT = b"Built by kzuz site: this folder is emptied and rewritten by each build.\n"
SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")


def Refused(message: str) -> Failure:  # noqa: N802 -- reads as the refusal it raises
    """The folder given to --out may not be written to: the user's choice to change (exit 2)."""
    return Failure([Problem("", None, None, message, "site-out")], ENVIRONMENT)


def folder(package_dir: Path, out: str | os.PathLike | None, resources: list[str]) -> Path:
    """The site's folder, checked; raises Refused."""
    root = Path(package_dir).resolve()
    given = Path(out if out is not None else DEFAULT)
    target = Path(os.path.normpath(given if given.is_absolute() else root / given))
    if target == root or not target.is_relative_to(root):
        raise Refused(f"--out {given} is not a folder inside the package: kzuz writes only inside the package "
                      f"directory ({root})")
    for depth in range(len(root.parts), len(target.parts) + 1):
        part = Path(*target.parts[:depth])
        if part.is_symlink():
            raise Refused(f"--out {given}: {part} is a symbolic link; kzuz does not write through links: "
                          "remove it or choose another folder")
        if part != target and part.exists() and not part.is_dir():
            raise Refused(f"--out {given}: {part} is a file, so no folder can be made inside it: choose another "
                          "folder")
    if target.exists() and not target.is_dir():
        raise Refused(f"--out {given} is a file, not a folder")
    for path in [DESCRIPTOR, *resources]:
        if (root / path).resolve().is_relative_to(target.resolve()):  # through a link too
            raise Refused(f"--out {given} holds {path}, a file of the package: choose another folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise Refused(f"--out {given} holds files kzuz site did not write (it has no {MARKER}); kzuz empties the "
                      "folder before each build, so it will not use this one: remove it or choose another")
    return target


def write(target: Path, files: dict) -> None:
    """Replace TARGET by a folder holding FILES (relative path → bytes, or a function that
    makes them: bytes or pieces of bytes), written in a fixed order beside it and swapped
    in whole (writing.staged). A file is made only as it is written, so a large site is
    never held in memory whole; a build that fails leaves the old site as it was."""
    with staged(target) as build:
        (build / MARKER).write_bytes(MARKER_TEXT)
        for relative, content in sorted(files.items()):
            if not SAFE_PATH.match(relative) or ".." in relative.split("/"):
                raise ValueError(f"refusing to write {relative!r}: not a plain relative path")
            path = build / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            made = content() if callable(content) else content
            if isinstance(made, bytes):
                path.write_bytes(made)
                continue
            with open(path, "wb") as f:
                for piece in made:
                    f.write(piece)
