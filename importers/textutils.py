"""Helpers shared by the text-dump layouts: paragraphs, page furniture, French dates."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from importers.parsed import DAY, EXACT, MONTH, UNKNOWN, YEAR, ParseError

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
        # embed leftovers, cookie placeholders that replace an embed, counters, tag labels
        r"^view more (documents|presentations|slideshows) from\b.*$",
        r"^sujets liés\s*:.*$",
        r"^\d+\s+commentaires?$",
        r"^pour afficher ce contenu issu des réseaux sociaux, vous devez accepter les cookies\b.*$",
        r"^ces cookies et traceurs permettent\b.*$",
        r"^(share this|partager cet article)\s*:?$",
    )
]


def is_furniture(line: str) -> bool:
    return any(p.match(_normalise(line)) for p in FURNITURE_LINES)


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


# --- Shared by the bullet-thread layouts (indented-threads, counted-bullets) ---------------


# The cookie placeholder a consent plugin puts where an embed (video, slides) used to be.
_EMBED_PLACEHOLDER = re.compile(
    r"^(pour afficher ce contenu issu des réseaux sociaux\b|view more (documents|presentations|"
    r"slideshows) from\b)",
    re.IGNORECASE,
)


def _normalise(line: str) -> str:
    return line.strip().replace("’", "'").replace("\xa0", " ")


def strip_page_furniture(lines: list[str]) -> list[str]:
    """Drop furniture lines, and the caption of an embed whose player became a cookie
    placeholder or a "View more documents from" line: an embed (SlideShare, video) prints
    its title as a one-line paragraph right above the player, and without the player that
    title is a dangling link label, not prose."""
    keep = [not is_furniture(line) for line in lines]
    for i, line in enumerate(lines):
        if not _EMBED_PLACEHOLDER.match(_normalise(line)):
            continue
        j = i - 1
        while j >= 0 and (not lines[j].strip() or not keep[j]):
            j -= 1
        # Only a one-line paragraph (blank or start of text above it) counts as a caption.
        if j >= 0 and (j == 0 or not lines[j - 1].strip()) and len(lines[j].strip()) <= 120:
            if not lines[j].rstrip().endswith((".", "!", "?", ":", "…")):
                keep[j] = False
    return [line for line, k in zip(lines, keep, strict=True) if k]


# "[…] quoted text […]": the excerpt a pingback or trackback shows.
_EXCERPT = re.compile(r"^\[(?:\.\.\.|…)\].*\[(?:\.\.\.|…)\]$", re.DOTALL)


def is_link_excerpt(body: str) -> bool:
    return bool(_EXCERPT.match(body.strip()))


# "  • text": a list bullet; text may be empty (a bullet cut off by a truncated dump).
BULLET = re.compile(r"^(?P<indent>[ \t]*)•(?:[ \t\xa0]+(?P<text>.*?))?[ \t\xa0]*$")


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip())


@dataclass
class Bullet:
    """One bullet of an indented bullet tree, as the source nests it."""

    line: int  # 1-based line of the bullet
    indent: int
    text: str  # what follows "•" on the bullet's own line, stripped
    body: list[str]  # the lines after the bullet line, up to the next bullet (raw)
    parent: int | None  # index of the enclosing bullet, None at the outermost level


def bullet_tree(lines: list[str], start: int, end: int) -> list[Bullet]:
    """Read lines[start:end] (0-based) as a tree of bullets nested by indentation.

    Every non-blank line is either a bullet or a continuation indented deeper than its
    bullet. Siblings must share one indentation; anything else is not this layout and
    raises ParseError, because guessing a parent would invent a reply that isn't there."""
    bullets: list[Bullet] = []
    stack: list[int] = []  # indices of the open ancestors, outermost first
    child_indent: dict[int | None, int] = {}  # parent index -> indentation of its children
    for i in range(start, end):
        raw = lines[i]
        if not raw.strip():
            if bullets:
                bullets[-1].body.append(raw)
            continue
        match = BULLET.match(raw)
        if match is None:
            if not bullets:
                raise ParseError(f"expected a '•' bullet, found {raw.strip()[:40]!r}", line=i + 1)
            if indent_of(raw) <= bullets[-1].indent:
                raise ParseError(
                    "expected a continuation indented deeper than its bullet "
                    f"(column {bullets[-1].indent + 1}), found {raw.strip()[:40]!r}",
                    line=i + 1,
                )
            bullets[-1].body.append(raw)
            continue
        indent = len(match["indent"])
        while stack and bullets[stack[-1]].indent >= indent:
            stack.pop()
        parent = stack[-1] if stack else None
        expected = child_indent.setdefault(parent, indent)
        if indent != expected:
            raise ParseError(
                f"expected a bullet at column {expected + 1} (or at an enclosing bullet's "
                f"column), found one at column {indent + 1}",
                line=i + 1,
            )
        bullets.append(Bullet(i + 1, indent, (match["text"] or "").strip(), [], parent))
        stack.append(len(bullets) - 1)
    return bullets


def next_content(lines: list[str], i: int) -> int | None:
    """Index of the first non-blank line after i, or None."""
    for j in range(i + 1, len(lines)):
        if lines[j].strip():
            return j
    return None


def title_line(lines: list[str]) -> int:
    """Index of a bullet page's title: its first non-blank line, at column 1."""
    title_i = next_content(lines, -1)
    if title_i is None:
        raise ParseError("expected a title line, found empty text", line=1)
    if indent_of(lines[title_i]) > 0 or BULLET.match(lines[title_i]):
        raise ParseError("expected a title at column 1, found indented text", line=title_i + 1)
    return title_i
