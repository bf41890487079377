"""The README's promises that are not data: CI runs its test command."""
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readmes_test_command():
    test_command = next(line for line in README.splitlines() if line.endswith("pytest") and "pip install" in line)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
