"""The shipped package: valid for kzuz and for frictionless alone, loadable with
correct types, every row traceable to its source."""
import datetime
import subprocess
import sys

import frictionless
import pandas as pd
import pytest

from conftest import ROOT, TODAY
from scripts.validate import validate

SHARED = ROOT.parent / "shared"


def test_the_shipped_package_is_valid():
    report = validate(ROOT, today=TODAY)
    assert [f"{p.location()}: {p.message}" for p in report.problems] == []
    assert set(report.rows) == {"sources", "regions", "visits", "treaties", "regional_memoranda",
                                "indicators", "indicator_definitions"}


def test_frictionless_alone_finds_it_valid_keys_included():
    report = frictionless.Package(str(ROOT / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize("name", ["sources", "visits", "treaties", "regional_memoranda", "indicators"])
def test_every_resource_loads_with_dates_as_dates(name):
    resource = frictionless.Package(str(ROOT / "datapackage.json")).get_resource(name)
    frame = resource.to_pandas()
    dates = [f.name for f in resource.schema.fields if f.type == "date"]
    assert dates
    for date in dates:
        if date in frame.columns:
            assert pd.api.types.is_datetime64_any_dtype(frame[date]), date
        else:  # part of a composite primary key: frictionless keeps index levels as datetime.date
            assert all(isinstance(d, datetime.date) for d in frame.index.get_level_values(date)), date
    assert len(frame) == len(resource.read_rows())


def test_indicator_values_load_as_numbers():
    frame = frictionless.Package(str(ROOT / "datapackage.json")).get_resource("indicators").to_pandas()
    assert pd.api.types.is_float_dtype(frame["value"])
    trade_2019 = frame.xs(("trade-turnover", datetime.date(2019, 1, 1)), level=["indicator", "period_start"])
    assert trade_2019["value"].tolist() == [4_100_000_000]


def test_the_gazetteer_is_every_first_level_subdivision():
    frame = frictionless.Package(str(ROOT / "datapackage.json")).get_resource("regions").to_pandas()
    assert frame.reset_index()["country"].value_counts().to_dict() == {"KZ": 20, "UZ": 14}


@pytest.mark.skipif(not (SHARED / "tools" / "check_quotes.py").exists(),
                    reason="the source texts (../shared) are not beside this checkout")
def test_every_quote_stands_verbatim_in_its_source():
    checked = subprocess.run([sys.executable, str(SHARED / "tools" / "check_quotes.py"), str(ROOT / "data")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    assert " 0 not found" in checked.stdout
