"""Blogger comments: each under its post, with its reply parent where the export names one.

Classic export: the post is <thr:in-reply-to ref=...>, the parent comment the numeric id that
ends <link rel="related" href=...>. 2018 layout: <blogger:parent> is the post (or, in some
exports, the comment replied to) and <blogger:inReplyTo> the parent comment."""

from __future__ import annotations

import re

from importers.blogger_atom import (
    ATOM,
    B2018,
    GD,
    THR,
    Entry,
    child_text,
    entry_content,
    entry_date,
    link_href,
    numeric_id,
    unescape_name,
)
from importers.parsed import COMMENT, ParsedArticle, ParsedComment, ParsedDump
from importers.xmlsafe import mark_orphan

COMMENT_STATUSES = {
    "LIVE": "approved",
    "PENDING": "pending",
    "PENDING_COMMENT": "pending",
    "DELETED": "deleted",
    "SOFT_TRASHED": "deleted",
    "SPAM_COMMENT": "spam",
    "SPAM": "spam",
}

# Blogger's own text in place of a removed comment, in the exports that lack the
# blogger.contentRemoved marker (English and French interfaces). Only a whole body matches.
_REMOVED_TEXT = re.compile(
    r"^\s*(?:this comment has been removed by (?:the author|a blog administrator)"
    r"|ce commentaire a été supprimé par (?:l['’]auteur|un administrateur du blog))\.?\s*$",
    re.IGNORECASE,
)
# The numeric id that ends a feed link (".../1001/comments/default/2001").
_NUMERIC_TAIL = re.compile(r"(\d+)/?(?:[?#].*)?$")


def _comment_status(entry: Entry, body: str) -> str | None:
    """approved | pending | spam | deleted; None for a 2018 status this parser does not know."""
    elem = entry.elem
    if entry.layout_2018:
        raw = child_text(elem, B2018 + "status").strip().upper()
        status = COMMENT_STATUSES.get(raw) if raw else "approved"
        # A trashed comment carries the date it was trashed.
        if status == "approved" and child_text(elem, B2018 + "trashed").strip():
            status = "deleted"
        return status
    for prop in elem.findall(GD + "extendedProperty"):
        if prop.get("name") == "blogger.contentRemoved" and prop.get("value") == "true":
            return "deleted"
    return "deleted" if _REMOVED_TEXT.match(body) else "approved"


def _comment(entry: Entry) -> ParsedComment:
    elem = entry.elem
    author = elem.find(ATOM + "author")
    body, body_html = entry_content(elem)
    posted, date_raw = entry_date(elem, entry.layout_2018)
    return ParsedComment(
        author=unescape_name(child_text(author, ATOM + "name")),
        author_url=child_text(author, ATOM + "uri").strip(),
        body=body,
        body_html=body_html,
        posted_at=posted,
        date_raw=date_raw,
        kind=COMMENT,
        source_id=entry.entry_id or None,
        line=entry.line,
    )


def _reply_target(href: str) -> str:
    """The parent comment's numeric id at the end of a rel="related" link."""
    match = _NUMERIC_TAIL.search(href.strip())
    return match[1] if match else ""


def _refs(entry: Entry) -> tuple[str, str, str]:
    """(the post it names, that post's page URL, the parent comment it names) as written:
    full ids, or the numeric ids that links end with."""
    elem = entry.elem
    if entry.layout_2018:
        # blogger:parent is the post, or (in some exports) the comment replied to; the
        # caller tells which. blogger:inReplyTo, when filled, is the parent comment.
        return (
            child_text(elem, B2018 + "parent").strip(),
            "",
            child_text(elem, B2018 + "inReplyTo").strip(),
        )
    thread = elem.find(THR + "in-reply-to")
    post_ref = href = ""
    if thread is not None:
        post_ref = (thread.get("ref") or "").strip()
        href = (thread.get("href") or "").strip()
        if not post_ref:  # the post's feed URL ends with its numeric id
            post_ref = _reply_target(thread.get("source") or "")
    return post_ref, href, _reply_target(link_href(elem, "related"))


class _Index:
    """Ids to positions, by full Atom id and by the numeric id that links use."""

    def __init__(self) -> None:
        self.full: dict[str, int] = {}
        self.numeric: dict[str, int] = {}

    def add(self, entry_id: str, value: int) -> bool:
        if not entry_id or entry_id in self.full:
            return False
        self.full[entry_id] = value
        self.numeric.setdefault(numeric_id(entry_id), value)
        return True

    def get(self, ref: str) -> int | None:
        if not ref:
            return None
        found = self.full.get(ref)
        return found if found is not None else self.numeric.get(numeric_id(ref))


def attach_comments(
    entries: list[Entry],
    articles: dict[str, ParsedArticle],
    dump: ParsedDump,
    blog: tuple[str, str],
) -> None:
    """Each comment under its post (or a placeholder for a post not in the file), in
    document order, with its reply parent where the export names one."""
    warnings = dump.warnings
    posts = _Index()
    post_list = list(articles.values())
    for i, key in enumerate(articles):
        posts.add(key, i)
    comments = _Index()
    for i, entry in enumerate(entries):
        if not comments.add(entry.entry_id, i) and entry.entry_id:
            warnings.append(
                f"line {entry.line}: comment {entry.entry_id} appears twice; "
                "replies go to the first one"
            )

    parsed: list[ParsedComment] = []
    post_refs: list[str] = []
    parent_refs: list[str] = []
    hrefs: list[str] = []
    for entry in entries:
        c = _comment(entry)
        status = _comment_status(entry, c.body)
        if status is None:
            raw = child_text(entry.elem, B2018 + "status").strip()
            warnings.append(
                f"line {entry.line}: comment {entry.entry_id} has status {raw!r}, read as pending"
            )
            status = "pending"
        c.status = status
        if c.date_raw and c.posted_at is None:
            warnings.append(f"line {entry.line}: unreadable date {c.date_raw!r}")
        post_ref, href, parent_ref = _refs(entry)
        if entry.layout_2018 and posts.get(post_ref) is None and comments.get(post_ref) is not None:
            post_ref, parent_ref = "", parent_ref or post_ref  # parent names a comment
        parsed.append(c)
        post_refs.append(post_ref)
        parent_refs.append(parent_ref)
        hrefs.append(href)

    def post_of(i: int) -> str:
        """A comment's post: its own reference, else its parent's (2018 replies)."""
        seen = set()
        while not post_refs[i] and i not in seen:
            seen.add(i)
            parent = comments.get(parent_refs[i])
            if parent is None:
                break
            i = parent
        return post_refs[i]

    placeholders: dict[str, ParsedArticle] = {}
    where: list[tuple[ParsedArticle, int]] = []
    for i, c in enumerate(parsed):
        ref = post_of(i)
        found = posts.get(ref)
        if found is not None:
            article = post_list[found]
        else:
            article = placeholders.get(ref)
            if article is None:
                article = _placeholder(ref, hrefs[i], blog)
                placeholders[ref] = article
                dump.articles.append(article)
                warnings.append(
                    f"line {c.line}: comment {c.source_id} belongs to post "
                    f"{ref or '(none named)'}, which is not in the file; kept under a "
                    "placeholder article"
                )
        where.append((article, len(article.comments)))
        article.comments.append(c)

    # Parents are resolved once every comment is placed: a reply may precede its parent.
    for i, c in enumerate(parsed):
        ref = parent_refs[i]
        if not ref or posts.get(ref) is not None:  # no parent, or the post itself
            continue
        article, _ = where[i]
        at = f"line {c.line}: " if c.line else ""
        parent = comments.get(ref)
        if parent is None:
            mark_orphan(
                c,
                f"{at}comment {c.source_id} replies to comment {ref}, which is not in the "
                "file; kept as top-level",
                warnings,
            )
        elif parent == i:
            mark_orphan(c, f"{at}comment {c.source_id} replies to itself", warnings)
        elif where[parent][0] is not article:
            mark_orphan(
                c,
                f"{at}comment {c.source_id} replies to comment {ref}, which is on another "
                "post; kept as top-level",
                warnings,
            )
        else:
            c.parent = where[parent][1]


def _placeholder(ref: str, href: str, blog: tuple[str, str]) -> ParsedArticle:
    blog_name, blog_url = blog
    return ParsedArticle(
        title="",
        body="",
        url=href,
        blog_name=blog_name,
        blog_url=blog_url,
        source_id=ref or None,
        status="placeholder",
        kind="post",
        flags=["missing-post"],
    )
