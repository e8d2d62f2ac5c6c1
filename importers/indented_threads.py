"""Layout "indented-threads": a blog page dump whose comments are a tree of "•" bullets
nested by indentation. A commenter's bullet is a "Name dit :" header with the text indented
below it; a bullet that starts straight with text (no header) is the blog owner's reply.

    Title
    Posted · 62 Comments                  <- optional; the announced count
    Article paragraphs at column 1, list items as "  • item".
      • Eric dit :
        Comment text …
      • The owner's reply, text on the bullet line …
        • Lily dit :
          A nested reply …

The thread is the indented block that holds the first "Name dit :" bullet and runs to the
next line at column 1 (or the end of the text); what follows it is page furniture."""

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
    parse_french_date,
    strip_page_furniture,
    title_line,
)

NAME = "indented-threads"

# "Eric dit :" (WordPress "says:" in French); the colon is often after a no-break space.
# The name has no length limit: a pingback's is the citing post's title, often 200
# characters with "»", "|", "?" and ":" in it.
_HEADER = re.compile(r"^(?P<author>\S.*?)[ \t\xa0]+dit[ \t\xa0]*:$")
# Prose also ends in "dit :" ("Il m'a dit :", "comme on dit :"): there the word before
# "dit" is an auxiliary or a pronoun, which no name or post title ends with.
_PROSE_BEFORE_DIT = frozenset(
    "a ai as avait avais avaient avons avez ont aura aurait auraient j'ai m'a t'a l'a l'ai "
    "m'ont l'ont m'avait l'avait on il elle ils elles je tu nous vous qui que qu'on se s'est "
    "me te lui leur est suis es sont était ça cela".split()
)


def _header_author(text: str) -> str | None:
    """The name in a "Name dit :" header, or None when the line is not one."""
    match = _HEADER.match(text)
    if match is None:
        return None
    words = match["author"].replace("\u2019", "'").split()
    # Prose is lower case there ("m'a dit"), but a sentence may open on it ("On dit :");
    # a name may be one capital letter ("A dit :").
    if words[-1] in _PROSE_BEFORE_DIT or (
        len(words) == 1 and len(words[0]) > 1 and words[0].lower() in _PROSE_BEFORE_DIT
    ):
        return None
    return match["author"].strip()


_POSTED = re.compile(r"^Posted\b(?P<rest>.*)$", re.IGNORECASE)
_COUNT = re.compile(r"(?P<n>\d+)\s+(?:comments?|commentaires?)\b", re.IGNORECASE)
_BY = re.compile(r"\bby\s+(?P<author>.+?)(?=\s+on\b|\s*·|$)", re.IGNORECASE)


def _header_bullet(lines: list[str], i: int) -> bool:
    """A "• Name dit :" bullet whose text follows on deeper-indented lines."""
    match = BULLET.match(lines[i])
    if match is None or _header_author(match["text"] or "") is None:
        return False
    j = next_content(lines, i)
    return (
        j is not None and indent_of(lines[j]) > len(match["indent"]) and not BULLET.match(lines[j])
    )


def _thread_bounds(lines: list[str]) -> tuple[int, int] | None:
    """(start, end) of the comment thread, 0-based and end-exclusive, or None."""
    first = next((i for i in range(len(lines)) if _header_bullet(lines, i)), None)
    if first is None:
        return None
    # The thread is the whole indented block around the first header: the article's own
    # list items sit in earlier indented blocks, each followed by column-1 prose.
    start = first
    while start > 0 and (not lines[start - 1].strip() or indent_of(lines[start - 1]) > 0):
        start -= 1
    end = first
    while end < len(lines) and (not lines[end].strip() or indent_of(lines[end]) > 0):
        end += 1
    for i in range(end, len(lines)):
        if _header_bullet(lines, i):
            raise ParseError(
                "expected the comment thread to be one indented block, but column-1 text at "
                f"line {end + 1} splits it (a comment header follows at line {i + 1})",
                line=end + 1,
            )
    return start, end


def detect(text: str) -> bool:
    lines = text.lstrip("\ufeff").splitlines()
    title = next_content(lines, -1)
    if title is None or indent_of(lines[title]) > 0 or BULLET.match(lines[title]):
        return False
    return any(_header_bullet(lines, i) for i in range(title + 1, len(lines)))


def parse(text: str) -> ParsedDump:
    lines = text.lstrip("\ufeff").splitlines()
    title_i = title_line(lines)
    bounds = _thread_bounds(lines)
    if bounds is None:
        raise ParseError(
            "expected a comment thread of indented '• Name dit :' bullets, found none",
            line=len(lines),
        )
    start, end = bounds

    article = ParsedArticle(title=lines[title_i].strip(), body="")
    body_start = title_i + 1
    meta_i = next_content(lines, title_i)
    if meta_i is not None and meta_i < start:
        meta = _POSTED.match(lines[meta_i].strip())
        if meta:
            body_start = meta_i + 1
            rest = meta["rest"]
            if count := _COUNT.search(rest):
                article.announced_comments = int(count["n"])
            if by := _BY.search(rest):
                article.author = by["author"].strip()
            published, precision = parse_french_date(rest)
            if published is not None:
                article.published_at, article.date_precision = published, precision
                article.date_raw = rest.strip(" ·")
    article.body = paragraphs(strip_page_furniture(lines[body_start:start]))

    warnings: list[str] = []
    bullets = bullet_tree(lines, start, end)
    for n, bullet in enumerate(bullets):
        header = _header_author(bullet.text)
        body_lines = bullet.body if header is not None else [bullet.text, *bullet.body]
        body = paragraphs(strip_page_furniture(body_lines))
        if not body and header is None:
            # A bare "•" with nothing under it. The 000 dump ends on one: the next list item
            # (a comment, or the comment form) cut off by the dump's truncation. It has no
            # author and no text, so it is no comment; anywhere but last it is garbage.
            if n == len(bullets) - 1:
                warnings.append(f"line {bullet.line}: empty last bullet ignored (truncated dump?)")
                continue
            raise ParseError("expected a comment after '•', found an empty bullet", bullet.line)
        if not body:
            warnings.append(f"line {bullet.line}: comment by {header!r} has no text")
        comment = ParsedComment(
            author=header or "",
            body=body,
            parent=bullet.parent,
            line=bullet.line,
        )
        if is_link_excerpt(body):
            # "[…] excerpt […]": another page linking here, not the owner speaking.
            comment.kind = PINGBACK
        elif header is None:
            comment.flags.append("blog-owner")
        article.comments.append(comment)

    if article.announced_comments is not None and article.announced_comments != len(
        article.comments
    ):
        warnings.append(
            f"the page announces {article.announced_comments} comments, "
            f"the text holds {len(article.comments)}"
        )
    trailing = [i for i in range(end, len(lines)) if lines[i].strip()]
    if any(not is_furniture(lines[i]) for i in trailing):
        warnings.append(f"lines {end + 1}-{trailing[-1] + 1} after the thread dropped as furniture")
    return ParsedDump(format=NAME, articles=[article], warnings=warnings)
