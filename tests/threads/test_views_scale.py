"""The thread page at scale: a synthetic 10,000-comment thread (built here, never
committed) renders with the same number of queries as the real ones, fast.

Timing (median of three requests after a warm-up), printed with -s:
    .venv/bin/pytest tests/threads/test_views_scale.py -s -q
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/pytest tests/threads/test_views_scale.py -s -q
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import F, Max, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from people.models import Participant
from threads.models import AddresseeLink, Article, Blog, Comment
from threads.tree import nested_sets

WORDS = (
    "le community manager anime une communauté et répond aux clients sur les réseaux "
    "sociaux mais la marque veut des chiffres plutôt que des relations sincères avec ses "
    "lecteurs fidèles qui débattent du métier"
).split()


def build_thread(n: int, seed: int = 1, slug: str = "synthetique") -> Article:
    """An article with ``n`` comments: replies up to ~12 levels deep, runs of tweets,
    a few deleted comments with live replies, addressee links, 200 participants."""
    rng = random.Random(seed)
    blog, _ = Blog.objects.get_or_create(name="Blog synthétique")
    taken = set(Participant.objects.values_list("slug", flat=True))
    people = [
        Participant(name=f"Personne {i}", slug=f"{slug}-p{i}", key=f"{slug} personne {i}")
        for i in range(200)
        if f"{slug}-p{i}" not in taken
    ]
    Participant.objects.bulk_create(people)
    people = list(Participant.objects.filter(slug__startswith=f"{slug}-p"))
    article = Article.objects.create(
        blog=blog, title=f"Fil synthétique de {n} commentaires", slug=slug,
        source_key=f"id:{slug}", body="Un article.\n\nDeux paragraphes.",
    )  # fmt: skip
    parents: list[int | None] = []
    levels: list[int] = []
    for i in range(n):
        if i == 0 or rng.random() < 0.25:
            parent = None
        else:
            parent = rng.randrange(max(0, i - 30), i)
            if levels[parent] >= 12:
                parent = None
        parents.append(parent)
        levels.append(0 if parent is None else levels[parent] + 1)
    fields = nested_sets(parents)
    first_tree = (Comment.objects.aggregate(m=Max("tree_id"))["m"] or 0) + 1
    start = datetime(2010, 9, 1, tzinfo=UTC)
    rows = []
    for i, (parent, node) in enumerate(zip(parents, fields, strict=True)):
        kind = "tweet" if parent is None and rng.random() < 0.15 else "comment"
        author = rng.choice(people)
        deleted = parent is None and i % 97 == 5
        rows.append(
            Comment(
                article=article,
                author=author,
                author_as_written=author.name,
                posted_at=start + timedelta(minutes=7 * i),
                body=" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 90)))
                + "\n\nhttps://example.org/"
                + str(i),
                kind=kind,
                position=i,
                content_hash=str(i),
                status="deleted" if deleted else "approved",
                is_public=not deleted,
                stance=rng.choice(["agree", "disagree", "nuanced", "neutral", "unknown"]),
                tree_id=first_tree + node.root,
                lft=node.lft,
                rght=node.rght,
                level=node.level,
            )  # fmt: skip
        )
    by_level: dict[int, list[int]] = {}
    for i, node in enumerate(fields):
        by_level.setdefault(node.level, []).append(i)
    for level in sorted(by_level):
        batch = by_level[level]
        for i in batch:
            rows[i].parent_id = rows[parents[i]].pk if parents[i] is not None else None
        Comment.objects.bulk_create([rows[i] for i in batch], batch_size=500)
    links = [
        AddresseeLink(source=rows[i], target=rows[rng.randrange(0, i)], cue="@x")
        for i in range(1, n)
        if rng.random() < 0.1
    ]
    AddresseeLink.objects.bulk_create(links, ignore_conflicts=True)
    return article


@pytest.mark.django_db
def test_ten_thousand_comments_render_whole_with_constant_queries(django_assert_num_queries):
    small = build_thread(30, seed=2, slug="petit")
    big = build_thread(10_000, seed=1, slug="grand")
    client = Client(HTTP_HOST="127.0.0.1")
    client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as small_queries:
        client.get(small.get_absolute_url())
    with django_assert_num_queries(len(small_queries)):
        response = client.get(big.get_absolute_url())
    html = response.content.decode()
    # Every public comment, and the deleted ones (all roots here) that have replies.
    shown = Comment.objects.filter(article=big).filter(Q(is_public=True) | Q(rght__gt=F("lft") + 1))
    assert html.count('class="comment ') == shown.count()
    assert html.count("<details") == html.count("</details>")
    assert html.count("<ol") == html.count("</ol>")
    assert "commentaire supprimé" in html
    # Server time at this size is measured by bench/benchmark.py, not asserted here.
