"""Disqus XML exports: threads (one per page) and their posts.

Pure: text (or bytes) in, ParsedDump out. Posts' <email> and <ipAddress> are never read.

Disqus often holds several threads for one page (a dev server's host, a trailing slash,
percent-encoding case); threads whose links normalize equal become one article."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from ipaddress import ip_address
from urllib.parse import unquote, urlsplit

from importers.parsed import COMMENT, ParsedArticle, ParsedComment, ParsedDump, ParseError
from importers.xmlsafe import (
    XmlDoc,
    break_cycles,
    decode_xml_bytes,
    html_to_text,
    mark_orphan,
    parse_iso_utc,
    parse_xml,
    root_start_tag,
    split_tag,
)

NAME = "disqus"
DSQ_NS = "http://disqus.com/disqus-internals"


def detect(text: str) -> bool:
    """A <disqus> root (Disqus declares http://disqus.com as its default namespace)."""
    root = root_start_tag(text)
    return root is not None and root.local_name == "disqus"


def parse(text: str) -> ParsedDump:
    return _parse_doc(parse_xml(text))


def parse_bytes(data: bytes) -> ParsedDump:
    """For files: honours a BOM or the declared encoding."""
    return parse(decode_xml_bytes(data))


def normalize_link(url: str) -> str:
    """The key under which two thread links are the same page: scheme and host dropped,
    percent-decoded, lowercased, no trailing '/'. 'http://Host/p/%E7%AC%AC/' -> '/p/第'."""
    parts = urlsplit(url.strip())
    path = parts.path
    if parts.query:
        path += "?" + parts.query
    if parts.fragment:
        path += "#" + parts.fragment
    return unquote(path, errors="replace").lower().rstrip("/")


def _is_dev_host(url: str) -> bool:
    """Hosts that are not the blog's public address: local servers, raw IPs, proxies."""
    host = (urlsplit(url.strip()).hostname or "").lower()
    if not host or host == "localhost" or host.endswith(".translate.goog"):
        return True
    try:
        ip_address(host)
    except ValueError:
        return False
    return True


@dataclass
class _Thread:
    dsq_id: str
    link: str
    title: str
    message: str
    author: str
    deleted: bool
    line: int | None
    posts: int = 0


@dataclass
class _Group:
    """Threads that are one page, in document order."""

    threads: list[_Thread] = field(default_factory=list)
    article: ParsedArticle | None = None


def _children(elem: ET.Element) -> dict[str, ET.Element]:
    """Children by local name (Disqus files use a default namespace); first one wins."""
    out: dict[str, ET.Element] = {}
    for child in elem:
        out.setdefault(split_tag(child.tag)[1], child)
    return out


def _text(children: dict[str, ET.Element], name: str) -> str:
    elem = children.get(name)
    return (elem.text or "") if elem is not None else ""


def _dsq_id(elem: ET.Element | None) -> str:
    if elem is None:
        return ""
    return (elem.get(f"{{{DSQ_NS}}}id") or elem.get("id") or "").strip()


def _true(children: dict[str, ET.Element], name: str) -> bool:
    return _text(children, name).strip().lower() == "true"


def _parse_doc(doc: XmlDoc) -> ParsedDump:
    root = doc.root
    if split_tag(root.tag)[1] != "disqus":
        raise ParseError(f"not a Disqus export: the root is <{split_tag(root.tag)[1]}>")
    dump = ParsedDump(format=NAME, articles=[], warnings=list(doc.warnings))
    warnings = dump.warnings

    forum = ""
    groups: dict[str, _Group] = {}  # normalized link (or "#id" for linkless threads) -> group
    by_thread: dict[str, _Group] = {}  # thread dsq:id -> its group
    post_elems: list[ET.Element] = []
    for elem in root:
        kind = split_tag(elem.tag)[1] if isinstance(elem.tag, str) else ""
        if kind == "post":
            post_elems.append(elem)
        elif kind == "category":
            forum = forum or _text(_children(elem), "forum").strip()
        elif kind == "thread":
            c = _children(elem)
            author = _children(c["author"]) if "author" in c else {}
            thread = _Thread(
                dsq_id=_dsq_id(elem),
                link=_text(c, "link").strip(),
                title=_text(c, "title").strip(),
                message=_text(c, "message"),
                author=_text(author, "name").strip(),
                deleted=_true(c, "isDeleted"),
                line=doc.line(elem),
            )
            if thread.dsq_id in by_thread:
                warnings.append(
                    f"line {thread.line}: thread {thread.dsq_id} appears twice; "
                    "the first one is kept"
                )
                continue
            # A thread without a link cannot be matched to others: it stays on its own.
            key = normalize_link(thread.link) if thread.link else "#" + thread.dsq_id
            group = groups.setdefault(key, _Group())
            group.threads.append(thread)
            by_thread[thread.dsq_id] = group

    for group in groups.values():
        group.article = _article(group.threads, forum)
        dump.articles.append(group.article)

    # Posts, in document order, each under its thread's article.
    placeholders: dict[str, ParsedArticle] = {}
    where: dict[int, tuple[ParsedArticle, int]] = {}  # id(comment) -> (article, index)
    index: dict[str, ParsedComment] = {}  # post dsq:id -> comment (ids are global)
    parent_ids: list[tuple[ParsedComment, str]] = []
    for elem in post_elems:
        c = _children(elem)
        line = doc.line(elem)
        tid = _dsq_id(c.get("thread"))
        group = by_thread.get(tid)
        if group is not None:
            article = group.article
            next(t for t in group.threads if t.dsq_id == tid).posts += 1
        else:
            article = placeholders.get(tid)
            if article is None:
                article = ParsedArticle(
                    title="",
                    body="",
                    blog_name=forum,
                    source_id=tid or None,
                    status="placeholder",
                    kind="thread",
                    flags=["missing-thread"],
                )
                placeholders[tid] = article
                dump.articles.append(article)
                warnings.append(
                    f"line {line}: post {_dsq_id(elem)} belongs to thread {tid or '(none)'}, "
                    "which is not in the file; kept under a placeholder article"
                )
        assert article is not None
        comment = _comment(elem, c, line)
        where[id(comment)] = (article, len(article.comments))
        article.comments.append(comment)
        if comment.source_id:
            if comment.source_id in index:
                warnings.append(f"line {line}: post id {comment.source_id} appears twice")
            else:
                index[comment.source_id] = comment
        parent_ids.append((comment, _dsq_id(c.get("parent"))))

    # Parents are resolved once every post is known: a reply may precede its parent.
    for comment, pid in parent_ids:
        if not pid:
            continue
        article, _ = where[id(comment)]
        at = f"line {comment.line}: " if comment.line else ""
        parent = index.get(pid)
        if parent is None:
            mark_orphan(
                comment,
                f"{at}post {comment.source_id} replies to post {pid}, which is not in the "
                "file; kept as top-level",
                warnings,
            )
        elif where[id(parent)][0] is not article:
            mark_orphan(
                comment,
                f"{at}post {comment.source_id} replies to post {pid}, which is in another "
                "thread; kept as top-level",
                warnings,
            )
        else:
            comment.parent = where[id(parent)][1]

    for group in groups.values():
        assert group.article is not None
        with_posts = [t.dsq_id for t in group.threads if t.posts]
        if len(with_posts) > 1:
            warnings.append(
                f"threads {', '.join(with_posts)} are one page "
                f"({normalize_link(group.threads[0].link)}): their posts are merged"
            )
    for article in dump.articles:
        break_cycles(article.comments, f"thread {article.source_id}", warnings)
    return dump


def _article(threads: list[_Thread], forum: str) -> ParsedArticle:
    # The public address represents the page; a dev server's thread only if nothing else.
    primary = next((t for t in threads if not _is_dev_host(t.link)), threads[0])
    title = primary.title or next((t.title for t in threads if t.title), "")
    return ParsedArticle(
        title=title,
        body=html_to_text(primary.message),
        body_html=primary.message,
        author=primary.author,
        url=primary.link,
        blog_name=forum,
        source_id=primary.dsq_id or None,
        status="deleted" if all(t.deleted for t in threads) else "publish",
        kind="thread",
        flags=["merged-threads"] if len(threads) > 1 else [],
    )


def _comment(elem: ET.Element, c: dict[str, ET.Element], line: int | None) -> ParsedComment:
    author = _children(c["author"]) if "author" in c else {}
    message = _text(c, "message")
    created = _text(c, "createdAt").strip()
    if _true(c, "isDeleted"):
        status = "deleted"
    elif _true(c, "isSpam"):
        status = "spam"
    else:
        status = "approved"
    return ParsedComment(
        author=_text(author, "name").strip(),
        author_handle=_text(author, "username").strip(),
        body=html_to_text(message),
        body_html=message,
        posted_at=parse_iso_utc(created),
        date_raw=created,
        kind=COMMENT,
        source_id=_dsq_id(elem) or None,
        line=line,
        status=status,
    )
