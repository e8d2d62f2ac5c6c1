"""Helpers for tests that walk parsed dumps (WXR, Disqus)."""

from __future__ import annotations

import dataclasses

from importers.parsed import ParsedComment


def levels(comments: list[ParsedComment]) -> list[int]:
    """Nesting level of each comment (top-level = 1), following parent indices."""
    out = []
    for comment in comments:
        level, parent = 1, comment.parent
        while parent is not None:
            level += 1
            parent = comments[parent].parent
            assert level <= len(comments), "cycle left in the output"
        out.append(level)
    return out


def all_strings(obj: object) -> list[str]:
    """Every string anywhere in a parsed dump."""
    if isinstance(obj, str):
        return [obj]
    if dataclasses.is_dataclass(obj):
        return all_strings(dataclasses.asdict(obj))  # type: ignore[arg-type]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in all_strings(k) + all_strings(v)]
    if isinstance(obj, list | tuple):
        return [s for v in obj for s in all_strings(v)]
    return []
