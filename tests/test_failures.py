"""One way to fail: each situation a stranger's pull request or a maintainer's bad day
brings ends in exit 1 (the package's problem, at its file) or 2 (the situation's, naming
the path and the reason), never 3 (a bug), with a plain message and nothing lost.

Each test sets up one situation on a copy of the fixture package and runs the command
in process, as `kzuz` would run it.
"""
from __future__ import annotations

import errno
import os
import shutil
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from conftest import edit_bytes, edit_descriptor, resource
from kzuz.cli import main
from kzuz.load import load
from kzuz.release import build_zip


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# The machine: exit 2 with the path and the reason --------------------------------------

@pytest.fixture
def releasable(tmp_path) -> Path:
    """The fixture as a repository released at its version, then cut as the next minor one."""
    from repository import commit, git, make_repository
    from test_release import OLD, add_a_treaty, cut, note

    repo = make_repository(tmp_path / "repo")
    git(repo, "tag", f"v{OLD}")
    add_a_treaty(repo)
    note(repo, "### Added\n\n- A treaty.")
    commit(repo, "A treaty")
    cut(repo, "minor")
    return repo


@pytest.mark.parametrize("command", ["docs", "site", "release"])
@pytest.mark.parametrize("code, reason", [(errno.EROFS, "Read-only file system"),
                                          (errno.ENOSPC, "No space left on device")])
def test_a_read_only_or_full_disk_is_exit_2_naming_the_path(releasable, capsys, monkeypatch, command, code, reason):
    """Each command's first write meets the disk's refusal, as it would there."""
    package = releasable
    assert run(capsys, "release", package)[0] == 0  # the other side: with room, it builds
    shutil.rmtree(package / "dist")
    (package / "DATA-DICTIONARY.md").write_text("stale\n", encoding="utf-8")  # something docs must write
    before = files_of(package)
    target = package / "where-it-wrote"

    def refuse(*_args, **_kwargs):
        raise OSError(code, reason, str(target))
    monkeypatch.setattr("tempfile.mkstemp", refuse)
    monkeypatch.setattr("tempfile.mkdtemp", refuse)
    monkeypatch.setattr(Path, "mkdir", refuse)
    status, _, err = run(capsys, command, package)
    assert (status, err) == (2, f"kzuz {command}: {target}: {reason}\n")
    assert files_of(package) == before


def test_diff_of_a_git_ref_without_git_is_exit_2_saying_so(package, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    status, out, err = run(capsys, "diff", "v1.4.2", package)
    assert (status, out) == (2, "")
    assert err == ("kzuz diff: v1.4.2 is not a package directory or a release zip, and cannot be read as a git ref: "
                   "git is not installed (or not on PATH)\n")


def test_release_without_git_where_it_needs_git_is_exit_2_saying_why(tmp_path, capsys, monkeypatch):
    from repository import make_repository

    repo = make_repository(tmp_path / "repo")  # CHANGELOG dates releases before this version
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    status, _, err = run(capsys, "release", repo)
    assert status == 2
    assert err.startswith("kzuz release: git is not installed (or not on PATH): kzuz release needs it to find "
                          "release ")
    assert not (repo / "dist").exists()


def test_a_site_out_inside_a_file_is_exit_2(package, capsys):
    (package / "NOTES.md").write_text("notes\n", encoding="utf-8")
    status, _, err = run(capsys, "site", package, "--out", "NOTES.md/sub")
    assert (status, err) == (2, f"kzuz site: --out NOTES.md/sub: {package / 'NOTES.md'} is a file, so "
                                "no folder can be made inside it: choose another folder\n")
    assert (package / "NOTES.md").read_text(encoding="utf-8") == "notes\n"


def test_a_site_built_in_a_folder_whose_name_is_not_utf8_says_where_without_failing(tmp_path, capsys):
    from conftest import copy_package

    folder = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9"))
    package = copy_package(folder)
    status, out, _ = run(capsys, "site", package)
    assert status == 0 and "caf\\xe9" in out and (folder / "site" / "index.html").is_file()


# Documents a command reads: exit 2 where one must be text and is not ---------------------

def test_docs_with_a_readme_that_is_not_utf8_is_exit_2_at_its_line(package, capsys):
    (package / "README.md").write_bytes(b"# Title\n\ncaf\xe9\n")
    assert run(capsys, "docs", package) == (
        2, "", "kzuz docs: README.md:3: is not UTF-8 (byte 0xE9 cannot be read): save the file as UTF-8\n")


def test_docs_with_a_data_dictionary_that_is_a_directory_is_exit_2(package, capsys):
    (package / "DATA-DICTIONARY.md").mkdir()
    assert run(capsys, "docs", package, "--check") == (
        2, "", "kzuz docs: DATA-DICTIONARY.md is a directory, not a file: kzuz reads only regular files\n")


def test_docs_refuses_a_readme_over_its_limit_before_reading_it(package, capsys, monkeypatch):
    from kzuz import docs

    monkeypatch.setattr(docs, "MAX_BYTES", 1000)
    (package / "README.md").write_text("x" * 1000, encoding="utf-8")
    assert run(capsys, "docs", package, "--check")[0] == 1  # at the limit: read, and out of date
    (package / "README.md").write_text("x" * 1001, encoding="utf-8")
    assert run(capsys, "docs", package, "--check") == (
        2, "", "kzuz docs: README.md is over 1,000 bytes: larger than kzuz reads\n")


def test_release_with_a_licence_that_links_out_of_the_package_is_exit_2(releasable, capsys, tmp_path):
    package = releasable
    outside = tmp_path / "elsewhere.md"
    outside.write_text("a licence\n", encoding="utf-8")
    (package / "LICENSE-DATA.md").unlink()
    (package / "LICENSE-DATA.md").symlink_to(outside)
    status, _, err = run(capsys, "release", package)
    assert status == 2 and err.startswith("kzuz release: LICENSE-DATA.md is a link to a file outside the package")
    assert not (package / "dist").exists()


def test_docs_when_a_table_cannot_be_read_is_exit_1_at_the_file(package, capsys):
    edit_bytes(package, "events", lambda raw: raw.replace(b"\n", b"\r", 1))
    status, out, err = run(capsys, "docs", package)
    assert status == 1
    assert out.startswith("data/events.csv:1: has a carriage return (CR) that is not part of a line end")
    assert err == ("kzuz docs: cannot write the generated files: the package cannot be read (kzuz validate lists "
                   "why)\n")


# The docs' markers: a description that quotes one is written once -----------------------

def test_a_description_quoting_the_end_marker_does_not_grow_the_readme(package, capsys):
    edit_descriptor(package, lambda d: resource(d, "events").update(description="ends <!-- /kzuz docs --> here"))
    (package / "README.md").write_text("# T\n\n<!-- kzuz docs: tables -->\n<!-- /kzuz docs -->\n\nEnd.\n",
                                       encoding="utf-8")
    assert run(capsys, "docs", package)[0] == 0
    once = (package / "README.md").read_text(encoding="utf-8")
    assert run(capsys, "docs", package) == (0, "generated files are up to date\n", "")
    assert (package / "README.md").read_text(encoding="utf-8") == once
    assert once.count("<!-- /kzuz docs -->") == 1 and "ends &lt;!-- /kzuz docs --> here" in once


# A CSV of old Mac line ends: a problem at its line, not an internal error ---------------

@pytest.mark.parametrize("cut", [1, None], ids=["first line end", "every line end"])
def test_lone_cr_line_ends_are_a_problem_at_line_1(package, capsys, cut):
    edit_bytes(package, "events", lambda raw: raw.replace(b"\n", b"\r", cut or -1))
    status, out, _ = run(capsys, "validate", package)
    assert status == 1
    assert ("data/events.csv:1: has a carriage return (CR) that is not part of a line end: lines end with LF "
            "(kzuz fmt fixes this)") in out.splitlines()


# Zips given to diff: every fault of the format is a problem at the member ----------------

CENTRAL = b"PK\x01\x02"


@pytest.fixture
def release_zip(package, tmp_path) -> Path:
    """A release zip of the fixture, its members stored (not deflated), so bytes can be changed in place."""
    built = build_zip(load(package, judge=False), tmp_path / "built.zip")
    stored = tmp_path / "release.zip"
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    return stored


def central_entry(raw: bytes, member: str) -> int:
    """The offset of MEMBER's entry in the zip's central directory."""
    at = raw.find(CENTRAL)
    while at != -1:
        length = struct.unpack("<H", raw[at + 28:at + 30])[0]
        if raw[at + 46:at + 46 + length] == member.encode():
            return at
        at = raw.find(CENTRAL, at + 1)
    raise AssertionError(f"{member} not in the zip")


def patched(path: Path, member: str, offset: int, value: bytes) -> Path:
    raw = bytearray(path.read_bytes())
    at = central_entry(bytes(raw), member) + offset
    raw[at:at + len(value)] = value
    path.write_bytes(bytes(raw))
    return path


def damaged_content(path: Path, member: str) -> Path:
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    raw = bytearray(path.read_bytes())
    name = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + sum(name)
    raw[start + 10] ^= 0x01  # one bit of the data: its CRC no longer matches
    path.write_bytes(bytes(raw))
    return path


EVENTS = "data/events.csv"


@pytest.mark.parametrize("damage, reason", [
    (lambda p: damaged_content(p, EVENTS), "cannot be read from {zip} (BadZipFile: Bad CRC-32 for file "
                                           "'data/events.csv')"),
    (lambda p: patched(p, EVENTS, 24, struct.pack("<I", 7)), "cannot be read from {zip} (BadZipFile: Bad CRC-32 "
                                                            "for file 'data/events.csv')"),
    (lambda p: patched(p, EVENTS, 8, struct.pack("<H", 1)), "is encrypted in {zip}: a release zip is not"),
    (lambda p: patched(p, EVENTS, 10, struct.pack("<H", 99)), "cannot be read from {zip} (NotImplementedError: "),
], ids=["bad CRC", "a smaller size stated", "encrypted", "unknown compression"])
def test_a_damaged_zip_member_is_a_problem_at_the_member(release_zip, package, capsys, damage, reason):
    damage(release_zip)
    status, out, err = run(capsys, "diff", release_zip, package)
    assert status == 1
    assert out.startswith(f"{EVENTS}: {reason.format(zip=release_zip)}") and out.count("\n") == 1


def test_a_zip_member_stating_a_larger_size_than_it_holds_is_a_problem(release_zip, package, capsys):
    with zipfile.ZipFile(release_zip) as archive:
        size = archive.getinfo(EVENTS).file_size
    patched(release_zip, EVENTS, 24, struct.pack("<I", size + 5))
    status, out, _ = run(capsys, "diff", release_zip, package)
    assert status == 1 and out.startswith(f"{EVENTS}: ")


def test_a_zip_member_that_is_a_symbolic_link_is_refused(package, tmp_path, capsys):
    archive = tmp_path / "linked.zip"
    with zipfile.ZipFile(build_zip(load(package, judge=False), tmp_path / "built.zip")) as source, \
            zipfile.ZipFile(archive, "w") as target:
        for info in source.infolist():
            if info.filename == EVENTS:
                link = zipfile.ZipInfo(EVENTS)
                link.external_attr = (stat.S_IFLNK | 0o777) << 16
                target.writestr(link, "../../etc/passwd")
            else:
                target.writestr(info.filename, source.read(info))
    status, out, _ = run(capsys, "diff", archive, package)
    assert (status, out) == (1, f"{EVENTS}: is a symbolic link in {archive}: kzuz reads only files\n")


def test_a_truncated_zip_is_a_problem_not_a_usage_error(release_zip, package, capsys):
    release_zip.write_bytes(release_zip.read_bytes()[:2000])
    status, out, _ = run(capsys, "diff", release_zip, package)
    assert status == 1
    assert out == f"{release_zip}: is not a zip kzuz can read (BadZipFile: File is not a zip file)\n"


def test_an_intact_stored_zip_compares_clean(release_zip, package, capsys):
    """The other side of each case above: the same zip, undamaged, reads and has no changes."""
    assert run(capsys, "diff", release_zip, package) == (0, "no changes\n", "")


# Release deletes only what it made --------------------------------------------------------

def test_a_package_whose_table_lives_in_dist_is_refused_and_kept(package, capsys):
    (package / "dist").mkdir()
    shutil.move(package / "data" / "events.csv", package / "dist" / "events.csv")
    edit_descriptor(package, lambda d: resource(d, "events").update(path="dist/events.csv"))
    before = files_of(package)
    status, _, err = run(capsys, "release", package)
    assert status == 1 and "refused" in err
    assert files_of(package) == before


# One writer at a time, and a write that fails leaves the old files -----------------------

@pytest.mark.parametrize("command", ["fmt", "docs", "release", "site"])
def test_a_second_writing_command_on_a_package_is_refused_plainly(package, capsys, command):
    from kzuz.writing import exclusive

    with exclusive(package, "release"):  # as a `kzuz release` running in another terminal holds it
        status, out, err = run(capsys, command, package)
    assert (status, out) == (2, "")
    assert err == (f"kzuz {command}: {package} is being written by another kzuz command (release, site, docs or "
                   f"fmt): run kzuz {command} again when it has finished\n")
    assert run(capsys, "fmt", package)[0] == 0  # the other side: once it has finished, it runs


def failing_after(monkeypatch, writes: int) -> None:
    """The disk fills up after WRITES more files are written."""
    real, count = Path.write_bytes, [0]

    def write_bytes(self, data):
        count[0] += 1
        if count[0] > writes:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)
    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def test_a_site_build_that_fails_leaves_the_old_site_and_no_debris(package, capsys, monkeypatch):
    assert run(capsys, "site", package)[0] == 0
    before = files_of(package)
    failing_after(monkeypatch, 5)
    status, _, err = run(capsys, "site", package)
    assert status == 2 and "No space left on device" in err
    assert files_of(package) == before
    assert sorted(p.name for p in package.iterdir()) == ["data", "datapackage.json", "site"]


def test_a_release_that_fails_leaves_the_old_dist_and_no_debris(releasable, capsys, monkeypatch):
    assert run(capsys, "release", releasable)[0] == 0
    before = files_of(releasable / "dist")
    failing_after(monkeypatch, 0)
    status, _, err = run(capsys, "release", releasable)
    assert status == 2 and "No space left on device" in err
    assert files_of(releasable / "dist") == before
    assert not [p for p in releasable.iterdir() if p.name.startswith(".dist")]


# What a cold review found (each was an exit 3, a wrong answer or a lost link) -------------

def test_a_link_that_loops_is_a_problem_at_the_file(package, capsys):
    (package / "data" / "regions.csv").unlink()
    (package / "data" / "regions.csv").symlink_to("regions.csv")
    status, out, _ = run(capsys, "validate", package)
    assert status == 1 and ("data/regions.csv: is a symbolic link that loops (it leads back to itself): replace the "
                            "link by the file") in out.splitlines()


def test_a_pyproject_nested_too_deep_to_parse_is_not_a_crash(package, capsys):
    (package / "pyproject.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert run(capsys, "validate", package)[0] in (0, 1)


def test_release_of_a_package_stating_no_version_anywhere_is_refused(package, capsys):
    edit_descriptor(package, lambda d: d.pop("version"))
    assert run(capsys, "validate", package)[0] == 0  # nothing disagrees: no file states one
    status, _, err = run(capsys, "release", package)
    assert (status, err) == (1, 'kzuz release: refused: datapackage.json states no "version": a release is of a '
                                "version (bump2version states it in every file)\n")


def test_a_git_ref_is_read_where_the_package_lies_below_the_repository_root(tmp_path, capsys, monkeypatch):
    from conftest import copy_package, set_cell
    from repository import commit, git

    repo = tmp_path / "repo"
    package = copy_package(repo / "pkg")
    git(repo, "init", "-q")
    commit(repo, "The package, in a folder")
    set_cell(package, "regions", "KZ-11", "name_en", "Aqmola Region")
    monkeypatch.chdir(package)
    status, out, _ = run(capsys, "diff", "HEAD", ".")
    assert status == 0 and out.startswith("regions: 0 added, 0 removed, 1 changed\n  ~ KZ-11\n")


def test_diff_keys_rows_by_a_primary_key_written_as_a_string(package, tmp_path, capsys):
    from conftest import set_cell

    edit_descriptor(package, lambda d: resource(d, "regions")["schema"].update(primaryKey="region_code"))
    new = tmp_path / "new"
    shutil.copytree(package, new)
    set_cell(new, "regions", "KZ-11", "name_en", "Aqmola Region")
    status, out, _ = run(capsys, "diff", package, new)
    assert status == 0 and out.startswith("regions: 0 added, 0 removed, 1 changed\n  ~ KZ-11\n")


def test_diff_refuses_a_table_holding_a_key_twice(package, tmp_path, capsys):
    new = tmp_path / "new"
    shutil.copytree(package, new)
    path = new / "data" / "regions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    status, _, err = run(capsys, "diff", package, new)
    assert status == 1 and f"refused: {new}: regions holds the key '" in err and "twice" in err
    assert run(capsys, "diff", package, package)[0] == 0  # the other side: each key once


def test_a_zip_holding_a_member_twice_or_two_packages_is_refused(release_zip, package, tmp_path, capsys):
    twice, two = tmp_path / "twice.zip", tmp_path / "two.zip"
    with zipfile.ZipFile(release_zip) as source, zipfile.ZipFile(twice, "w") as a, zipfile.ZipFile(two, "w") as b:
        for info in source.infolist():
            a.writestr(info.filename, source.read(info))
            b.writestr(info.filename, source.read(info))
            b.writestr(f"other/{info.filename}", source.read(info))
        a.writestr(EVENTS, b"changed,rows\n")
    status, out, _ = run(capsys, "diff", twice, package)
    assert status == 1 and f"holds '{EVENTS}' more than once" in out
    status, out, _ = run(capsys, "diff", two, package)
    assert status == 1 and "holds 2 packages (datapackage.json, other/datapackage.json)" in out


def test_docs_does_not_replace_a_link_by_a_file(package, capsys):
    (package / "docs").mkdir()
    (package / "docs" / "DD.md").write_text("old\n", encoding="utf-8")
    (package / "DATA-DICTIONARY.md").symlink_to("docs/DD.md")
    status, _, err = run(capsys, "docs", package)
    assert status == 2 and "DATA-DICTIONARY.md is a symbolic link, and kzuz docs writes only regular files" in err
    assert (package / "DATA-DICTIONARY.md").is_symlink()


def test_site_out_holding_the_tables_through_a_link_is_refused(package, capsys):
    (package / "site").mkdir()
    shutil.move(package / "data", package / "site" / "data")
    (package / "data").symlink_to("site/data")
    before = files_of(package / "site")
    status, _, err = run(capsys, "site", package)
    assert status == 2 and "holds data/" in err and "a file of the package" in err
    assert files_of(package / "site") == before


def test_a_changelog_that_is_not_utf8_is_exit_2_at_its_line_not_taken_for_missing(releasable, capsys):
    path = releasable / "CHANGELOG.md"
    path.write_bytes(path.read_bytes().replace(b"## [Unreleased]", b"## [Unreleased] caf\xe9", 1))
    status, _, err = run(capsys, "release", releasable)
    assert status == 2 and err.startswith("kzuz release: CHANGELOG.md:") and "is not UTF-8 (byte 0xE9" in err


def test_a_file_fmt_cannot_replace_is_named_as_itself_not_as_its_temporary(package, capsys, monkeypatch):
    edit_bytes(package, "regions", lambda raw: raw.replace(b"\n", b"\r\n"))

    def refuse(source, target):
        raise OSError(errno.EPERM, "Operation not permitted", str(source))
    monkeypatch.setattr("os.replace", refuse)
    assert run(capsys, "fmt", package) == (
        2, "", f"kzuz fmt: {package / 'data' / 'regions.csv'}: Operation not permitted\n")
    assert not [p for p in (package / "data").iterdir() if p.name.startswith(".")]
