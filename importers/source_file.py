"""Reading a dump from disk: the checks every file passes before any parser sees it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from importers import diagnosis, formats
from importers.parsed import ParsedDump, ParseError
from importers.xmlsafe import byte_position

# What a file's extension promises, when it promises anything.
TEXT_EXTENSIONS = {".txt", ".text"}
XML_EXTENSIONS = {".xml", ".wxr", ".atom"}
JSON_EXTENSIONS = {".json"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}


@dataclass
class SourceFile:
    path: Path
    data: bytes

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def name(self) -> str:
        return self.path.name


def decode_text(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed); anything else is a ParseError saying where."""
    if not data.strip():
        raise ParseError("the file is empty; expected a blog dump, an export or an archive")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError("UTF-16 text (it starts with a UTF-16 byte-order mark); expected UTF-8")
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = byte_position(data, nul)
        raise ParseError("binary data (a NUL byte); expected UTF-8 text", line, column)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = byte_position(data, error.start)
        raise ParseError(
            f"byte 0x{data[error.start]:02x} is not UTF-8; expected UTF-8 text", line, column
        ) from None


def parse_source(source: SourceFile, format_name: str | None = None) -> ParsedDump:
    """Parse a file's bytes with the named or detected format. Raises ParseError.

    What the file is decides which parsers may read it: XML exports and HTML pages read
    bytes (a declared encoding is honoured), text formats read UTF-8 text."""
    data = source.data
    if not data.strip():
        raise ParseError("the file is empty; expected a blog dump, an export or an archive")
    if kind := diagnosis.binary_kind(data):
        raise ParseError(f"this is {kind}, not text; expected a blog dump, an export or an archive")
    if format_name is not None:
        module = formats.module(format_name)
        if hasattr(module, "parse_bytes") and formats.looks_like_xml(data):
            dump = module.parse_bytes(data)
        else:
            dump = module.parse(decode_text(data))
    elif formats.looks_like_xml(data):
        if diagnosis.is_html_page(data):
            dump = formats.parse_html_bytes(data)
        else:
            dump = formats.parse_xml_bytes(data)
    else:
        dump = formats.parse_text(decode_text(data))
    check_extension(source.path, dump.format)
    check_dates(dump)
    return dump


_PARIS = ZoneInfo("Europe/Paris")


def _storable(moment: datetime | None) -> bool:
    if moment is None:
        return True
    try:
        (moment if moment.tzinfo else moment.replace(tzinfo=_PARIS)).astimezone(UTC)
    except (OverflowError, ValueError):
        return False
    return True


def check_dates(dump: ParsedDump) -> None:
    """A date at the edge of the calendar ("0001-01-01T00:00:00+01:00") has no instant in
    UTC: refused here, with its line, rather than failing in the middle of the write."""
    for article in dump.articles:
        if not _storable(article.published_at):
            raise ParseError(
                f"the date {article.date_raw!r} of {article.title[:60]!r} is out of range"
            )
        for comment in article.comments:
            if not _storable(comment.posted_at):
                raise ParseError(
                    f"the date {comment.date_raw!r} of a comment is out of range", comment.line
                )


def check_extension(path: Path, format_name: str) -> None:
    suffix = path.suffix.lower()
    expected = None
    if suffix in JSON_EXTENSIONS and format_name != "cmforum-json":
        expected = "a cmforum-json archive"
    elif suffix in XML_EXTENSIONS and format_name not in formats.XML_FORMATS:
        expected = "an XML export (" + ", ".join(formats.XML_FORMATS) + ")"
    elif suffix in TEXT_EXTENSIONS and format_name in (
        *formats.XML_FORMATS,
        formats.HTML_FORMAT,
        "cmforum-json",
    ):
        expected = "a blog page dumped as text"
    elif suffix in HTML_EXTENSIONS and format_name != formats.HTML_FORMAT:
        expected = "a saved HTML page"
    if expected:
        raise ParseError(
            f"the name says {suffix} but the content is {format_name}; expected {expected}"
        )


def place_on_blog(dump: ParsedDump, blog_url: str | None) -> None:
    """Articles that name no blog go on the blog given (``import_dump --blog URL``). A site
    export that names none and is given none is refused: its post ids are small serial
    numbers, so two blogs' exports on one shared blog would overwrite each other."""
    nameless = [
        a
        for a in dump.articles
        if not (a.blog_name or a.blog_url or a.blog_key or urlsplit(a.url).hostname)
    ]  # the loader files an article that names no blog under its address's host
    if not nameless:
        return
    if blog_url:
        for article in nameless:
            article.blog_url = blog_url
        return
    if dump.format in formats.SITE_EXPORTS:
        raise ParseError(
            f"this {dump.format} export does not say which blog it is from ({len(nameless)} "
            f"of {len(dump.articles)} articles name none); give the blog's address with "
            "--blog URL"
        )
