"""Curated stance annotations shipped in fixtures/metadata/stance/, one file per text, keyed by
the text's sha256 and each comment's position, never by database ids."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from threads.models import Article, Comment, StanceSource

ANNOTATIONS_DIR = Path(settings.FIXTURES_DIR) / "metadata" / "stance"


@cache
def _annotations(folder: Path) -> dict[str, tuple[str, dict]]:
    found = {}
    for path in sorted(folder.glob("*.json")) if folder.exists() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["sha256"]] = (f"fixtures/metadata/stance/{path.name}", data)
    return found


def annotation_for(sha256: str) -> tuple[str, dict] | None:
    return _annotations(ANNOTATIONS_DIR).get(sha256)


def apply_annotations(article: Article, sha256: str, origin: str) -> int:
    """Give the article and its comments of ``origin`` (the annotated text's) their shipped
    curated values, where no curator has decided already. Returns how many comments
    changed."""
    found = annotation_for(sha256)
    if found is None:
        return 0
    via, data = found
    now = timezone.now()
    position = data.get("article_position")
    if position and not article.position_curated_at:
        article.position = position["value"]
        article.position_cue = position.get("cue", "")[:500]
        article.position_curated_at, article.position_curated_via = now, via
        article.save(update_fields=[
            "position", "position_cue", "position_curated_at", "position_curated_via"
        ])  # fmt: skip
    labels = {entry["position"]: entry for entry in data.get("comments", [])}
    changed = []
    for comment in article.comments.filter(origin=origin).exclude(
        stance_source=StanceSource.CURATED
    ):
        entry = labels.get(comment.position)
        if entry is None:
            continue
        comment.stance = entry["stance"]
        comment.stance_cue = entry.get("cue", "")[:500]
        comment.stance_source = StanceSource.CURATED
        comment.stance_curated_at, comment.stance_curated_via = now, via
        changed.append(comment)
    Comment.objects.bulk_update(
        changed,
        ["stance", "stance_cue", "stance_source", "stance_curated_at", "stance_curated_via"],
        batch_size=500,
    )
    return len(changed)
