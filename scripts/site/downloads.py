"""What a visitor can download: the package itself (its descriptor and CSV files, copied
into the site), and the latest release that `kzuz release` built into dist/.

The release is read from dist/SHA256SUMS: each file it lists is copied into the site's
downloads/ folder only when its checksum matches, so a link on the site is always to
the file the checksum names; a file that does not match is listed as such, without a
link. With no dist/SHA256SUMS, the site says that no release has been built. Every file
is read through the package's source (sources.py), so a link out of the package is refused like anywhere else.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import partial

from ..descriptor import DESCRIPTOR
from ..problems import Failure, Problem
from ..sources import Unreadable, open_file
from .links import Site
from .output import SAFE_PATH

SUMS = "dist/SHA256SUMS"
FOLDER = "downloads"
LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")
MAX_BYTES = 500_000_000
PIECE = 1 << 20
CITATION = "CITATION.cff"


@dataclass
class Release:
    files: list[tuple[str, str, bool]] = field(default_factory=list)  # (path in dist/, sha256, it matches)
    problem: str = ""                                                 # why none can be offered

    @property
    def built(self) -> bool:
        return bool(self.files)


def package_files(site: Site) -> dict:
    """The descriptor and every table's CSV, at their paths in the package (a CSV copied
    piece by piece as it is written: a table may be hundreds of megabytes), each checked
    to be the bytes that were loaded."""
    files = {DESCRIPTOR: site.package.descriptor_bytes}
    files.update({rows.resource.path: partial(loaded_pieces, site, rows.resource) for rows in site.tables.values()})
    try:
        files[CITATION] = site.read(CITATION, 1_000_000)
    except Unreadable:
        pass  # a package without a citation file (a test's, a release's)
    return files


def release(site: Site) -> tuple[Release, dict[str, bytes]]:
    """(what dist/ holds, the files to put in the site's downloads/)."""
    try:
        sums = site.read(SUMS, 1_000_000).decode("utf-8")
    except Unreadable as unreadable:
        missing = unreadable.problem.code == "missing-file"
        return Release(problem="" if missing else f"{SUMS} {unreadable.problem.message}"), {}
    except UnicodeDecodeError:
        return Release(problem=f"{SUMS} is not text"), {}
    found, copies = Release(), {f"{FOLDER}/SHA256SUMS": sums.encode("utf-8")}
    for line in sums.splitlines():
        match = LINE.match(line)
        if not match or not SAFE_PATH.match(match[2]):
            continue
        digest, path = match.groups()
        try:
            matches = sha256(site.package.directory, f"dist/{path}") == digest
        except Unreadable:
            matches = False
        found.files.append((path, digest, matches))
        if matches:
            copies[f"{FOLDER}/{path}"] = partial(pieces, site.package.directory, f"dist/{path}", MAX_BYTES)
    found.files.sort()
    if not found.files:
        return Release(problem=f"{SUMS} lists no file"), {}
    return found, copies


def pieces(directory, relative: str, limit: int | None = None):
    """The file's bytes, PIECE bytes at a time, opened as every file is (sources.py)."""
    fd = open_file(directory, relative)
    with os.fdopen(fd, "rb") as f:
        if limit and os.fstat(f.fileno()).st_size > limit:
            raise Unreadable(Problem(relative, None, None, f"is over {limit:,} bytes: larger than kzuz reads",
                                     "file-too-large"))
        while piece := f.read(PIECE):
            yield piece


def loaded_pieces(site: Site, resource):
    """The table's file, piece by piece, and a Failure at its end if it is not the file
    that was loaded and checked (it changed since): the site being built is then dropped."""
    digest = hashlib.sha256()
    for piece in pieces(site.package.directory, resource.path):
        digest.update(piece)
        yield piece
    if digest.hexdigest() != site.package.tables[resource.name].table.sha256:
        raise Failure([Problem(resource.path, None, None, "changed while kzuz was reading the package: run the "
                               "command again when nothing else writes to it", "changed-while-read")])


def sha256(directory, relative: str) -> str:
    digest = hashlib.sha256()
    for piece in pieces(directory, relative, MAX_BYTES):
        digest.update(piece)
    return digest.hexdigest()
