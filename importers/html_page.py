"""Format "html-page": one blog article saved as an HTML page, with its comments as the
blog engine printed them (WordPress, Blogger, Dotclear; see importers._html_comments).

Pure: text in, ParsedDump out. The page is parsed with lxml and walked as a tree; regular
expressions only ever read text a reader sees (dates, Dotclear's comment headers) and the
archive's own script, never markup. Pages saved from the Wayback Machine (web.archive.org)
lose the archive's toolbar and scripts, and their rewritten addresses are turned back into
the original ones (the article's URL is the original page's, not the capture's).

What strangers wrote never runs: scripts, styles, frames, forms, on* handlers and
non-http(s) links are removed before any markup is kept (the loader sanitises again),
and an author's URL is an http(s) address or ""."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from importers import _html_tree as tree
from importers._headers import announced_count
from importers._html_comments import READERS, Context, RawComment
from importers._html_dates import machine_date, visible_date
from importers._html_tree import Element, classes, text_of
from importers.parsed import UNKNOWN, ParsedArticle, ParsedComment, ParsedDump, ParseError
from importers.xmlsafe import _ILLEGAL_XML_CHARS as _CONTROL_CHARS
from importers.xmlsafe import html_to_text, root_start_tag

NAME = "html-page"

NO_COMMENT_LIST = (
    "an HTML page with no comment list found (looked for WordPress's ol.commentlist, "
    "ol.comment-list and #commentlist, Blogger's .comment-thread and dl#comments-block, "
    "Dotclear's #comments dl, #pings dl and ul.comments-list)"
)
# An explicit "no comments" in a comments area: an article with zero comments.
_NO_COMMENTS = re.compile(
    r"\b(?:aucun commentaire|pas (?:encore )?de commentaires?|no comments?(?: yet)?"
    r"|0 (?:commentaires?|comments?|réponses?|responses?)|soyez (?:le|la) premi"
    r"|be the first to comment)",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " » ", " :: ", " : ")


_DOCTYPE_HTML = re.compile(r"<!doctype\s+html\b", re.IGNORECASE)


def detect(text: str) -> bool:
    """An HTML document: a doctype html, or an <html> root (or <head>, <body>: both tags
    may be left out), after a BOM, whitespace, comments or an XML declaration."""
    head = text[:65536].lstrip("\ufeff \t\r\n")
    if not head.startswith("<"):
        return False
    if _DOCTYPE_HTML.match(head):
        return True
    root = root_start_tag(head)  # skips the prolog, doctype included
    if root is None:
        return False
    if root.local_name.lower() in ("html", "head", "body"):
        return True
    # A doctype html after a comment ("<!-- saved from url=... -->") or an XML declaration.
    return bool(_DOCTYPE_HTML.search(head, 0, head.find(root.tag)))


def _check_whole(text: str) -> None:
    """A page cut short loses comments silently: refuse a page that never closes."""
    if "</html>" not in text[-65536:].lower():
        line = text.count("\n") + 1
        raise ParseError(
            "the page ends before </html>: it looks truncated; expected a whole saved page",
            line,
        )


def parse_bytes(data: bytes) -> ParsedDump:
    """For files: the page's bytes decoded as it says (BOM, XML declaration, then
    <meta charset> or http-equiv Content-Type), else as UTF-8."""
    return parse(tree.decode_page(data))


def parse(text: str) -> ParsedDump:
    if not text.strip():
        raise ParseError("the file is empty; expected a saved HTML page")
    if not detect(text):
        raise ParseError("not an HTML page: expected a doctype or an <html> element", 1)
    _check_whole(text)
    warnings: list[str] = []
    stray = _CONTROL_CHARS.search(text)
    if stray:
        # Control characters no page shows (pasted from a word processor): libxml2 keeps
        # them, and they would break every later step; they go, and the warning says so.
        line = text.count("\n", 0, stray.start()) + 1
        count = len(_CONTROL_CHARS.findall(text))
        text = _CONTROL_CHARS.sub("", text)
        warnings.append(f"line {line}: removed {count} control character(s)")
    root = tree.load(text)

    # 1. The head's metadata, before <meta> and <link> go with the clean-up below.
    head = _head(root)
    # 2. The archive's own markup, read before its toolbar and scripts are removed.
    archived = tree.is_archived(root) or any(
        tree.is_wayback_url(head.get(key)) for key in ("canonical", "og:url")
    )
    original, stamp = tree.wayback_capture(root) if archived else ("", "")
    if archived:
        tree.strip_wayback(root)
        warnings.append(
            "page saved from web.archive.org"
            + (f" (capture {stamp})" if stamp else "")
            + "; its addresses are read as the original ones"
        )
    own_url = (
        head.get("canonical")
        or head.get("og:url")
        or original
        or _saved_from(root)
        or _permalink(root)
    )
    url = tree.safe_url(own_url, archived=archived)
    lang = root.get("lang") or root.get("xml:lang") or ""
    ctx = _context(url, lang, archived)
    # 3. Nothing that could run survives.
    tree.defuse(root, archived)

    article = _article(root, head, url, ctx)
    raws = _comments(root, ctx, warnings)
    # Replies are nested inside their parent's markup: parents always come first, and
    # no reply structure can loop.
    article.comments = [_comment(raw) for raw in raws]
    _duplicate_ids(article.comments, warnings)
    announced = article.announced_comments
    if announced is not None and announced > len(article.comments):
        warnings.append(
            f"the page announces {announced} comments and shows {len(article.comments)}: "
            "the others may be on further comment pages or loaded by a script"
        )
    return ParsedDump(format=NAME, articles=[article], warnings=warnings)


def _context(url: str, lang: str, archived: bool) -> Context:
    # Numeric dates are day first unless the page says it is in US English.
    return Context(base=url, day_first=lang.lower() not in ("en-us", "en_us"), archived=archived)


# --------------------------------------------------------------------------- head


def _head(root: Element) -> dict[str, str]:
    """canonical, og:*, article:published_time, author, date, and the <title>."""
    out: dict[str, str] = {}
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            out.setdefault("canonical", link.get("href"))
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        value = meta.get("content")
        if key and value is not None:
            out.setdefault(key, " ".join(value.split()))
    title = next(root.iter("title"), None)
    if title is not None:
        out["title"] = text_of(title)
    return out


# --------------------------------------------------------------------------- article


_SAVED_FROM = re.compile(r"^\s*saved from url=\(\d+\)(\S+)")


def _saved_from(root: Element) -> str:
    """The address a browser notes when saving a page: <!-- saved from url=(0042)... -->."""
    for node in root.itersiblings(preceding=True):
        match = _SAVED_FROM.match(node.text or "") if not isinstance(node.tag, str) else None
        if match:
            return match[1]
    return ""


def _permalink(root: Element) -> str:
    """The post's own link, for pages without a canonical URL: rel=bookmark, or the
    link of its title."""
    for a in root.iter("a"):
        if "bookmark" in (a.get("rel") or "").split() and a.get("href"):
            return a.get("href")
    title = _by_class(root, _TITLES)
    link = next(title.iter("a"), None) if title is not None else None
    return (link.get("href") or "") if link is not None else ""


_CONTAINERS = ("hentry", "post", "type-post", "post-outer", "blog-post", "entry")
_TITLES = ("entry-title", "post-title", "storytitle")
_BODIES = ("entry-content", "post-body", "post-content", "storycontent", "entry")
_BODY_FURNITURE = {"postmetadata", "sharedaddy", "jp-relatedposts", "post-footer"}


_FIRST_WITH_CLASS = etree.XPath(
    "descendant-or-self::*[contains(concat(' ', normalize-space(@class), ' '), $name)][1]"
)
_FIRST_WITH_ID = etree.XPath("descendant-or-self::*[@id = $id][1]")


def _by_class(root: Element, names: tuple[str, ...]) -> Element | None:
    """The first element, in document order, with one of the classes, tried in order."""
    for name in names:
        found = _FIRST_WITH_CLASS(root, name=f" {name} ")
        if found:
            return found[0]
    return None


def _by_id(root: Element, ident: str) -> Element | None:
    found = _FIRST_WITH_ID(root, id=ident)
    return found[0] if found else None


def _container(root: Element) -> Element:
    body = next(root.iter("body"), root)
    for el in body.iter("article", "div"):
        if classes(el) & {"hentry", "type-post"} or (
            el.tag == "article" and classes(el) & {"post", "entry"}
        ):
            return el
    found = _by_class(body, _CONTAINERS)
    return found if found is not None else body


def _blog_name(root: Element, head: dict[str, str], title: str) -> str:
    if head.get("og:site_name"):
        return head["og:site_name"]
    header = _by_id(root, "Header1")  # Blogger's Header widget
    heading = next(header.iter("h1"), None) if header is not None else None
    if text_of(heading):
        return text_of(heading)
    for name in ("site-title", "blog-title", "blog-name"):
        el = _by_class(root, (name,))
        if el is None:
            el = _by_id(root, name)
        if el is not None and text_of(el):
            return text_of(el)
    page_title = head.get("title", "")
    # "<post title> | <blog name>" and the like.
    for sep in (*_TITLE_SEPARATORS, ": "):
        if title and page_title.startswith(title + sep):
            return page_title[len(title) + len(sep) :].strip()
        if title and page_title.endswith(sep + title):  # Blogger: "<blog>: <post>"
            return page_title[: -len(sep + title)].strip()
    return ""


def _article(root: Element, head: dict[str, str], url: str, ctx: Context) -> ParsedArticle:
    post = _container(root)
    title_el = _by_class(post, _TITLES)
    if title_el is None and post.tag != "body":
        title_el = next(post.iter("h1", "h2", "h3"), None)
    title = text_of(title_el) or head.get("og:title", "") or head.get("title", "")
    author = ""
    for names in (("author", "vcard"), ("post-author",), ("byline",)):
        el = _by_class(post, names)
        if el is not None:
            fn = _by_class(el, ("fn",))
            author = text_of(fn if fn is not None else el)
            author = re.sub(r"^(?:par|by|posted by|publié par)\s+", "", author, flags=re.I)
            break
    if not author:
        link = next((a for a in post.iter("a") if "author" in (a.get("rel") or "").split()), None)
        author = text_of(link)
    if not author:
        author = head.get("author", "") or head.get("dc.creator", "")

    published, precision, date_raw = _published(post, head, ctx)
    # Read after the byline and date: some themes print those inside the text.
    body_el = _by_class(post, _BODIES)
    if body_el is not None:
        for el in [e for e in body_el.iter() if classes(e) & _BODY_FURNITURE]:
            tree.drop(el)
    excerpt = _by_class(post, ("post-excerpt",))  # Dotclear prints an excerpt apart
    body_html = "\n".join(tree.inner_html(e) for e in (excerpt, body_el) if e is not None)

    return ParsedArticle(
        title=title,
        body=html_to_text(body_html),
        body_html=body_html,
        author=author,
        published_at=published,
        date_precision=precision,
        date_raw=date_raw,
        url=url,
        blog_name=_blog_name(root, head, title),
        blog_url=_blog_url(root, url, ctx),
        announced_comments=_announced(root),
    )


def _blog_url(root: Element, url: str, ctx: Context) -> str:
    """The blog's home: the theme's rel=home link when it is on the article's host (a blog
    may live under a path, example.org/blog/), else the article's scheme and host."""
    host = urlsplit(url).netloc.lower() if url else ""
    for a in root.iter("a"):
        if "home" in (a.get("rel") or "").split():
            home = tree.safe_url(a.get("href"), url, ctx.archived)
            if home and (not host or urlsplit(home).netloc.lower() == host):
                return home
            break
    return f"{urlsplit(url).scheme}://{host}" if host else ""


def _published(post: Element, head: dict[str, str], ctx: Context):
    """(datetime, precision, date_raw): the post's machine date where the page has one
    (time[datetime], abbr.published[title], article:published_time, Dotclear's
    meta name=date), else the date it shows."""
    visible = ""
    for el in post.iter("time", "abbr"):
        value = el.get("datetime") if el.tag == "time" else el.get("title")
        if el.tag == "abbr" and "published" not in classes(el):
            continue
        moment, precision = machine_date(value)
        if moment is not None:
            shown = text_of(el)
            return moment, precision, shown if visible_date(shown)[0] else value
    for key in ("article:published_time", "date", "dc.date", "datepublished"):
        moment, precision = machine_date(head.get(key))
        if moment is not None:
            return moment, precision, head[key]
    root = post.getroottree().getroot()
    for el in (
        _by_class(post, ("entry-date", "published", "post-date", "post-info", "postmetadata")),
        _by_class(root, ("date-header",)),
    ):
        visible = text_of(el)
        moment, precision = visible_date(visible, ctx.day_first)
        if moment is not None:
            return moment, precision, visible
    return None, UNKNOWN, ""


# WordPress's own wordings of the count: "8 réflexions au sujet de …", "3 Responses to …".
_COUNT_WORDS = re.compile(r"^(\d+)\s+(?:réflexions?|thoughts?|responses?|replies)\b", re.I)


def _count(heading: Element | None) -> int | None:
    text = text_of(heading)
    n = announced_count(text)
    match = _COUNT_WORDS.match(text) if n is None else None
    return int(match[1]) if match else n


def _announced(root: Element) -> int | None:
    for el in root.iter("h2", "h3", "h4"):
        if el.get("id") in ("comments-title", "comments") or classes(el) & {"comments-title"}:
            return _count(el)
    area = _by_id(root, "comments")
    return _count(next(area.iter("h2", "h3", "h4"), None)) if area is not None else None


# --------------------------------------------------------------------------- comments


def _comments(root: Element, ctx: Context, warnings: list[str]) -> list[RawComment]:
    for reader in READERS:
        found = reader(root, ctx)
        if found is not None:
            return found
    # No list: an article with zero comments only where the page says there are none,
    # in its comments area, or with WordPress's p.nocomments (printed only when a post has
    # no comments and takes no more). A bare comment form says nothing: comments may be
    # loaded by a script (Disqus) or cut from the saved page.
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        names = classes(el)
        if "nocomments" in names or (
            (el.get("id") == "comments" or "comments-area" in names)
            and _NO_COMMENTS.search(text_of(el))
        ):
            warnings.append("the page says it has no comments")
            return []
    raise ParseError(NO_COMMENT_LIST)


def _comment(raw: RawComment) -> ParsedComment:
    return ParsedComment(
        author=raw.author,
        body=html_to_text(raw.body_html),
        body_html=raw.body_html,
        posted_at=raw.posted_at,
        date_raw=raw.date_raw,
        kind=raw.kind,
        parent=raw.parent,
        source_id=raw.source_id,
        line=raw.element.sourceline,
        author_url=raw.author_url,
        status=raw.status,
        flags=raw.flags,
    )


def _duplicate_ids(comments: list[ParsedComment], warnings: list[str]) -> None:
    seen: set[str] = set()
    for comment in comments:
        if comment.source_id is None:
            continue
        if comment.source_id in seen:
            warnings.append(f"line {comment.line}: comment id {comment.source_id} appears twice")
        seen.add(comment.source_id)
