"""Metadata the texts lack (blog, author, date), kept in fixtures/metadata/manifest.json and
keyed by the file's sha256. The importer uses an entry when one matches the file."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path

from django.conf import settings

from importers.parsed import ParsedDump


@cache
def _entries(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {entry["sha256"]: entry for entry in data["texts"]}


def manifest_entry(sha256: str) -> dict | None:
    return _entries(Path(settings.FIXTURES_DIR) / "metadata" / "manifest.json").get(sha256)


def apply_manifest(dump: ParsedDump, sha256: str) -> bool:
    """Fill a one-article text dump's metadata from its manifest entry; True if one matched."""
    entry = manifest_entry(sha256)
    if entry is None or len(dump.articles) != 1:
        return False
    article = dump.articles[0]
    if blog := entry.get("blog"):
        article.blog_name = blog.get("name") or article.blog_name
        article.blog_url = blog.get("url") or article.blog_url
    if author := entry.get("author"):
        article.author = author.get("name") or article.author
    if date := entry.get("published_at"):
        if date.get("value"):
            article.published_at = datetime.fromisoformat(date["value"])
            article.date_precision = date["precision"]
    if url := entry.get("url"):
        article.url = url.get("value") or article.url
    return True
