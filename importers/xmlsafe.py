"""Helpers shared by the XML export parsers (WordPress WXR, Disqus).

- `parse_xml` / `decode_xml_bytes`: safe XML parsing through defusedxml (no DTD entities, no
  external references), with the source line of every element, a few narrow recoveries for
  known real-world breakage, and every failure turned into `ParseError` with line and column.
- `root_start_tag`: the document's root start tag, read from the start of the text only, so
  format detection stays cheap and never parses the whole file.
- `html_to_text`: comment and post bodies from HTML to plain paragraphs.
- `break_cycles` / `mark_orphan`: repairs of broken reply structure, shared by both formats.
"""

from __future__ import annotations

import codecs
import html as html_lib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pyexpat import ErrorString, errors
from typing import NamedTuple

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from importers.parsed import ParsedComment, ParseError

# How far into the text format detection looks for the root element. WordPress puts a
# ~1.5 KB comment block before <rss>; 64 KiB leaves ample room for longer prologs.
HEAD_LIMIT = 65536

_UNBOUND_PREFIX = errors.codes[errors.XML_ERROR_UNBOUND_PREFIX]
_INVALID_TOKEN = errors.codes[errors.XML_ERROR_INVALID_TOKEN]

# Namespaces to declare when an export uses a prefix it never declared (WordPress.com puts
# <atom:link> in the channel without xmlns:atom). Other prefixes get a private URN.
KNOWN_PREFIXES = {
    "atom": "http://www.w3.org/2005/Atom",
    "wp": "http://wordpress.org/export/1.2/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dsq": "http://disqus.com/disqus-internals",
}

# Characters XML 1.0 forbids outright. Old WordPress databases hold stray control
# characters (pasted from Word, etc.) and export them as-is, which makes the file invalid.
_ILLEGAL_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --------------------------------------------------------------------------- XML parsing


@dataclass
class XmlDoc:
    root: ET.Element
    lines: dict[int, int]  # id(element) -> 1-based line of its start tag
    warnings: list[str] = field(default_factory=list)

    def line(self, elem: ET.Element) -> int | None:
        return self.lines.get(id(elem))


class LineTreeBuilder(ET.TreeBuilder):
    """A TreeBuilder that records where each element starts (ElementTree keeps no lines)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.expat: object | None = None  # the expat parser, set once the parser exists

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        elem = super().start(tag, attrs)
        if self.expat is not None:
            self.lines[id(elem)] = self.expat.CurrentLineNumber  # type: ignore[attr-defined]
        return elem


def split_tag(tag: str) -> tuple[str, str]:
    """'{uri}local' -> ('uri', 'local'); 'local' -> ('', 'local')."""
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return uri, local
    return "", tag


def local_name(tag: str) -> str:
    return split_tag(tag)[1]


def _parse_once(text: str) -> XmlDoc:
    builder = LineTreeBuilder()
    parser = DefusedXMLParser(target=builder)
    builder.expat = parser.parser
    try:
        # A str is handed to expat as UTF-8 whatever its declaration says, which is right:
        # the text is already decoded (see decode_xml_bytes for bytes).
        parser.feed(text)
        root = parser.close()
    except DefusedXmlException as exc:
        # Entity declarations (billion laughs, XXE) and external references are refused
        # before anything is expanded or fetched.
        if isinstance(exc, EntitiesForbidden):
            what = f"entity declaration <!ENTITY {exc.name} ...>"
        else:
            what = "external reference"
        raise ParseError(
            f"unsafe XML refused: {what} (entities can expand without bound or read files)",
            parser.parser.CurrentLineNumber,
            parser.parser.CurrentColumnNumber + 1,
        ) from exc
    return XmlDoc(root=root, lines=builder.lines)


def _line_text(text: str, line: int) -> str:
    lines = text.split("\n", line)
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _declare_undeclared_prefixes(text: str, line: int) -> tuple[str, list[str]] | None:
    """Declare, on the root element, the undeclared prefixes used on `line` (the line of an
    'unbound prefix' error). Inserted on the root's own line, so no line number moves."""
    source_line = _line_text(text, line)
    used = set(re.findall(r"</?([A-Za-z_][\w.-]*):[A-Za-z_]", source_line))
    used |= set(re.findall(r"\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=", source_line))
    missing = sorted(
        p
        for p in used
        if p not in ("xml", "xmlns") and not re.search(rf"xmlns:{re.escape(p)}\s*=", text)
    )
    root = root_start_tag(text, limit=len(text))
    if not missing or root is None:
        return None
    name_end = root.name_end
    decls = "".join(
        f' xmlns:{p}="{KNOWN_PREFIXES.get(p, "urn:x-cmforum:undeclared:" + p)}"' for p in missing
    )
    return text[:name_end] + decls + text[name_end:], missing


def parse_xml(text: str) -> XmlDoc:
    """Parse XML text safely. Raises ParseError (with line and column) for anything that is
    not well-formed or that tries entity tricks; recovers, with a warning, from undeclared
    namespace prefixes and from characters XML forbids."""
    warnings: list[str] = []
    for _ in range(20):  # each recovery fixes at least one thing; bound it anyway
        try:
            doc = _parse_once(text)
        except ET.ParseError as exc:
            line, column = exc.position
            if exc.code == _UNBOUND_PREFIX:
                fixed = _declare_undeclared_prefixes(text, line)
                if fixed is not None:
                    text, prefixes = fixed
                    warnings.append(
                        f"line {line}: namespace prefix {', '.join(prefixes)} used without "
                        "a declaration; declared it and read on"
                    )
                    continue
            if exc.code == _INVALID_TOKEN:
                bad = _line_text(text, line)[column : column + 1]
                if bad and _ILLEGAL_XML_CHARS.match(bad):
                    count = len(_ILLEGAL_XML_CHARS.findall(text))
                    text = _ILLEGAL_XML_CHARS.sub("", text)
                    warnings.append(
                        f"line {line}: removed {count} character(s) that XML forbids "
                        f"(first: U+{ord(bad):04X})"
                    )
                    continue
            message = ErrorString(exc.code) if exc.code else str(exc)
            raise ParseError(f"malformed XML: {message}", line, column + 1) from None
        doc.warnings = warnings
        return doc
    raise ParseError("malformed XML: too many repairs needed, giving up")


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']""")


def sniff_encoding(data: bytes) -> tuple[str, int]:
    """The encoding of an XML document's bytes (BOM, then declaration, else UTF-8), and the
    length of the BOM to skip."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    if data.startswith(b"<\x00?\x00"):
        return "utf-16-le", 0
    if data.startswith(b"\x00<\x00?"):
        return "utf-16-be", 0
    match = _DECLARED_ENCODING.match(data[:1024])
    return (match[1].decode("ascii") if match else "utf-8"), 0


def decode_xml_bytes(data: bytes) -> str:
    """Bytes to text the way an XML parser would: BOM first, then the declared encoding
    (e.g. ISO-8859-1), else UTF-8. Undecodable bytes -> ParseError with their line."""
    encoding, skip = sniff_encoding(data)
    return decode_as(data, encoding, skip)


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of a byte offset, 1-based; the column counts bytes: the best we know
    of bytes that do not decode."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def decode_as(data: bytes, encoding: str, skip: int = 0, declared_by: str = "") -> str:
    """``data[skip:]`` as text in ``encoding``: an unknown encoding, or a byte that is not
    of it, is a ParseError saying where (``declared_by``, e.g. " by the page", says who
    declared the encoding)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ParseError(f"unknown encoding {encoding!r} declared{declared_by}", 1) from None
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        start = skip + exc.start
        line, column = byte_position(data, start)
        raise ParseError(
            f"byte 0x{data[start]:02x} is not valid {encoding}; expected the encoding "
            f"declared{declared_by} (UTF-8 when none is)",
            line,
            column,
        ) from None


def head_text(data: bytes, limit: int = HEAD_LIMIT) -> str:
    """The start of an XML document's bytes as text, for detect(): never fails."""
    encoding, skip = sniff_encoding(data)
    try:
        return data[skip : skip + limit].decode(encoding, errors="replace")
    except LookupError:
        return data[:limit].decode("utf-8", errors="replace")


_PROLOG_ITEM = re.compile(
    r"""\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>""", re.DOTALL | re.IGNORECASE
)
_START_TAG = re.compile(r"""<([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")


class RootTag(NamedTuple):
    name: str  # as written, prefix included
    tag: str  # the whole start tag, attributes included
    name_end: int  # offset in the text just past the name

    @property
    def local_name(self) -> str:
        return self.name.rpartition(":")[2]


def root_start_tag(text: str, limit: int = HEAD_LIMIT) -> RootTag | None:
    """The root element's start tag, found by skipping the prolog (declaration, comments,
    processing instructions, doctype) at the start of `text`; None when the text does not
    start like an XML document."""
    pos = 1 if text.startswith("\ufeff") else 0
    end = min(len(text), limit)
    while pos < end:
        match = _PROLOG_ITEM.match(text, pos, end)
        if not match:
            break
        pos = match.end()
    match = _START_TAG.match(text, pos, end)
    if not match:
        return None
    return RootTag(match[1], match[0], match.end(1))


# --------------------------------------------------------------------------- dates


def parse_iso_utc(value: str) -> datetime | None:
    """'2013-10-10T19:20:29Z' -> aware UTC datetime; '' or unreadable -> None."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_sql_datetime(value: str) -> datetime | None:
    """WordPress's 'YYYY-MM-DD HH:MM:SS' -> naive datetime; the zero date or junk -> None."""
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


# --------------------------------------------------------------------------- HTML to text

# Elements that start a new paragraph, and those that only start a new line.
_BLOCK_TAGS = frozenset(
    "p div blockquote pre h1 h2 h3 h4 h5 h6 ul ol dl table thead tbody tfoot hr section "
    "article aside header footer nav main figure figcaption address details summary "
    "fieldset form caption center".split()
)
_LINE_TAGS = frozenset("br li dt dd tr".split())
_CELL_TAGS = frozenset("td th".split())
# Elements whose content is never text a reader sees.
_SKIP_TAGS = frozenset("script style template noscript head iframe object svg math".split())
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_SPACES = re.compile(r"[^\S\n]+")


class _TextExtractor(HTMLParser):
    def __init__(self, newlines_are_breaks: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.newlines_are_breaks = newlines_are_breaks
        self.paragraphs: list[list[str]] = []
        self.lines: list[str] = [""]
        self.skip = 0
        self.pre = 0

    def end_paragraph(self) -> None:
        if any(line.strip() for line in self.lines):
            self.paragraphs.append(self.lines)
        self.lines = [""]

    def new_line(self) -> None:
        self.lines.append("")

    def add(self, text: str) -> None:
        self.lines[-1] += text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _LINE_TAGS:
            self.new_line()
        elif tag in _BLOCK_TAGS:
            self.end_paragraph()
        elif tag in _CELL_TAGS:
            self.add(" ")
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <hr/>: a start without content; <script/> must not open a skipped region.
        if tag not in _SKIP_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _LINE_TAGS and tag != "br":
            self.new_line()
        elif tag in _BLOCK_TAGS:
            self.end_paragraph()
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            first, *rest = data.split("\n")
            self.add(first)
            for line in rest:
                self.new_line()
                self.add(line)
        elif self.newlines_are_breaks:
            # WordPress (wpautop): a blank line ends a paragraph, a single newline is a <br>.
            for i, chunk in enumerate(_BLANK_LINE.split(data)):
                if i:
                    self.end_paragraph()
                first, *rest = chunk.split("\n")
                self.add(_SPACES.sub(" ", first))
                for line in rest:
                    self.new_line()
                    self.add(_SPACES.sub(" ", line))
        else:
            self.add(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        self.end_paragraph()
        out = []
        for para in self.paragraphs:
            lines = [_SPACES.sub(" ", line.replace("\xa0", " ")).strip() for line in para]
            out.append("\n".join(line for line in lines if line))
        return "\n\n".join(p for p in out if p)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(text: str) -> str:
    """Names and titles written HTML-escaped ("Fran&#231;ois", "Jean &amp; Marie"): the
    entities decoded, and only those closed by ";". html.unescape alone also reads the
    legacy entities that need none, so "Lab&notebook" would become "Lab¬ebook"."""
    if "&" not in text:
        return text.strip()
    return _ENTITY.sub(lambda m: html_lib.unescape(m[0]), text).strip()


def html_to_text(html: str, newlines_are_breaks: bool = False) -> str:
    """Plain text of an HTML fragment: tags removed, entities decoded, paragraphs separated
    by one blank line, line breaks (<br>, list items) kept inside a paragraph.

    `newlines_are_breaks` reads raw newlines the way WordPress's wpautop does (blank line =
    new paragraph, single newline = line break), for content stored before that filter."""
    if not html or not html.strip():
        return ""
    extractor = _TextExtractor(newlines_are_breaks)
    extractor.feed(html)
    extractor.close()
    return extractor.text()


# --------------------------------------------------------------------------- reply structure


def mark_orphan(comment: ParsedComment, warning: str, warnings: list[str]) -> None:
    """A reply whose parent cannot be found: keep it, top-level, flagged."""
    comment.parent = None
    if "orphan" not in comment.flags:
        comment.flags.append("orphan")
    warnings.append(warning)


def break_cycles(comments: list[ParsedComment], where: str, warnings: list[str]) -> None:
    """Make the parent links of `comments` a forest: in each reply cycle, the comment that
    comes first in the document becomes top-level (flag "cycle-broken")."""
    state = [0] * len(comments)  # 0 unseen, 1 on the current walk, 2 known to reach a root
    for start in range(len(comments)):
        path: list[int] = []
        i: int | None = start
        while i is not None and state[i] == 0:
            state[i] = 1
            path.append(i)
            i = comments[i].parent
        if i is not None and state[i] == 1:  # the walk came back onto itself
            cycle = path[path.index(i) :]
            first = min(cycle)
            comment = comments[first]
            comment.parent = None
            comment.flags.append("cycle-broken")
            ids = ", ".join(str(comments[j].source_id) for j in sorted(cycle))
            line = f"line {comment.line}: " if comment.line else ""
            warnings.append(
                f"{line}{where}: replies form a cycle ({ids}); "
                f"comment {comment.source_id} made top-level"
            )
        for j in path:
            state[j] = 2
