"""The fields the semantic rules read by name, and the type they read each as (each schemas/
module's READS, merged in schemas.FIELD_TYPES), checked against the descriptor before any
rule runs: a field the rules read retyped or removed in datapackage.json is a problem
there, at its line, and never a rule failing inside pandas (an internal error, exit 3). A
table removed takes its rules, and the rules that look rows up in it, with it."""
import copy
import json
from pathlib import Path

import pytest

from conftest import TODAY, edit_descriptor, problems, read_rows, resource, write_rows
from kzuz import schemas
from kzuz.cli import main
from kzuz.load import load
from kzuz.package import open_package

RULES_READ = "which the semantic rules (schemas/) read"


def line_after(package: Path, *texts: str) -> int:
    """The line of the last of `texts`, each found after the one before it in datapackage.json."""
    lines = (package / "datapackage.json").read_text(encoding="utf-8").splitlines()
    at = 0
    for text in texts:
        at = next(n for n, line in enumerate(lines[at:], start=at + 1) if text in line)
    return at


def index_of(package: Path, table: str, name: str | None = None) -> tuple[int, int | None]:
    """The position of resource `table` (and of its field `name`) in the descriptor."""
    resources = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    n = [r["name"] for r in resources].index(table)
    fields = [f["name"] for f in resources[n]["schema"]["fields"]]
    return n, fields.index(name) if name else None


def retype(table: str, name: str, type_: str):
    def edit(package: Path) -> None:
        def change(descriptor):
            next(f for f in resource(descriptor, table)["schema"]["fields"] if f["name"] == name)["type"] = type_
        edit_descriptor(package, change)
    return edit


def without_field(table: str, name: str):
    """The field gone from the descriptor and from its CSV, as a contributor removes a column."""
    def edit(package: Path) -> None:
        def change(descriptor):
            schema = resource(descriptor, table)["schema"]
            schema["fields"] = [f for f in schema["fields"] if f["name"] != name]
        edit_descriptor(package, change)
        path = package / "data" / f"{table}.csv"
        rows = read_rows(path)
        at = rows[0].index(name)
        write_rows(path, [row[:at] + row[at + 1:] for row in rows])
    return edit


def without_table(table: str):
    """The resource gone, with its CSV and the foreign keys that point to it."""
    def edit(package: Path) -> None:
        def change(descriptor):
            descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != table]
            for r in descriptor["resources"]:
                r["schema"]["foreignKeys"] = [k for k in r["schema"].get("foreignKeys", [])
                                              if k["reference"]["resource"] != table]
        edit_descriptor(package, change)
        (package / "data" / f"{table}.csv").unlink()
    return edit


# What the rules read is what they state --------------------------------------------------

def test_the_rules_read_by_name_only_the_fields_their_modules_state(package):
    """Every field FIELD_TYPES does not name taken out of the descriptor and the tables:
    each rule still finds every column it reads (no rule 'lacks' one), so a field a rule
    reads cannot be missing from READS."""
    loaded = load(package, judge=False)
    descriptor = copy.deepcopy(loaded.descriptor)
    frames = {}
    for spec, table in zip(descriptor["resources"], loaded.resources):
        kept = schemas.FIELD_TYPES.get(spec["name"], {})
        spec["schema"]["fields"] = [f for f in spec["schema"]["fields"] if f["name"] in kept]
        frames[table.name] = schemas.frame(loaded.tables[table.name])[list(kept)]
    paths = {table.name: table.path for table in loaded.resources}
    found = schemas.check(descriptor, frames, paths, [], TODAY)
    assert [p.message for p in found if p.code.startswith("rules-")] == []


def test_the_shipped_descriptor_declares_every_field_the_rules_read_as_they_read_it(package):
    assert schemas.unfit_fields(open_package(package).descriptor) == []


def test_a_module_reading_a_field_as_another_type_than_another_module_is_a_bug():
    with pytest.raises(RuntimeError, match="schemas/ reads indicators.value as number and as string"):
        schemas.field_types({"indicators": {"value": "number"}}, {"indicators": {"value": "string"}})


# Retyped, removed ----------------------------------------------------------------------

@pytest.mark.parametrize("type_", ["number", "string"])
def test_value_is_read_as_a_number_and_declared_otherwise_is_a_problem_of_the_descriptor(package, type_):
    retype("indicators", "value", type_)(package)
    n, m = index_of(package, "indicators", "value")
    line = line_after(package, '"name": "indicators"', '"name": "value"', '"type": ')
    assert problems(package) == ([] if type_ == "number" else [
        f"datapackage.json:{line}: resources[{n}].schema.fields[{m}].type: indicators.value is declared string, but "
        "the semantic rules (schemas/) read it as number: declare it number, or change the rules with it"])


@pytest.mark.parametrize("table, name", [
    ("visits", "start_date"),        # the rules take its day, month and year
    ("sources", "published_date"),   # other tables' rules look it up: a row is not dated after its source
    ("indicators", "period_end"),
])
def test_a_date_the_rules_read_declared_a_string_is_a_problem_at_its_type(package, table, name):
    retype(table, name, "string")(package)
    n, m = index_of(package, table, name)
    line = line_after(package, f'"name": "{table}"', f'"name": "{name}"', '"type": ')
    assert problems(package) == [
        f"datapackage.json:{line}: resources[{n}].schema.fields[{m}].type: {table}.{name} is declared string, but "
        "the semantic rules (schemas/) read it as date: declare it date, or change the rules with it"]


@pytest.mark.parametrize("table, name, type_", [
    ("indicators", "value", "number"),
    ("indicator_definitions", "unit", "string"),  # read by a rule of indicators
])
def test_a_field_the_rules_read_removed_is_a_problem_at_the_fields_of_its_table(package, table, name, type_):
    without_field(table, name)(package)
    n, _ = index_of(package, table)
    line = line_after(package, f'"name": "{table}"', '"fields": [')
    assert problems(package) == [
        f"datapackage.json:{line}: resources[{n}].schema.fields: {table} lacks the field {name}, {RULES_READ} as "
        f"{type_}: restore it, or change the rules with it"]


@pytest.mark.parametrize("table", ["visits", "indicator_definitions", "regions", "sources"])
def test_a_table_other_rules_look_rows_up_in_removed_takes_those_rules_with_it(package, table):
    without_table(table)(package)
    assert problems(package) == []


def test_a_table_whose_enum_another_table_reads_removed_is_a_plain_problem(package):
    without_table("treaties")(package)  # regional_memoranda's topics are treaties.topic's enum
    assert problems(package) == [f"datapackage.json: lacks 'treaties', {RULES_READ}: restore it, or change the rules "
                                 "with it"]


@pytest.mark.parametrize("edit", [retype("indicators", "value", "string"), retype("visits", "start_date", "string"),
                                  retype("sources", "published_date", "string"),
                                  retype("regions", "region_code", "integer"), without_field("indicators", "value"),
                                  without_table("treaties")],
                         ids=["value", "start_date", "published_date", "region_code", "no value", "no treaties"])
def test_kzuz_validate_exits_1_not_3_on_a_descriptor_the_rules_cannot_read(package, capsys, edit):
    edit(package)
    code = main(["validate", str(package)])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert "datapackage.json" in out and "internal error" not in out
