"""The shipped package, as it is today: what must hold of the live data whatever rows it
gains. (Every other test runs on the frozen fixture package, so adding a row can break
only these, and only when the row itself is wrong.)"""
import datetime
import json
import os
import subprocess
import sys

import frictionless
import pandas as pd
import pytest

from conftest import ROOT
from kzuz.cli import main
from kzuz.load import load
from kzuz.validate import validate

pytestmark = pytest.mark.live
SHARED = ROOT.parent / "shared"
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
WITH_DATES = [r["name"] for r in DESCRIPTOR["resources"] if any(f["type"] == "date" for f in r["schema"]["fields"])]


def test_the_shipped_package_is_valid():
    """As `kzuz validate` judges it, today: a row dated after the fixture's frozen day is valid."""
    report = validate(load(ROOT))
    assert [f"{p.location()}: {p.message}" for p in report.problems] == []
    assert set(report.rows) == {r["name"] for r in DESCRIPTOR["resources"]}


def test_frictionless_alone_finds_it_valid_keys_included():
    report = frictionless.Package(str(ROOT / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize("name", WITH_DATES)
def test_every_resource_loads_with_dates_as_dates(name):
    resource = frictionless.Package(str(ROOT / "datapackage.json")).get_resource(name)
    frame = resource.to_pandas()
    for date in (f.name for f in resource.schema.fields if f.type == "date"):
        if date in frame.columns:
            assert pd.api.types.is_datetime64_any_dtype(frame[date]) or frame[date].isna().all(), date
        else:  # part of a composite primary key: frictionless keeps index levels as datetime.date
            assert all(isinstance(d, datetime.date) for d in frame.index.get_level_values(date)), date
    assert len(frame) == len(resource.read_rows())


def test_the_generated_files_are_up_to_date(capsys):
    assert main(["docs", str(ROOT), "--check"]) == 0, capsys.readouterr().out


def test_every_quote_stands_verbatim_in_its_source():
    tool = SHARED / "tools" / "check_quotes.py"
    if not tool.exists():
        if os.environ.get("KZUZ_SOURCES_REQUIRED"):  # .ci/run: the texts are beside the checkout there
            pytest.fail(f"{tool} is missing: the source texts must be in ../shared beside the checkout")
        pytest.skip("the source texts (../shared) are not beside this checkout: they are not redistributed")
    checked = subprocess.run([sys.executable, str(tool), str(ROOT / "data")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    assert " 0 not found" in checked.stdout
