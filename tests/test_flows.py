"""The three ways the package is used, followed to the letter in a copy of the repository
(with its git history): a contributor adds a row, another corrects a value, a maintainer
cuts the first release and then a later one — each time running what the workflow
that would judge it runs (validate.yml for a pull request, release.yml for a tag).

validate.yml's test step is run as `pytest -m live`: those are the tests that read the
data a contributor changes; every other test runs on the frozen fixture in tests/fixtures
(and runs here already, on the same code)."""
from __future__ import annotations

import csv
import io
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from repository import GIT_ENV

BIN = Path(sys.executable).parent
SKIP = shutil.ignore_patterns(".venv*", "__pycache__", ".pytest_cache", ".hypothesis", "site", "dist", "*.egg-info")


def sh(copy: Path, command: str, **env: str) -> subprocess.CompletedProcess:
    """A command as a workflow or a person runs it, with CI's .venv tools taken from this environment."""
    command = command.replace(".venv/bin/", f"{BIN}/").replace("python3 ", f"{sys.executable} ")
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", command], cwd=copy, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV, **env}, timeout=900)


def ok(copy: Path, command: str, **env: str) -> str:
    done = sh(copy, command, **env)
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The repository as a contributor clones it: every file and the history, the work in progress committed."""
    target = tmp_path / "main"
    shutil.copytree(ROOT, target, ignore=SKIP, symlinks=True)
    if (ROOT.parent / "shared").is_dir():  # the source texts, beside the checkout as in CI
        (tmp_path / "shared").symlink_to(ROOT.parent / "shared")
    ok(target, "git add -A && git commit -q --allow-empty -m 'Work in progress'")
    return target


def steps(workflow: str, job: str) -> dict[str, str]:
    spec = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text(encoding="utf-8"))
    return {step.get("name", step.get("uses")): step.get("run", "") for step in spec["jobs"][job]["steps"]}


def run_validate_workflow(copy: Path, base: str) -> None:
    """Every check validate.yml runs on a pull request from `base`, each must pass."""
    ran = []
    for name, command in steps("validate.yml", "validate").items():
        if not command or name.startswith("Install"):
            continue
        if "pytest" in command:
            command = command.replace("pytest", "pytest -m live -q -p no:cacheprovider")
        command = command.replace('"origin/${{ github.base_ref }}"', base).replace('>> "$GITHUB_STEP_SUMMARY"', "")
        ok(copy, command)
        ran.append(name)
    assert len(ran) >= 5, ran  # validate, fmt --check, docs --check, the tests, the rows changed


def append_row(copy: Path, table: str, key: str, new_key: str) -> None:
    """A row added at the end of the file, as a contributor's editor leaves it (fmt sorts it)."""
    path = copy / "data" / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = list(next(r for r in rows if r[0] == key))
    row[0] = new_key
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(row)


def note(copy: Path, line: str) -> None:
    path = copy / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## [Unreleased]\n", f"## [Unreleased]\n\n{line}\n", 1), encoding="utf-8")


def contribute(copy: Path, change, line: str) -> str:
    """CONTRIBUTING.md's steps after the edit: fmt, validate, a CHANGELOG line, docs, commit."""
    base = ok(copy, "git rev-parse HEAD").strip()
    change(copy)
    ok(copy, ".venv/bin/kzuz fmt")
    ok(copy, ".venv/bin/kzuz validate")
    note(copy, line)
    ok(copy, ".venv/bin/kzuz docs")
    ok(copy, f"git add -A && git commit -q -m {shlex.quote(line)}")
    return base


def test_a_contributor_who_adds_a_treaty_gets_a_green_pull_request(copy):
    base = contribute(copy, lambda c: append_row(c, "treaties", "1998-10-31-eternal-friendship",
                                                 "1998-10-31-eternal-friendship-copy"),
                      "- Added: a copy of the 1998 treaty (a test of the flow of a contribution).")
    run_validate_workflow(copy, base)
    assert "1998-10-31-eternal-friendship-copy" in ok(copy, f".venv/bin/kzuz diff {base} HEAD")


def test_a_contributor_who_corrects_a_value_gets_a_green_pull_request(copy):
    def correct(c: Path) -> None:
        path = c / "data" / "regions.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("Akmola Region", "Aqmola Region", 1),
                        encoding="utf-8")
    base = contribute(copy, correct, "- Changed: KZ-11 is named Aqmola Region.")
    run_validate_workflow(copy, base)
    assert "smallest version bump required: patch" in ok(copy, f".venv/bin/kzuz diff {base} HEAD")


def cut_and_publish(copy: Path, part: str) -> tuple[str, dict[str, bytes]]:
    """The README's three commands, then what release.yml runs on the tag (publishing aside)."""
    ok(copy, f".venv/bin/bump2version {part}")
    ok(copy, ".venv/bin/kzuz release")
    version = ok(copy, "python3 -c 'import json; print(json.load(open(\"datapackage.json\"))[\"version\"])'").strip()
    ok(copy, f'git tag "v{version}"')  # the README pushes it too: here there is no remote
    shutil.rmtree(copy / "dist")  # release.yml starts from a clean checkout
    for name, command in steps("release.yml", "release").items():
        if not command or name.startswith("Install") or name == "Publish":
            continue
        if "pytest" in command:
            command = command.replace("pytest", "pytest -m live -q -p no:cacheprovider")
        ok(copy, command, GITHUB_REF_NAME=f"v{version}")
    built = {p.relative_to(copy / "dist").as_posix(): p.read_bytes() for p in (copy / "dist").rglob("*") if p.is_file()}
    return version, built


def test_the_first_release_and_a_later_one_are_cut_alike_and_build_the_same_bytes_twice(copy):
    first, built = cut_and_publish(copy, "minor")
    assert first == "0.1.0" and f"kazakhstan-uzbekistan-relations-{first}.zip" in built
    assert "first release" in built["RELEASE_NOTES.md"].decode("utf-8") or "every row is new" in \
        built["RELEASE_NOTES.md"].decode("utf-8")
    contribute(copy, lambda c: append_row(c, "treaties", "1998-10-31-eternal-friendship",
                                          "1998-10-31-eternal-friendship-copy"),
               "- Added: a copy of the 1998 treaty (a test of the release flow).")
    second, built = cut_and_publish(copy, "minor")
    assert second == "0.2.0"
    notes = built["RELEASE_NOTES.md"].decode("utf-8")
    assert "since v0.1.0" in notes and "1998-10-31-eternal-friendship-copy" in notes
    ok(copy, ".venv/bin/kzuz release")  # a second build of the same commit
    again = {p.relative_to(copy / "dist").as_posix(): p.read_bytes() for p in (copy / "dist").rglob("*") if p.is_file()}
    assert again == built
