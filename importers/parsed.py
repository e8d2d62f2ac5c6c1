"""Plain data that every format parser returns. No ORM here: parsers are pure functions
from text to these dataclasses, and `importers.loader` is the only code that saves them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Comment kinds, as stored in threads.Comment.kind.
COMMENT = "comment"
PINGBACK = "pingback"
TRACKBACK = "trackback"
TWEET = "tweet"

# Date precisions, as stored in threads.Article.date_precision.
EXACT = "exact"
DAY = "day"
MONTH = "month"
YEAR = "year"
UNKNOWN = "unknown"

# A page claiming more comments than this was misread; the loader keeps no such count.
MAX_ANNOUNCED_COMMENTS = 1_000_000


class ParseError(ValueError):
    """Input that does not fit the format. `line` is 1-based where known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.line is not None:
            where = f"line {self.line}" + (f", column {self.column}" if self.column else "") + ": "
        return where + self.message


@dataclass(slots=True)
class ParsedComment:
    """One comment, in source order within its article.

    `parent` is the index (in the article's `comments` list) of the comment it replies to,
    exactly as the source nests it, or None for a top-level comment. Parents may come after
    their children in some formats (WXR); the loader handles that."""

    author: str  # exactly as written in the source (may be "" when the source has none)
    body: str  # plain text, paragraphs separated by a blank line
    posted_at: datetime | None = None  # naive = Europe/Paris local time; aware = as given
    date_raw: str = ""  # the date as written, "" when the source has none
    kind: str = COMMENT
    parent: int | None = None
    source_id: str | None = None  # the id in the source format, where it has one
    line: int | None = None  # 1-based line of the comment's header in the source text
    # Formats with HTML bodies (WXR, Disqus) keep the original HTML; text layouts leave "".
    body_html: str = ""
    author_url: str = ""
    author_handle: str = ""  # e.g. a Twitter handle, a Disqus username
    # Not every source comment is public: unapproved, spam, deleted (kept, hidden).
    status: str = "approved"  # approved | pending | spam | deleted
    flags: list[str] = field(default_factory=list)  # e.g. "orphan", "cycle-broken"
    # Only the cmforum-json archive carries these: who the author is (a participant slug),
    # the addressee links (indices) and the stance with its provenance.
    author_slug: str = ""
    addresses: list[int] | None = None  # None: infer them
    stance: dict | None = None
    source_format: str = ""  # the format of the source that first brought it; "" = this file's


@dataclass(slots=True)
class ParsedArticle:
    title: str
    body: str  # plain text, paragraphs separated by a blank line, furniture stripped
    author: str = ""
    published_at: datetime | None = None  # naive = Europe/Paris; aware = as given
    date_precision: str = UNKNOWN
    date_raw: str = ""
    url: str = ""
    blog_name: str = ""
    blog_url: str = ""
    source_id: str | None = None  # WXR post_id, Disqus thread id
    status: str = "publish"  # publish | draft | future | private | placeholder ...
    kind: str = "post"  # post | page | thread
    body_html: str = ""
    # The number of comments the page header claims, where it shows one ("62 Comments").
    announced_comments: int | None = None
    comments: list[ParsedComment] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    # Only the cmforum-json archive carries these.
    slug: str = ""
    author_slug: str = ""
    position: dict | None = None  # {"value", "curated_by", "curated_at"}
    origin: dict | None = None  # the ImportSource it came from: file, sha256, format, ...
    source_format: str = ""  # the format of the source that first brought it; "" = this file's
    blog_key: str = ""  # the blog's stored identity (threads.identity.blog_key)


@dataclass(slots=True)
class ParsedDump:
    """What one file holds: one article for a blog page dump, many for an export."""

    format: str
    articles: list[ParsedArticle]
    skipped: dict[str, int] = field(default_factory=dict)  # e.g. {"attachment": 37}
    warnings: list[str] = field(default_factory=list)
    # Only the cmforum-json archive: {"name", "slug", "handle", "website", "aliases"}.
    participants: list[dict] = field(default_factory=list)
    # Only the cmforum-json archive: curation events (threads.CurationEvent.archived()).
    history: list[dict] = field(default_factory=list)
    # Only the cmforum-json archive: merge candidates and their decisions.
    merge_candidates: list[dict] = field(default_factory=list)
