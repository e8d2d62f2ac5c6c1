"""Importing the five texts: the facts read from the texts themselves, on either database."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count

from people.models import Participant, ParticipantAlias
from tests.conftest import SEEDS
from threads.models import AddresseeLink, Article, Comment

pytestmark = pytest.mark.django_db


def article_of(key: str) -> Article:
    return Article.objects.get(source__file_name=SEEDS[key].name)


def comments_of(key: str) -> list[Comment]:
    return list(article_of(key).comments.select_related("author", "parent").order_by("position"))


def assert_tree_integrity(comments: list[Comment]) -> None:
    """lft/rght/level agree with the parent pointers, as MPTT would have computed them."""
    by_pk = {c.pk: c for c in comments}
    for c in comments:
        assert c.lft < c.rght
        if c.parent_id is None:
            assert c.level == 0 and c.lft == 1
            size = sum(1 for o in comments if o.tree_id == c.tree_id)
            assert c.rght == 2 * size
        else:
            parent = by_pk[c.parent_id]
            assert c.tree_id == parent.tree_id
            assert c.level == parent.level + 1
            assert parent.lft < c.lft and c.rght < parent.rght
    # Reading order (tree_id, lft) keeps siblings in source order.
    ordered = sorted(comments, key=lambda c: (c.tree_id, c.lft))
    roots = [c.position for c in ordered if c.parent_id is None]
    assert roots == sorted(roots)


@pytest.mark.parametrize(
    "key,total,top_level,max_depth",
    [("000", 58, 36, 5), ("001", 133, 133, 1), ("002", 0, 0, 0), ("003", 20, 20, 1),
     ("004", 47, 47, 1)],
)  # fmt: skip
def test_counts_and_structure(texts, key, total, top_level, max_depth):
    comments = comments_of(key)
    assert len(comments) == total
    assert sum(1 for c in comments if c.parent_id is None) == top_level
    assert max((c.level + 1 for c in comments), default=0) == max_depth
    assert [c.position for c in comments] == list(range(total))
    assert_tree_integrity(comments)


def test_text_000_nesting_authors_and_owner_replies(texts):
    comments = comments_of("000")
    article = article_of("000")
    # The page never names its author; the manifest does (the comments thank "Benoît").
    assert article.author.name == "Benoît Faverial"
    assert article.title == "Lettre ouverte à mes grands amis les Charlatans Managers"
    assert article.announced_comments == 62
    # Read in the text: Eric opens, the blog owner answers him without a header.
    assert comments[0].author_as_written == "Eric"
    assert comments[0].body.startswith("Très bon article et surtout très réaliste.")
    assert comments[1].author_as_written == ""
    assert comments[1].author == article.author
    assert comments[1].body.startswith("Les entreprises y ont une part de responsabilité")
    assert comments[3].author_as_written == "Nicolas HEIM"
    # Headerless bullets: 18 owner replies and the pingback "[...] more: Lettre ouverte …".
    headerless = [c for c in comments if c.author_as_written == ""]
    assert len(headerless) == 19
    pingbacks = [c for c in comments if c.kind == "pingback"]
    assert len(pingbacks) == 1 and pingbacks[0].body.startswith("[...] more: Lettre ouverte")
    assert sum(1 for c in headerless if c.author_id == article.author_id) == 18
    # "Le problème c'est que ceux à qui est destiné cet article…" is answered by two nested
    # bullets: the owner's, then celine's.
    problem = next(c for c in comments if c.body.startswith("Le problème c’est que ceux"))
    replies = sorted(problem.get_children(), key=lambda c: c.position)
    assert [r.author_as_written for r in replies] == ["", "celine"]
    assert replies[1].body.startswith("A mon avis, c’est + vicieux")


def test_text_001_dates_handles_tweets_and_duplicates(texts):
    comments = comments_of("001")
    first = comments[0]
    assert first.author_as_written == "greg"
    assert first.date_raw == "2010-09-16 10:59:58"
    # Naive source times are Europe/Paris: 10:59:58 in September is 08:59:58 UTC.
    assert first.posted_at.isoformat() == "2010-09-16T08:59:58+00:00"
    assert sum(1 for c in comments if c.posted_at is None) == 3
    booth = next(c for c in comments if c.author_as_written.startswith("Stephanie Booth"))
    assert booth.author.name == "Stephanie Booth" and booth.author.handle == "stephtara"
    assert booth.posted_at is None
    badr = [c for c in comments if c.date_raw == "2011-07-28 10:34:23"]
    assert len(badr) == 2 and badr[0].body == badr[1].body and badr[0].pk != badr[1].pk
    tweets = [c for c in comments if c.kind == "tweet"]
    assert 55 <= len(tweets) <= 70
    assert comments[-1].author_as_written == "chloe"
    assert comments[-1].kind == "comment"


def test_text_002_article_only(texts):
    article = article_of("002")
    assert article.comments.count() == 0
    assert article.title == "Community Managers : débiles, puérils, abrutis !"
    assert article.author.name == "E. de Saint-Bon"
    assert article.date_precision == "day"
    assert article.published_at.date().isoformat() in ("2016-05-16", "2016-05-17")
    assert "Merci d'utiliser votre téléphone" not in article.body
    assert article.body.startswith("Depuis plusieurs années, le métier de community manager")


def test_text_004_pingbacks_and_no_dates(texts):
    comments = comments_of("004")
    assert all(c.posted_at is None for c in comments)
    pingbacks = [c for c in comments if c.kind == "pingback"]
    assert len(pingbacks) == 13
    assert sum(1 for c in pingbacks if not c.body.strip()) == 1
    assert comments[0].author_as_written == "Jean"
    assert comments[2].author_as_written == "Cédric DENIAUD"
    assert comments[2].body.startswith("@Aurélien")


def test_participants_merge_by_normalized_key_across_blogs(texts):
    # "Benoit Faverial" comments on 004; "@Benoit Faverial" is addressed in 000.
    benoit = Participant.objects.get(key="benoit faverial")
    blogs = set(benoit.comments.values_list("article__blog__name", flat=True))
    assert len(blogs) >= 1
    cedric = ParticipantAlias.objects.get(name="Cédric DENIAUD").participant
    assert cedric.key == "cedric deniaud"
    # Every spelling seen is an alias of exactly one participant.
    # (Pingbacks and trackbacks are citing pages, not people: docs/identity.md.)
    people = Comment.objects.exclude(kind__in=["pingback", "trackback"])
    spellings = set(people.exclude(author_as_written="").values_list(
        "author_as_written", flat=True))  # fmt: skip
    assert spellings <= set(ParticipantAlias.objects.values_list("name", flat=True))
    # ... on its blog: a bare name on two blogs is two participants (docs/identity.md).
    dupes = Participant.objects.values("scope", "key").annotate(n=Count("pk")).filter(n__gt=1)
    assert not dupes.exists()


def test_addressee_links_point_back_and_leave_the_tree_alone(texts):
    comments = comments_of("000")
    by_pos = {c.position: c for c in comments}
    # Comment 5 of 000 opens "@ Eric : C'est vrai …": it answers Eric's comment 4.
    link = AddresseeLink.objects.get(source=by_pos[5])
    assert link.target == by_pos[4] and link.inferred
    assert by_pos[5].parent_id is None  # the tree stays the source's
    for link in AddresseeLink.objects.select_related("source", "target"):
        assert link.target.article_id == link.source.article_id
        assert link.target.position < link.source.position


def test_kinds_and_counts_are_recorded_on_the_source(texts):
    article = article_of("001")
    assert article.source.format == "at-headers"
    assert article.source.counts["comments"] == 133
    kinds = Counter(Comment.objects.values_list("kind", flat=True))
    assert kinds["pingback"] == 14  # 1 in 000, 13 in 004
