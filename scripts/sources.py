"""Where a package's bytes come from: a directory, a release zip, or a git ref — the one
module that opens them, for every command.

    source = open_source("v0.1.0", repo=Path("."))    # or a directory, or a zip
    source.read("CHANGELOG.md", limit=2_000_000)      # bytes, or Unreadable with a Problem
    source.table("data/visits.csv")                   # an Opened file for the strict CSV reader

Hand-written, because what the standard library offers trusts its input and the input
here is a stranger's: `open()` follows links out of the package and blocks on a named
pipe; `zipfile` follows no policy on symlink members, raises half a dozen exception
types (and `NotImplementedError`, `EOFError`, `zlib.error`) on a crafted archive, and
believes the sizes a member states; `git show` reads a symlink's target as its content.
Here every file is a regular file inside the package, read within a size limit, and
every failure is a Problem at the file (or member) it concerns. A situation of the
machine (no git, a path that is no package) is a `Failure` of the environment (exit 2).
"""
from __future__ import annotations

import os
import stat
import subprocess
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .problems import ENVIRONMENT, Failure, Problem

DESCRIPTOR = "datapackage.json"
MAX_TABLE_BYTES = 2_000_000_000      # a CSV larger than this is not one kzuz reads
# A release zip is read within these bounds: a zip bomb or a crafted archive ends in a message.
ZIP_MEMBERS, ZIP_TOTAL, ZIP_RATIO = 10_000, 2_000_000_000, 200
GIT_TIMEOUT = 60                     # seconds: a git that hangs (a lock, a prompt) is ended


class Unreadable(Exception):
    """A file the package names that cannot be read safely; `problem` says why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def unreadable(file: str, message: str, code: str) -> Unreadable:
    return Unreadable(Problem(file, None, None, message, code))


def missing(file: str, where: str = "") -> Unreadable:
    return unreadable(file, f"is missing{where}: restore it, or remove its resource from {DESCRIPTOR}",
                      "missing-file")


class Opened:
    """A file open for the strict CSV reader: `pread` for its own scan, `arrow()` for
    pyarrow's reader (the path itself where there is one: through a Python object pyarrow
    reads half as fast)."""

    def __init__(self, fd: int | None = None, path: str | None = None, data: bytes | None = None):
        self.fd, self.path, self.data = fd, path, data

    def pread(self, size: int, offset: int) -> bytes:
        return os.pread(self.fd, size, offset) if self.data is None else self.data[offset:offset + size]

    def arrow(self):
        import pyarrow as pa

        return self.path if self.data is None else pa.BufferReader(self.data)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Source:
    """A package's files by their path in the package. `directory` is where commands that
    write (fmt, docs, release, site) may write: only a directory has one."""
    label: str
    directory: Path | None = None

    def read(self, relative: str, limit: int) -> bytes:
        raise NotImplementedError

    def table(self, relative: str) -> Opened:
        return Opened(data=self.read(relative, MAX_TABLE_BYTES))

    def text(self, relative: str, limit: int) -> str | None:
        """A document's text (README, CHANGELOG…), None when the package has none. One
        that is there but cannot be read (a link out, a directory, too large, not UTF-8)
        is a Failure of the environment at its path: it is no table's problem."""
        try:
            raw = self.read(relative, limit)
        except Unreadable as error:
            if error.problem.code == "missing-file":
                return None
            raise Failure([error.problem], ENVIRONMENT) from None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            raise Failure([Problem(relative, line, None, f"is not UTF-8 (byte 0x{raw[error.start]:02X} cannot be "
                                   "read): save the file as UTF-8", "encoding")], ENVIRONMENT) from None


def as_source(given) -> Source:
    """GIVEN if it is a Source; a path is the package directory it names."""
    return given if isinstance(given, Source) else Directory(Path(given))


# A directory -------------------------------------------------------------------------

class Directory(Source):
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.label = str(directory)

    def read(self, relative: str, limit: int) -> bytes:
        fd = open_file(self.directory, relative)
        with os.fdopen(fd, "rb") as f:
            raw = f.read(limit + 1)
        if len(raw) > limit:
            raise unreadable(relative, f"is over {limit:,} bytes: larger than kzuz reads", "file-too-large")
        return raw

    def table(self, relative: str) -> Opened:
        fd = open_file(self.directory, relative)
        if os.fstat(fd).st_size > MAX_TABLE_BYTES:
            os.close(fd)
            raise unreadable(relative, f"is over {MAX_TABLE_BYTES:,} bytes: larger than kzuz reads", "file-too-large")
        return Opened(fd=fd, path=arrow_path(fd, inside(self.directory, relative)))


def arrow_path(fd: int, path: Path) -> str:
    """The path pyarrow opens for the file open at FD: the descriptor's own name where the
    system has one (/proc/self/fd/N: the very file that was checked, whatever its path
    spells — pyarrow cannot open a path that is not UTF-8), else the path."""
    own = f"/proc/self/fd/{fd}"
    return own if os.path.exists(own) else str(path)


def inside(directory: Path, relative: str) -> Path:
    """The real path of DIRECTORY/RELATIVE, which must lie inside DIRECTORY."""
    try:
        root = Path(directory).resolve()
        target = (root / relative).resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop of links
        raise unreadable(relative, "is a symbolic link that loops (it leads back to itself): replace the link by "
                         "the file", "link-loop") from None
    if not target.is_relative_to(root):
        raise unreadable(relative, "is a link to a file outside the package: kzuz reads only files inside it; "
                         "replace the link by the file", "outside-package")
    return target


def open_file(directory: Path, relative: str) -> int:
    """A read-only descriptor of DIRECTORY/RELATIVE, a regular file inside DIRECTORY,
    opened without following a final link and without blocking (a named pipe would)."""
    target = inside(directory, relative)
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise missing(relative) from None
    except OSError as error:
        raise unreadable(relative, f"cannot be opened ({error.strerror})", "unreadable-file") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = ("a directory" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "not a regular file")
        raise unreadable(relative, f"is {kind}, not a file: kzuz reads only regular files", "not-a-file")
    return fd


def is_link(directory: Path, relative: str) -> bool:
    return os.path.islink(Path(directory) / relative)


# A release zip -----------------------------------------------------------------------

# What a crafted or damaged archive raises while a member is read: each becomes a problem at it.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error, ValueError,
              RuntimeError, OSError)


class Zip(Source):
    """The package inside a release zip (at its root, or in one folder). Refused whole:
    too many members, too large in all, a member outside the package or compressed
    beyond any ratio real CSV reaches (a zip bomb). Refused at the member: a symbolic
    link, an encrypted member, one whose data is damaged (a CRC error), truncated, or in
    a compression kzuz cannot read, and one that holds more or less than it states."""

    def __init__(self, path: Path):
        self.label = str(path)
        try:
            self.archive = zipfile.ZipFile(path)
            members = self.archive.infolist()
        except ZIP_ERRORS as error:
            raise Failure([Problem(self.label, None, None, f"is not a zip kzuz can read ({zip_reason(error)})",
                                   "zip-unreadable")]) from None
        self.refuse_unsafe(members)
        tops = [m.filename for m in members if PurePosixPath(m.filename).name == DESCRIPTOR
                and len(PurePosixPath(m.filename).parts) <= 2]
        if not tops:
            raise Failure.environment(self.label, f"holds no {DESCRIPTOR}: it is not a release zip", "not-a-package")
        if len(tops) > 1:  # which one is the package would be a guess
            raise Failure([Problem(self.label, None, None, f"holds {len(tops)} packages ({', '.join(sorted(tops))}): "
                                   "a release zip holds one", "zip-unsafe")])
        self.base = PurePosixPath(min(tops, key=len)).parent
        self.members = {m.filename: m for m in members}

    def refuse_unsafe(self, members: list[zipfile.ZipInfo]) -> None:
        problems = []
        names = [m.filename for m in members]
        if len(set(names)) != len(names):  # a reader would take one of them, unsaid
            twice = sorted({n for n in names if names.count(n) > 1})
            problems.append(f"holds {', '.join(map(repr, twice[:3]))} more than once")
        if len(members) > ZIP_MEMBERS:
            problems.append(f"holds {len(members):,} members")
        if sum(m.file_size for m in members) > ZIP_TOTAL:
            problems.append(f"would unpack to over {ZIP_TOTAL:,} bytes")
        for member in members:
            name = PurePosixPath(member.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
                problems.append(f"holds {member.filename!r}, which points outside the package")
            elif member.compress_size and member.file_size / member.compress_size > ZIP_RATIO:
                problems.append(f"holds {member.filename!r}, compressed {member.file_size // member.compress_size}:1")
        if problems:
            raise Failure([Problem(self.label, None, None, f"{p}: not a release zip kzuz reads", "zip-unsafe")
                           for p in problems])

    def read(self, relative: str, limit: int) -> bytes:
        member = self.members.get(relative if str(self.base) == "." else str(self.base / relative))
        where = f" from {self.label}"
        if member is None or member.is_dir():
            raise missing(relative, where)
        if stat.S_ISLNK(member.external_attr >> 16):
            raise unreadable(relative, f"is a symbolic link in {self.label}: kzuz reads only files", "outside-package")
        if member.flag_bits & 0x1:
            raise unreadable(relative, f"is encrypted in {self.label}: a release zip is not", "zip-unreadable")
        if member.file_size > limit:
            raise unreadable(relative, f"is over {limit:,} bytes", "file-too-large")
        try:
            with self.archive.open(member) as f:
                raw = f.read(member.file_size + 1)  # one byte more than it states: a lie is seen
        except ZIP_ERRORS as error:
            raise unreadable(relative, f"cannot be read from {self.label} ({zip_reason(error)})",
                             "zip-unreadable") from None
        if len(raw) != member.file_size:
            raise unreadable(relative, f"holds {len(raw):,} bytes in {self.label} where the zip states "
                             f"{member.file_size:,}: the zip is damaged", "zip-unreadable")
        return raw


def starts_like_a_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def zip_reason(error: Exception) -> str:
    reason = str(error).splitlines()[0][:160] if str(error) else ""
    return f"{type(error).__name__}: {reason}" if reason else type(error).__name__


# A git ref ---------------------------------------------------------------------------

class GitRef(Source):
    """The package as committed at REF in the repository around REPO (`v0.1.0`, `HEAD~2`).
    A symbolic link in the tree is refused: git stores its target as its content."""

    def __init__(self, repo: Path, ref: str):
        self.repo, self.ref, self.label = Path(repo), ref, ref
        self.prefix = git(self.repo, "rev-parse", "--show-prefix").strip()

    def read(self, relative: str, limit: int) -> bytes:
        path = f"{self.prefix}{relative}"
        # --full-tree: PATH is from the repository's root (as the prefix is), wherever kzuz runs;
        # -z: the path as it is, never quoted
        listed = git(self.repo, "ls-tree", "-z", "-l", "--full-tree", "--end-of-options", self.ref, "--", path,
                     check=False)
        fields = listed.split(None, 4) if listed else []
        if len(fields) < 5 or fields[4].rstrip("\0") != path:
            raise missing(relative, f" in {self.ref}")
        mode, kind, _, size = fields[:4]
        if mode == "120000":
            raise unreadable(relative, f"is a symbolic link in {self.ref}: kzuz reads only files", "outside-package")
        if kind != "blob":
            raise unreadable(relative, f"is not a file in {self.ref}", "not-a-file")
        if int(size) > limit:
            raise unreadable(relative, f"is over {limit:,} bytes in {self.ref}", "file-too-large")
        return git(self.repo, "cat-file", "blob", f"{self.ref}:{path}", text=False)


def git(repo: Path, *args: str, check: bool = True, text: bool = True):
    """What a read-only git command prints in REPO. No git, or git that hangs, is a
    Failure of the environment; a command that fails is one too when `check`, else None."""
    try:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=text, timeout=GIT_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise Failure.environment("git", "is not installed (or not on PATH): kzuz needs it to read a git ref",
                                  "no-git") from None
    except subprocess.TimeoutExpired:
        raise Failure.environment(repo, f"git {args[0]} did not answer within {GIT_TIMEOUT} s", "git-hung") from None
    except OSError as error:
        raise Failure.environment(repo, f"git cannot be run ({error.strerror})", "no-git") from None
    if done.returncode != 0:
        if not check:
            return None
        message = (done.stderr if text else done.stderr.decode("utf-8", "replace")).strip().splitlines()
        raise Failure.environment(repo, f"git {args[0]} failed: {message[0] if message else done.returncode}",
                                  "git-failed")
    return done.stdout


def is_git_ref(ref: str, repo: Path) -> bool:
    if ref.startswith("-"):
        return False  # an option, not a ref
    return git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False) is not None


# Which one ---------------------------------------------------------------------------

def open_source(given: str | os.PathLike, repo: Path = Path(".")) -> Source:
    """The package GIVEN names: a directory, a zip file, or (else) a git ref of the
    repository around REPO. Anything else is a Failure of the environment."""
    path = Path(given)
    if path.is_dir():
        return Directory(path)
    if path.is_file() and (zipfile.is_zipfile(path) or starts_like_a_zip(path)):
        return Zip(path)  # a damaged zip is one too: its problem is said, not "not a package"
    if not path.exists() and Path(repo).is_dir():
        try:
            if is_git_ref(str(given), repo):
                return GitRef(repo, str(given))
        except Failure as failure:
            if failure.problems[0].code != "no-git":
                raise
            raise Failure.environment(given, "is not a package directory or a release zip, and cannot be read "
                                      "as a git ref: git is not installed (or not on PATH)", "no-git") from None
    raise Failure.environment(given, "is not a package directory, a release zip or a git ref", "not-a-package")
