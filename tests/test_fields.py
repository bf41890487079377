"""kzuz.fields: what the descriptor's fields mean beyond their types, stated once."""
from kzuz.fields import listed, precision_column, precision_columns


def fields(*names: str) -> list[dict]:
    return [{"name": n, "type": "date" if n.endswith("_date") else "string"} for n in names]


def test_a_date_is_qualified_by_its_own_precision_column_before_the_shared_one():
    both = fields("signed_date", "signed_date_precision", "date_precision")
    assert precision_column(both, "signed_date") == "signed_date_precision"
    assert precision_column(fields("signed_date", "date_precision"), "signed_date") == "date_precision"
    assert precision_column(fields("signed_date", "signed_precision"), "signed_date") is None


def test_every_date_field_has_its_precision_column_or_none():
    visit = fields("start_date", "end_date", "date_precision", "city")
    assert precision_columns(visit) == {"start_date": "date_precision", "end_date": "date_precision"}
    assert precision_columns(fields("published_date", "title")) == {"published_date": None}


def test_a_listed_cell_holds_its_keys_and_nothing_for_empty_parts():
    assert listed("KZ-11;UZ-TO") == ["KZ-11", "UZ-TO"]
    assert listed("KZ-11;;") == ["KZ-11"]
    assert listed("") == [] and listed(None) == []
