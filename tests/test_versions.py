"""One version everywhere: the files that state it agree, `kzuz validate` says when they
do not, and `bump2version patch|minor|major` (the documented way to cut a version) moves
every one of them and files CHANGELOG's Unreleased section under the new version —
checked on a copy of the repository, file by file, byte by byte."""
import configparser
import datetime
import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURE_DATA, FIXTURE_VERSION, ROOT, read_rows
from repository import bump, commit, git, make_repository, version_of
from kzuz.cli import main
from kzuz.versions import bump_between, changelog_section, stated_versions

VERSION = FIXTURE_VERSION  # the copies tests/repository.py makes are at the fixture's version
TABLES = len(list(FIXTURE_DATA.glob("*.csv")))  # the copies tests/repository.py makes hold the fixture's rows
ROWS = sum(len(read_rows(path)) - 1 for path in FIXTURE_DATA.glob("*.csv"))


def bumped(version: str, part: str) -> str:
    major, minor, patch = map(int, version.split("."))
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[part]


def once(text: str, old: str, new: str) -> str:
    """`text` with `old`, which must occur exactly once, replaced by `new`."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def version_moved(files: dict[str, str], old: str, new: str) -> dict[str, str]:
    """What every versioned file must read after moving from `old` to `new` (CHANGELOG aside)."""
    return {
        "datapackage.json": once(files["datapackage.json"], f'\n  "version": "{old}",\n', f'\n  "version": "{new}",\n'),
        "pyproject.toml": once(files["pyproject.toml"], f'\nversion = "{old}"\n', f'\nversion = "{new}"\n'),
        "CITATION.cff": once(files["CITATION.cff"], f"\nversion: {old}\n", f"\nversion: {new}\n"),
        "README.md": once(once(files["README.md"], f"Data Package, version {old}.", f"Data Package, version {new}."),
                          f"Data Package (version {old}).", f"Data Package (version {new})."),  # its citation
        ".bumpversion.cfg": once(files[".bumpversion.cfg"], f"\ncurrent_version = {old}\n", f"\ncurrent_version = {new}\n"),
    }


def changelog_cut(text: str, old: str, new: str, day: str) -> str:
    """Keep a Changelog: Unreleased becomes `## [new] - day` under a fresh empty Unreleased,
    and the compare links move on."""
    text = once(text, "\n## [Unreleased]\n", f"\n## [Unreleased]\n\n## [{new}] - {day}\n")
    return once(text, f"\n[Unreleased]: ../../compare/v{old}...HEAD\n",
                f"\n[Unreleased]: ../../compare/v{new}...HEAD\n[{new}]: ../../releases/tag/v{new}\n")


VERSIONED = ("datapackage.json", "pyproject.toml", "CITATION.cff", "README.md", ".bumpversion.cfg", "CHANGELOG.md")


def read(repo: Path) -> dict[str, str]:
    return {name: (repo / name).read_text(encoding="utf-8") for name in VERSIONED}


def set_version(repo: Path, version: str) -> None:
    """Move the copy to `version` by hand (and commit), as if it had been released before."""
    files = read(repo)
    moved = version_moved(files, version_of(repo), version)
    moved["CHANGELOG.md"] = once(files["CHANGELOG.md"], f"/v{version_of(repo)}...HEAD", f"/v{version}...HEAD")
    for name, text in moved.items():
        (repo / name).write_text(text, encoding="utf-8")
    commit(repo, f"Version {version}")


def cut(repo: Path, part: str) -> tuple[dict[str, str], str]:
    """Run bump2version; return the files as they were before and the day it wrote."""
    before = read(repo)
    first_day = datetime.date.today().isoformat()
    done = bump(repo, part)
    assert done.returncode == 0, done.stderr
    days = {first_day, datetime.date.today().isoformat()}  # a bump run across midnight
    written = re.search(r"^## \[\d+\.\d+\.\d+\] - (\S+)$", (repo / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert written and written.group(1) in days
    return before, written.group(1)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repository(tmp_path / "repo")


# The files agree -----------------------------------------------------------------------

@pytest.mark.live
def test_every_file_of_the_project_states_the_same_version():
    version = version_of(ROOT)
    assert stated_versions(ROOT) == {"datapackage.json": version, "pyproject.toml": version, "CITATION.cff": version}
    config = configparser.RawConfigParser()
    config.read(ROOT / ".bumpversion.cfg", encoding="utf-8")
    assert config["bumpversion"]["current_version"] == version
    assert f"Data Package, version {version}." in (ROOT / "README.md").read_text(encoding="utf-8")


def line_of(path: Path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(start))


@pytest.mark.parametrize("name, line", [("pyproject.toml", 'version = "{}"'), ("CITATION.cff", "version: {}")])
def test_validate_reports_a_version_that_disagrees(repo, capsys, name, line):
    path = repo / name
    path.write_text(once(path.read_text(encoding="utf-8"), line.format(VERSION), line.format("9.9.9")), encoding="utf-8")
    assert main(["validate", str(repo)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{name}:{line_of(path, 'version')}: version: says 9.9.9, but datapackage.json says {VERSION}: "
        "change versions only with bump2version",
        f"invalid: 1 problem in 1 file ({ROWS} rows read)",
    ]


def test_a_version_changed_only_in_the_descriptor_disagrees_with_every_other_file(repo, capsys):
    path = repo / "datapackage.json"
    path.write_text(once(path.read_text(encoding="utf-8"), f'"version": "{VERSION}"', '"version": "9.9.9"'),
                    encoding="utf-8")
    assert main(["validate", str(repo)]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        f"CITATION.cff:{line_of(repo / 'CITATION.cff', 'version')}: version: says {VERSION}, but datapackage.json "
        "says 9.9.9: change versions only with bump2version",
        f"pyproject.toml:{line_of(repo / 'pyproject.toml', 'version')}: version: says {VERSION}, but "
        "datapackage.json says 9.9.9: change versions only with bump2version",
    ]


# bump2version ------------------------------------------------------------------------

@pytest.mark.parametrize("part", ["patch", "minor", "major"])
def test_bump2version_moves_every_version_string_and_cuts_the_changelog(repo, part):
    new = bumped(VERSION, part)
    before, day = cut(repo, part)
    expected = version_moved(before, VERSION, new)
    expected["CHANGELOG.md"] = changelog_cut(before["CHANGELOG.md"], VERSION, new, day)
    assert read(repo) == expected
    assert stated_versions(repo) == {"datapackage.json": new, "pyproject.toml": new, "CITATION.cff": new}


def test_the_first_bump_of_a_package_never_released_cuts_0_1_0(tmp_path):
    repo = make_repository(tmp_path / "repo", released=False)
    before, day = cut(repo, "minor")
    expected = version_moved(before, "0.0.0", "0.1.0")
    expected["CHANGELOG.md"] = changelog_cut(before["CHANGELOG.md"], "0.0.0", "0.1.0", day)
    assert read(repo) == expected
    assert changelog_section(repo, "0.1.0")[1] == "### Changed\n\n- The fixture's rows, as the tests read them."


def test_a_bump_changes_nothing_else_and_commits_without_tagging(repo):
    cut(repo, "minor")
    new = bumped(VERSION, "minor")
    assert git(repo, "log", "-1", "--format=%s") == f"Release {new}\n"
    assert sorted(git(repo, "diff", "--name-only", "HEAD~1", "HEAD").split()) == sorted(VERSIONED)
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "tag") == ""  # tagged after `kzuz release` succeeds (README)


def test_a_bumped_copy_is_a_valid_package_with_valid_json(repo, capsys):
    before, _ = cut(repo, "major")
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor == {**json.loads(before["datapackage.json"]), "version": bumped(VERSION, "major")}
    assert main(["validate", str(repo)]) == 0
    assert capsys.readouterr().out == f"valid: {TABLES} tables, {ROWS} rows\n"


def test_the_new_changelog_section_holds_what_was_unreleased(repo):
    after = read(repo)["CHANGELOG.md"].split("## [Unreleased]\n", 1)[1]
    unreleased = re.split(r"^## \[|^\[Unreleased\]: ", after, maxsplit=1, flags=re.M)[0].strip()
    assert unreleased.startswith("### ")  # the fixture has something unreleased
    _, day = cut(repo, "patch")
    assert changelog_section(repo, bumped(VERSION, "patch")) == (day, unreleased)


def test_two_bumps_stack_sections_and_compare_links(repo):
    _, day = cut(repo, "patch")
    before, day = cut(repo, "minor")
    first, second = bumped(VERSION, "patch"), bumped(bumped(VERSION, "patch"), "minor")
    changelog = read(repo)["CHANGELOG.md"]
    assert changelog == changelog_cut(before["CHANGELOG.md"], first, second, day)
    assert f"## [Unreleased]\n\n## [{second}] - {day}\n\n## [{first}] - " in changelog
    assert (f"\n[Unreleased]: ../../compare/v{second}...HEAD\n[{second}]: ../../releases/tag/v{second}\n"
            f"[{first}]: ../../releases/tag/v{first}\n[{VERSION}]: ../../releases/tag/v{VERSION}\n") in changelog
    assert changelog_section(repo, second) == (day, "")  # nothing happened between the two bumps


def test_a_version_equal_to_the_cff_format_version_leaves_cff_version_alone(repo):
    """CITATION.cff starts `cff-version: 1.2.0`; at version 1.2.0 a search for
    `version: 1.2.0` would match inside it and bump the format version too."""
    set_version(repo, "1.2.0")
    before, day = cut(repo, "patch")
    expected = version_moved(before, "1.2.0", "1.2.1")
    expected["CHANGELOG.md"] = changelog_cut(before["CHANGELOG.md"], "1.2.0", "1.2.1", day)
    assert read(repo) == expected
    assert (repo / "CITATION.cff").read_text(encoding="utf-8").startswith("cff-version: 1.2.0\n")


def test_a_bump_refuses_rather_than_guesses_when_a_version_string_is_missing(repo):
    """bump2version replaces the bare version wherever its search text is missing; it must
    stop instead, and change no file."""
    path = repo / "README.md"
    path.write_text(once(path.read_text(encoding="utf-8"), f"Data Package, version {VERSION}.", "Data Package."),
                    encoding="utf-8")
    commit(repo, "Lose the version in the README")
    before = read(repo)
    done = bump(repo, "minor")
    assert done.returncode != 0
    assert f"Did not find 'Data Package, version {VERSION}.' in file: 'README.md'" in done.stderr
    assert read(repo) == before


# Versions and sections, as `kzuz release` reads them ---------------------------------

@pytest.mark.parametrize("old, new, part", [
    ("0.1.0", "0.1.1", "patch"), ("0.1.0", "0.2.0", "minor"), ("0.1.9", "1.0.0", "major"),
    ("0.9.0", "0.10.0", "minor"),  # numbers, not text
    ("0.2.0", "0.2.0", "none"), ("0.2.0", "0.1.5", "none"),
])
def test_bump_between(old, new, part):
    assert bump_between(old, new) == part


def test_changelog_section_reads_up_to_the_next_heading_or_the_links(tmp_path):
    (tmp_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-02-01\n\n### Added\n\n- rows\n\n"
        "## [0.1.0] - 2026-01-01\n\n### Fixed\n\n- a value\n\n"
        "[Unreleased]: ../../compare/v0.2.0...HEAD\n[0.2.0]: ../../compare/v0.1.0...v0.2.0\n", encoding="utf-8")
    assert changelog_section(tmp_path, "0.2.0") == ("2026-02-01", "### Added\n\n- rows")
    assert changelog_section(tmp_path, "0.1.0") == ("2026-01-01", "### Fixed\n\n- a value")
    assert changelog_section(tmp_path, "0.3.0") is None
