"""Rules for data/sources.csv beyond its Table Schema."""
import datetime

import pycountry

from .rules import Rule, codes_known, not_in_future

LANGUAGES = {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}

# The fields these rules read by name, by table, with the Table Schema type they read each as
READS = {"sources": {"language": "string", "published_date": "date"}}


def rules(package: dict, today: datetime.date) -> list[Rule]:
    return [
        codes_known("language", LANGUAGES, "an ISO 639-1 language code (e.g. ru, en, uz)"),
        not_in_future("published_date", today),
    ]
