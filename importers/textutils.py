"""Helpers shared by the text-dump layouts: paragraphs, page furniture, French dates."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from importers.parsed import DAY, EXACT, MONTH, UNKNOWN, YEAR

FRENCH_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip

# Lines that are page furniture, never content: comment forms, cookie banners, share widgets.
FURNITURE_LINES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^laisser un commentaire$",
        r"^ajouter un commentaire$",
        r"^votre adresse (e-?mail|email) ne sera pas publiée\.?$",
        r"^back$",
        r"^partager( sur .*)?:?$",
        r"^accepter$",
        r"^merci d'utiliser votre téléphone en mode portrait$",
        r"^\[\{\"src\":.*\}\]$",  # the JSON image header of some dumps
    )
]


def is_furniture(line: str) -> bool:
    stripped = line.strip().replace("’", "'")
    return any(p.match(stripped) for p in FURNITURE_LINES)


def paragraphs(lines: Iterable[str]) -> str:
    """Join lines into text: each line stripped, blank-line runs folded to one blank line,
    no leading or trailing blank lines. Line breaks inside a paragraph are kept."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped:
            out.append(stripped)
        elif out and out[-1] != "":
            out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


_FRENCH_DATE = re.compile(
    r"(?:(?P<day>\d{1,2})(?:er)?\s+)?(?P<month>[a-zéû]+)\s+(?P<year>\d{4})"
    r"(?:\s*(?:à|,)?\s*(?P<hour>\d{1,2})\s*[h:]\s*(?P<minute>\d{2}))?",
    re.IGNORECASE,
)


def parse_french_date(text: str) -> tuple[datetime | None, str]:
    """'le 17 mai 2016' -> (2016-05-17, DAY); 'mai 2010' -> (2010-05-01, MONTH);
    '2010' -> (2010-01-01, YEAR); with 'à 14h05' -> EXACT. Times are naive (local)."""
    match = _FRENCH_DATE.search(text)
    if match and match["month"].lower() in FRENCH_MONTHS:
        year, month = int(match["year"]), FRENCH_MONTHS[match["month"].lower()]
        if not match["day"]:
            return datetime(year, month, 1), MONTH
        day = int(match["day"])
        if match["hour"]:
            return datetime(year, month, day, int(match["hour"]), int(match["minute"])), EXACT
        return datetime(year, month, day), DAY
    year_only = re.fullmatch(r"\s*(?:en\s+)?(\d{4})\s*", text)
    if year_only:
        return datetime(int(year_only[1]), 1, 1), YEAR
    return None, UNKNOWN
