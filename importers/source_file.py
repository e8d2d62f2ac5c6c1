"""Reading a dump from disk: the checks every file passes before any parser sees it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from importers import formats
from importers.parsed import ParsedDump, ParseError

# What a file's extension promises, when it promises anything.
TEXT_EXTENSIONS = {".txt", ".text"}
XML_EXTENSIONS = {".xml", ".wxr"}
JSON_EXTENSIONS = {".json"}


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


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def decode_text(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed); anything else is a ParseError saying where."""
    if not data.strip():
        raise ParseError("the file is empty; expected a blog dump, an export or an archive")
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _position(data, nul)
        raise ParseError("binary data (a NUL byte); expected UTF-8 text", line, column)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise ParseError(
            f"byte 0x{data[error.start]:02x} is not UTF-8; expected UTF-8 text", line, column
        ) from None


def parse_source(source: SourceFile, format_name: str | None = None) -> ParsedDump:
    """Parse a file's bytes with the named or detected format. Raises ParseError."""
    if formats.looks_like_xml(source.data) and format_name in (None, *formats.XML_FORMATS):
        # XML parsers read bytes themselves so a declared encoding is honoured.
        if not source.data.strip():
            raise ParseError("the file is empty")
        dump = formats.parse_xml_bytes(source.data, format_name)
    else:
        text = decode_text(source.data)
        dump = formats.parse_text(text, format_name)
    check_extension(source.path, dump.format)
    return dump


def check_extension(path: Path, format_name: str) -> None:
    suffix = path.suffix.lower()
    expected = None
    if suffix in JSON_EXTENSIONS and format_name != "cmforum-json":
        expected = "a cmforum-json archive"
    elif suffix in XML_EXTENSIONS and format_name not in formats.XML_FORMATS:
        expected = "an XML export (" + ", ".join(formats.XML_FORMATS) + ")"
    elif suffix in TEXT_EXTENSIONS and format_name in (*formats.XML_FORMATS, "cmforum-json"):
        expected = "a blog page dumped as text"
    if expected:
        raise ParseError(
            f"the name says {suffix} but the content is {format_name}; expected {expected}"
        )
