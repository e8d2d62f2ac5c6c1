"""Layout "numbered-comments": an article followed by numbered comments, each introduced
by a header line "N. Posté par NAME a dit : le DATE" (the date may be empty: "… a dit : le"):

    Title
    article paragraphs ...
    47 commentaires pour “Title”          <- optional count header (announced_comments)
      1. Posté par Jean a dit : le
        comment paragraphs, indented ...
      2. Posté par Site | Post title a dit : le
        [...] excerpt [...]               <- a pingback

Nesting is read from the header indentation only: a header indented deeper than the one
before is a reply to the nearest preceding header indented less (the numbering itself
says nothing about replies). Comment kinds: see importers._headers.comment_kind."""

from __future__ import annotations

import re

from importers._headers import (
    announced_count,
    body_text,
    comment_kind,
    content_end,
    french_date,
    require_text,
    split_lines,
)
from importers.parsed import ParsedArticle, ParsedComment, ParsedDump, ParseError

NAME = "numbered-comments"

_EXPECTED = "an article followed by numbered comment headers `N. Posté par NAME a dit : le …`"
_HEADER = re.compile(
    r"^(?P<indent>[ \t]*)(?P<num>\d+)\.\s+Posté par\s+(?P<author>.+?)\s+a dit\s*:"
    r"\s*(?:le\b\s*)?(?P<date>.*?)\s*$"
)


def _indent(prefix: str) -> int:
    return len(prefix.expandtabs(4))


def detect(text: str) -> bool:
    return any(_HEADER.match(line) for line in split_lines(text))


def parse(text: str) -> ParsedDump:
    require_text(text, _EXPECTED)
    lines = split_lines(text)
    end = content_end(lines)
    headers = [(i, m) for i in range(end) if (m := _HEADER.match(lines[i]))]
    if not headers:
        raise ParseError(f"expected {_EXPECTED}; found no comment header", line=1)
    first = headers[0][0]
    filled = [i for i in range(first) if lines[i].strip()]
    if not filled:
        raise ParseError("expected an article title before the first comment header", first + 1)

    warnings: list[str] = []
    # The count header, when present, is the last line before the first comment.
    announced = announced_count(lines[filled[-1]]) if len(filled) > 1 else None
    body_end = filled[-1] if announced is not None else first
    article = ParsedArticle(
        title=lines[filled[0]].strip(),
        body=body_text(lines[filled[0] + 1 : body_end]),
        announced_comments=announced,
    )

    bounds = [i for i, _ in headers] + [end]
    stack: list[tuple[int, int]] = []  # (indent, comment index) of the open ancestors
    for n, (i, match) in enumerate(headers):
        if int(match["num"]) != n + 1:
            warnings.append(f"line {i + 1}: comment numbered {match['num']}, expected {n + 1}")
        indent = _indent(match["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else None
        stack.append((indent, n))

        date_raw = match["date"]
        posted_at = None
        if date_raw:
            posted_at, _ = french_date(date_raw)
            if posted_at is None:
                warnings.append(f"line {i + 1}: date {date_raw!r} not understood")
        author = match["author"]
        body = body_text(lines[i + 1 : bounds[n + 1]])
        article.comments.append(
            ParsedComment(
                author=author,
                body=body,
                posted_at=posted_at,
                date_raw=date_raw,
                kind=comment_kind(author, body, article.title),
                parent=parent,
                source_id=match["num"],
                line=i + 1,
            )
        )
    if announced is not None and announced != len(article.comments):
        warnings.append(f"header announces {announced} comments, {len(article.comments)} found")
    return ParsedDump(format=NAME, articles=[article], warnings=warnings)
