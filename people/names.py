"""Participant names: the normalized key that decides who is the same person, the split of
Twitter-style names, and what makes a name "bare" (one word: a first name or a handle, too
common to identify someone across blogs). Pure functions, no ORM. The rule itself is
written down in docs/identity.md."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

_SPACES = re.compile(r"\s+")
# "Stephanie Booth ( @ stephtara)" -> name "Stephanie Booth", handle "stephtara"
_TWITTER_STYLE = re.compile(r"^(?P<name>.*?)\s*\(\s*@\s*(?P<handle>[\w.]+)\s*\)\s*$")
# "@ grnkss", "@grnkss" -> the handle "grnkss", displayed "@grnkss"
_AT_HANDLE = re.compile(r"^@\s*(?P<handle>[\w.\-]+)$")
# Websites that name no one: placeholder domains (RFC 2606), and shared platforms whose
# bare address many people give (a path on them, twitter.com/someone, does name someone).
_PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
_SHARED_HOSTS = frozenset(
    {"twitter.com", "x.com", "facebook.com", "linkedin.com", "google.com", "plus.google.com",
     "youtube.com", "wordpress.com", "wordpress.org", "blogspot.com", "gmail.com", "disqus.com"}
)  # fmt: skip


# A participant's name and key have columns of this size; a longer spelling as written (a
# pasted sentence, a spammer's keywords) is cut to it for the participant, kept whole on
# the comment.
NAME_LENGTH = 200


def fitted(spelling: str) -> str:
    """The spelling as the participant side uses it: whitespace collapsed, at most
    NAME_LENGTH characters."""
    spelling = _SPACES.sub(" ", spelling).strip()
    return spelling if len(spelling) <= NAME_LENGTH else spelling[: NAME_LENGTH - 1] + "…"


def normalize_key(name: str) -> str:
    """Casefolded, accents stripped, whitespace collapsed, a leading '@' removed:
    spellings with equal keys are one participant (within a blog, see is_bare)."""
    text = unicodedata.normalize("NFKD", name.strip())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _SPACES.sub(" ", text.casefold()).strip()
    if text.startswith("@"):
        text = text[1:].lstrip()
    return text[:NAME_LENGTH]  # casefolding can lengthen a fitted spelling ("ß" -> "ss")


def split_handle(spelling: str) -> tuple[str, str]:
    """Return (display name, handle) for a name as written; handle is "" when none.
    A bare handle is displayed one way whatever the spacing: "@ grnkss" -> "@grnkss"."""
    spelling = _SPACES.sub(" ", spelling).strip()
    match = _TWITTER_STYLE.match(spelling)
    if match and match["name"]:
        return match["name"].strip(), match["handle"]
    match = _AT_HANDLE.match(spelling)
    if match:
        return f"@{match['handle']}", match["handle"]
    return spelling, ""


def spelling_key(spelling: str) -> str:
    """The normalized key of a name as written."""
    return normalize_key(split_handle(spelling)[0])


def is_bare(key: str) -> bool:
    """One word (a first name, a handle, "Anonymous"): many people write it, so it is
    one person only within one blog."""
    return bool(key) and " " not in key


def website_key(url: str) -> str:
    """'https://www.Example.net/blog/' -> 'example.net/blog'; "" for an address that names
    no one (no host, a placeholder or shared platform's bare address, not http(s))."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or "." not in host:
        return ""
    host = host.removeprefix("www.")
    path = parts.path.rstrip("/")
    if any(host == h or host.endswith("." + h) for h in _PLACEHOLDER_HOSTS):
        return ""
    if host in _SHARED_HOSTS and not path:
        return ""
    return host + path
