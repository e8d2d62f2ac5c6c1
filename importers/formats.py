"""The registry of source formats: detection and dispatch.

Each format module exposes NAME (str), detect(text) -> bool and parse(text) -> ParsedDump;
XML formats also parse_bytes(data) -> ParsedDump, so a declared encoding is honoured.
Detection tries the formats in order: the first that recognises the text wins, so the
most generic layout (an article with no comments) comes last."""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

from importers.parsed import ParsedDump, ParseError

FORMAT_MODULES: list[str] = [
    "importers.archive_json",
    "importers.wxr",
    "importers.disqus",
    "importers.dotclear",
    "importers.indented_threads",
    "importers.at_headers",
    "importers.counted_bullets",
    "importers.numbered_comments",
    "importers.byline_article",
]
XML_FORMATS = ("wxr", "disqus")
# Formats that export a whole site: their comments' origin is the format and the site, so
# two sites' exports (two Disqus forums, two WordPress blogs) never reconcile each other's.
SITE_EXPORTS = frozenset({"wxr", "disqus", "dotclear"})


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


def _unknown(names) -> ParseError:
    return ParseError("no known format matches this file (tried: " + ", ".join(names) + ")")


def parse_text(text: str, format_name: str | None = None) -> ParsedDump:
    """Parse `text` with the named format, or with the one detected."""
    modules = _modules()
    if format_name is None:
        format_name = detect_format(text)
        if format_name is None:
            raise _unknown(modules)
    elif format_name not in modules:
        raise ParseError(f"unknown format {format_name!r} (known: " + ", ".join(modules) + ")")
    return modules[format_name].parse(text)


def looks_like_xml(data: bytes) -> bool:
    from importers.xmlsafe import head_text

    return head_text(data, 512).lstrip("\ufeff \t\r\n").startswith("<")


def parse_xml_bytes(data: bytes, format_name: str | None = None) -> ParsedDump:
    from importers.xmlsafe import head_text

    modules = _modules()
    if format_name is None:
        head = head_text(data)
        format_name = next((n for n in XML_FORMATS if modules[n].detect(head)), None)
        if format_name is None:
            raise _unknown(XML_FORMATS)
    return modules[format_name].parse_bytes(data)
