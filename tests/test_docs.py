"""`kzuz docs`: the data dictionary is generated from the descriptor and kept in step with it."""
import json
import shutil

from conftest import ROOT
from scripts.cli import main
from scripts.docs import DICTIONARY


def test_the_shipped_dictionary_is_up_to_date(capsys):
    assert main(["docs", str(ROOT), "--check"]) == 0
    assert capsys.readouterr().out == "generated files are up to date\n"


def test_a_changed_description_makes_the_dictionary_out_of_date_until_regenerated(package, capsys):
    shutil.copy(ROOT / DICTIONARY, package)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][2]["schema"]["fields"][1]["description"] = "First day | of the visit."
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")

    assert main(["docs", str(package), "--check"]) == 1
    assert main(["docs", str(package)]) == 0
    assert main(["docs", str(package), "--check"]) == 0
    written = (package / DICTIONARY).read_text(encoding="utf-8")
    assert "| `start_date` | date | yes |  | First day \\| of the visit. |" in written


def test_every_field_of_every_resource_is_listed():
    written = (ROOT / DICTIONARY).read_text(encoding="utf-8")
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        assert f"## `{resource['name']}`" in written
        for field in resource["schema"]["fields"]:
            assert f"| `{field['name']}` | {field['type']} |" in written
