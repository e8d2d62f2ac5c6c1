"""Helpers shared by the at-headers, byline-article and numbered-comments layouts.

Line splitting, the end of the real content (trailing page furniture), comment bodies,
and the comment-kind rules (pingback, relayed tweet). Private to these three parsers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from importers.parsed import COMMENT, PINGBACK, TWEET, UNKNOWN, ParseError
from importers.textutils import is_furniture, paragraphs, parse_french_date


def split_lines(text: str) -> list[str]:
    """Split on "\\n" only (str.splitlines also breaks on \\x0c, \\u2028 ..., which would
    shift the 1-based line numbers we report), dropping "\\r" and a leading BOM."""
    lines = [line.rstrip("\r") for line in text.removeprefix("\ufeff").split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the final newline does not start a new line
    return lines


def require_text(text: str, expected: str) -> None:
    if not text.strip():
        raise ParseError(f"expected {expected}, got an empty text", line=1)


def french_date(text: str) -> tuple[datetime | None, str]:
    """textutils.parse_french_date, but an impossible date ("31 février 2016", "25h70")
    gives (None, UNKNOWN) instead of a ValueError from datetime()."""
    try:
        return parse_french_date(text)
    except ValueError:
        return None, UNKNOWN


# Site menus dumped after the page content ("Visibilité / Newsletters Me soutenir"):
# a line made only of these menu entries is furniture when it trails the page.
_MENU_ENTRY = (
    r"(?:visibilité|newsletters?|me soutenir|soutenir|accueil|contact|à propos|menu"
    r"|rechercher|recherche|archives|mentions légales|plan du site|s'abonner|abonnement"
    r"|haut de page|retour en haut)"
)
_MENU_LINE = re.compile(rf"^{_MENU_ENTRY}(?:\s*[/|·•-]?\s*{_MENU_ENTRY})*$", re.IGNORECASE)
_COUNTER_LINE = re.compile(r"^\d{1,5}$")


def _is_menu(line: str) -> bool:
    return bool(_MENU_LINE.match(line.strip().replace("’", "'")))


def content_end(lines: Sequence[str]) -> int:
    """Index just past the last content line. The trailing block of blank lines, furniture
    (comment form, portrait notice ...), site-menu lines and stray counters ("0", "69") is
    dropped, but only when it holds furniture or a menu line: a comment that really ends
    with a bare number keeps it."""
    i = len(lines)
    saw_furniture = False
    while i > 0:
        line = lines[i - 1].strip()
        if is_furniture(line) or _is_menu(line):
            saw_furniture = True
        elif line and not _COUNTER_LINE.match(line):
            break
        i -= 1
    return i if saw_furniture else len(lines)


def body_text(lines: Sequence[str]) -> str:
    """Plain-text body: furniture lines dropped, paragraphs folded (textutils.paragraphs)."""
    return paragraphs(line for line in lines if not is_furniture(line))


# --- comment kinds --------------------------------------------------------------------

# A pingback/trackback body is an excerpt of the linking page: "[...] text [...]".
_EXCERPT = re.compile(r"^\[\s*(?:\.\.\.|…)\s*\].*\[\s*(?:\.\.\.|…)\s*\]$", re.DOTALL)
# An author that reads as another page's title: "Post title | Blog", "Blog » Post",
# "Site > Post", "Title - Site.fr".
_PAGE_TITLE = re.compile(
    r"\s[|»>–]\s|^»|\s-\s.*\b[\w-]+\.[a-z]{2,6}\b|\b[\w-]+\.(?:fr|com|net|org|info|eu)\b",
    re.IGNORECASE,
)


def is_pingback(author: str, body: str) -> bool:
    """Body is an excerpt "[…] … […]", or empty with an author that looks like a page title
    (an empty body alone is not enough: people do post empty comments)."""
    if _EXCERPT.match(body.strip()):
        return True
    return not body.strip() and bool(_PAGE_TITLE.search(author))


# Relayed tweets (a Twitter aggregator pasted them as comments). The rule, in order:
#   * the whole body is short: at most TWEET_MAX_CHARS characters (140-character tweets,
#     plus slack for expanded links and handles). A long comment is never a tweet, even
#     when it quotes "RT @someone";
#   * and it has a retweet marker "RT @handle" / "RT: @handle",
#     or a short link (a known shortener, or a URL whose whole path is one opaque token
#     mixing letters and digits, like "/d0XcYH"), or a "via @handle" credit,
#     or it is just the article's own title plus a link (an automated share).
# A short comment with an ordinary full URL ("je cite ce billet http://site/2010/06/x.html")
# stays a comment; so does a short reply without any link.
TWEET_MAX_CHARS = 280
_RT_MARKER = re.compile(r"\bRT:?\s*@\w")
_VIA_HANDLE = re.compile(r"\bvia\s+@\w", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
_SHORTENERS = {
    "bit.ly", "t.co", "tinyurl.com", "ow.ly", "ht.ly", "goo.gl", "is.gd", "j.mp", "fb.me",
    "wp.me", "su.pr", "tr.im", "buff.ly", "dlvr.it", "lnkd.in", "tiny.cc", "cli.gs",
}  # fmt: skip
_OPAQUE_PATH = re.compile(r"^https?://[^/\s]+/(?P<token>[A-Za-z0-9_-]{4,10})/?$")


def _is_short_link(url: str) -> bool:
    url = url.rstrip(".,;:!?)]»\"'")
    host = re.sub(r"^https?://(?:www\.)?", "", url).split("/", 1)[0].lower()
    if host in _SHORTENERS:
        return True
    match = _OPAQUE_PATH.match(url)
    if not match:
        return False
    token = match["token"]
    return any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


def is_relayed_tweet(body: str, article_title: str = "") -> bool:
    text = body.strip()
    if not text or len(text) > TWEET_MAX_CHARS:
        return False
    if _RT_MARKER.search(text) or _VIA_HANDLE.search(text):
        return True
    urls = _URL.findall(text)
    if any(_is_short_link(url) for url in urls):
        return True
    if urls and article_title:
        return _squash(_URL.sub("", text)) == _squash(article_title)
    return False


def comment_kind(author: str, body: str, article_title: str = "") -> str:
    if is_pingback(author, body):
        return PINGBACK
    if is_relayed_tweet(body, article_title):
        return TWEET
    return COMMENT


# A comment-count header: "47 commentaires pour “Titre”", "62 Comments", "Commentaires (20)".
COUNT_HEADER = re.compile(
    r"^\s*(?:(?P<n>\d+)\s+(?:commentaires?|comments?|réponses?|réactions?)\b.*"
    r"|(?:commentaires?|comments?|réponses?|réactions?)\s*\((?P<m>\d+)\)\s*)$",
    re.IGNORECASE,
)


def announced_count(line: str) -> int | None:
    match = COUNT_HEADER.match(line)
    if not match:
        return None
    return int(match["n"] or match["m"])
