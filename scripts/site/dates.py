"""Dates as the sources give them: a month-precision date is the whole month, a year the
whole year. Nothing here ever shows a day the source does not give."""
from __future__ import annotations

import datetime

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def span(start: datetime.date, end: datetime.date | None, precision: str) -> tuple[datetime.date, datetime.date]:
    """[first day, day after the last) of what START…END at PRECISION can mean."""
    end = end or start
    if precision == "year":
        return datetime.date(start.year, 1, 1), datetime.date(end.year + 1, 1, 1)
    if precision == "month":
        return datetime.date(start.year, start.month, 1), next_month(end)
    return start, end + datetime.timedelta(days=1)


def next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def described(start: datetime.date, end: datetime.date | None, precision: str) -> str:
    """'14 June 2013', '21–22 December 2022', 'December 2022', '2018', '2017–2019'."""
    end = end or start
    if precision == "year":
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if precision == "month":
        first, last = f"{MONTHS[start.month - 1]} {start.year}", f"{MONTHS[end.month - 1]} {end.year}"
        return first if first == last else f"{first} – {last}"
    return day_range(start, end)


def day_range(start: datetime.date, end: datetime.date) -> str:
    if start == end:
        return f"{start.day} {MONTHS[start.month - 1]} {start.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {MONTHS[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} – {end.day} {MONTHS[end.month - 1]} {end.year}"
    return f"{day_range(start, start)} – {day_range(end, end)}"


def period(start: datetime.date, end: datetime.date, short: bool = False) -> str:
    """An observation period (both ends inclusive, always at day precision) in words:
    whole years and whole months are named as such, anything else by its days.
    SHORT: months in three letters, for a chart's axis."""
    after = end + datetime.timedelta(days=1)
    if (start.month, start.day, after.month, after.day) == (1, 1, 1, 1):
        return described(start, end, "year")
    words = described(start, end, "month") if start.day == 1 and after.day == 1 else day_range(start, end)
    if start.day == 1 and after.day == 1 and start.year == end.year and start.month != end.month:
        words = f"{MONTHS[start.month - 1]}–{MONTHS[end.month - 1]} {end.year}"
    return abbreviated(words) if short else words


def abbreviated(words: str) -> str:
    for month in MONTHS:
        words = words.replace(month, month[:3])
    return words
