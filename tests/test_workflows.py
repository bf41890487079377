"""CI hygiene: least privilege, actions pinned by commit, the release built from a lock,
pre-commit hooks that need nothing on PATH."""
import re
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_workflow_states_its_permissions_and_reads_by_default(path):
    workflow = load(path)
    assert "permissions" in workflow
    assert workflow["permissions"].get("contents") == "read"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_with_its_version_beside_it(path):
    uses = re.findall(r"uses: (\S+)(.*)$", path.read_text(encoding="utf-8"), re.M)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), (action, comment)


def test_only_publishing_may_write():
    release = load(ROOT / ".github" / "workflows" / "release.yml")
    assert release["jobs"]["release"]["permissions"] == {"contents": "write"}
    assert "gh release create" in release["jobs"]["release"]["steps"][-1]["run"]


@pytest.mark.parametrize("name", ["release.yml", "pages.yml"])
def test_what_is_published_is_built_from_the_lock(name):
    steps = load(ROOT / ".github" / "workflows" / name)["jobs"]
    runs = " ".join(step.get("run", "") for job in steps.values() for step in job["steps"])
    assert "pip install --require-hashes -r requirements.lock" in runs
    assert "pip install --no-deps -e ." in runs


def locked() -> dict[str, list[str]]:
    """name → the versions the lock pins it at (one per Python, where they differ)."""
    found: dict[str, list[str]] = {}
    for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", LOCK, re.M):
        found.setdefault(name.lower().replace("_", "-"), []).append(version)
    return found


@pytest.mark.live
def test_the_lock_pins_every_dependency_within_its_bounds_with_hashes():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    pins = locked()
    for requirement in map(Requirement, wanted):
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not in requirements.lock: regenerate it (its header says how)"
        assert all(requirement.specifier.contains(v, prereleases=True) for v in pins[name]), (name, pins[name])
    pinned = [block for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK) if "==" in block]
    assert pinned and all("--hash=sha256:" in block for block in pinned)


def test_the_lock_pins_what_writes_its_version_into_the_release_files():
    assert {"pyarrow", "xlsxwriter", "sqlite-utils"} <= set(locked())  # sqlite-utils: the database's schema text


def test_pre_commit_hooks_call_the_projects_own_kzuz_and_check_the_generated_files():
    hooks = load(ROOT / ".pre-commit-config.yaml")["repos"][0]["hooks"]
    entries = [hook["entry"] for hook in hooks]
    assert entries == [".venv/bin/kzuz fmt", ".venv/bin/kzuz validate", ".venv/bin/kzuz docs --check"]


def test_the_project_installs_one_import_name_kzuz():
    """DESIGN.md: no generic top-level `scripts` or `schemas` in anyone's environment."""
    from importlib.metadata import distribution

    installed = distribution("kazakhstan-uzbekistan-relations")
    assert installed.read_text("top_level.txt").split() == ["kzuz"]
    assert [e.value for e in installed.entry_points if e.group == "console_scripts"] == ["kzuz.cli:main"]
