"""What a file looks like, said plainly: for routing a file to the right family of parsers
(binary, HTML page, XML export, text) and for the message when no format reads it."""

from __future__ import annotations

import re

from importers.xmlsafe import head_text, root_start_tag

# Leading bytes of the files most often renamed or exported by mistake.
_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office/OpenDocument file)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"(\xb5/\xfd", "a zstd-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg audio/video file"),
    (b"\x7fELF", "an executable (ELF)"),
]
_RIFF = {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}


def binary_kind(data: bytes) -> str | None:
    """'a PNG image', 'a ZIP archive…' for a file whose first bytes say what it is; None
    for anything else (text, or binary data nobody signs)."""
    if data.startswith(b"BM") and data[6:10] == b"\x00\x00\x00\x00":
        return "a BMP image"  # "BM" alone also starts text ("BMW…"); these bytes are reserved
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"RIFF") and data[8:12] in _RIFF:
        return _RIFF[data[8:12]]
    if data[4:8] == b"ftyp":
        return "an MP4/QuickTime video or a HEIC image"
    if data[257:262] == b"ustar":
        return "a tar archive"
    return None


def starts_like_markup(data: bytes) -> bool:
    return head_text(data, 512).lstrip("\ufeff \t\r\n").startswith("<")


_HTML_DOCTYPE = re.compile(r"<!DOCTYPE\s+html\b", re.IGNORECASE)


def is_html_page(data: bytes) -> bool:
    """An HTML document (a saved web page): an HTML doctype or an <html> root, however the
    prolog (XML declaration, comments such as IE's 'saved from url') runs before it."""
    head = head_text(data)
    if _HTML_DOCTYPE.search(head[:4096]):
        return True
    root = root_start_tag(head)
    return root is not None and root.local_name.lower() in {"html", "head", "body"}


def xml_root(data: bytes) -> str | None:
    root = root_start_tag(head_text(data))
    return None if root is None else root.name


_ATOM_NS = "http://www.w3.org/2005/Atom"


def describe_xml(data: bytes) -> tuple[str, str | None]:
    """What an XML file no format took looks like, and the format nearest to it."""
    head = head_text(data)
    root = root_start_tag(head)
    if root is None:
        return "an XML-like file whose root element could not be read", None
    name = root.local_name
    if name == "feed":
        marker = "Blogger namespace missing" if _ATOM_NS in root.tag else "not even Atom's"
        return f"an Atom feed (<{root.name}>, {marker})", "blogger"
    if name == "rss":
        return f"an RSS feed (<{root.name}>) with no WordPress export namespace", "wxr"
    if name in {"disqus", "thread", "post"}:
        return f"an XML document with root <{root.name}>", "disqus"
    return f"an XML document with root <{root.name}>", None


def first_lines(text: str, count: int = 3, width: int = 60) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()][:count]
    return [line if len(line) <= width else line[: width - 1] + "…" for line in lines]


def describe_text(text: str) -> tuple[str, str | None]:
    """What a text file no format took looks like, and the format nearest to it."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in {"{", "["}:
        return "JSON that is not a cmforum-json archive", "cmforum-json"
    shown = " / ".join(f"«{line}»" for line in first_lines(text))
    return f"plain text: no comment headers of any known layout (first lines: {shown})", None
