"""Citable releases: CITATION.cff is valid and complete; the README's BibTeX and APA forms,
.zenodo.json and the citation every release file carries all say what `cffconvert` says
CITATION.cff says.

cffconvert pins jsonschema < 4, which frictionless (>= 4.20) cannot share, so it lives in
its own environment, .venv-cffconvert (set up by the README's test command and .ci/run)."""
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT
from kzuz.about import apa
from test_release import MINOR, NAME, released  # noqa: F401 -- the module's built release
from kzuz.versions import changelog_section

# the flows (test_flows.py) run these in a copy of the repository, without its environments
CFFCONVERT = Path(os.environ.get("KZUZ_CFFCONVERT", ROOT / ".venv-cffconvert" / "bin" / "cffconvert"))


def cffconvert(path: Path, *options: str) -> str:
    if not CFFCONVERT.exists():
        pytest.fail("cffconvert is not installed: python3 -m venv .venv-cffconvert && "
                    ".venv-cffconvert/bin/pip install 'cffconvert>=2.0.0'")
    done = subprocess.run([str(CFFCONVERT), "-i", str(path), *options], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def variant(tmp_path: Path, change) -> Path:
    """A copy of the fixture's CITATION.cff with `change` applied to its text."""
    path = tmp_path / "CITATION.cff"
    path.write_text(change((FIXTURES / "CITATION.cff").read_text(encoding="utf-8")), encoding="utf-8")
    return path


def dated(text: str, day: str = "2026-01-10") -> str:
    """As after the first release: date-released under the version line."""
    return re.sub(r"^(version: .+)$", rf"\1\ndate-released: {day}", text, count=1, flags=re.M)


@pytest.mark.parametrize("folder", [pytest.param(ROOT, marks=pytest.mark.live), FIXTURES], ids=["project", "fixture"])
def test_citation_cff_is_valid(folder):
    assert "valid according to schema version 1.2.0" in cffconvert(folder / "CITATION.cff", "--validate")


def test_a_released_citation_gives_a_complete_bibtex_entry(released, tmp_path):  # noqa: F811
    day, _ = changelog_section(released, MINOR)
    with zipfile.ZipFile(released / "dist" / f"{NAME}-{MINOR}.zip") as archive:  # the copy the release carries
        (tmp_path / "CITATION.cff").write_bytes(archive.read("CITATION.cff"))
    assert "valid" in cffconvert(tmp_path / "CITATION.cff", "--validate")
    bibtex = cffconvert(tmp_path / "CITATION.cff", "-f", "bibtex")
    fields = dict(re.findall(r"^(\w+) = \{(.*)\},?$", bibtex, re.M))
    assert fields == {"author": "Kazakhstan–Uzbekistan Relations Data Package contributors",
                      "title": "Kazakhstan–Uzbekistan Relations Data Package",
                      "year": day[:4], "month": str(int(day[5:7]))}  # url and doi once CITATION.cff has them


@pytest.mark.live
def test_the_readme_shows_what_cffconvert_writes(tmp_path):
    """The README's forms are those of CITATION.cff without a release date, which changes with each release."""
    undated = tmp_path / "CITATION.cff"
    undated.write_text(re.sub(r"^date-released: .*\n", "", (ROOT / "CITATION.cff").read_text(encoding="utf-8"),
                              flags=re.M), encoding="utf-8")
    cite = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Cite\n", 1)[1].split("\n## ", 1)[0]
    assert f"```bibtex\n{cffconvert(undated, '-f', 'bibtex')}```" in cite
    assert f"```text\n{cffconvert(undated, '-f', 'apalike')}```" in cite


@pytest.mark.parametrize("change", [
    dated,
    lambda text: dated(text) + "repository-code: https://example.org/kzuz\ndoi: 10.5281/zenodo.1\n",
    lambda text: text + "url: https://example.org/data\nrepository-code: https://example.org/kzuz\n",
    lambda text: text,  # undated: no year
], ids=["released", "with-repository-and-doi", "url-before-repository", "unreleased"])
def test_the_citation_in_the_release_files_is_cffconvert_s(tmp_path, change):
    path = variant(tmp_path, change)
    assert apa(yaml.safe_load(path.read_text(encoding="utf-8"))) + "\n" == cffconvert(path, "-f", "apalike")


@pytest.mark.live
def test_zenodo_json_says_what_citation_cff_says():
    """Without version and date: Zenodo takes them from the GitHub release, so nothing drifts."""
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    converted = json.loads(cffconvert(ROOT / "CITATION.cff", "-f", "zenodo"))
    assert {"version", "publication_date"}.isdisjoint(zenodo)
    assert zenodo.pop("license") == converted.pop("license")["id"]  # Zenodo reads the licence as a plain id
    assert zenodo.pop("upload_type") == yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["type"]
    assert zenodo.pop("access_right") == "open"
    converted.pop("version", None)
    assert zenodo == converted
