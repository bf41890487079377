"""The README's promises: its table of row counts matches data/, and CI runs its test command."""
import re

import frictionless

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_row_counts_in_the_readme_match_the_data():
    claimed = {name: int(rows) for name, rows in re.findall(r"^\| `(\w+)` \| (\d+) \|", README, re.M)}
    package = frictionless.Package(str(ROOT / "datapackage.json"))
    actual = {r.name: len(r.read_rows()) for r in package.resources}
    assert claimed == actual


def test_ci_runs_the_readmes_test_command():
    test_command = next(line for line in README.splitlines() if line.endswith("pytest") and "pip install" in line)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
