"""WordPress eXtended RSS (WXR) exports: posts and pages with their comments.

Pure: text (or bytes) in, ParsedDump out. Commenters' e-mail and IP addresses are in the
file but never read."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC

from importers.parsed import (
    COMMENT,
    EXACT,
    PINGBACK,
    TRACKBACK,
    UNKNOWN,
    ParsedArticle,
    ParsedComment,
    ParsedDump,
    ParseError,
)
from importers.xmlsafe import (
    LineTreeBuilder,
    XmlDoc,
    break_cycles,
    decode_xml_bytes,
    html_to_text,
    mark_orphan,
    parse_sql_datetime,
    parse_xml,
    root_start_tag,
    split_tag,
    unescape_entities,
)

NAME = "wxr"

# Every WXR version so far: 1.0, 1.1, 1.2, over http or https.
_WP_NS = re.compile(r"^https?://wordpress\.org/export/\d+(?:\.\d+)*/?$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/\d+(?:\.\d+)*/excerpt/?$")
_OTHER_NS = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/rss/1.0/modules/content/": "content",
}
_WP_NS_DECL = re.compile(r"""xmlns:\w[\w.-]*\s*=\s*["']https?://wordpress\.org/export/\d""")

ARTICLE_TYPES = ("post", "page")
COMMENT_KINDS = {"": COMMENT, "comment": COMMENT, "pingback": PINGBACK, "trackback": TRACKBACK}
COMMENT_STATUSES = {
    "1": "approved",
    "approve": "approved",
    "0": "pending",
    "hold": "pending",
    "spam": "spam",
    "trash": "deleted",
    "post-trashed": "deleted",  # set by WordPress on the comments of a trashed post
}
NO_TYPE = "(none)"  # the skipped-count key for items without a wp:post_type


def detect(text: str) -> bool:
    """An <rss> root that declares a wordpress.org/export namespace."""
    root = root_start_tag(text)
    return root is not None and root.local_name == "rss" and bool(_WP_NS_DECL.search(root.tag))


def parse(text: str) -> ParsedDump:
    return _parse_doc(parse_xml(text))


def parse_bytes(data: bytes) -> ParsedDump:
    """For files: honours a BOM or the declared encoding (e.g. ISO-8859-1)."""
    return parse(decode_xml_bytes(data))


def _key(tag: str) -> str:
    """'{http://wordpress.org/export/1.0/}post_id' -> 'wp:post_id', whatever the version."""
    uri, local = split_tag(tag)
    if not uri:
        return local
    if _WP_NS.match(uri):
        return "wp:" + local
    if _EXCERPT_NS.match(uri):
        return "excerpt:" + local
    prefix = _OTHER_NS.get(uri)
    return f"{prefix}:{local}" if prefix else tag


def _fields(elem: ET.Element) -> dict[str, str]:
    """Text of each child, by prefixed name; the first occurrence wins."""
    out: dict[str, str] = {}
    for child in elem:
        out.setdefault(_key(child.tag), child.text or "")
    return out


def _unescape(text: str) -> str:
    # WordPress stores names and titles HTML-escaped ("&#8217;"); XML decoding leaves that.
    return unescape_entities(text)


def _title(text: str) -> str:
    # Exported titles are escaped HTML and may hold tags (the_title_rss): keep the words.
    return html_to_text(text).replace("\n", " ")


# Layout shortcodes whose brackets are noise in plain text; what they wrap (a caption, an
# embedded URL) is kept. Others ([contact-form], plugin codes) are left as written.
_SHORTCODES = re.compile(r"\[/?(?:caption|wp_caption|gallery|embed|audio|video|playlist)\b[^\]]*\]")


def _body_text(content: str) -> str:
    # Block-editor content is real HTML; classic content relies on wpautop's newlines.
    text = _SHORTCODES.sub("", content)
    return html_to_text(text, newlines_are_breaks="<!-- wp:" not in content)


def _parse_doc(doc: XmlDoc) -> ParsedDump:
    root = doc.root
    if split_tag(root.tag)[1] != "rss":
        raise ParseError(f"not a WXR file: the root is <{split_tag(root.tag)[1]}>, not <rss>")
    channel = next((c for c in root if c.tag == "channel"), None)
    if channel is None:
        raise ParseError("not a WXR file: no <channel>", doc.line(root))
    head = _fields(channel)
    blog_name, blog_url = _title(head.get("title", "")), head.get("link", "").strip()

    dump = ParsedDump(format=NAME, articles=[], warnings=list(doc.warnings))
    for item in channel:
        if item.tag != "item":
            continue
        article = _item_article(doc, item, (blog_name, blog_url), dump)
        if article is not None:
            dump.articles.append(article)
    return dump


def _item_article(
    doc: XmlDoc, item: ET.Element, blog: tuple[str, str], dump: ParsedDump
) -> ParsedArticle | None:
    """One <item>: its article with its comments, or None for an item skipped (counted)."""
    fields = _fields(item)
    comments = [c for c in item if _key(c.tag) == "wp:comment"]
    post_type = fields.get("wp:post_type", "").strip()
    if post_type not in ARTICLE_TYPES and not comments:
        kind = post_type or NO_TYPE
        dump.skipped[kind] = dump.skipped.get(kind, 0) + 1
        return None
    article = _article(fields, post_type, *blog)
    where = f"item {article.source_id}"
    article.comments = _comments(doc, comments, where, dump.warnings)
    return article


def _article(
    fields: dict[str, str], post_type: str, blog_name: str, blog_url: str
) -> ParsedArticle:
    url = fields.get("link", "").strip()
    source_id = (
        fields.get("wp:post_id", "").strip() or url or fields.get("guid", "").strip() or None
    )
    # GMT when WordPress knows it; drafts carry the zero date there, then local time.
    date_raw = fields.get("wp:post_date_gmt", "").strip()
    published = parse_sql_datetime(date_raw)
    if published is not None:
        published = published.replace(tzinfo=UTC)
    else:
        date_raw = fields.get("wp:post_date", "").strip()
        published = parse_sql_datetime(date_raw)
        if published is None:
            date_raw = ""
    content = fields.get("content:encoded", "")
    return ParsedArticle(
        title=_title(fields.get("title", "")),
        body=_body_text(content),
        body_html=content,
        author=_unescape(fields.get("dc:creator", "")),
        published_at=published,
        date_precision=EXACT if published else UNKNOWN,
        date_raw=date_raw,
        url=url,
        blog_name=blog_name,
        blog_url=blog_url,
        source_id=source_id,
        status=fields.get("wp:status", "").strip() or "publish",
        kind=post_type or "post",
    )


def _comments(
    doc: XmlDoc, elems: list[ET.Element], where: str, warnings: list[str]
) -> list[ParsedComment]:
    comments: list[ParsedComment] = []
    parent_ids: list[str] = []
    index: dict[str, int] = {}
    for elem in elems:
        f = _fields(elem)
        line = doc.line(elem)
        at = f"line {line}: " if line else ""
        cid = f.get("wp:comment_id", "").strip()
        comment_type = f.get("wp:comment_type", "").strip()
        kind = COMMENT_KINDS.get(comment_type)
        if kind is None:
            kind = COMMENT
            warnings.append(
                f"{at}{where}: comment {cid} has type {comment_type!r}, read as a comment"
            )
        approved = f.get("wp:comment_approved", "").strip()
        status = COMMENT_STATUSES.get(approved)
        if status is None:
            status = "pending"
            warnings.append(f"{at}{where}: comment {cid} has status {approved!r}, read as pending")
        date_raw = f.get("wp:comment_date_gmt", "").strip()
        posted = parse_sql_datetime(date_raw)
        if posted is not None:
            posted = posted.replace(tzinfo=UTC)
        else:
            date_raw = f.get("wp:comment_date", "").strip()
            posted = parse_sql_datetime(date_raw)
            if posted is None:
                date_raw = ""
        content = f.get("wp:comment_content", "")
        comment = ParsedComment(
            author=_unescape(f.get("wp:comment_author", "")),
            author_url=f.get("wp:comment_author_url", "").strip(),
            body=_body_text(content),
            body_html=content,
            posted_at=posted,
            date_raw=date_raw,
            kind=kind,
            source_id=cid or None,
            line=line,
            status=status,
        )
        if cid:
            if cid in index:
                warnings.append(f"{at}{where}: comment id {cid} appears twice in this item")
            else:
                index[cid] = len(comments)
        comments.append(comment)
        parent_ids.append(f.get("wp:comment_parent", "").strip())

    # Parents are looked up only now, after the whole item: a reply may precede its parent.
    for comment, pid in zip(comments, parent_ids, strict=True):
        if pid in ("", "0"):
            continue
        parent = index.get(pid)
        if parent is None:
            at = f"line {comment.line}: " if comment.line else ""
            mark_orphan(
                comment,
                f"{at}{where}: comment {comment.source_id} replies to comment {pid}, "
                "which is not in this item; kept as top-level",
                warnings,
            )
        else:
            comment.parent = parent
    break_cycles(comments, where, warnings)
    return comments


# --- large exports, read as a stream (importers.streamed) ---------------------------------


class _ItemBuilder(LineTreeBuilder):
    """Builds the document as usual, and hands over each <item> of the channel as soon as
    it is closed, so that the caller can read it and drop it."""

    def __init__(self) -> None:
        super().__init__()
        self.root: ET.Element | None = None
        self.channel: ET.Element | None = None
        self.closed: list[ET.Element] = []
        self.open: list[ET.Element] = []

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        elem = super().start(tag, attrs)
        self.open.append(elem)
        if len(self.open) == 1:
            self.root = elem
        elif len(self.open) == 2 and tag == "channel" and self.channel is None:
            self.channel = elem
        return elem

    def end(self, tag: str) -> ET.Element:
        elem = super().end(tag)
        self.open.pop()
        if tag == "item" and self.open and self.open[-1] is self.channel:
            self.closed.append(elem)
        return elem


class StreamUnsuitable(Exception):
    """This file is read whole instead (it needs a repair, or is not what it seemed):
    the whole-document parser then says what it says."""


def stream_articles(f, dump: ParsedDump, chunk: int = 1 << 20):
    """The articles of a UTF-8 WXR export read from the binary file ``f`` as it is parsed,
    each item dropped once read: what _parse_doc returns, one article at a time. Skipped
    items and warnings go to ``dump``. Raises StreamUnsuitable for anything _parse_doc
    would repair or refuse, and when the channel's title or link come after its items."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    builder = _ItemBuilder()
    parser = DefusedXMLParser(target=builder)
    builder.expat = parser.parser
    doc = XmlDoc(root=ET.Element("rss"), lines=builder.lines)
    head: tuple[str, str] | None = None
    done = False
    while not done:
        data = f.read(chunk)
        try:
            if data:
                parser.feed(data)
            else:
                parser.close()
                done = True
        except (ET.ParseError, DefusedXmlException) as error:
            raise StreamUnsuitable() from error
        if builder.root is not None and split_tag(builder.root.tag)[1] != "rss":
            raise StreamUnsuitable()
        for item in builder.closed:
            channel = builder.channel
            if head is None:
                fields = _fields(channel)
                head = _title(fields.get("title", "")), fields.get("link", "").strip()
            article = _item_article(doc, item, head, dump)
            for elem in item.iter():
                builder.lines.pop(id(elem), None)
            channel.remove(item)
            if article is not None:
                yield article
        builder.closed.clear()
    channel = builder.channel
    if channel is None:
        raise StreamUnsuitable()
    fields = _fields(channel)
    if head is not None and head != (
        _title(fields.get("title", "")),
        fields.get("link", "").strip(),
    ):
        raise StreamUnsuitable()  # the channel says its name after its items: read it whole
