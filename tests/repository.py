"""A throwaway git repository holding the frozen package of tests/fixtures as a complete
repository — descriptor, data, CHANGELOG, citation, README, pyproject.toml, licence, and
the project's own bump2version configuration moved to the fixture's version — so a test
can commit, tag, bump and release without touching the real repository or reading its state."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURE_VERSION, FIXTURES, ROOT, copy_package

FILES = {"CHANGELOG.md": "CHANGELOG.md", "CITATION.cff": "CITATION.cff", "pyproject.toml": "pyproject.toml",
         "README.md": "README.md", "LICENSE-DATA.md": "LICENSE-DATA.md", ".gitignore": "gitignore"}
# CI installs the test extra into the project's .venv: bump2version sits beside this Python.
BUMP2VERSION = Path(sys.executable).with_name("bump2version")
# bump2version commits with plain `git commit`: an author on machines without one, and
# no signing prompt on machines that sign by default.
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "commit.gpgsign", "GIT_CONFIG_VALUE_0": "false"}


def make_repository(target: Path, released: bool = True) -> Path:
    """The fixture as a repository at FIXTURE_VERSION, whose CHANGELOG dates it and the
    version before it; or, not `released`, a package never released: every file at 0.0.0
    and CHANGELOG with only its Unreleased section."""
    copy_package(target)
    for name, fixture in FILES.items():
        shutil.copy(FIXTURES / fixture, target / name)
    # the project's configuration is what the tests test; its current version is the project's state
    config = (ROOT / ".bumpversion.cfg").read_text(encoding="utf-8")
    (target / ".bumpversion.cfg").write_text(
        re.sub(r"^current_version = .*$", f"current_version = {FIXTURE_VERSION}", config, count=1, flags=re.M),
        encoding="utf-8")
    if not released:
        unrelease(target)
    git(target, "init", "-q")
    commit(target, "Copy of the project")
    return target


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
                          cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def bump(repo: Path, part: str) -> subprocess.CompletedProcess:
    """`bump2version PART` in `repo`, as the README tells maintainers to cut a version."""
    return subprocess.run([str(BUMP2VERSION), part], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV})


def version_of(repo: Path) -> str:
    return json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["version"]


def unrelease(repo: Path) -> None:
    """Every file at 0.0.0, and CHANGELOG's released sections and their links gone."""
    for name in ("datapackage.json", "pyproject.toml", "CITATION.cff", "README.md", ".bumpversion.cfg"):
        path = repo / name
        text = path.read_text(encoding="utf-8")
        moved = re.sub(rf"(version\W+){re.escape(FIXTURE_VERSION)}\b", r"\g<1>0.0.0", text)
        assert moved != text, name
        path.write_text(moved, encoding="utf-8")
    changelog = repo / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    head = text[:text.index("\n## [", text.index("## [Unreleased]") + 1) + 1]
    changelog.write_text(head + "[Unreleased]: ../../compare/v0.0.0...HEAD\n", encoding="utf-8")
