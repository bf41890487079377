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
import shutil
import tempfile
from pathlib import Path

from ..descriptor import DESCRIPTOR

DEFAULT = "site"
MARKER = ".kzuz-site"
MARKER_TEXT = b"Built by kzuz site: this folder is emptied and rewritten by each build.\n"
SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")


class Refused(Exception):
    """The folder given to --out may not be written to; the message says why."""


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
    if target.exists() and not target.is_dir():
        raise Refused(f"--out {given} is a file, not a folder")
    for path in [DESCRIPTOR, *resources]:
        if (root / path).is_relative_to(target):
            raise Refused(f"--out {given} holds {path}, a file of the package: choose another folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise Refused(f"--out {given} holds files kzuz site did not write (it has no {MARKER}); kzuz empties the "
                      "folder before each build, so it will not use this one: remove it or choose another")
    return target


def write(target: Path, files: dict) -> None:
    """Write FILES (relative path → bytes, or a function that makes them: bytes or pieces of
    bytes) into a new folder beside TARGET, in a fixed order, then put that folder in
    TARGET's place. A file is made only as it is written, so a large site is never held in
    memory whole; and a build that fails on the way leaves the old site as it was."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".kzuz-new", dir=target.parent))
    try:
        os.chmod(staging, 0o777 & ~umask())  # mkdtemp's 0700 would keep a web server out
        (staging / MARKER).write_bytes(MARKER_TEXT)
        for relative, content in sorted(files.items()):
            if not SAFE_PATH.match(relative) or ".." in relative.split("/"):
                raise ValueError(f"refusing to write {relative!r}: not a plain relative path")
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            made = content() if callable(content) else content
            with open(path, "wb") as f:
                for piece in [made] if isinstance(made, bytes) else made:
                    f.write(piece)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = staging.with_suffix(".kzuz-old")
    try:
        if target.exists():
            os.rename(target, old)
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # left only if the swap failed
        shutil.rmtree(old, ignore_errors=True)      # does not follow links inside it


def umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
