"""How every command writes: atomically, alone, and only what it made.

    replace(path, content)            a file: written beside, then renamed over the old one
    with staged(folder) as build:     a folder (dist/, site/): built beside, then swapped in
    with exclusive(package_dir, "release"):   one writing command at a time on a package

A command that fails — a full disk, a bug, Ctrl-C — leaves the old files as they were:
nothing is written in place. A second `kzuz release` (or site, docs, fmt) started while
one runs on the same package is refused at once with a plain message (exit 2), rather
than the two interleaving their writes or one waiting without a word. The lock is
`flock` on the package directory itself, so no lock file is left behind, and the system
releases it when the process ends, however it ends.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path

from .problems import Failure


def replace(target: Path, content: bytes) -> None:
    """Write `content` to a new file beside `target`, then rename it over `target`."""
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".kzuz")
    try:
        with os.fdopen(descriptor, "wb") as f:
            f.write(content)
        os.chmod(temporary, os.stat(target).st_mode & 0o777 if target.exists() else 0o644)
        os.replace(temporary, target)
    except BaseException as error:
        os.unlink(temporary)
        if isinstance(error, OSError):  # the user's file is what could not be written, not our temporary
            raise OSError(error.errno, error.strerror, str(target)) from None
        raise


@contextlib.contextmanager
def staged(target: Path):
    """A new, empty folder beside TARGET to build in; when the block ends without an
    error it takes TARGET's place (the old TARGET, already checked to be the command's
    own, is then deleted), and on an error it is deleted and TARGET left as it was."""
    target.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".kzuz-build"))
    try:
        yield build
        build.chmod(0o755)  # mkdtemp's 0700 would hide the site from a web server
        if target.exists():
            old = build.with_suffix(".kzuz-old")
            os.rename(target, old)
            try:
                os.rename(build, target)
            except BaseException:
                os.rename(old, target)  # the old one back where it was
                raise
            shutil.rmtree(old, ignore_errors=True)  # the new one is in place; what cannot be deleted stays hidden
        else:
            os.rename(build, target)
    except BaseException as error:
        shutil.rmtree(build, ignore_errors=True)
        if isinstance(error, OSError) and str(error.filename or "").startswith(str(build)):
            # named as the file it would have become, not the temporary folder it was built in
            raise OSError(error.errno, error.strerror, str(target) + str(error.filename)[len(str(build)):]) from None
        raise


@contextlib.contextmanager
def exclusive(package_dir: Path, command: str):
    """Hold the package for COMMAND; a Failure of the environment if another holds it."""
    fd = os.open(package_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Failure.environment(package_dir, f"is being written by another kzuz command (release, site, docs "
                                      f"or fmt): run kzuz {command} again when it has finished", "busy") from None
        yield
    finally:
        os.close(fd)  # releases the lock
