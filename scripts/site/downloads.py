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
import re
from dataclasses import dataclass, field

from ..descriptor import DESCRIPTOR
from ..sources import Unreadable
from .links import Site
from .output import SAFE_PATH

SUMS = "dist/SHA256SUMS"
FOLDER = "downloads"
LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")
MAX_BYTES = 500_000_000
CITATION = "CITATION.cff"


@dataclass
class Release:
    files: list[tuple[str, str, bool]] = field(default_factory=list)  # (path in dist/, sha256, it matches)
    problem: str = ""                                                 # why none can be offered

    @property
    def built(self) -> bool:
        return bool(self.files)


def package_files(site: Site) -> dict[str, bytes]:
    """The descriptor and every table's CSV, at their paths in the package."""
    files = {DESCRIPTOR: site.package.descriptor_bytes}
    files.update({rows.resource.path: site.package.file_bytes(rows.resource) for rows in site.tables.values()})
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
            content = site.read(f"dist/{path}", MAX_BYTES)
        except Unreadable:
            found.files.append((path, digest, False))
            continue
        matches = hashlib.sha256(content).hexdigest() == digest
        found.files.append((path, digest, matches))
        if matches:
            copies[f"{FOLDER}/{path}"] = content
    found.files.sort()
    if not found.files:
        return Release(problem=f"{SUMS} lists no file"), {}
    return found, copies
