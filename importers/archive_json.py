"""The lossless cmforum-json archive, read back into parsed data (docs/archive-format.md).
Pure: validates the document and maps it to the same dataclasses as every other format."""

from __future__ import annotations

import json
from datetime import datetime

from importers.parsed import ParsedArticle, ParsedComment, ParsedDump, ParseError

NAME = "cmforum-json"
VERSION = 1


def detect(text: str) -> bool:
    head = text.lstrip()[:400]
    return head.startswith("{") and '"cmforum-json"' in head


def _date(value: str | None, where: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ParseError(f"{where}: expected an ISO 8601 date or null, got {value!r}") from None


def _require(obj: dict, key: str, kind: type | tuple, where: str):
    if not isinstance(obj, dict) or key not in obj:
        raise ParseError(f"{where}: expected the key {key!r}")
    value = obj[key]
    if not isinstance(value, kind):
        raise ParseError(f"{where}: {key!r} has the wrong type")
    return value


def parse(text: str) -> ParsedDump:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    if not isinstance(doc, dict) or doc.get("format") != NAME:
        raise ParseError(f'expected a JSON object with "format": "{NAME}"')
    if doc.get("version") != VERSION:
        raise ParseError(f"expected archive version {VERSION}, got {doc.get('version')!r}")
    participants = _require(doc, "participants", list, "archive")
    articles = [
        _article(a, f"articles[{n}]")
        for n, a in enumerate(_require(doc, "articles", list, "archive"))
    ]
    return ParsedDump(format=NAME, articles=articles, participants=participants)


def _article(data: dict, where: str) -> ParsedArticle:
    blog = _require(data, "blog", dict, where)
    source = data.get("source") or {}
    comments_data = _require(data, "comments", list, where)
    index_by_id = {c.get("id"): i for i, c in enumerate(comments_data) if isinstance(c, dict)}
    comments = [
        _comment(c, index_by_id, f"{where}.comments[{n}]") for n, c in enumerate(comments_data)
    ]
    return ParsedArticle(
        title=_require(data, "title", str, where),
        body=data.get("body", ""),
        body_html=data.get("body_html", ""),
        author=data.get("author") or "",
        author_slug=data.get("author_slug") or "",
        published_at=_date(data.get("published_at"), where),
        date_precision=data.get("date_precision", "unknown"),
        url=data.get("url", ""),
        blog_name=_require(blog, "name", str, where + ".blog"),
        blog_url=blog.get("url") or "",
        blog_key=blog.get("key") or "",
        source_format=data.get("origin") or source.get("format") or "",
        source_id=data.get("source_id"),
        status=data.get("status", "publish"),
        kind=data.get("kind", "post"),
        announced_comments=data.get("announced_comments"),
        flags=data.get("flags", []),
        slug=_require(data, "slug", str, where),
        position={
            "value": data.get("position", "unknown"),
            "curated_at": data.get("position_curated_at"),
            "curated_via": data.get("position_curated_via", ""),
            "curated_by": data.get("position_curated_by"),
            "cue": data.get("position_cue", ""),
        },
        origin=source or None,
        comments=comments,
    )


def _comment(data: dict, index_by_id: dict, where: str) -> ParsedComment:
    parent_id = data.get("parent")
    if parent_id is not None and parent_id not in index_by_id:
        raise ParseError(f"{where}: parent {parent_id!r} is not a comment of this article")
    addresses = []
    for target in data.get("addresses", []):
        if target not in index_by_id:
            raise ParseError(f"{where}: addressed comment {target!r} is not in this article")
        addresses.append(index_by_id[target])
    auto = data.get("auto") or {}
    return ParsedComment(
        source_format=data.get("origin") or "",
        author_url=data.get("author_url") or "",
        author=data.get("author_as_written", ""),
        author_slug=data.get("author_slug") or "",
        body=_require(data, "body", str, where),
        body_html=data.get("body_html", ""),
        posted_at=_date(data.get("posted_at"), where),
        date_raw=data.get("date_raw", ""),
        kind=data.get("kind", "comment"),
        parent=index_by_id[parent_id] if parent_id is not None else None,
        source_id=data.get("source_id"),
        status=data.get("status", "approved"),
        flags=data.get("flags", []),
        addresses=addresses,
        stance={
            "stance": data.get("stance", "unknown"),
            "stance_source": data.get("stance_source", ""),
            "stance_cue": data.get("stance_cue", ""),
            "stance_curated_at": data.get("stance_curated_at"),
            "stance_curated_via": data.get("stance_curated_via", ""),
            "stance_curated_by": data.get("stance_curated_by"),
            "auto_stance": auto.get("stance", ""),
            "auto_confidence": auto.get("confidence"),
            "auto_cues": auto.get("cues", []),
        },
    )
