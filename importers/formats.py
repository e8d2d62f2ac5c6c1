"""The registry of source formats: detection and dispatch.

Each format module exposes NAME (str), detect(text) -> bool and parse(text) -> ParsedDump;
XML formats also parse_bytes(data) -> ParsedDump, so a declared encoding is honoured.
Detection tries the formats in order: the first that recognises the text wins, so the
most generic layout (an article with no comments) comes last."""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

from importers import diagnosis
from importers.parsed import ParsedDump, ParseError

FORMAT_MODULES: list[str] = [
    "importers.archive_json",
    "importers.wxr",
    "importers.disqus",
    "importers.blogger",
    "importers.dotclear",
    "importers.movable_type",
    "importers.html_page",
    "importers.indented_threads",
    "importers.at_headers",
    "importers.counted_bullets",
    "importers.numbered_comments",
    "importers.byline_article",
]
XML_FORMATS = ("wxr", "disqus", "blogger")
# Formats that export a whole site: their comments' origin is the format and the site, so
# two sites' exports (two Disqus forums, two WordPress blogs) never reconcile each other's.
SITE_EXPORTS = frozenset({"wxr", "disqus", "blogger", "dotclear", "movable-type"})
# A saved web page: routed by what the file is (an HTML document), read from bytes so that
# its declared charset is honoured.
HTML_FORMAT = "html-page"


@cache
def _modules() -> dict[str, ModuleType]:
    modules = [importlib.import_module(name) for name in FORMAT_MODULES]
    return {m.NAME: m for m in modules}


def format_names() -> list[str]:
    return list(_modules())


def detect_format(text: str) -> str | None:
    for name, module in _modules().items():
        if module.detect(text):
            return name
    return None


def module(format_name: str) -> ModuleType:
    modules = _modules()
    if format_name not in modules:
        raise ParseError(f"unknown format {format_name!r} (known: " + ", ".join(modules) + ")")
    return modules[format_name]


def _no_format(what: str, nearest: str | None, parse_with, tried) -> ParseError:
    """'no known format matches this file: it looks like …; read as <nearest>: <its
    complaint>'."""
    message = f"no known format matches this file: it looks like {what}"
    if nearest in _modules():
        try:
            parse_with(_modules()[nearest])
        except ParseError as error:
            complaint = str(error)
            if what in complaint:  # the nearest format said it already, and said where
                message = "no known format matches this file"
            message += f"; read as {nearest}: {complaint}"
    return ParseError(message + " (tried: " + ", ".join(tried) + ")")


def parse_text(text: str, format_name: str | None = None) -> ParsedDump:
    """Parse `text` with the named format, or with the one detected."""
    if format_name is not None:
        return module(format_name).parse(text)
    format_name = detect_format(text)
    if format_name is None:
        what, nearest = diagnosis.describe_text(text)
        raise _no_format(what, nearest, lambda m: m.parse(text), _modules())
    return _modules()[format_name].parse(text)


def looks_like_xml(data: bytes) -> bool:
    return diagnosis.starts_like_markup(data)


def parse_xml_bytes(data: bytes, format_name: str | None = None) -> ParsedDump:
    from importers.xmlsafe import head_text

    if format_name is not None:
        return module(format_name).parse_bytes(data)
    head = head_text(data)
    modules = _modules()
    format_name = next((n for n in XML_FORMATS if modules[n].detect(head)), None)
    if format_name is None:
        what, nearest = diagnosis.describe_xml(data)
        raise _no_format(what, nearest, lambda m: m.parse_bytes(data), XML_FORMATS)
    return modules[format_name].parse_bytes(data)


def parse_html_bytes(data: bytes) -> ParsedDump:
    return module(HTML_FORMAT).parse_bytes(data)
