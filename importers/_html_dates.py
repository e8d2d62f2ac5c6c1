"""Dates on saved blog pages (importers.html_page): machine values (``<time datetime>``,
``abbr.published[title]``, Blogger's ``showComment`` epoch) and the dates a reader sees, in
French or English ("3 mai 2010 à 14 h 05", "June 3, 2010 at 2:05 pm", "03/05/2010").

Machine values with an offset give aware datetimes; visible dates are naive (the house
reads them as Europe/Paris local time). Private to html_page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from importers._headers import french_date
from importers.parsed import DAY, EXACT
from importers.textutils import FRENCH_MONTHS

ENGLISH_MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip

# The time after a date: "at 2:05 pm", "à 14 h 05", ", 14:05", "11:18:00 PM", "2:07 a. m.".
_TIME = (
    r"(?:\s*(?:at|à|@|,|-)?\s*(?P<hour>\d{1,2})\s*[:h]\s*(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2}))?(?:\s*min)?\s*(?P<ampm>[ap]\.?\s?m\.?(?![a-z]))?)?"
)
_MONTH_FIRST = re.compile(
    r"\b(?P<month>[^\W\d_]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME,
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th|er)?\s+(?:of\s+)?(?P<month>[^\W\d_]{3,9})\.?,?\s+"
    r"(?P<year>\d{4})" + _TIME,
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4}|\d{2})\b" + _TIME, re.IGNORECASE
)
_ISO_LIKE = re.compile(
    r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[ T](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2}))?)?"
)


def machine_date(value: str | None) -> tuple[datetime | None, str]:
    """An ISO 8601 attribute value -> (datetime, precision); aware when it has an offset."""
    value = (value or "").strip()
    if not value:
        return None, ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None, ""
    return moment, EXACT if ("T" in value or " " in value) else DAY


def show_comment_date(href: str | None) -> datetime | None:
    """Blogger's comment permalink "...?showComment=1339486200000#c123": the comment's
    time in milliseconds since the epoch, UTC."""
    if not href:
        return None
    try:
        values = parse_qs(urlsplit(href).query).get("showComment", [])
        ms = int(values[0]) if values else 0
    except ValueError:
        return None
    # 1999 .. 2100: anything else is not a comment time.
    if not 915_148_800_000 <= ms <= 4_102_444_800_000:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC)


def _clock(match: re.Match, base: datetime) -> tuple[datetime, str]:
    if not match["hour"]:
        return base, DAY
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    ampm = (match.groupdict().get("ampm") or "").replace(".", "").replace(" ", "").lower()
    if ampm and not 1 <= hour <= 12:
        raise ValueError("hour out of range for am/pm")
    if ampm == "pm" and hour != 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return base.replace(hour=hour, minute=minute, second=second), EXACT


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def visible_date(text: str, day_first: bool = True) -> tuple[datetime | None, str]:
    """A date as a page shows it -> (naive datetime, DAY or EXACT), or (None, "").
    `day_first` reads "03/05/2010" as 3 May (French pages), else as March 5."""
    text = " ".join(text.replace("\xa0", " ").split())
    if not text:
        return None, ""
    try:
        for pattern in (_DAY_FIRST, _MONTH_FIRST):
            for match in pattern.finditer(text):
                name = match["month"].lower()
                month = ENGLISH_MONTHS.get(name) or FRENCH_MONTHS.get(name)
                if month:
                    base = datetime(int(match["year"]), month, int(match["day"]))
                    return _clock(match, base)
    except ValueError:  # "31 février 2010", "25:70": not a date
        return None, ""
    # The shared French reader knows a few more forms ("le 1er mai 2010, 14h05").
    moment, precision = french_date(text)
    if moment is not None and precision in (DAY, EXACT):
        return moment, precision
    try:
        match = _ISO_LIKE.search(text)
        if match:
            base = datetime(int(match["year"]), int(match["month"]), int(match["day"]))
            return _clock(match, base)
        match = _NUMERIC.search(text)
        if match:
            a, b = int(match["a"]), int(match["b"])
            day, month = (a, b) if day_first else (b, a)
            if month > 12 >= day:  # only one reading is a date
                day, month = month, day
            return _clock(match, datetime(_year(match["year"]), month, day))
    except ValueError:  # "31/02/2010", "25:70": not a date
        return None, ""
    return None, ""
