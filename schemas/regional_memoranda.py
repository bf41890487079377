"""Rules for data/regional_memoranda.csv beyond its Table Schema.

One memorandum among several regions is several rows sharing a `memorandum_id`, so
those rows must agree on everything that describes the document itself.
"""
import datetime


from .rules import Rule, agrees_within, codes_known, id_starts_with_date, not_in_future
from .table_schema import enum, required, resource_schema

DOCUMENT_COLUMNS = ("signed_date", "signed_date_precision", "title_en", "doc_type", "topics", "visit_id")
# The fields these rules read by name, by table, with the Table Schema type they read each as
READS = {"regional_memoranda": {"memorandum_id": "string", "signed_date": "date", "signed_date_precision": "string",
                                "title_en": "string", "doc_type": "string", "topics": "string", "visit_id": "string"},
         "treaties": {"topic": "string"}}  # its enum: the topics a memorandum may name


def rules(package: dict, today: datetime.date) -> list[Rule]:
    topics = enum(resource_schema(package, "treaties"), "topic")
    schema = resource_schema(package, "regional_memoranda")
    def topics_once(df):
        return df["topics"].astype(object).map(
            lambda v: not isinstance(v, str) or len(v.split(";")) == len(set(v.split(";")))).astype(bool)

    return [
        codes_known("topics", set(topics), "a topic of treaties.topic (%s)" % ", ".join(topics), separator=";"),
        Rule("topics_once", "topics", "'{topics}' names a topic twice", topics_once),
        id_starts_with_date("memorandum_id", "signed_date", "signed_date_precision"),
        not_in_future("signed_date", today),
        *(agrees_within("memorandum_id", c, not required(schema, c), "document") for c in DOCUMENT_COLUMNS),
    ]
