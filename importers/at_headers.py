"""Layout "at-headers": a blog page dump whose comments follow the article, flat, each
introduced by a header line of its own:

    Site name                      <- optional masthead (blog_name)
    Title                          <- the page title, usually repeated (<title>, <h1> ...)
    Title
    article paragraphs ...
    Name @ 2010-09-16 10:59:58     <- comment header: author, "@", local date and time
    comment paragraphs ...
    Name @                         <- the same header without a date

The source has no nesting, so every comment is top-level. Author names are kept exactly
as written, including Twitter-style "@ handle" forms. Comment kinds: see
importers._headers.comment_kind (pingbacks, relayed tweets)."""

from __future__ import annotations

import re
from datetime import datetime

from importers._headers import (
    body_text,
    comment_kind,
    content_end,
    require_text,
    split_lines,
)
from importers.parsed import ParsedArticle, ParsedComment, ParsedDump, ParseError

NAME = "at-headers"

_EXPECTED = "a page dump: title, article, then comment headers `Name @ YYYY-MM-DD HH:MM:SS`"

# "Name @ 2010-09-16 10:59:58" (seconds optional). The author is everything before the
# last " @ date", so "Stephanie Booth ( @ stephtara) @ 2010-..." keeps its handle.
_DATED = re.compile(
    r"^(?P<author>\S.*?)\s+@\s+(?P<date>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?)\s*$"
)
# "Name @" with no date. Weaker than _DATED, so it must also stand alone between blank
# lines; "@ grnkss @" gives the author "@ grnkss".
_UNDATED = re.compile(r"^(?P<author>\S.*?)\s+@\s*$")
_MAX_AUTHOR = 120  # a header is a name, not a sentence that happens to end with " @"


def _is_blank(lines: list[str], i: int) -> bool:
    return i < 0 or i >= len(lines) or not lines[i].strip()


def _header(lines: list[str], i: int) -> tuple[str, str] | None:
    """(author, date as written) when line i is a comment header, else None."""
    line = lines[i].strip()
    match = _DATED.match(line)
    if match and len(match["author"]) <= _MAX_AUTHOR:
        return match["author"], match["date"]
    match = _UNDATED.match(line)
    if (
        match
        and len(match["author"]) <= _MAX_AUTHOR
        and _is_blank(lines, i - 1)
        and _is_blank(lines, i + 1)
    ):
        return match["author"], ""
    return None


def detect(text: str) -> bool:
    # One dated header on a line of its own is specific enough: no other layout writes
    # "name @ ISO date".
    return any(_DATED.match(line.strip()) for line in split_lines(text))


def _parse_date(raw: str, line: int) -> datetime:
    try:
        return datetime.fromisoformat(raw.replace("T", " "))
    except ValueError as exc:
        raise ParseError(f"expected a valid date YYYY-MM-DD HH:MM:SS, got {raw!r}", line) from exc


def _article_head(lines: list[str]) -> tuple[str, str, int, list[str]]:
    """(title, blog_name, index where the article body starts, warnings).

    The page title is the first line repeated among the next few non-blank lines (dumps
    keep <title> and <h1>); lines before it are the site masthead. Without a repeat the
    first line is the title and there is no masthead."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    warnings: list[str] = []
    title_at = None
    for n, i in enumerate(filled[:4]):
        following = [lines[j].strip() for j in filled[n + 1 : n + 4]]
        if lines[i].strip() in following:
            title_at = n
            break
    if title_at is None:
        title_at = 0
    title = lines[filled[title_at]].strip()
    masthead = [lines[i].strip() for i in filled[:title_at]]
    if len(masthead) > 1:
        warnings.append(f"masthead lines not kept: {masthead[1:]}")
    # The body starts after the run of title repeats.
    n = title_at
    while n < len(filled) and lines[filled[n]].strip() == title:
        n += 1
    start = filled[n] if n < len(filled) else len(lines)
    return title, masthead[0] if masthead else "", start, warnings


def parse(text: str) -> ParsedDump:
    require_text(text, _EXPECTED)
    lines = split_lines(text)
    end = content_end(lines)
    headers = [(i, h) for i in range(end) if (h := _header(lines, i)) is not None]
    if not any(date for _, (_, date) in headers):
        raise ParseError(f"expected {_EXPECTED}; found no dated comment header", line=1)
    first = headers[0][0]
    if not any(line.strip() for line in lines[:first]):
        raise ParseError("expected an article title before the first comment header", first + 1)

    title, blog_name, body_start, warnings = _article_head(lines[:first])
    article = ParsedArticle(
        title=title,
        body=body_text(lines[body_start:first]),
        blog_name=blog_name,
    )
    bounds = [i for i, _ in headers] + [end]
    for n, (i, (author, date_raw)) in enumerate(headers):
        body = body_text(lines[i + 1 : bounds[n + 1]])
        article.comments.append(
            ParsedComment(
                author=author,
                body=body,
                posted_at=_parse_date(date_raw, i + 1) if date_raw else None,
                date_raw=date_raw,
                kind=comment_kind(author, body, title),
                line=i + 1,
            )
        )
    return ParsedDump(format=NAME, articles=[article], warnings=warnings)
