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

import json
from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db import connections, models, router
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
    _update_rows(model, changed, fields)


def _update_rows(model, changed: list, fields: list[str]) -> None:
    """Write ``fields`` of the ``changed`` instances."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or not changed:
        model.objects.bulk_update(changed, fields, batch_size=BATCH)
        return
    # One UPDATE from arrays: Django's bulk_update writes a CASE per field, 14 times slower
    # here on 2,000 participants. JSON values travel as text and are cast back.
    quote = connection.ops.quote_name
    meta = [model._meta.get_field(f) for f in fields]
    is_json = {f.name for f in meta if isinstance(f, models.JSONField)}
    assignments = ", ".join(
        f"{quote(f.column)} = v.{quote(f.column)}" + ("::jsonb" if f.name in is_json else "")
        for f in meta
    )
    arrays = ", ".join(
        ["%s::bigint[]"] + ["%s::text[]" if f.name in is_json else "%s::integer[]" for f in meta]
    )
    names = ", ".join(["id", *(quote(f.column) for f in meta)])
    values = [
        [json.dumps(getattr(row, f)) if f in is_json else getattr(row, f) for row in changed]
        for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "
            f"FROM unnest({arrays}) AS v({names}) WHERE t.{quote(model._meta.pk.column)} = v.id",
            [[row.pk for row in changed], *values],
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


def refresh_participants(
    participant_ids: Iterable[int | None], apps=global_apps, *, lists: bool = True
) -> None:
    """Their counts, and with ``lists`` their blogs and answer lists (which read every
    comment they wrote and every reply to them: a run of many files defers those to its
    end, ``refresh_participant_lists``, rather than reading a busy participant's
    thousands of comments again for each file)."""
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
        if lists:
            _refresh_participant_lists(batch, apps)


def refresh_participant_lists(participant_ids: Iterable[int | None], apps=global_apps) -> None:
    for batch in _batches(participant_ids):
        _refresh_participant_lists(batch, apps)


ANSWER_TOP = 10  # names kept per participant: whom they answered most, who answered them

# The pairs (comment, comment it answers, their two authors) for a batch of participants,
# in the tree or by name; UNION drops a pair found both ways, so it counts once (the same
# pairs as people.models.ParticipantQuerySet.answered_by and answering, set-based).
_ANSWER_PAIRS = """
    SELECT me, who, COUNT(*) FROM (
        SELECT c.id, c.parent_id, {parent_me} AS me, {parent_who} AS who
        FROM threads_comment c
        JOIN threads_article a ON a.id = c.article_id
        JOIN threads_comment p ON p.id = c.parent_id
        WHERE {parent_me} IN ({ids}) AND c.is_public AND a.is_public AND p.is_public
          AND c.author_id IS NOT NULL AND p.author_id IS NOT NULL
        UNION
        SELECT l.source_id, l.target_id, {link_me} AS me, {link_who} AS who
        FROM threads_addresseelink l
        JOIN threads_comment s ON s.id = l.source_id
        JOIN threads_article a ON a.id = s.article_id
        JOIN threads_comment t ON t.id = l.target_id
        WHERE {link_me} IN ({ids}) AND s.is_public AND a.is_public AND t.is_public
          AND s.author_id IS NOT NULL AND t.author_id IS NOT NULL
    ) pairs
    WHERE who <> me
    GROUP BY me, who
"""


def _answer_counts(batch: list[int], *, answered: bool, using) -> dict[int, dict[int, int]]:
    """{participant: {other participant: answers}} for ``batch``: whom they answered
    (``answered``), else who answered them."""
    ids = ", ".join(["%s"] * len(batch))
    if answered:
        sql = _ANSWER_PAIRS.format(
            parent_me="c.author_id", parent_who="p.author_id",
            link_me="s.author_id", link_who="t.author_id", ids=ids,
        )  # fmt: skip
    else:
        sql = _ANSWER_PAIRS.format(
            parent_me="p.author_id", parent_who="c.author_id",
            link_me="t.author_id", link_who="s.author_id", ids=ids,
        )  # fmt: skip
    found: dict[int, dict[int, int]] = {}
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [*batch, *batch])
        for me, who, n in cursor.fetchall():
            found.setdefault(me, {})[who] = n
    return found


def _refresh_participant_lists(batch: list[int], apps) -> None:
    """What a participant's pages show besides counts, stored per participant: the blogs
    they wrote or commented on (``blog_ids``), and the ANSWER_TOP people they answered
    most and who answered them most (``answered``, ``answerers``: [[id, n], ...], most
    often first, then by name), so that neither page reads all their comments."""
    Article = apps.get_model("threads", "Article")
    Comment = apps.get_model("threads", "Comment")
    Participant = apps.get_model("people", "Participant")
    using = Participant.objects.db
    blogs: dict[int, set[int]] = {pk: set() for pk in batch}
    pairs = (
        Comment.objects.filter(is_public=True, article__is_public=True, author__in=batch)
        .exclude(kind__in=LINK_KINDS)
        .order_by()
        .values_list("author_id", "article__blog_id")
        .distinct()
    )
    wrote = (
        Article.objects.filter(is_public=True, author__in=batch)
        .order_by()
        .values_list("author_id", "blog_id")
        .distinct()
    )
    for pk, blog in [*pairs, *wrote]:
        blogs[pk].add(blog)
    answered = _answer_counts(batch, answered=True, using=using)
    answerers = _answer_counts(batch, answered=False, using=using)
    others = {o for counts in (*answered.values(), *answerers.values()) for o in counts}
    names: dict[int, str] = {}
    for chunk in _batches(others):
        names.update(Participant.objects.filter(pk__in=chunk).values_list("pk", "name"))

    def top(counts: dict[int, int]) -> list[list[int]]:
        ranked = sorted(
            (pk for pk in counts if pk in names), key=lambda pk: (-counts[pk], names[pk].casefold())
        )
        return [[pk, counts[pk]] for pk in ranked[:ANSWER_TOP]]

    fields = ["blog_ids", "answered", "answerers"]
    changed = []
    for person in Participant.objects.filter(pk__in=batch).only("pk", *fields):
        values = {
            "blog_ids": sorted(blogs.get(person.pk, ())),
            "answered": top(answered.get(person.pk, {})),
            "answerers": top(answerers.get(person.pk, {})),
        }
        if any(getattr(person, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(person, f, v)
            changed.append(person)
    _update_rows(Participant, changed, fields)


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
    lists: bool = True,
) -> set[int]:
    """Recompute the given articles and participants, plus every participant of those
    articles (a hidden article, a changed stance or author moves their counts too).
    Returns the participants recomputed (without ``lists``, their lists are still to do)."""
    articles = {a for a in articles if a is not None}
    refresh_articles(articles, apps)
    people = {p for p in participants if p is not None} | people_of_articles(articles, apps)
    refresh_participants(people, apps, lists=lists)
    return people


def refresh_all(apps=global_apps) -> None:
    Article = apps.get_model("threads", "Article")
    Participant = apps.get_model("people", "Participant")
    refresh_articles(Article.objects.values_list("pk", flat=True), apps)
    refresh_participants(Participant.objects.values_list("pk", flat=True), apps)
