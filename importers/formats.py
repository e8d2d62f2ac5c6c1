"""The registry of source formats: detection and dispatch.

Each format module exposes NAME (str), detect(text) -> bool, and parse(text) -> ParsedDump.
Detection tries the formats in order; the first that recognises the text wins."""

from __future__ import annotations

from types import ModuleType

from importers.parsed import ParseError, ParsedDump

FORMAT_MODULES: list[str] = [
    # Filled as layouts are implemented; order matters only where two could match.
]


def _modules() -> list[ModuleType]:
    import importlib

    return [importlib.import_module(name) for name in FORMAT_MODULES]


def format_names() -> list[str]:
    return [m.NAME for m in _modules()]


def detect_format(text: str) -> str | None:
    for module in _modules():
        if module.detect(text):
            return module.NAME
    return None


def parse_text(text: str, format_name: str | None = None) -> ParsedDump:
    """Parse `text` with the named format, or with the one detected."""
    modules = {m.NAME: m for m in _modules()}
    if format_name is None:
        format_name = detect_format(text)
        if format_name is None:
            raise ParseError(
                "no known layout matches this text (tried: " + ", ".join(modules) + ")"
            )
    elif format_name not in modules:
        raise ParseError(
            f"unknown format {format_name!r} (known: " + ", ".join(modules) + ")"
        )
    return modules[format_name].parse(text)
