"""Stored aggregates: per article (public comments, participants, stance counts) and per
participant (public comments, public articles, their sum).

The list pages read these columns instead of counting the archive on every request, so
every path that changes what they count calls one of the functions below, inside its own
transaction: the loader (threads of the file just written), the admin's stance edits and
bulk actions, participant merges (and so confirmed merge candidates), classify_stance.
``manage.py refresh_aggregates`` recomputes everything, e.g. after a raw SQL fix.

Each refresh is one UPDATE per batch of ids with correlated subqueries, counted from the
rows themselves: running it twice, or on rows that did not change, changes nothing."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

# Comment kinds that are a citing page, never a person's contribution (people.models).
LINK_KINDS = ("pingback", "trackback")
STANCES = ("agree", "disagree", "nuanced", "neutral")
BATCH = 500


def _count(queryset, outer: str, distinct: str | None = None) -> Coalesce:
    """COUNT over ``queryset`` correlated to the row being updated, 0 when none."""
    counted = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count(distinct or "pk", distinct=bool(distinct)))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _batches(ids: Iterable[int | None]) -> list[list[int]]:
    unique = sorted({i for i in ids if i is not None})
    return [unique[i : i + BATCH] for i in range(0, len(unique), BATCH)]


def refresh_articles(article_ids: Iterable[int | None], apps=global_apps) -> None:
    Article = apps.get_model("threads", "Article")
    Comment = apps.get_model("threads", "Comment")
    live = Comment.objects.filter(is_public=True)
    values = {
        "n_comments": _count(live, "article"),
        "n_participants": _count(live.filter(author__isnull=False), "article", "author"),
        **{f"n_{stance}": _count(live.filter(stance=stance), "article") for stance in STANCES},
    }
    for batch in _batches(article_ids):
        Article.objects.filter(pk__in=batch).update(**values)


def refresh_participants(participant_ids: Iterable[int | None], apps=global_apps) -> None:
    Article = apps.get_model("threads", "Article")
    Comment = apps.get_model("threads", "Comment")
    Participant = apps.get_model("people", "Participant")
    comments = Comment.objects.filter(is_public=True, article__is_public=True).exclude(
        kind__in=LINK_KINDS
    )
    for batch in _batches(participant_ids):
        people = Participant.objects.filter(pk__in=batch)
        people.update(
            n_comments=_count(comments, "author"),
            n_articles=_count(Article.objects.filter(is_public=True), "author"),
        )
        # A second statement: an UPDATE's right-hand sides see the row as it was.
        people.update(n_contributions=F("n_comments") + F("n_articles"))


def people_of_articles(article_ids: Iterable[int | None], apps=global_apps) -> set[int]:
    """Participants whose counts depend on these articles: their authors and commenters."""
    Article = apps.get_model("threads", "Article")
    Comment = apps.get_model("threads", "Comment")
    found: set[int] = set()
    for batch in _batches(article_ids):
        found.update(
            Comment.objects.filter(article__in=batch, author__isnull=False)
            .order_by()
            .values_list("author_id", flat=True)
            .distinct()
        )
        found.update(
            Article.objects.filter(pk__in=batch, author__isnull=False).values_list(
                "author_id", flat=True
            )
        )
    return found


def refresh(
    *,
    articles: Iterable[int | None] = (),
    participants: Iterable[int | None] = (),
    apps=global_apps,
) -> None:
    """Recompute the given articles and participants, plus every participant of those
    articles (a hidden article, a changed stance or author moves their counts too)."""
    articles = {a for a in articles if a is not None}
    refresh_articles(articles, apps)
    refresh_participants(set(participants) | people_of_articles(articles, apps), apps)


def refresh_all(apps=global_apps) -> None:
    Article = apps.get_model("threads", "Article")
    Participant = apps.get_model("people", "Participant")
    refresh_articles(Article.objects.values_list("pk", flat=True), apps)
    refresh_participants(Participant.objects.values_list("pk", flat=True), apps)
