"""Dates as council papers and questions print them, turned into ISO dates; the month tables.

Papers write the same day many ways: ``WEDNESDAY, 09 DECEMBER 2020``, ``9th December 2020``,
``Monday 8 January 2018``, ``18.11.20``, ``16 Sep 2020``. Only full day-month-year forms are used
for structure (meeting and document dates); partial forms (``Dec-17``, ``2019/20``) are periods,
not meeting dates, and are left alone.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_RE = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"

# "Wednesday, 9th December 2020", "09 DECEMBER 2020", "8 January 2018", "16 Sep 2020"
DAY_MONTH_YEAR = re.compile(
    rf"(?:(?P<weekday>{WEEKDAY_RE}),?\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+"
    rf"(?:of\s+)?(?P<month>{MONTH_RE})\.?,?\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# "December 9, 2020" (less common in UK papers, but it happens in US-style templates)
MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<month>{MONTH_RE})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# "18.11.20", "16/09/2020"
NUMERIC_DATE = re.compile(r"\b(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{2}|\d{4})\b")
# "hours on Wednesday, 28th October 2020": the line that opens a set of minutes
MEETING_LINE = re.compile(
    rf"\b\d{{1,2}}[:.]?\d{{2}}\s*(?:hours|hrs|am|pm)\s+on\s+(?:{WEEKDAY_RE},?\s+)?"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTH_RE}),?\s+\d{{4}}",
    re.IGNORECASE,
)


def iso_date(year: int, month: int, day: int) -> str | None:
    """'YYYY-MM-DD', or None when the parts name no real day (31 April, a misread year)."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str, numeric: bool = False) -> list[tuple[int, str]]:
    """(offset, ISO date) for every full date in ``text``, in order of appearance."""
    found: list[tuple[int, str]] = []
    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR):
        for match in pattern.finditer(text):
            iso = iso_date(int(match["year"]), MONTHS[match["month"].lower()], int(match["day"]))
            if iso:
                found.append((match.start(), iso))
    if numeric:
        for match in NUMERIC_DATE.finditer(text):
            year = int(match["year"])
            year = year + 2000 if year < 100 else year
            iso = iso_date(year, int(match["month"]), int(match["day"]))
            if iso:
                found.append((match.start(), iso))
    return sorted(found)


def first_date(text: str, numeric: bool = False) -> str | None:
    dates = find_dates(text, numeric=numeric)
    return dates[0][1] if dates else None


def meeting_line_date(line: str) -> str | None:
    """The date of a minutes opening line ("1000 hours on Wednesday, 28th October 2020, ...")."""
    match = MEETING_LINE.search(line)
    return first_date(match.group(0)) if match else None


def human_date(iso: str | None) -> str:
    """'2020-12-09' -> '9 December 2020' (the way the papers and their readers write it).

    Empty for no date; a string that is not an ISO date comes back as it is.
    """
    if not iso:
        return ""
    try:
        day = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
