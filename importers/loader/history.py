"""The curation history an archive carries, restored (threads.CurationEvent). Part of the
loader: only called inside its transaction.

Events are known by their fingerprint, so a restore into a database that already has
part of the history adds only the missing ones. Each is linked to the live article and
comment its stable identity names, where this database has them."""

from __future__ import annotations

from collections.abc import Callable

from importers.loader.report import LoadReport
from threads.curation import from_archive, save_new
from threads.models import Article, Comment, CurationEvent

BATCH = 500  # bound the parameters of one IN (...) query


def restore_history(entries: list[dict], report: LoadReport, user_for: Callable) -> None:
    if not entries:
        return
    events = [from_archive(entry) for entry in entries]
    _link(events)
    for event in events:
        event.by = user_for(event.by_name)
    report.history_new += save_new(events)


def _link(events: list[CurationEvent]) -> None:
    """Set article and comment on the events whose identities this database holds."""
    wanted = sorted({(e.blog_key, e.article_key) for e in events if e.article_key})
    articles: dict[tuple[str, str], int] = {}
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        rows = Article.objects.filter(source_key__in={key for _, key in chunk}).values_list(
            "pk", "blog__key", "source_key"
        )
        for pk, blog, key in rows:
            articles[(blog, key)] = pk
    hashes = sorted({e.comment_hash for e in events if e.comment_hash})
    comments: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for start in range(0, len(hashes), BATCH):
        rows = Comment.objects.filter(
            article_id__in=set(articles.values()), content_hash__in=hashes[start : start + BATCH]
        ).values_list("article_id", "content_hash", "position", "pk")
        for article_id, digest, position, pk in rows:
            comments.setdefault((article_id, digest), []).append((position, pk))
    for event in events:
        event.article_id = articles.get((event.blog_key, event.article_key))
        found = comments.get((event.article_id, event.comment_hash), [])
        # The same text at the recorded position, else the one occurrence of that text.
        same_place = [pk for position, pk in found if position == event.comment_position]
        if same_place:
            event.comment_id = same_place[0]
        elif len(found) == 1:
            event.comment_id = found[0][1]
