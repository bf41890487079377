"""`kzuz docs`: the data dictionary is generated from the descriptor and kept in step with it."""
import json

import pytest

from conftest import ROOT, read_rows, write_rows
from kzuz.cli import main
from kzuz.docs import DICTIONARY


def test_a_changed_description_makes_the_dictionary_out_of_date_until_regenerated(package, capsys):
    assert main(["docs", str(package)]) == 0
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][2]["schema"]["fields"][1]["description"] = "First day | of the visit."
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")

    assert main(["docs", str(package), "--check"]) == 1
    assert main(["docs", str(package)]) == 0
    assert main(["docs", str(package), "--check"]) == 0
    written = (package / DICTIONARY).read_text(encoding="utf-8")
    assert "| `start_date` | date | yes |  | First day \\| of the visit. |" in written


@pytest.mark.live
def test_every_field_of_every_resource_is_listed():
    written = (ROOT / DICTIONARY).read_text(encoding="utf-8")
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        assert f"## `{resource['name']}`" in written
        for field in resource["schema"]["fields"]:
            assert f"| `{field['name']}` | {field['type']} |" in written


README_WITH_BLOCKS = """# A package

Hand-written words stay as they are.

<!-- kzuz docs: tables -->
stale
<!-- /kzuz docs -->

<!-- kzuz docs: validate -->
<!-- /kzuz docs -->
"""


def test_the_readme_figures_are_counted_from_the_data(package, capsys):
    (package / "README.md").write_text(README_WITH_BLOCKS, encoding="utf-8")
    assert main(["docs", str(package), "--check"]) == 1
    assert "README.md is out of date: run kzuz docs" in capsys.readouterr().out.splitlines()
    assert main(["docs", str(package)]) == 0
    written = (package / "README.md").read_text(encoding="utf-8")
    visits = len(read_rows(package / "data" / "visits.csv")) - 1
    rows = sum(len(read_rows(path)) - 1 for path in (package / "data").glob("*.csv"))
    assert written.startswith("# A package\n\nHand-written words stay as they are.\n")
    assert f"| `visits` | {visits} | " in written and "stale" not in written
    tables = len(list((package / "data").glob("*.csv")))
    assert f"```\nvalid: {tables} tables, {rows} rows\n```" in written


def test_a_row_added_makes_the_readme_out_of_date_until_regenerated(package, capsys):
    (package / "README.md").write_text(README_WITH_BLOCKS, encoding="utf-8")
    main(["docs", str(package)])
    path = package / "data" / "visits.csv"
    rows = read_rows(path)
    write_rows(path, rows + [[rows[-1][0] + "-again", *rows[-1][1:]]])
    capsys.readouterr()
    assert main(["docs", str(package), "--check"]) == 1
    assert capsys.readouterr().out == "README.md is out of date: run kzuz docs\n"
    assert main(["docs", str(package)]) == 0
    assert f"| `visits` | {len(rows)} | " in (package / "README.md").read_text(encoding="utf-8")
