"""Blogger / Blogspot exports (Atom): posts and pages with their comments.

Two layouts, both an Atom <feed> with one <entry> per item:
- the classic export ("Back up content", until 2018): each entry's kind is a
  <category scheme="http://schemas.google.com/g/2005#kind" term="...blogger/2008/kind#post">
  (#post, #page, #comment, #template, #settings); a comment names its post in
  <thr:in-reply-to ref="..."> and its parent comment in <link rel="related" href=".../ID">;
  a draft carries <app:control><app:draft>yes</app:draft></app:control>; a comment whose
  text was removed carries <gd:extendedProperty name="blogger.contentRemoved" value="true">.
- the 2018 layout (Google Takeout feed.atom, namespace http://schemas.google.com/blogger/2018):
  <blogger:type> POST | PAGE | COMMENT, <blogger:status> LIVE | DRAFT | DELETED | ...,
  <blogger:parent> (a comment's post, or its parent comment), <blogger:inReplyTo> (the
  parent comment), <blogger:filename> (the page's path), <blogger:created>.

Pure: text (or bytes) in, ParsedDump out. E-mail addresses (<author><email>) are never read."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

from importers.blogger_atom import (
    APP_NAMESPACES,
    ATOM,
    B2018,
    BLOGGER_ID_PREFIX,
    BLOGGER_NS_PREFIX,
    KIND_BASE,
    KIND_SCHEME,
    THR,
    Entry,
    child_text,
    entry_content,
    entry_date,
    link_href,
    text_construct,
    unescape_name,
)
from importers.blogger_comments import attach_comments
from importers.parsed import (
    EXACT,
    UNKNOWN,
    ParsedArticle,
    ParsedDump,
    ParseError,
)
from importers.xmlsafe import (
    HEAD_LIMIT,
    XmlDoc,
    break_cycles,
    decode_xml_bytes,
    parse_xml,
    root_start_tag,
    split_tag,
)

NAME = "blogger"

ARTICLE_KINDS = ("post", "page")
NO_KIND = "(none)"  # the skipped-count key for entries that say nothing of their kind
# 2018 layout post statuses, as WXR names them (the loader shows only "publish").
ARTICLE_STATUSES = {
    "LIVE": "publish",
    "DRAFT": "draft",
    "SCHEDULED": "future",
    "DELETED": "trash",
    "SOFT_TRASHED": "trash",
}
_MARKERS = re.compile(r"schemas\.google\.com/blogger/|tag:blogger\.com,1999:blog-", re.IGNORECASE)


def detect(text: str) -> bool:
    """An Atom <feed> root that declares or uses Blogger's namespaces, kinds or ids."""
    root = root_start_tag(text)
    return (
        root is not None
        and root.local_name == "feed"
        and bool(_MARKERS.search(text, 0, HEAD_LIMIT))
    )


def parse(text: str) -> ParsedDump:
    return _parse_doc(parse_xml(text))


def parse_bytes(data: bytes) -> ParsedDump:
    """For files: honours a BOM or the declared encoding."""
    return parse(decode_xml_bytes(data))


def _kind(entry: ET.Element) -> tuple[str, bool]:
    """The entry's kind, and whether it is written in the 2018 layout."""
    btype = entry.find(B2018 + "type")
    if btype is not None and (btype.text or "").strip():
        return (btype.text or "").strip().lower(), True
    for category in entry.findall(ATOM + "category"):
        term = category.get("term", "")
        if category.get("scheme") == KIND_SCHEME and term.startswith(KIND_BASE):
            return term[len(KIND_BASE) :].strip().lower() or NO_KIND, False
    # A comments feed without kinds still says what each entry replies to.
    if entry.find(THR + "in-reply-to") is not None:
        return "comment", False
    return NO_KIND, False


def _has_blogger_markers(root: ET.Element) -> bool:
    if child_text(root, ATOM + "id").strip().startswith(BLOGGER_ID_PREFIX):
        return True
    for elem in root.iter():
        tag = elem.tag if isinstance(elem.tag, str) else ""
        if split_tag(tag)[0].startswith(BLOGGER_NS_PREFIX):
            return True
        if tag == ATOM + "category" and elem.get("term", "").startswith(KIND_BASE):
            return True
    return False


def _parse_doc(doc: XmlDoc) -> ParsedDump:
    root = doc.root
    uri, local = split_tag(root.tag)
    if local != "feed":
        raise ParseError(
            f"not a Blogger export: the root is <{local}>, expected an Atom <feed>",
            doc.line(root),
        )
    if uri != ATOM[1:-1]:
        raise ParseError(
            f"not a Blogger export: <feed> is not in the Atom namespace ({ATOM[1:-1]})",
            doc.line(root),
        )
    if not _has_blogger_markers(root):
        raise ParseError(
            "not a Blogger export: an Atom feed (<feed>, Blogger namespace missing); "
            "expected entries with Blogger kinds (kind#post, kind#comment) or <blogger:type>",
            doc.line(root),
        )
    blog_name = text_construct(root.find(ATOM + "title"))
    blog_url = link_href(root, "alternate")
    dump = ParsedDump(format=NAME, articles=[], warnings=list(doc.warnings))

    entries: list[Entry] = []
    for elem in root.findall(ATOM + "entry"):
        kind, layout_2018 = _kind(elem)
        entry_id = child_text(elem, ATOM + "id").strip()
        entries.append(Entry(elem, kind, entry_id, doc.line(elem), layout_2018))

    articles: dict[str, ParsedArticle] = {}  # entry id -> article
    relative_urls = 0
    for entry in entries:
        if entry.kind in ARTICLE_KINDS:
            article = _article(entry, blog_name, blog_url)
            if article.date_raw and article.published_at is None:
                dump.warnings.append(f"line {entry.line}: unreadable date {article.date_raw!r}")
            if not article.url and child_text(entry.elem, B2018 + "filename").strip():
                relative_urls += 1
            if entry.entry_id in articles:
                dump.warnings.append(
                    f"line {entry.line}: entry {entry.entry_id} appears twice; "
                    "the first one is kept"
                )
                continue
            articles[entry.entry_id or f"#line-{entry.line}"] = article
            dump.articles.append(article)
        elif entry.kind != "comment":
            dump.skipped[entry.kind] = dump.skipped.get(entry.kind, 0) + 1
    if relative_urls:
        dump.warnings.append(
            f"{relative_urls} post(s) give only their path (blogger:filename) and the feed "
            "names no blog address: their URLs are left empty"
        )

    comments = [e for e in entries if e.kind == "comment"]
    if not dump.articles and not comments:
        skipped = ", ".join(f"{n} {kind}" for kind, n in sorted(dump.skipped.items()))
        raise ParseError(
            "a Blogger feed with no post, page or comment to import"
            + (f" ({skipped} entries skipped)" if skipped else "")
            + "; expected a blog export (Blogger: Settings, Back up content), not a public feed",
            doc.line(root),
        )
    attach_comments(comments, articles, dump, (blog_name, blog_url))
    blog_id = _blog_id(root, entries)
    for article in dump.articles:
        break_cycles(article.comments, f"post {article.source_id}", dump.warnings)
        if blog_id:
            # The blog's own id, the same in both export layouts (only the classic one
            # gives the blog's address): two blogs of one title stay two blogs.
            article.blog_key = f"blogger:{blog_id}"
    return dump


_BLOG_ID = re.compile(r"tag:blogger\.com,1999:blog-(\d+)")


def _blog_id(root, entries: list[Entry]) -> str:
    """The numeric Blogger id of the blog, from the feed's id or else its entries' ids
    ('tag:blogger.com,1999:blog-7000.post-2001' -> '7000')."""
    for value in [child_text(root, ATOM + "id"), *(e.entry_id for e in entries)]:
        if match := _BLOG_ID.match(value.strip()):
            return match[1]
    return ""


def _article_status(entry: Entry) -> str:
    if entry.layout_2018:
        raw = child_text(entry.elem, B2018 + "status").strip().upper()
        status = ARTICLE_STATUSES.get(raw, raw.lower() or "publish")
        # A trashed post carries the date it was trashed, whatever its status says.
        if child_text(entry.elem, B2018 + "trashed").strip():
            status = "trash"
        return status
    for app in APP_NAMESPACES:
        draft = entry.elem.find(f"{app}control/{app}draft")
        if draft is not None and (draft.text or "").strip().lower() == "yes":
            return "draft"
    return "publish"


def _article(entry: Entry, blog_name: str, blog_url: str) -> ParsedArticle:
    elem = entry.elem
    published, date_raw = entry_date(elem, entry.layout_2018)
    body, body_html = entry_content(elem)
    url = link_href(elem, "alternate")
    filename = child_text(elem, B2018 + "filename").strip()
    if not url and filename and blog_url:
        url = urljoin(blog_url, filename)
    total = child_text(elem, THR + "total").strip()
    return ParsedArticle(
        title=text_construct(elem.find(ATOM + "title")),
        body=body,
        body_html=body_html,
        author=unescape_name(child_text(elem.find(ATOM + "author"), ATOM + "name")),
        published_at=published,
        date_precision=EXACT if published else UNKNOWN,
        date_raw=date_raw,
        url=url,
        blog_name=blog_name,
        blog_url=blog_url,
        source_id=entry.entry_id or None,
        status=_article_status(entry),
        kind=entry.kind,
        announced_comments=int(total) if total.isascii() and total.isdigit() else None,
    )
