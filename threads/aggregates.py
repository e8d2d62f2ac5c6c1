"""Stored aggregates: per article (public comments, participants, stance counts) and per
participant (public comments, public articles, their sum).

The list pages read these columns instead of counting the archive on every request, so
every path that changes what they count calls one of the functions below, inside its own
transaction: the loader (threads of the file just written), the admin's stance edits and
bulk actions, participant merges (and so confirmed merge candidates), classify_stance.
``manage.py refresh_aggregates`` recomputes everything, e.g. after a raw SQL fix.

Each refresh counts a batch of ids with one GROUP BY query per table, from the rows
themselves, and writes back only the rows whose counts differ: running it twice, or on
rows that did not change, writes nothing. (A correlated subquery per counted column and
row was five index scans per article; grouped, it is one.)"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db import connections, router
from django.db.models import Count, Q

# Comment kinds that are a citing page, never a person's contribution (people.models).
LINK_KINDS = ("pingback", "trackback")
STANCES = ("agree", "disagree", "nuanced", "neutral")
BATCH = 500


def _batches(ids: Iterable[int | None]) -> list[list[int]]:
    unique = sorted({i for i in ids if i is not None})
    return [unique[i : i + BATCH] for i in range(0, len(unique), BATCH)]


ARTICLE_COUNTS = ["n_comments", "n_participants", *(f"n_{stance}" for stance in STANCES)]
PARTICIPANT_COUNTS = ["n_comments", "n_articles", "n_contributions"]


def _write_changed(model, batch: list[int], counted: dict[int, dict], fields: list[str]) -> None:
    """Store ``counted`` ({pk: {field: value}}, a missing pk or field counts 0) on the rows
    of ``batch`` whose stored values differ."""
    changed = []
    for row in model.objects.filter(pk__in=batch).only("pk", *fields):
        values = counted.get(row.pk, {})
        if any(getattr(row, f) != values.get(f, 0) for f in fields):
            for f in fields:
                setattr(row, f, values.get(f, 0))
            changed.append(row)
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or not changed:
        model.objects.bulk_update(changed, fields, batch_size=BATCH)
        return
    # One UPDATE from arrays: Django's bulk_update writes a CASE per field, 14 times slower
    # here on 2,000 participants.
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(f).column for f in fields]
    assignments = ", ".join(f"{quote(c)} = v.{quote(c)}" for c in columns)
    arrays = ", ".join(["%s::bigint[]"] + ["%s::integer[]"] * len(columns))
    names = ", ".join(["id", *map(quote, columns)])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "
            f"FROM unnest({arrays}) AS v({names}) WHERE t.{quote(model._meta.pk.column)} = v.id",
            [[row.pk for row in changed]] + [[getattr(row, f) for row in changed] for f in fields],
        )


def refresh_articles(article_ids: Iterable[int | None], apps=global_apps) -> None:
    Article = apps.get_model("threads", "Article")
    Comment = apps.get_model("threads", "Comment")
    for batch in _batches(article_ids):
        rows = (
            Comment.objects.filter(article__in=batch, is_public=True)
            .order_by()
            .values("article")
            .annotate(
                n_comments=Count("pk"),
                n_participants=Count("author", distinct=True),
                **{f"n_{s}": Count("pk", filter=Q(stance=s)) for s in STANCES},
            )
        )
        _write_changed(Article, batch, {row.pop("article"): row for row in rows}, ARTICLE_COUNTS)


def refresh_participants(participant_ids: Iterable[int | None], apps=global_apps) -> None:
    Article = apps.get_model("threads", "Article")
    Comment = apps.get_model("threads", "Comment")
    Participant = apps.get_model("people", "Participant")
    for batch in _batches(participant_ids):
        counted: dict[int, dict] = {pk: {} for pk in batch}
        comments = (
            Comment.objects.filter(author__in=batch, is_public=True, article__is_public=True)
            .exclude(kind__in=LINK_KINDS)
            .order_by()
            .values_list("author")
            .annotate(n=Count("pk"))
        )
        for pk, n in comments:
            counted[pk]["n_comments"] = n
        articles = (
            Article.objects.filter(author__in=batch, is_public=True)
            .order_by()
            .values_list("author")
            .annotate(n=Count("pk"))
        )
        for pk, n in articles:
            counted[pk]["n_articles"] = n
        for values in counted.values():
            values["n_contributions"] = values.get("n_comments", 0) + values.get("n_articles", 0)
        _write_changed(Participant, batch, counted, PARTICIPANT_COUNTS)


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
