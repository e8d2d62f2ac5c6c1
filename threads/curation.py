"""The curation history (threads.CurationEvent): written by the admin's curation paths and
by participant merges, exported with the archive (threads.archive) and restored by the
loader (importers.loader.history).

A change is given as (field, old value, new value), the same triples the admin history
(LogEntry) messages are made of, so both always say the same thing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from threads.models import Article, Comment, CurationEvent

Change = tuple[str, object, object]


def _text(value) -> str:
    return "" if value is None else str(value)


def _username(user) -> str:
    return user.get_username() if user is not None and user.is_authenticated else ""


def _event(kind: str, field: str, old, new, user, via: str, at: datetime, **where) -> CurationEvent:
    event = CurationEvent(
        kind=kind, at=at, by=user if _username(user) else None, by_name=_username(user),
        via=via, field=field, old_value=_text(old), new_value=_text(new), **where,
    )  # fmt: skip
    event.fingerprint = event.compute_fingerprint()
    return event


def save_new(events: list[CurationEvent]) -> int:
    """Write the events whose fingerprint is not recorded yet (the same decision is never
    written twice); returns how many were written. Not ignore_conflicts: SQLite would
    then silently skip any constraint failure, not only a duplicate."""
    unique = {e.fingerprint: e for e in events}
    for start in range(0, len(unique), 500):
        chunk = list(unique)[start : start + 500]
        for known in CurationEvent.objects.filter(fingerprint__in=chunk).values_list(
            "fingerprint", flat=True
        ):
            del unique[known]
    CurationEvent.objects.bulk_create(unique.values(), batch_size=500)
    return len(unique)


def _article_keys(article_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """{article id: (blog key, article source key)}, in one query."""
    rows = Article.objects.filter(pk__in=set(article_ids)).values_list(
        "pk", "blog__key", "source_key"
    )
    return {pk: (blog, key) for pk, blog, key in rows}


def record_stance(
    changes: Iterable[tuple[Comment, list[Change]]], user, via: str, at: datetime | None = None
) -> None:
    """Each comment with the changes a curator made to its stance fields."""
    changes = [(c, lines) for c, lines in changes if lines]
    keys = _article_keys(c.article_id for c, _ in changes)
    at = at or timezone.now()
    save_new(
        [
            _event(
                CurationEvent.Kind.STANCE,
                field,
                old,
                new,
                user,
                via,
                at,
                blog_key=keys[c.article_id][0],
                article_key=keys[c.article_id][1],
                comment_position=c.position,
                comment_hash=c.content_hash,
                article_id=c.article_id,
                comment_id=c.pk,
            )
            for c, lines in changes
            for field, old, new in lines
        ]
    )


def record_position(
    article: Article, changes: list[Change], user, via: str, at: datetime | None = None
) -> None:
    """The changes a curator made to an article's position fields."""
    if not changes:
        return
    blog_key, article_key = _article_keys([article.pk])[article.pk]
    at = at or timezone.now()
    save_new(
        [
            _event(
                CurationEvent.Kind.POSITION,
                field,
                old,
                new,
                user,
                via,
                at,
                blog_key=blog_key,
                article_key=article_key,
                article_id=article.pk,
            )
            for field, old, new in changes
        ]
    )


def record_merge(survivor, other, user=None, via: str | None = None) -> None:
    """`other` is being merged into `survivor` (people.merge): both named by slug, and by
    name in the note (the participant that disappears has no page left)."""
    via = via if via is not None else ("admin" if user is not None else "")
    save_new(
        [
            _event(
                CurationEvent.Kind.MERGE,
                "participant",
                other.slug,
                survivor.slug,
                user,
                via,
                timezone.now(),
                participant_slug=survivor.slug,
                note=f"{other.name} → {survivor.name}",
            )
        ]
    )


# --- the archive -----------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


def archived(event: CurationEvent) -> dict:
    """An event as the archive holds it (docs/archive-format.md, History)."""
    return {
        "at": _iso(event.at),
        "kind": event.kind,
        "field": event.field,
        "old": event.old_value,
        "new": event.new_value,
        "by": event.by_name or (event.by.get_username() if event.by else None),
        "via": event.via,
        "note": event.note,
        "article": {"blog": event.blog_key, "key": event.article_key}
        if event.article_key
        else None,
        "comment": {"position": event.comment_position, "hash": event.comment_hash}
        if event.comment_hash
        else None,
        "participant": event.participant_slug or None,
    }


def from_archive(entry: dict) -> CurationEvent:
    """The event an archive entry describes (validated by importers.archive_json), not
    yet linked to rows nor saved."""
    article = entry.get("article") or {}
    comment = entry.get("comment") or {}
    event = CurationEvent(
        kind=entry["kind"], at=datetime.fromisoformat(entry["at"]), by_name=entry.get("by") or "",
        via=entry.get("via", ""), field=entry["field"], old_value=entry["old"],
        new_value=entry["new"], note=entry.get("note", ""), blog_key=article.get("blog", ""),
        article_key=article.get("key", ""), comment_position=comment.get("position"),
        comment_hash=comment.get("hash", ""), participant_slug=entry.get("participant") or "",
    )  # fmt: skip
    event.fingerprint = event.compute_fingerprint()
    return event
