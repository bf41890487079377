"""The README's promises: CI runs its test command, and every Python example in it runs
as written — those of "Use it" in the package's
directory, those of "Releases" in a folder of downloaded release files."""
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import frictionless
import pytest

from conftest import ROOT
from test_release import DATABASE, MINOR, NAME, released  # noqa: F401 -- the module's built release

pytestmark = pytest.mark.live  # the project's own README
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.M | re.S)


def section(title: str) -> str:
    return re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S).group(1)


def python_blocks(text: str) -> list[str]:
    return BLOCK.findall(text)


def run(code: str, folder: Path) -> subprocess.CompletedProcess:
    """The example as a reader runs it: a fresh Python, in that folder."""
    return subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, timeout=300)


def test_ci_runs_the_readmes_test_command():
    test_command = next(line for line in README.splitlines() if line.endswith("pytest") and "pip install" in line)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_python_example_is_run_by_these_tests():
    assert python_blocks(README) == python_blocks(section("Use it")) + python_blocks(section("Releases"))
    assert len(python_blocks(section("Use it"))) >= 3 and len(python_blocks(section("Releases"))) >= 2


@pytest.mark.parametrize("number", range(len(python_blocks(section("Use it")))))
def test_the_use_it_examples_run_in_the_package_directory(package, number):
    done = run(python_blocks(section("Use it"))[number], package)
    assert done.returncode == 0, done.stderr


def test_the_pandera_example_prints_the_line_and_rule_it_says(package):
    example = next(block for block in python_blocks(section("Use it")) if "schemas.build" in block)
    done = run(example, package)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["parties_sorted", "[2]"]
    assert "prints `parties_sorted [2]`" in section("Use it")


@pytest.fixture(scope="module")
def downloads(released, tmp_path_factory) -> Path:  # noqa: F811
    """The release's files as a downloader has them: flat, with the Parquet zip unpacked."""
    folder = tmp_path_factory.mktemp("downloads")
    for path in (released / "dist").iterdir():
        if path.is_file():
            shutil.copy(path, folder)
    with zipfile.ZipFile(folder / f"{NAME}-{MINOR}-parquet.zip") as archive:
        archive.extractall(folder)
    return folder


@pytest.mark.parametrize("number", range(len(python_blocks(section("Releases")))))
def test_the_release_examples_run_on_the_downloaded_files(downloads, number):
    """`X.Y.Z` in the README stands for the version downloaded."""
    code = python_blocks(section("Releases"))[number]
    code = code.replace("vX_Y_Z", DATABASE.rsplit("-", 1)[1]).replace("X.Y.Z", MINOR)
    done = run(code, downloads)
    assert done.returncode == 0, done.stderr


def test_a_broken_example_fails(package):
    """The other side: an example that cannot run is caught, not passed over."""
    broken = python_blocks(section("Use it"))[0].replace('"treaties"', '"no_such_table"')
    assert run(broken, package).returncode != 0
