"""Layout "byline-article": an article page with no comments, whose head carries a byline
line and a French date line:

    [{"src":"https://blog.example/wp-content/uploads/...jpg","id":"…"}]   <- optional image header
    Back                                                                  <- optional navigation
    Title
    Par NAME,
    le 17 mai 2016
    article paragraphs ...

It is the most generic layout (any article page could look like it), so detect() is
strict: the byline must be followed by a French day-precision date line near the top, and
a text with a comment section is rejected (parse() refuses it too, so that comments are
never silently dropped)."""

from __future__ import annotations

import json
import re
from typing import NamedTuple
from urllib.parse import urlsplit

from importers._headers import (
    announced_count,
    body_text,
    content_end,
    french_date,
    require_text,
    split_lines,
)
from importers.parsed import DAY, EXACT, ParsedArticle, ParsedDump, ParseError
from importers.textutils import is_furniture

NAME = "byline-article"

_EXPECTED = "an article page: title, a `Par NAME,` byline line, then a French date line"
_HEAD_LINES = 12  # non-blank, non-furniture lines in which the byline must appear
_BYLINE = re.compile(r"^Par\s+(?P<author>\S[^,]{0,78}?)\s*,\s*$")
# "le 17 mai 2016", "17 mai 2016", "le 1er mars 2011 à 14h05": the whole line is a date.
_DATE_LINE = re.compile(
    r"^(?:le\s+)?(?P<date>\d{1,2}(?:er)?\s+[a-zéû]+\s+\d{4}"
    r"(?:\s*(?:à|,)?\s*\d{1,2}\s*[h:]\s*\d{2})?)\s*\.?$",
    re.IGNORECASE,
)
# Comment-section markers of the other text layouts: comment headers, counts, replies.
_COMMENT_MARKERS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\S.*\s@\s+\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}",  # "Name @ 2010-09-16 10:59:58"
        r"^\s*\d+\.\s+Posté par\s.+\sa dit\s*:",  # "1. Posté par Name a dit : le"
        r"^\s*[•*]\s+.+\sdit\s*:\s*$",  # "• Name dit :"
        r"^\s*posted\s*·\s*[1-9]\d*\s+comments?\s*$",  # "Posted · 62 Comments"
    )
]


def _head(lines: list[str]) -> list[int]:
    """Indexes of the first non-blank, non-furniture lines."""
    out = [i for i, line in enumerate(lines) if line.strip() and not is_furniture(line)]
    return out[:_HEAD_LINES]


class _Byline(NamedTuple):
    line: int  # index of the "Par NAME," line
    date_line: int  # index of the date line
    author: str
    date_raw: str  # the date as written, without the leading "le"


def _byline(lines: list[str]) -> _Byline | None:
    """The byline when the head has a "Par NAME," line directly followed by a French date
    line that parses to a day (or finer)."""
    head = _head(lines)
    for n, i in enumerate(head[:-1]):
        byline = _BYLINE.match(lines[i].strip())
        date_line = _DATE_LINE.match(lines[head[n + 1]].strip())
        if byline and date_line:
            _, precision = french_date(date_line["date"])
            if precision in (DAY, EXACT):
                return _Byline(i, head[n + 1], byline["author"], date_line["date"])
    return None


def _comment_section_line(lines: list[str]) -> int | None:
    """Index of the first line showing a comment section (header or non-zero count)."""
    for i, line in enumerate(lines):
        count = announced_count(line)
        if count or any(p.match(line) for p in _COMMENT_MARKERS):
            return i
    return None


def detect(text: str) -> bool:
    lines = split_lines(text)
    return _byline(lines) is not None and _comment_section_line(lines) is None


def _blog_url(lines: list[str]) -> str:
    """Scheme and host of the image in the JSON image header, when the dump has one."""
    for line in lines[:3]:
        stripped = line.strip()
        if not stripped.startswith('[{"src"'):
            continue
        try:
            src = json.loads(stripped)[0]["src"]
            parts = urlsplit(src)
        except (ValueError, KeyError, IndexError, TypeError):
            return ""
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    return ""


def parse(text: str) -> ParsedDump:
    require_text(text, _EXPECTED)
    lines = split_lines(text)
    found = _byline(lines)
    if found is None:
        raise ParseError(f"expected {_EXPECTED} near the top", line=1)
    by_at, date_at = found.line, found.date_line
    comments_at = _comment_section_line(lines)
    if comments_at is not None:
        raise ParseError(
            "expected an article without comments; this text has a comment section"
            " (use the layout of its comments)",
            line=comments_at + 1,
        )
    title_lines = [i for i in _head(lines) if i < by_at]
    if not title_lines:
        raise ParseError("expected a title line before the `Par NAME,` byline", by_at + 1)
    # The title is the line just above the byline; anything earlier is page chrome that
    # is_furniture does not know, kept as a warning rather than lost silently.
    warnings = [f"line {i + 1} before the title ignored" for i in title_lines[:-1]]

    published_at, precision = french_date(found.date_raw)
    end = content_end(lines)
    article = ParsedArticle(
        title=lines[title_lines[-1]].strip(),
        body=body_text(lines[date_at + 1 : end]),
        author=found.author,
        published_at=published_at,
        date_precision=precision,
        date_raw=found.date_raw,
        blog_url=_blog_url(lines),
    )
    return ParsedDump(format=NAME, articles=[article], warnings=warnings)
