"""Every command on a hostile package: the fixture package with one edit each, the way an
attacker (not a careless contributor) would write a pull request.

Each case runs `validate`, `fmt`, `fmt --check`, `diff` (the package as OLD and as NEW)
and `release`, and asserts of each run: no traceback and no internal error (exit 3), the
exit code its cause documents, an end within seconds (no hang), nothing fetched (sockets
are refused for the whole module), and nothing read or written outside the package — a
sentinel file beside it is never printed and stays byte for byte the same — and nothing
printed that a terminal or a CI log would act on (no raw control character).
"""
from __future__ import annotations

import errno
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import edit_bytes, edit_descriptor, resource, set_cell
from kzuz.cli import main

SECRET = "SENTINEL-7f3a9c the secret outside the package"
SECONDS = 60  # far above what any command takes on the fixture; a hang ends the test
# what a terminal or a log would act on: C0 controls but LF, DEL, C1, bidirectional controls
RAW = [chr(c) for c in (*range(0x00, 0x0A), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0),
                        *range(0x202A, 0x202F), *range(0x2066, 0x206A))]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a command opened a socket")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def sentinel(package: Path) -> Path:
    secret = package.parent / "outside" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n", encoding="utf-8")
    return secret


class Hung(BaseException):
    """A command that ran past its time."""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    def too_long(*_):  # not an OSError or an Exception, which kzuz would turn into an exit status
        raise Hung(f"kzuz {' '.join(argv)} ran for over {SECONDS} s")
    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(SECONDS)
    try:
        code = main(list(argv))
    except SystemExit as exited:
        code = exited.code
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    return code, out, err


CASES = []


def case(validate: int = 1, fmt: int = 1, diff: tuple[int, ...] = (0, 1)):
    """Registers a hostile edit with the exit codes its cause documents: 1 for a package
    with problems, 0 for a fmt or diff that can do its work, 2 for diff given no package."""
    def register(edit):
        CASES.append(pytest.param(edit, {"validate": validate, "fmt": fmt, "diff": diff}, id=edit.__name__))
        return edit
    return register


# Outside the package --------------------------------------------------------------------

@case(fmt=1)
def csv_linked_outside(package, secret):
    (package / "data" / "visits.csv").unlink()
    (package / "data" / "visits.csv").symlink_to(secret)


@case(fmt=1)
def data_folder_linked_outside(package, secret):
    (secret.parent / "visits.csv").write_bytes((package / "data" / "visits.csv").read_bytes())
    os.rename(package / "data", package / "data-real")
    (package / "data").symlink_to(secret.parent)


@case(fmt=1)
def path_climbing_out(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits").update(path="../outside/secret.csv"))


@case(fmt=1)
def absolute_path(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits").update(path=str(secret)))


@case(fmt=1)
def path_with_backslashes(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits").update(path="..\\outside\\secret.csv"))


# Never fetched --------------------------------------------------------------------------

@case(fmt=1)
def path_is_a_url(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits").update(path="https://example.org/visits.csv"))


@case(fmt=1)
def schema_is_a_url(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits").update(schema="https://example.org/schema.json"))


@case(fmt=1)
def dialect_is_a_url(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits").update(dialect="https://example.org/dialect.json"))


@case(fmt=1)
def reference_in_a_field(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits")["schema"]["fields"][0].update(
        {"$ref": "https://example.org/field.json"}))


@case(fmt=1)
def profile_is_a_url(package, secret):
    edit_descriptor(package, lambda d: d.update({"$schema": "https://example.org/profile.json",
                                                  "profile": "https://example.org/profile.json"}))


@case(fmt=1)
def schema_is_a_file_beside(package, secret):
    (package / "schema.json").write_text(json.dumps(resource(json.loads((package / "datapackage.json").read_text(
        encoding="utf-8")), "visits")["schema"]), encoding="utf-8")
    edit_descriptor(package, lambda d: resource(d, "visits").update(schema="schema.json"))


# Files that are not files ---------------------------------------------------------------

@case(fmt=1)
def named_pipe(package, secret):
    (package / "data" / "visits.csv").unlink()
    os.mkfifo(package / "data" / "visits.csv")


@case(fmt=1)
def directory_for_a_file(package, secret):
    (package / "data" / "visits.csv").unlink()
    (package / "data" / "visits.csv").mkdir()


@case(fmt=1, diff=(1,))
def descriptor_is_a_named_pipe(package, secret):
    (package / "datapackage.json").unlink()
    os.mkfifo(package / "datapackage.json")


# The format is the contract, not a hint ------------------------------------------------

@case(fmt=1)
def dialect_with_semicolons(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits").update(dialect={"delimiter": ";"}))


@case(fmt=1)
def dialect_with_comment_lines(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits").update(dialect={"commentChar": "#"}))


@case(fmt=1)
def dialect_without_header(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits").update(dialect={"header": False}))


# Sizes ------------------------------------------------------------------------------------

@case(fmt=1, diff=(1,))
def descriptor_nested_deep(package, secret):
    (package / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


@case(fmt=1, diff=(1,))
def descriptor_of_three_megabytes(package, secret):
    edit_descriptor(package, lambda d: d.update(description="x" * 3_000_000))


@case(fmt=1, diff=(1,))
def descriptor_with_a_repeated_key(package, secret):
    path = package / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"name": "kazakhstan-uzbekistan-relations",',
                                                             '"name": "a",\n  "name": "kazakhstan-uzbekistan-relations",',
                                                             1), encoding="utf-8")


@case(fmt=1)
def header_of_five_thousand_columns(package, secret):
    edit_bytes(package, "visits", lambda raw: b",".join(b"c%d" % n for n in range(5000)) + b"\n" + raw)


@case(fmt=0)
def cell_of_five_megabytes(package, secret):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "notes", "я" * 2_500_000)


@case(fmt=1, diff=(1,))
def descriptor_resources_not_a_list(package, secret):
    edit_descriptor(package, lambda d: d.update(resources={"visits": "data/visits.csv"}))


@case(fmt=1, diff=(1,))
def resource_without_schema(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits").pop("schema"))


@case(fmt=1, diff=(1,))
def primary_key_naming_no_field(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits")["schema"].update(primaryKey=["no_such_field"]))


@case(fmt=1, diff=(1,))
def fields_not_a_list(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits")["schema"].update(fields="visit_id"))


@case(fmt=1, diff=(1,))
def descriptor_not_an_object(package, secret):
    (package / "datapackage.json").write_text("[1, 2, 3]", encoding="utf-8")


@case(fmt=1, diff=(1,))
def descriptor_with_nan(package, secret):
    path = package / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"version": "', '"x": NaN, "version": "', 1),
                    encoding="utf-8")


# What is printed is not acted on -------------------------------------------------------

@case(fmt=1)
def escape_sequence_in_a_cell(package, secret):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "city", "\x1b[2J\x1b]0;pwned\x07Almaty")


@case(fmt=1)
def workflow_command_in_a_cell(package, secret):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "kind", "x\n::error::pwned\r\n::add-mask::%0A")


@case(fmt=1)
def bidirectional_override_in_an_id(package, secret):
    set_cell(package, "visits", "2025-03-29-almaty-talks", "visit_id", "2025-03-29-\u202eklat")


@case(fmt=1)
def control_characters_in_a_column_name(package, secret):
    edit_bytes(package, "visits", lambda raw: raw.replace(b"visit_id", b"visit\x1b[31m_id", 1))


@case(fmt=1)
def field_name_with_a_terminal_escape(package, secret):
    edit_descriptor(package, lambda d: resource(d, "visits")["schema"]["fields"][0].update(name="id\x1b[2J"))


# The commands ---------------------------------------------------------------------------

def assert_harmless(code, out: str, err: str, expected) -> None:
    printed = out + err
    assert "Traceback" not in printed and "internal error" not in printed, printed[-2000:]
    assert SECRET not in printed
    assert not [c for c in RAW if c in printed], repr([c for c in RAW if c in printed])
    assert code in (expected if isinstance(expected, tuple) else (expected,)), (code, printed[-2000:])


@pytest.mark.parametrize("edit, codes", CASES)
def test_validate_and_fmt_are_harmless(package, sentinel, capsys, edit, codes, monkeypatch):
    edit(package, sentinel)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # annotations are printed too
    for argv, expected in ((["validate", str(package)], codes["validate"]),
                           (["validate", str(package), "--format", "json"], codes["validate"]),
                           (["fmt", str(package), "--check"], (codes["fmt"], 0, 1) if codes["fmt"] != 2 else 2),
                           (["fmt", str(package)], codes["fmt"] if codes["fmt"] == 2 else (0, 1))):
        assert_harmless(*run(capsys, *argv), expected)
        assert sentinel.read_text(encoding="utf-8") == SECRET + "\n"
        assert not stat.S_ISLNK(os.lstat(sentinel).st_mode)


@pytest.mark.parametrize("edit, codes", CASES)
def test_diff_is_harmless_as_old_and_as_new(package, sentinel, tmp_path, capsys, edit, codes):
    clean = tmp_path / "clean"
    clean.mkdir()
    for name in ("datapackage.json",):
        (clean / name).write_bytes((package / name).read_bytes())
    os.system(f"cp -r '{package / 'data'}' '{clean / 'data'}'")
    edit(package, sentinel)
    for argv in (["diff", str(package), str(clean)], ["diff", str(clean), str(package)]):
        assert_harmless(*run(capsys, *argv), codes["diff"])
    assert sentinel.read_text(encoding="utf-8") == SECRET + "\n"


@pytest.mark.parametrize("edit, codes", CASES)
def test_release_refuses_and_writes_nothing(package, sentinel, capsys, edit, codes):
    edit(package, sentinel)
    code, out, err = run(capsys, "release", str(package))
    assert_harmless(code, out, err, 2 if codes["validate"] == 2 else 1)
    assert not (package / "dist").exists()
    assert sentinel.read_text(encoding="utf-8") == SECRET + "\n"


# Archives and folders the commands write ---------------------------------------------

def test_release_refuses_a_dist_that_is_a_link(package, sentinel, capsys):
    (package / "dist").symlink_to(sentinel.parent)
    code, out, err = run(capsys, "release", str(package))
    assert_harmless(code, out, err, 1)
    assert sorted(p.name for p in sentinel.parent.iterdir()) == ["secret.csv"]


@pytest.mark.parametrize("member, content, says", [
    ("../evil/datapackage.json", b"{}", "points outside the package"),
    ("/etc/datapackage.json", b"{}", "points outside the package"),
    ("datapackage.json", b"0" * 50_000_000, "compressed"),
])
def test_diff_refuses_a_crafted_zip(package, tmp_path, capsys, member, content, says):
    archive = tmp_path / "crafted.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(member, content)
    code, out, err = run(capsys, "diff", str(archive), str(package))
    assert_harmless(code, out, err, 1)
    assert says in out


def test_fmt_never_writes_through_a_link_inside_the_package(package, capsys):
    real = package / "data" / "visits-real.csv"
    os.rename(package / "data" / "visits.csv", real)
    (package / "data" / "visits.csv").symlink_to(real.name)
    messy = real.read_bytes().replace(b"\n", b"\r\n")
    real.write_bytes(messy)
    code, out, err = run(capsys, "fmt", str(package))
    assert code == 1 and "is a symbolic link" in out
    assert real.read_bytes() == messy and (package / "data" / "visits.csv").is_symlink()


def test_an_internal_error_exits_3_with_one_line_asking_for_a_report(package, capsys, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr("kzuz.cli.validate", broken)
    code, out, err = run(capsys, "validate", str(package))
    assert (code, out) == (3, "")
    assert err.count("\n") == 1 and "internal error (ZeroDivisionError: a bug)" in err and "report it" in err


@pytest.mark.parametrize("command", ["validate", "fmt", "diff", "release", "docs", "site"])
def test_help_explains_options_and_exit_codes(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "exit status:" in out and "3  internal error" in out


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("kzuz ")


# The machine's situation: exit 2 with the path and the system's reason, never 3 ------------

@pytest.mark.parametrize("code, reason", [(errno.ENOSPC, "No space left on device"),
                                          (errno.EROFS, "Read-only file system")])
def test_a_full_disk_or_a_read_only_folder_is_exit_2_naming_the_path_and_nothing_is_lost(
        package, capsys, monkeypatch, code, reason):
    edit_bytes(package, "regions", lambda raw: raw.replace(b"\n", b"\r\n"))  # something fmt must rewrite
    before = {p.name: p.read_bytes() for p in (package / "data").iterdir()}

    def no_room(*_args, dir=None, **_kwargs):  # what mkstemp meets on such a disk
        raise OSError(code, reason, str(Path(dir) / ".regions.csv.tmp"))
    monkeypatch.setattr("tempfile.mkstemp", no_room)
    assert run(capsys, "fmt", str(package)) == (
        2, "", f"kzuz fmt: {package / 'data' / '.regions.csv.tmp'}: {reason}\n")
    assert {p.name: p.read_bytes() for p in (package / "data").iterdir()} == before


def test_a_closed_standard_output_ends_validate_quietly(package):
    """`kzuz validate | head -0`: no traceback, no 'Exception ignored', exit 2 (the output could not be written)."""
    set_cell(package, "regions", "KZ-11", "name_en", " padded")
    read, write = os.pipe()
    os.close(read)
    done = subprocess.run([str(Path(sys.executable).with_name("kzuz")), "validate", str(package)], stdout=write,
                          stderr=subprocess.PIPE, text=True, timeout=120)
    os.close(write)
    assert (done.returncode, done.stderr) == (2, "")
