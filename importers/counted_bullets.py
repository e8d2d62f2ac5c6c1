"""Layout "counted-bullets": a blog page dump whose comments follow a "Commentaires (N)"
line as "•" bullets; the bullet line holds only the author's name and the comment's text is
indented below it. Replies, where the page nests them, are bullets indented deeper.

    Title
    Article paragraphs at column 1 (embed leftovers, tag labels, counters are furniture)
    Commentaires (20)
      • Camille A
        Comment text …
      • Flavien Chantrel
        Comment text …
    Ajouter un commentaire               <- column 1 again: the thread has ended

The thread runs from the count line to the next line at column 1 (or the end of the text);
what follows it is page furniture (comment form, site links)."""

from __future__ import annotations

import re

from importers.parsed import PINGBACK, ParsedArticle, ParsedComment, ParsedDump, ParseError
from importers.textutils import (
    BULLET,
    bullet_tree,
    indent_of,
    is_furniture,
    is_link_excerpt,
    next_content,
    paragraphs,
    strip_page_furniture,
    title_line,
)

NAME = "counted-bullets"

_COUNT_LINE = re.compile(
    r"^(?:commentaires?|comments?|réactions?)[ \xa0]*\((?P<n>\d+)\)$", re.IGNORECASE
)
# An author line is a name, not prose: short, and not a "Name dit :" header of another layout.
_AUTHOR = re.compile(r"^\S.{0,99}$")
_SAYS = re.compile(r"\bdit[ \xa0]*:$")


def _count_line(line: str) -> re.Match[str] | None:
    return _COUNT_LINE.match(line.strip()) if indent_of(line) == 0 else None


def _author_bullet(lines: list[str], i: int) -> bool:
    """A "• Name" bullet with the comment's text on deeper-indented lines below."""
    match = BULLET.match(lines[i])
    text = (match["text"] or "") if match else ""
    if match is None or not _AUTHOR.match(text) or _SAYS.search(text):
        return False
    j = next_content(lines, i)
    return (
        j is not None and indent_of(lines[j]) > len(match["indent"]) and not BULLET.match(lines[j])
    )


def detect(text: str) -> bool:
    lines = text.lstrip("\ufeff").splitlines()
    for i, line in enumerate(lines):
        if _count_line(line):
            j = next_content(lines, i)
            if j is not None and _author_bullet(lines, j):
                return True
    return False


def parse(text: str) -> ParsedDump:
    lines = text.lstrip("\ufeff").splitlines()
    title_i = title_line(lines)
    counts = [(i, m) for i in range(title_i + 1, len(lines)) if (m := _count_line(lines[i]))]
    if not counts:
        raise ParseError(
            "expected a 'Commentaires (N)' line before the comments, found none", line=len(lines)
        )
    # Prefer the count line that the bullets follow, should the article quote one.
    count_i, match = next(
        (
            (i, m)
            for i, m in counts
            if (j := next_content(lines, i)) is not None and BULLET.match(lines[j])
        ),
        counts[0],
    )
    announced = int(match["n"])

    start = count_i + 1
    end = start
    while end < len(lines) and (not lines[end].strip() or indent_of(lines[end]) > 0):
        end += 1
    article = ParsedArticle(
        title=lines[title_i].strip(),
        body=paragraphs(strip_page_furniture(lines[title_i + 1 : count_i])),
        announced_comments=announced,
    )
    warnings: list[str] = []
    bullets = bullet_tree(lines, start, end)
    for n, bullet in enumerate(bullets):
        body = paragraphs(strip_page_furniture(bullet.body))
        if not body or not bullet.text:
            # An author line with nothing under it is what a truncated dump leaves at its end;
            # anywhere else the bullets are not name-then-text and this is not the layout.
            if n == len(bullets) - 1:
                warnings.append(f"line {bullet.line}: incomplete last bullet ignored (truncated?)")
                continue
            what = "the comment's text indented under" if bullet.text else "an author name after"
            raise ParseError(f"expected {what} '• {bullet.text}'", line=bullet.line)
        if _SAYS.search(bullet.text) or not _AUTHOR.match(bullet.text):
            raise ParseError(
                f"expected an author's name on the bullet line, found {bullet.text[:40]!r}",
                line=bullet.line,
            )
        comment = ParsedComment(
            author=bullet.text, body=body, parent=bullet.parent, line=bullet.line
        )
        if is_link_excerpt(body):
            comment.kind = PINGBACK
        article.comments.append(comment)

    if announced and not article.comments:
        found = repr(lines[end].strip()[:40]) if end < len(lines) else "the end of the text"
        raise ParseError(
            f"expected '• Author' bullets with indented text after 'Commentaires ({announced})'"
            f", found {found}",
            line=min(end + 1, len(lines)),
        )
    if announced != len(article.comments):
        warnings.append(
            f"the page announces {announced} comments, the text holds {len(article.comments)}"
        )
    trailing = [i for i in range(end, len(lines)) if lines[i].strip()]
    if any(not is_furniture(lines[i]) for i in trailing):
        warnings.append(f"lines {end + 1}-{trailing[-1] + 1} after the thread dropped as furniture")
    return ParsedDump(format=NAME, articles=[article], warnings=warnings)
