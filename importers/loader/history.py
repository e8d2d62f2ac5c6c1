"""The curation an archive carries beyond stance and positions, restored: the history
(threads.CurationEvent) and the decisions on merge candidates (people.MergeCandidate).
Part of the loader: only called inside its transaction.

Events are known by their fingerprint, so a restore into a database that already has
part of the history adds only the missing ones. Each is linked to the live article and
comment its stable identity names, where this database has them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from importers.loader.report import LoadReport
from people.models import MergeCandidate
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


def restore_merge_candidates(entries: list[dict], report: LoadReport, user_for: Callable) -> None:
    """Candidates the archive names are created where missing; a decision it records is
    applied to a candidate still pending here. A decision already taken here stays: a
    restore never undoes a curator's choice (nor re-proposes a rejected merge)."""
    if not entries:
        return
    wanted = {}
    for entry in entries:
        scope_a, scope_b = sorted((entry["scope_a"], entry["scope_b"]))
        wanted[(entry["key"], scope_a, scope_b)] = entry
    existing = {
        (c.key, c.scope_a, c.scope_b): c
        for c in MergeCandidate.objects.filter(key__in={k for k, _, _ in wanted})
    }
    new, decided = [], []
    for identity, entry in wanted.items():
        candidate = existing.get(identity)
        if candidate is None:
            candidate = MergeCandidate(key=identity[0], scope_a=identity[1], scope_b=identity[2])
            new.append(candidate)
        elif candidate.status != MergeCandidate.Status.PENDING:
            continue
        if entry["status"] != MergeCandidate.Status.PENDING:
            at = entry.get("decided_at")
            candidate.status = entry["status"]
            candidate.decided_at = datetime.fromisoformat(at) if at else None
            candidate.decided_by = user_for(entry.get("decided_by"))
            candidate.decided_by_name = entry.get("decided_by") or ""
            if candidate.pk:
                decided.append(candidate)
    MergeCandidate.objects.bulk_create(new)
    MergeCandidate.objects.bulk_update(
        decided, ["status", "decided_at", "decided_by", "decided_by_name"]
    )
    report.merge_decisions_new += len(new) + len(decided)
