"""The whole archive as one JSON document (format cmforum-json, docs/archive-format.md).
`import_dump` reads it back through importers.archive_json."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.utils import timezone

from people.models import MergeCandidate, Participant, ParticipantAlias
from threads.curation import archived
from threads.models import AddresseeLink, Article, Comment, CurationEvent

FORMAT = "cmforum-json"
VERSION = 1


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _curator(user, name: str) -> str | None:
    """Who curated: the user's username, else the name kept when the user is gone or was
    never in this database (a restored archive)."""
    return user.get_username() if user else (name or None)


def build_archive() -> dict:
    """A fixed number of queries, whatever the archive's size."""
    aliases: dict[int, list[str]] = defaultdict(list)
    for participant_id, name in ParticipantAlias.objects.order_by("name").values_list(
        "participant_id", "name"
    ):
        aliases[participant_id].append(name)
    participants = [
        {
            "name": p.name,
            "slug": p.slug,
            "handle": p.handle,
            "website": p.website,
            # A spelling may be held on several blogs (a bare name): listed once.
            "aliases": sorted(set(aliases[p.pk])),
        }
        for p in Participant.objects.order_by("slug")
    ]
    addresses: dict[int, list[int]] = defaultdict(list)
    for source_id, target_id in AddresseeLink.objects.order_by(
        "source_id", "target_id"
    ).values_list("source_id", "target_id"):
        addresses[source_id].append(target_id)
    comments: dict[int, list[dict]] = defaultdict(list)
    for c in Comment.objects.select_related("author", "stance_curated_by").order_by(
        "article_id", "position", "pk"
    ):
        comments[c.article_id].append(_comment(c, addresses[c.pk]))
    articles = [
        _article(a, comments[a.pk])
        for a in Article.objects.select_related(
            "blog", "author", "source", "position_curated_by"
        ).order_by("slug")
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "articles": articles,
        "participants": participants,
        "history": [
            archived(e)
            for e in CurationEvent.objects.select_related("by").order_by("at", "fingerprint")
        ],
        "merge_candidates": [
            {
                "key": c.key,
                "scope_a": c.scope_a,
                "scope_b": c.scope_b,
                "status": c.status,
                "decided_at": _iso(c.decided_at),
                "decided_by": _curator(c.decided_by, c.decided_by_name),
            }
            for c in MergeCandidate.objects.select_related("decided_by").order_by(
                "key", "scope_a", "scope_b"
            )
        ],
    }


def _article(a: Article, comments: list[dict]) -> dict:
    source = a.source
    return {
        "slug": a.slug,
        "title": a.title,
        "blog": {"name": a.blog.name, "url": a.blog.url, "key": a.blog.key},
        "origin": a.origin,
        "author": a.author.name if a.author else None,
        "author_slug": a.author.slug if a.author else None,
        "published_at": _iso(a.published_at),
        "date_precision": a.date_precision,
        "url": a.url,
        "position": a.position,
        "position_curated_at": _iso(a.position_curated_at),
        "position_curated_via": a.position_curated_via,
        "position_curated_by": _curator(a.position_curated_by, a.position_curated_by_name),
        "position_cue": a.position_cue,
        "body": a.body,
        "body_html": a.body_html,
        "status": a.status,
        "source_id": a.external_id,
        "announced_comments": a.announced_comments,
        "flags": a.flags,
        "source": {
            "file": source.file_name,
            "sha256": source.sha256,
            "format": source.format,
            "imported_at": _iso(source.imported_at),
            # The importer's private unchanged-file record names this database's ids.
            "counts": {k: v for k, v in source.counts.items() if k != "unchanged_check"},
        }
        if source
        else None,
        "comments": comments,
    }


def _comment(c: Comment, addresses: list[int]) -> dict:
    return {
        "id": c.pk,
        "parent": c.parent_id,
        "position": c.position,
        "source_id": c.source_id,
        "author": c.author.name if c.author else None,
        "author_slug": c.author.slug if c.author else None,
        "author_as_written": c.author_as_written,
        "author_url": c.author_url,
        "origin": c.origin,
        "posted_at": _iso(c.posted_at),
        "date_raw": c.date_raw,
        "kind": c.kind,
        "body": c.body,
        "body_html": c.body_html,
        "status": c.status,
        "flags": c.flags,
        "addresses": addresses,
        "stance": c.stance,
        "stance_source": c.stance_source,
        "stance_cue": c.stance_cue,
        "stance_curated_at": _iso(c.stance_curated_at),
        "stance_curated_via": c.stance_curated_via,
        "stance_curated_by": _curator(c.stance_curated_by, c.stance_curated_by_name),
        "auto": {"stance": c.auto_stance, "confidence": c.auto_confidence, "cues": c.auto_cues},
    }
