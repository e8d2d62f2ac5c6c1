"""List, filter, participant and search pages at size: their query counts do not grow
with the archive, keyset pagination visits every comment once, the stored counts are
right after imports, re-imports, curation and merges, and SQLite searches through FTS5.

Archives are generated here (a few thousand comments at most, never committed); speed is
measured outside the tests."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext

from people.merge import merge_participants
from people.models import MergeCandidate, Participant
from tests.conftest import TESTDATA, import_texts
from threads import aggregates, search
from threads.filters import SELECT_LIMIT
from threads.models import Article, Blog, Comment, CommentQuerySet
from threads.paging import NUMBERED
from threads.tree import nested_sets

pytestmark = pytest.mark.django_db

WORDS = (
    "le community manager anime une communauté et répond aux clients sur les réseaux "
    "sociaux mais la marque veut des chiffres plutôt que des relations sincères"
).split()
STANCES = ["agree", "disagree", "nuanced", "neutral", "unknown"]


def generate(n_articles: int, per_article: int, n_people: int, seed: int = 1) -> None:
    """Articles with nested comments written in bulk: participants reused across
    articles, a tenth of the comments undated, shared timestamps, hidden comments,
    pingbacks; then the stored counts computed, as the loader would."""
    rng = random.Random(seed)
    start_index = Article.objects.count()
    blogs = [
        Blog.objects.get_or_create(key=f"url:b{i}.example", name=f"Blog {i}")[0] for i in range(3)
    ]
    taken = Participant.objects.count()
    Participant.objects.bulk_create(
        Participant(name=f"Personne {i} Test", slug=f"gen-p{i}", key=f"personne {i} test")
        for i in range(taken, max(taken, n_people))
    )
    people = list(Participant.objects.filter(slug__startswith="gen-p"))
    tree = (Comment.objects.aggregate(m=Max("tree_id"))["m"] or 0) + 1
    for a in range(start_index, start_index + n_articles):
        published = datetime(2010, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 2000))
        article = Article.objects.create(
            blog=rng.choice(blogs), title=f"Billet {a % 7}", slug=f"billet-{a}",
            source_key=f"id:{a}", published_at=None if a % 5 == 4 else published,
            author=rng.choice(people),
        )  # fmt: skip
        parents: list[int | None] = []
        for i in range(per_article):
            parents.append(None if i == 0 or rng.random() < 0.3 else rng.randrange(0, i))
        fields = nested_sets(parents)
        rows = []
        for i, node in enumerate(fields):
            pingback = rng.random() < 0.05
            author = None if pingback else rng.choice(people)
            rows.append(
                Comment(
                    article=article,
                    author=author,
                    author_as_written=author.name if author else "Un blog",
                    # a tenth undated; minutes rounded so that dates are shared
                    posted_at=None
                    if rng.random() < 0.1
                    else published + timedelta(hours=rng.randint(0, 50)),
                    body=" ".join(rng.choice(WORDS) for _ in range(12)),
                    kind="pingback" if pingback else "comment",
                    position=i,
                    content_hash=str(i),
                    is_public=rng.random() > 0.05,
                    stance=rng.choice(STANCES),
                    tree_id=tree + node.root,
                    lft=node.lft,
                    rght=node.rght,
                    level=node.level,
                )  # fmt: skip
            )
        tree += sum(1 for p in parents if p is None)
        by_level: dict[int, list[int]] = {}
        for i, node in enumerate(fields):
            by_level.setdefault(node.level, []).append(i)
        for level in sorted(by_level):
            for i in by_level[level]:
                rows[i].parent_id = rows[parents[i]].pk if parents[i] is not None else None
            Comment.objects.bulk_create([rows[i] for i in by_level[level]])
    aggregates.refresh_all()


def busiest() -> Participant:
    return Participant.objects.order_by("-n_comments", "pk").first()


def list_urls() -> dict[str, str]:
    comment = Comment.objects.public().order_by("pk").first()
    # A year with comments in both archives: an empty page reads no display data.
    year = Comment.objects.public().filter(posted_at__isnull=False).order_by("pk").first()
    return {
        "home": "/",
        "home by comments": "/?sort=-comments",
        "comments": "/comments/",
        "stance": "/comments/?stance=disagree",
        "stance and kind": "/comments/?stance=disagree&stance=agree&kind=comment",
        "year": f"/comments/?year={year.posted_at.year}",
        "newest": "/comments/?order=-date",
        "page 2": "/comments/?page=2",
        "participant filter": f"/comments/?participant={busiest().slug}",
        "people": "/people/",
        "people by name": "/people/?sort=name",
        "participant": busiest().get_absolute_url(),
        "search": "/search/?q=communaute",
        "comment": comment.get_absolute_url(),
    }


def query_counts(client: Client) -> dict[str, int]:
    counts = {}
    for name, url in list_urls().items():
        client.get(url)  # warm: sessions, content types, translations
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, url)
        counts[name] = len(queries)
    return counts


def test_list_page_queries_do_not_grow_with_the_archive():
    client = Client(HTTP_HOST="127.0.0.1")
    generate(n_articles=3, per_article=40, n_people=20)
    small = query_counts(client)
    # Ten times the comments, participants past the select limit.
    generate(n_articles=12, per_article=60, n_people=SELECT_LIMIT + 50, seed=2)
    assert Participant.objects.filter(n_comments__gt=0).count() > SELECT_LIMIT
    large = query_counts(client)
    grown = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert not grown, grown
    assert max(large.values()) <= 12, large
    # No page lists every participant any more: the participant filter is a text field.
    html = client.get("/comments/").content.decode()
    assert html.count("<option") < 50
    assert 'name="participant"' in html and 'type="text" name="participant"' in html


def test_no_list_query_counts_the_comments_table_unbounded():
    generate(n_articles=4, per_article=40, n_people=30)
    client = Client(HTTP_HOST="127.0.0.1")
    for name, url in list_urls().items():
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        for q in queries.captured_queries:
            sql = q["sql"]
            if "COUNT(" in sql.upper() and "threads_comment" in sql:
                # Counting comments is allowed only bounded (a LIMIT inside, a list of
                # candidate ids) or grouped.
                bounded = ("LIMIT", "GROUP BY", '"THREADS_COMMENT"."ID" IN (')
                assert any(b in sql.upper() for b in bounded), (name, sql)


def walk(client: Client, url: str) -> tuple[list[int], int]:
    """Comment ids over every page, following the pages' own "Suivante" links."""
    ids, pages, cursors = [], 0, 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        ids += [int(n) for n in re.findall(r'class="permalink" href="/comments/(\d+)/"', html)]
        pages += 1
        found = re.search(r'rel="next" href="([^"]+)"', html)
        url = "/comments/" + found.group(1).replace("&amp;", "&") if found else ""
        cursors += "cursor=" in url
    return ids, cursors


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("", CommentQuerySet.READING),
        ("order=date", CommentQuerySet.OLDEST),
        ("order=-date", CommentQuerySet.NEWEST),
        ("order=-date&stance=agree&stance=nuanced", CommentQuerySet.NEWEST),
    ],
)
def test_keyset_pagination_walks_every_comment_exactly_once(query, keys):
    generate(n_articles=9, per_article=150, n_people=40)
    client = Client(HTTP_HOST="127.0.0.1")
    ids, cursors = walk(client, f"/comments/?{query}")
    expected = Comment.objects.public()
    if "stance" in query:
        expected = expected.filter(stance__in=["agree", "nuanced"])
    expected_ids = list(
        expected.order_by(*(k.expression() for k in keys)).values_list("pk", flat=True)
    )
    assert len(ids) == len(set(ids))
    assert ids == expected_ids
    if not query.endswith("nuanced"):
        assert len(expected_ids) > NUMBERED * 50 and cursors > 0  # past the numbered pages


def page_ids(client: Client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [
        int(n)
        for n in re.findall(r'class="permalink" href="/comments/(\d+)/"', response.content.decode())
    ]


@pytest.mark.parametrize(
    ("query", "keys"),
    [("", CommentQuerySet.READING), ("order=-date&", CommentQuerySet.NEWEST)],
)
def test_deep_page_numbers_and_the_last_page_show_what_an_offset_would(query, keys):
    generate(n_articles=9, per_article=150, n_people=40)
    client = Client(HTTP_HOST="127.0.0.1")
    expected = list(
        Comment.objects.public()
        .order_by(*(k.expression() for k in keys))
        .values_list("pk", flat=True)
    )
    n_pages = -(-len(expected) // 50)
    assert n_pages > NUMBERED + 2  # past the rows an OFFSET may skip
    for number in (NUMBERED + 1, NUMBERED + 2, n_pages - 1, n_pages):
        start = (number - 1) * 50
        assert page_ids(client, f"/comments/?{query}page={number}") == expected[start : start + 50]
    # A deep page is a few more small queries than a shallow one. In reading order it is
    # located from the stored counts: no OFFSET past one thread (other sorts skip rows of
    # their key columns only, threads.paging.boundary).
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/comments/?{query}page={n_pages - 1}")
    assert len(queries) <= 16
    if keys == CommentQuerySet.READING:
        offsets = [int(n) for q in queries for n in re.findall(r"OFFSET (\d+)", q["sql"])]
        assert all(n < 150 for n in offsets), offsets
    assert client.get(f"/comments/?{query}page={n_pages + 1}").status_code == 404
    html = client.get(f"/comments/?{query}page=last").content.decode()
    assert page_ids(client, f"/comments/?{query}page=last") == expected[(n_pages - 1) * 50 :]
    assert f"Page {n_pages}" in html and 'rel="prev"' in html and 'rel="next"' not in html


def test_last_page_of_a_list_too_long_to_count(monkeypatch):
    generate(n_articles=4, per_article=100, n_people=20)
    monkeypatch.setattr(CommentQuerySet, "LIST_COUNT_CAP", 30)
    client = Client(HTTP_HOST="127.0.0.1")
    expected = list(
        Comment.objects.public()
        .filter(stance="agree")
        .order_by(*(k.expression() for k in CommentQuerySet.READING))
        .values_list("pk", flat=True)
    )
    assert len(expected) > 30
    html = client.get("/comments/?stance=agree&page=last").content.decode()
    assert page_ids(client, "/comments/?stance=agree&page=last") == expected[-50:]
    assert "plus de 30 commentaires" in html and 'rel="first"' in html
    assert page_ids(client, "/comments/?page=last&stance=nuanced&stance=agree&kind=tweet") == []


def test_one_article_lists_in_thread_order():
    generate(n_articles=3, per_article=120, n_people=20)
    article = Article.objects.order_by("pk")[1]
    client = Client(HTTP_HOST="127.0.0.1")
    ids, _cursors = walk(client, f"/comments/?article={article.slug}")
    assert ids == list(
        Comment.objects.public().filter(article=article).tree_order().values_list("pk", flat=True)
    )


def test_a_participants_pages_walk_their_comments_in_contribution_order():
    from people.views import CONTRIBUTION_ORDER, ParticipantDetailView

    generate(n_articles=6, per_article=150, n_people=3)
    person = busiest()
    expected = list(
        Comment.objects.public()
        .filter(author=person)
        .order_by(*(k.expression() for k in CONTRIBUTION_ORDER))
        .values_list("pk", flat=True)
    )
    per_page = ParticipantDetailView.per_page
    assert len(expected) > NUMBERED * per_page // 10  # several pages
    client = Client(HTTP_HOST="127.0.0.1")
    ids, url = [], person.get_absolute_url()
    while url:
        html = client.get(url).content.decode()
        ids += [int(n) for n in re.findall(r'class="permalink" href="/comments/(\d+)/"', html)]
        found = re.search(r'rel="next" href="([^"]+)"', html)
        url = person.get_absolute_url() + found.group(1).replace("&amp;", "&") if found else ""
    assert ids == expected
    last = client.get(person.get_absolute_url() + "?page=last").content.decode()
    tail = expected[(len(expected) - 1) // per_page * per_page :]
    assert [int(n) for n in re.findall(r'class="permalink" href="/comments/(\d+)/"', last)] == tail


def test_old_page_numbers_still_work_and_bad_cursors_are_400():
    generate(n_articles=2, per_article=60, n_people=10)
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get("/comments/?page=2").status_code == 200
    assert client.get("/comments/?page=99").status_code == 404
    for bad in ["x", "%00", "W10", "WyJ4Il0", "eyJhIjoxfQ", "a" * 1900]:
        assert client.get(f"/comments/?cursor={bad}").status_code == 400
        assert client.get(f"/people/{busiest().slug}/?cursor={bad}").status_code == 400


# --- stored counts ----------------------------------------------------------------------


def expected_counts() -> tuple[dict, dict]:
    """Per article and per participant, counted by hand over every row."""
    articles = {a.pk: Counter() for a in Article.objects.all()}
    people = {p.pk: Counter() for p in Participant.objects.all()}
    authors: dict[int, set] = {pk: set() for pk in articles}
    public_articles = set(Article.objects.filter(is_public=True).values_list("pk", flat=True))
    for c in Comment.objects.all():
        if c.is_public:
            articles[c.article_id]["n_comments"] += 1
            if c.stance != "unknown":
                articles[c.article_id][f"n_{c.stance}"] += 1
            if c.author_id:
                authors[c.article_id].add(c.author_id)
            if (
                c.author_id
                and c.article_id in public_articles
                and c.kind not in ("pingback", "trackback")
            ):
                people[c.author_id]["n_comments"] += 1
    for a in Article.objects.filter(is_public=True, author__isnull=False):
        people[a.author_id]["n_articles"] += 1
    for pk, names in authors.items():
        articles[pk]["n_participants"] = len(names)
    for counts in people.values():
        counts["n_contributions"] = counts["n_comments"] + counts["n_articles"]
    return articles, people


def assert_counts_right() -> None:
    articles, people = expected_counts()
    fields = ["n_comments", "n_participants", "n_agree", "n_disagree", "n_nuanced", "n_neutral"]
    for a in Article.objects.all():
        assert {f: getattr(a, f) for f in fields} == {f: articles[a.pk][f] for f in fields}, a
    for p in Participant.objects.all():
        stored = (p.n_comments, p.n_articles, p.n_contributions)
        want = people[p.pk]
        assert stored == (want["n_comments"], want["n_articles"], want["n_contributions"]), p
    assert_lists_right()


def assert_lists_right() -> None:
    """The stored blogs and answer lists of every participant are what the live queries
    (and a count by hand, for the blogs) give."""
    blogs: dict[int, set[int]] = {}
    for c in Comment.objects.public().exclude(kind__in=["pingback", "trackback"]):
        if c.author_id:
            blogs.setdefault(c.author_id, set()).add(c.article.blog_id)
    for a in Article.objects.filter(is_public=True, author__isnull=False):
        blogs.setdefault(a.author_id, set()).add(a.blog_id)
    for p in Participant.objects.all():
        assert p.blog_ids == sorted(blogs.get(p.pk, ())), p
        for stored, live in (
            (p.answered, Participant.objects.answered_by(p)[:10]),
            (p.answerers, Participant.objects.answering(p)[:10]),
        ):
            live = [[q.pk, n] for q, n in live]
            assert [n for _pk, n in stored] == [n for _pk, n in live], p
            if len(live) < 10:  # equal names may tie in any order
                assert sorted(stored) == sorted(live), p


def test_counts_right_after_import_and_unchanged_reimport():
    import_texts()
    assert_counts_right()
    assert Article.objects.filter(n_comments__gt=0).exists()
    import_texts()
    assert_counts_right()


def test_counts_follow_a_changed_reimport(tmp_path: Path):
    source = (TESTDATA / "realworld" / "wxr-isso-wordpress.xml").read_text(encoding="utf-8")
    path = tmp_path / "export.xml"
    path.write_text(source, encoding="utf-8")
    call_command("import_dump", str(path), verbosity=0)
    assert_counts_right()
    before = sum(Article.objects.values_list("n_comments", flat=True))
    # The blog unapproves one comment: on re-import it is hidden, and counted no more.
    changed = source.replace(
        "<wp:comment_approved>1</wp:comment_approved>",
        "<wp:comment_approved>0</wp:comment_approved>",
        1,
    )
    assert changed != source
    path.write_text(changed, encoding="utf-8")
    call_command("import_dump", str(path), verbosity=0)
    assert_counts_right()
    assert sum(Article.objects.values_list("n_comments", flat=True)) == before - 1


def test_counts_follow_admin_curation(staff_client):
    import_texts()
    chosen = list(Comment.objects.exclude(stance="disagree").order_by("pk")[:5])
    staff_client.post(
        "/admin/threads/comment/",
        {"action": "stance_disagree", "_selected_action": [c.pk for c in chosen]},
    )
    assert Comment.objects.filter(pk__in=[c.pk for c in chosen], stance="disagree").count() == 5
    assert_counts_right()
    one = chosen[0]
    response = staff_client.post(
        f"/admin/threads/comment/{one.pk}/change/", {"stance": "agree", "stance_cue": ""}
    )
    assert response.status_code in (200, 302)
    one.refresh_from_db()
    assert one.stance == "agree"
    assert_counts_right()


def test_counts_follow_merges_and_confirmed_candidates(staff_client):
    import_texts()
    a, b = Participant.objects.filter(n_comments__gt=0).order_by("pk")[:2]
    merge_participants(a, [b])
    assert_counts_right()
    greg = MergeCandidate.objects.get(key="greg")
    staff_client.post(
        "/admin/people/mergecandidate/", {"action": "confirm", "_selected_action": [greg.pk]}
    )
    assert MergeCandidate.objects.get(pk=greg.pk).status == "confirmed"
    assert Participant.objects.filter(key="greg").count() == 1
    assert_counts_right()


def test_refresh_command_repairs_raw_updates():
    import_texts()
    Article.objects.update(n_comments=0)
    Participant.objects.update(n_contributions=0)
    call_command("refresh_aggregates", verbosity=0)
    assert_counts_right()


# --- search ------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 is SQLite's full-text search")
def test_sqlite_search_goes_through_fts5_accent_and_case_insensitive():
    import_texts()
    article = Article.objects.first()
    plural = Comment.objects.create(
        article=article, position=900, content_hash="fts", author_as_written="Test",
        body="Les COMMUNAUTÉS zygomatiques, c’est autre chose.",
    )  # fmt: skip
    client = Client(HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/search/", {"q": "communaute zygomatique"}).content.decode()
    assert any("threads_comment_fts MATCH" in q["sql"] for q in queries.captured_queries)
    assert f'href="/comments/{plural.pk}/"' in html
    assert "<mark>COMMUNAUTÉ</mark>S" in html
    # the triggers follow edits and deletions
    plural.body = "Tout autre chose : une tribu."
    plural.save()
    assert plural.pk not in matches("communaute")
    assert plural.pk in matches("TRIBU")
    plural.delete()
    assert plural.pk not in matches("tribu")


def matches(query: str) -> set[int]:
    return set(search.matching(Comment.objects.all(), query).values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 is SQLite's full-text search")
def test_fts_triggers_come_back_after_a_table_is_remade():
    import_texts()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER threads_comment_fts_insert")
        cursor.execute("DELETE FROM threads_comment_fts")  # as if it had gone stale
    search.ensure_fts()
    assert len(matches("communaute")) > 10
    new = Comment.objects.create(
        article=Article.objects.first(), position=901, content_hash="x", body="croquignolesque"
    )
    assert matches("croquignolesque") == {new.pk}


def test_search_ranks_a_bounded_candidate_set(monkeypatch):
    import_texts()
    monkeypatch.setattr(search, "CANDIDATES", 5)
    client = Client(HTTP_HOST="127.0.0.1")
    html = client.get("/search/", {"q": "community"}).content.decode()
    assert "plus de 5 commentaires" in html
    assert len(re.findall(r'class="permalink" href="/comments/\d+/"', html)) == 6  # 5 + 1
