"""Participant names: the normalized key that decides who is the same person, and the
split of Twitter-style names. Pure functions, no ORM."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# "Stephanie Booth ( @ stephtara)" -> name "Stephanie Booth", handle "stephtara"
_TWITTER_STYLE = re.compile(r"^(?P<name>.*?)\s*\(\s*@\s*(?P<handle>[\w.]+)\s*\)\s*$")


def normalize_key(name: str) -> str:
    """Casefolded, accents stripped, whitespace collapsed, a leading '@' removed:
    spellings with equal keys are one participant."""
    text = unicodedata.normalize("NFKD", name.strip())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _SPACES.sub(" ", text.casefold()).strip()
    if text.startswith("@"):
        text = text[1:].lstrip()
    return text


def split_handle(spelling: str) -> tuple[str, str]:
    """Return (display name, handle) for a name as written; handle is "" when none."""
    spelling = _SPACES.sub(" ", spelling).strip()
    match = _TWITTER_STYLE.match(spelling)
    if match and match["name"]:
        return match["name"].strip(), match["handle"]
    return spelling, ""
