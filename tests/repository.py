"""A throwaway git repository holding a copy of the project files that bump2version,
`kzuz diff` (git refs) and `kzuz release` (release tags) read, so a test can commit,
tag and bump without touching the real repository."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURE_DATA, ROOT

FILES = ("datapackage.json", "CHANGELOG.md", "CITATION.cff", "pyproject.toml", "README.md", ".bumpversion.cfg",
         ".gitignore", "LICENSE-DATA.md")
# CI installs the test extra into the project's .venv: bump2version sits beside this Python.
BUMP2VERSION = Path(sys.executable).with_name("bump2version")
# bump2version commits with plain `git commit`: an author on machines without one, and
# no signing prompt on machines that sign by default.
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "commit.gpgsign", "GIT_CONFIG_VALUE_0": "false"}


def make_repository(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in FILES:
        shutil.copy(ROOT / name, target / name)
    shutil.copytree(FIXTURE_DATA, target / "data")
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
