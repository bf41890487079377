"""The three ways the package is used, followed to the letter in a copy of the repository
(with its git history): a contributor adds a row, another corrects a value, a maintainer
cuts a release and then a patch and a major one — each time running what the workflow
that would judge it runs (validate.yml for a pull request, release.yml for a tag), on
the commit it would run on (the release on bump2version's commit), down to the checksum
check a downloader makes with only the published files in a folder.

These read the repository's own files, so they are `live`, and `flow`: the workflows'
test step is run here as `pytest -m "live and not flow"` — the tests of the repository's
own files (its data, README, citation, versions, docs, workflows) — on the commit under
test; every other test runs on the frozen fixture in tests/fixtures (and runs here
already, on the same code)."""
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
from test_citation import CFFCONVERT
from test_versions import bumped

pytestmark = [pytest.mark.live, pytest.mark.flow]
# what the workflows' `pytest` runs here: the tests of the repository's own files (not these again)
LIVE_TESTS = 'pytest -m "live and not flow" -q -p no:cacheprovider'

BIN = Path(sys.executable).parent
SKIP_NAMES = (".venv*", "__pycache__", ".pytest_cache", ".hypothesis", "site", "dist", "*.egg-info")


def sh(copy: Path, command: str, **env: str) -> subprocess.CompletedProcess:
    """A command as a workflow or a person runs it, with CI's .venv tools taken from this environment."""
    command = command.replace(".venv/bin/", f"{BIN}/").replace("python3 ", f"{sys.executable} ")
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", command], cwd=copy, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV, "KZUZ_CFFCONVERT": str(CFFCONVERT), **env}, timeout=900)


def ok(copy: Path, command: str, **env: str) -> str:
    done = sh(copy, command, **env)
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The repository as a contributor clones it: its history and tags (a clone, so nothing done
    here reaches the repository itself, not even from a git worktree, whose .git is a link to
    it), then the files as they are in ROOT, work in progress committed."""
    target = tmp_path / "main"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(target)], check=True, capture_output=True)
    for path in target.iterdir():
        if path.name != ".git":
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".git", *SKIP_NAMES), symlinks=True, dirs_exist_ok=True)
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
            command = command.replace("pytest", LIVE_TESTS)
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
    base = contribute(copy, lambda c: replace_in(c / "data" / "regions.csv", "Akmola Region", "Aqmola Region"),
                      "- Changed: KZ-11 is named Aqmola Region.")
    run_validate_workflow(copy, base)
    assert "smallest version bump required: patch" in ok(copy, f".venv/bin/kzuz diff {base} HEAD")


def version(copy: Path) -> str:
    return ok(copy, "python3 -c 'import json; print(json.load(open(\"datapackage.json\"))[\"version\"])'").strip()


def cut_and_publish(copy: Path, part: str) -> tuple[str, dict[str, bytes]]:
    """A line under Unreleased (whatever it held), the README's three commands, then what
    release.yml runs on the tag, publishing aside: the tests on that commit, the build, and
    the checksums checked among exactly the files it would upload."""
    note(copy, f"- A {part} release, cut by the test of the release flow.")
    ok(copy, "git commit -q -am 'What the release says'")
    ok(copy, f".venv/bin/bump2version {part}")
    ok(copy, ".venv/bin/kzuz release")
    cut = version(copy)
    ok(copy, f'git tag "v{cut}"')  # the README pushes it too: here there is no remote
    shutil.rmtree(copy / "dist")  # release.yml starts from a clean checkout
    ran = []
    for name, command in steps("release.yml", "release").items():
        if not command or name.startswith("Install") or name == "Publish":
            continue
        ok(copy, command.replace("pytest", LIVE_TESTS), GITHUB_REF_NAME=f"v{cut}")
        ran.append(name)
    assert "Check the checksums as a downloader does" in ran, ran
    published = {p.name: p.read_bytes() for p in (copy / "publish").iterdir()}
    listed = [line.split("  ", 1)[1] for line in published["SHA256SUMS"].decode("utf-8").splitlines()]
    assert sorted(published) == sorted([*listed, "SHA256SUMS"])
    shutil.rmtree(copy / "publish")
    return cut, published


def test_a_release_cut_on_the_bump_commit_passes_its_tests_and_checks_then_a_patch_and_a_major(copy):
    """From HEAD as it is, Unreleased full or empty, at whatever version it states."""
    start = version(copy)
    first, built = cut_and_publish(copy, "minor")
    assert first == bumped(start, "minor") and f"kazakhstan-uzbekistan-relations-{first}.zip" in built
    notes = built["RELEASE_NOTES.md"].decode("utf-8")
    assert "- A minor release, cut by the test of the release flow." in notes
    contribute(copy, lambda c: append_row(c, "treaties", "1998-10-31-eternal-friendship",
                                          "1998-10-31-eternal-friendship-copy"),
               "- Added: a copy of the 1998 treaty (a test of the release flow).")
    refused = sh(copy, ".venv/bin/bump2version patch && .venv/bin/kzuz release")  # rows added: not a patch
    assert refused.returncode == 1 and "need a minor bump (treaties: 1 row(s) added)" in refused.stderr
    ok(copy, "git reset -q --hard HEAD~1")  # the maintainer takes the patch bump back
    ok(copy, "git revert --no-edit HEAD >/dev/null")  # ... and the row, to cut a patch of a correction alone
    contribute(copy, lambda c: replace_in(c / "data" / "regions.csv", "Akmola Region", "Aqmola Region"),
               "- Changed: KZ-11 is named Aqmola Region.")
    second, built = cut_and_publish(copy, "patch")
    assert second == bumped(first, "patch")
    notes = built["RELEASE_NOTES.md"].decode("utf-8")
    assert f"since v{first}" in notes and "`Akmola Region` → `Aqmola Region`" in notes
    third, built = cut_and_publish(copy, "major")
    assert third == bumped(second, "major") and f"since v{second}" in built["RELEASE_NOTES.md"].decode("utf-8")
    ok(copy, ".venv/bin/kzuz release")  # a second build of the same commit
    again = {p.name: p.read_bytes() for p in (copy / "dist").iterdir() if p.name in built}
    assert again == built


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
