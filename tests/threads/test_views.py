"""Reading pages on the five imported texts: status codes, content, filters, query counts.

Expected rows come from reading the source texts (fixtures/*.txt): authors and dates of
comment headers, the nesting of the indented thread, pingbacks recognised by eye; the
code under test never computes its own expectations here."""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Participant
from tests.conftest import FIXTURES, SEEDS, seed_text
from threads import aggregates
from threads.models import Article, Comment

pytestmark = pytest.mark.django_db

HEADER_001 = re.compile(r"^(?P<name>.+?) @ (?P<date>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)$", re.M)
ENTRY_004 = re.compile(r"^\s+(?P<n>\d+)\. Posté par (?P<name>.+?) a dit : le\s*$", re.M)
MANIFEST = FIXTURES / "metadata" / "manifest.json"
# Fixture 004, read by eye: the entries that are pingbacks (a blog's title as the author
# and a "[...] quoted excerpt [...]" body, or no body at all for entry 33).
PINGBACKS_004 = [5, 11, 20, 33, 36, 37, 39, 40, 41, 42, 43, 44, 47]


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    return client


def import_archive() -> dict[str, Article]:
    """The five texts imported; stance labels and article positions cleared (the tests
    that need them set their own). Articles by text key ("000" … "004")."""
    call_command("import_dump", str(FIXTURES), verbosity=0)
    Comment.objects.update(stance="unknown", stance_source="")
    Article.objects.update(position="unknown", position_curated_at=None)
    # A raw UPDATE bypasses the paths that keep the stored counts (threads.aggregates).
    aggregates.refresh_all()
    return {key: Article.objects.get(source__file_name=path.name) for key, path in SEEDS.items()}


@pytest.fixture
def archive():
    return import_archive()


def entries_001() -> list[tuple[str, datetime]]:
    """(author, local date) of every dated comment header of fixture 001, in text order."""
    return [
        (m["name"], datetime.strptime(m["date"], "%Y-%m-%d %H:%M:%S"))
        for m in HEADER_001.finditer(seed_text("001"))
    ]


def manifest() -> dict[str, dict]:
    """fixtures/metadata/manifest.json by text key: blog, author, date of each article."""
    if not MANIFEST.exists():
        pytest.skip("fixtures/metadata/manifest.json is not there: articles carry no metadata")
    return {t["file"][:3]: t for t in json.loads(MANIFEST.read_text(encoding="utf-8"))["texts"]}


def entries_004() -> list[tuple[int, str]]:
    return [(int(m["n"]), m["name"]) for m in ENTRY_004.finditer(seed_text("004"))]


def fold(text: str) -> str:
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).lower()


class Page(HTMLParser):
    """What the tests look at in a page: ids, h1s, labels, form controls, comment ids."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.h1 = 0
        self.labels_for: set[str] = set()
        self.controls: list[dict] = []
        self.comment_ids: list[int] = []
        self.landmarks: set[str] = set()
        self.times: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "h1":
            self.h1 += 1
        if tag in {"main", "nav", "header", "footer"}:
            self.landmarks.add(tag)
        if tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            self.controls.append(attrs)
        if tag == "li" and "comment" in (attrs.get("class") or "").split():
            self.comment_ids.append(int(attrs["id"][1:]))
        if tag == "time" and attrs.get("datetime"):
            self.times.append(attrs["datetime"])


def hit_ids(response) -> list[int]:
    """Comment ids listed on /comments/ or /search/ (their "lien permanent" links)."""
    html = response.content.decode()
    return [int(n) for n in re.findall(r'class="permalink" href="/comments/(\d+)/"', html)]


def comments_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/comments/?{query}"


def all_hits(client, url: str) -> list[int]:
    """Comment ids over every page of a listing."""
    ids, page = [], 1
    while True:
        response = client.get(f"{url}&page={page}")
        assert response.status_code == 200
        ids += hit_ids(response)
        if 'rel="next"' not in response.content.decode():
            return ids
        page += 1


# --- every page answers ------------------------------------------------------------------


def test_every_page_answers_with_one_h1_landmarks_and_labelled_controls(client, archive):
    comment = Comment.objects.filter(article=archive["000"], parent__isnull=False).first()
    urls = [
        "/",
        "/?sort=-comments",
        *(a.get_absolute_url() for a in archive.values()),
        archive["001"].get_absolute_url() + "?order=date",
        "/comments/",
        f"/comments/{comment.pk}/",
        "/people/",
        "/people/benoit-faverial/",
        "/search/",
        "/search/?q=communaute",
        "/en/",
        "/en/articles/" + archive["000"].slug + "/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        page = Page(html)
        assert page.h1 == 1, url
        assert {"main", "nav", "header", "footer"} <= page.landmarks, url
        assert 'class="skip-link" href="#main"' in html and 'id="main"' in html, url
        for control in page.controls:
            labelled = control.get("id") in page.labels_for or control.get("aria-label")
            # checkboxes sit inside their <label>
            assert labelled or control.get("type") == "checkbox", (url, control)
        assert len(page.ids) == len(set(page.ids)), url
        assert "https://" not in re.sub(r'href="https?://[^"]*"', "", html.split("</head>")[0])


def test_unknown_pages_are_404(client, archive):
    assert client.get("/articles/nope/").status_code == 404
    assert client.get("/comments/999999/").status_code == 404
    assert client.get("/people/nope/").status_code == 404
    assert client.get("/articles/nope/feed/").status_code == 404


# --- home ---------------------------------------------------------------------------------


def test_home_lists_the_five_articles_with_counts(client, archive):
    html = client.get("/").content.decode()
    for article in archive.values():
        assert article.title.replace("’", "&#x27;") in html or article.title in html
    # fixture 004 announces "47 commentaires pour …" and holds 47 numbered entries
    assert len(entries_004()) == 47
    assert "47 commentaires" in html
    # fixture 002 is an article without comments, with a byline "le 17 mai 2016"
    assert "0 commentaire" in html
    assert '<time datetime="2016-05-17">17 mai 2016</time>' in html
    # fixture 001 is the only one whose comments carry dates: one sparkline
    assert html.count('<svg class="sparkline"') == 1
    assert "de septembre 2010 à " in html


def test_home_shows_dates_with_their_precision(client, archive):
    entries = manifest()
    html = client.get("/").content.decode()
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
    for entry in entries.values():
        value, precision = entry["published_at"]["value"], entry["published_at"]["precision"]
        if not value:
            continue
        d = date.fromisoformat(value)
        shown = {
            "year": f'<time datetime="{d:%Y}">vers {d.year}</time>',
            "month": f'<time datetime="{d:%Y-%m}">{months[d.month - 1]} {d.year}</time>',
            "day": f'<time datetime="{d:%Y-%m-%d}">{d.day} {months[d.month - 1]} {d.year}</time>',
        }[precision]
        assert shown in html


def test_home_sorts_by_date_and_by_comment_count(client, archive):
    def order(query):
        html = client.get("/" + query).content.decode()
        positions = [html.index(archive[key].get_absolute_url()) for key in archive]
        return [key for _, key in sorted(zip(positions, archive, strict=True))]

    # 133 (001, 130 dated headers + 3), 58 (000), 47 (004), 20 (003), 0 (002)
    assert order("?sort=-comments") == ["001", "000", "004", "003", "002"]
    entries = manifest()
    dated = sorted(
        (k for k, e in entries.items() if e["published_at"]["value"]),
        key=lambda k: entries[k]["published_at"]["value"],
    )
    undated = [k for k in order("?sort=date") if k not in dated]
    assert order("?sort=date") == dated + undated
    assert order("") == order("?sort=-date") == dated[::-1] + undated


def test_home_filters(client, archive):
    def listed(query):
        html = client.get("/?" + query).content.decode()
        return {key for key, a in archive.items() if a.get_absolute_url() in html}

    entries = manifest()
    for key, article in archive.items():
        blog = (entries[key]["blog"]["name"], entries[key]["blog"]["url"])
        same = {k for k, e in entries.items() if (e["blog"]["name"], e["blog"]["url"]) == blog}
        assert listed(f"blog={article.blog_id}") == same
        name = entries[key]["author"]["name"]
        if name:
            same = {k for k, e in entries.items() if fold(e["author"]["name"] or "") == fold(name)}
            assert listed(f"author={article.author.slug}") == same
    dates = {
        k: date.fromisoformat(e["published_at"]["value"])
        for k, e in entries.items()
        if e["published_at"]["value"]
    }
    for pivot in ("2010-05-01", "2010-05-11", "2010-09-16", "2012-01-01", "2016-05-17"):
        day = date.fromisoformat(pivot)
        assert listed(f"after={pivot}") == {k for k, d in dates.items() if d >= day}
        assert listed(f"before={pivot}") == {k for k, d in dates.items() if d <= day}
    assert listed("after=2010-05-02&before=2010-09-15") == {
        k for k, d in dates.items() if date(2010, 5, 2) <= d <= date(2010, 9, 15)
    }
    assert listed("position=unknown") == set(archive)
    # "Charlatans" is in the title and text of 000 only
    assert listed("q=charlatans") == {"000"}
    assert listed("q=CHARLATAN") == {"000"}
    # an invalid date is a bad request: the form's error and no list
    response = client.get("/?after=pas-une-date")
    assert response.status_code == 400
    assert listed("after=pas-une-date") == set()
    assert 'role="alert"' in response.content.decode()


def test_home_position_filter_follows_curated_positions(client, archive):
    Article.objects.filter(pk=archive["000"].pk).update(position="criticises")
    html = client.get("/?position=criticises").content.decode()
    assert archive["000"].get_absolute_url() in html
    assert archive["001"].get_absolute_url() not in html
    assert "critique le métier" in html


# --- thread page --------------------------------------------------------------------------


def test_thread_page_shows_every_comment_nested_as_the_source(client, archive):
    article = archive["000"]
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    page = Page(html)
    assert page.comment_ids == list(
        Comment.objects.filter(article=article)
        .order_by("tree_id", "lft")
        .values_list("pk", flat=True)
    )
    assert len(page.comment_ids) == 58
    # header: blog, source file, format
    assert article.blog.name in html and SEEDS["000"].name in html and "indented-threads" in html
    # celine's reply to Guillaume (source lines 182-219): nested one list deeper
    guillaume = Comment.objects.get(article=article, position=25)
    celine = Comment.objects.get(article=article, position=26)
    assert guillaume.author.name == "Guillaume" and celine.author.name == "celine"
    after = html[html.index(f'id="c{guillaume.pk}"') :]
    assert after.index(
        '<details class="replies" open><summary>4 réponses à Guillaume</summary>'
    ) < after.index(f'id="c{celine.pk}"')
    # author links, permalinks, the inferred "en réponse à" link of "@ Eric : C’est vrai"
    assert '<a class="who" href="/people/celine/">celine</a>' in html
    assert f'href="/comments/{celine.pk}/"' in html
    eric = Comment.objects.get(article=article, position=4)
    answer = Comment.objects.get(article=article, position=5)
    block = html[html.index(f'id="c{answer.pk}"') :]
    block = block[: block.index("</header>")]
    assert f'en réponse à <a href="#c{eric.pk}">Eric</a>' in block
    # the blog owner's unsigned reply: the article's author when known
    owner = article.author.name if article.author else "l’auteur du blog"
    assert f">{owner}</" in block
    # balanced markup: every folded list is closed
    assert html.count("<details") == html.count("</details>")
    assert html.count("<ol") == html.count("</ol>")
    assert len(re.findall(r"<li[ >]", html)) == html.count("</li>")


def test_thread_folds_runs_of_tweets_and_pingbacks(client, archive):
    html = client.get(archive["001"].get_absolute_url()).content.decode()
    assert '<li class="mention-group"><details><summary>18 tweets</summary>' in html
    assert 'class="badge kind">tweet</span>' in html
    html = client.get(archive["004"].get_absolute_url()).content.decode()
    # entries 39 to 44 of fixture 004 are six pingbacks in a row
    assert "<summary>6 pingbacks</summary>" in html


def test_thread_in_date_order(client, archive):
    article = archive["001"]
    html = client.get(article.get_absolute_url() + "?order=date").content.decode()
    page = Page(html[html.index('id="comments-title"') :])
    expected = sorted(d for _, d in entries_001())
    assert len(expected) == 130
    shown = [datetime.fromisoformat(t).replace(tzinfo=None) for t in page.times]
    assert shown == expected  # Europe/Paris: the source's wall-clock times
    assert len(page.comment_ids) == 133
    assert '<details class="replies"' not in html
    assert 'aria-current="true">chronologique' in html


def test_thread_query_count_is_the_same_for_the_smallest_and_largest(
    client, archive, django_assert_num_queries
):
    sizes = {key: Comment.objects.filter(article=a).count() for key, a in archive.items()}
    smallest = min((n, k) for k, n in sizes.items() if n)[1]
    largest = max((n, k) for k, n in sizes.items())[1]
    assert (smallest, largest) == ("003", "001")
    counts = {}
    for key in ("002", smallest, largest):
        url = archive[key].get_absolute_url()
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[key] = len(queries)
    assert counts["002"] == counts[smallest] == counts[largest] <= 4
    with django_assert_num_queries(counts[smallest]):
        client.get(archive[largest].get_absolute_url() + "?order=date")


def test_depth_marker_beyond_six_levels(client, archive):
    article = archive["003"]
    parent = Comment.objects.get(article=article, position=0)
    chain = []
    for depth in range(1, 9):
        parent = Comment.objects.create(
            article=article, parent=parent, position=100 + depth, content_hash=str(depth),
            author_as_written=f"Niveau {depth}", body=f"Réponse au niveau {depth}.",
        )  # fmt: skip
        chain.append(parent)
    html = client.get(article.get_absolute_url()).content.decode()
    assert [c.level for c in chain] == list(range(1, 9))
    for c in chain:
        block = html[html.index(f'id="c{c.pk}"') :]
        block = block[: block.index("</header>")]
        assert ('class="badge depth"' in block) is (c.level > 6)
    assert '<span class="badge depth" title="profondeur 7">↳ 7</span>' in html
    assert html.count('<ol class="replies flat">') == 2  # levels 7 and 8 not indented


def test_hidden_and_deleted_comments(client, archive):
    article = archive["000"]
    # the blog owner's "Le problème c’est que ceux à qui est destiné cet article…" has two
    # replies (source lines 148-156); deleting it keeps them in place
    deleted = Comment.objects.get(article=article, position=13)
    replies = list(deleted.get_children())
    assert len(replies) == 2
    Comment.objects.filter(pk=deleted.pk).update(status="deleted", is_public=False)
    # Jean-Baptiste Pennes' "Croustifestif." has no reply: hidden, it vanishes
    hidden = Comment.objects.get(article=article, position=7)
    assert hidden.body.startswith("Croustifestif")
    Comment.objects.filter(pk=hidden.pk).update(status="spam", is_public=False)

    html = client.get(article.get_absolute_url()).content.decode()
    assert "commentaire supprimé" in html
    assert f'id="c{deleted.pk}" class="comment kind-comment placeholder"' in html
    assert deleted.body[:40] not in html
    for reply in replies:
        assert f'id="c{reply.pk}"' in html
    assert html.index(f'id="c{deleted.pk}"') < html.index(f'id="c{replies[0].pk}"')
    assert "Croustifestif" not in html and f'id="c{hidden.pk}"' not in html
    assert "56 commentaires" in html

    for url in (f"/comments/{deleted.pk}/", f"/comments/{hidden.pk}/"):
        assert client.get(url).status_code == 404
    context = client.get(f"/comments/{replies[0].pk}/").content.decode()
    assert "commentaire supprimé" in context and deleted.body[:40] not in context
    listing = all_hits(client, comments_url(article=article.slug))
    assert deleted.pk not in listing and hidden.pk not in listing and len(listing) == 56
    assert "Croustifestif" not in client.get("/search/?q=croustifestif").content.decode()
    feed = client.get(f"/articles/{article.slug}/feed/").content.decode()
    assert "Croustifestif" not in feed


def test_hidden_article_is_nowhere(client, archive):
    article = archive["004"]
    Article.objects.filter(pk=article.pk).update(is_public=False)
    aggregates.refresh(articles=[article.pk])  # a raw UPDATE: recount by hand
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.get_absolute_url() not in client.get("/").content.decode()
    some = Comment.objects.filter(article=article).first()
    assert client.get(f"/comments/{some.pk}/").status_code == 404
    # Every comment of that participant is hidden: they are no longer a choice (400).
    response = client.get(comments_url(participant="cedric-deniaud"))
    assert response.status_code == 400 and some.pk not in hit_ids(response)
    assert "Cédric DENIAUD" not in client.get("/people/").content.decode()
    assert client.get(f"/articles/{article.slug}/feed/").status_code == 404


# --- one comment in context ----------------------------------------------------------------


def test_comment_page_shows_ancestors_and_direct_replies(client, archive):
    article = archive["000"]
    guillaume, celine, owner, guillaume_again, owner_again = (
        Comment.objects.get(article=article, position=n) for n in (25, 26, 27, 28, 29)
    )
    response = client.get(f"/comments/{celine.pk}/")
    html = response.content.decode()
    assert "<h1>Commentaire de celine</h1>" in html
    assert html.index(f"/comments/{guillaume.pk}/") < html.index(f'id="c{celine.pk}"')
    assert "2 réponses directes" in html
    for reply in (owner, guillaume_again):
        assert f"/comments/{reply.pk}/" in html
    assert f"/comments/{owner_again.pk}/" not in html  # a grandchild, not a direct reply
    assert f'href="{article.get_absolute_url()}#c{celine.pk}"' in html
    assert 'href="/people/celine/"' in html


# --- /comments/ ------------------------------------------------------------------------------


def test_comments_by_participant(client, archive):
    expected = [n for n, name in entries_004() if name == "Cédric DENIAUD"]
    assert len(expected) == 10
    rows = Comment.objects.filter(article=archive["004"], position__in=[n - 1 for n in expected])
    ids = all_hits(client, comments_url(participant="cedric-deniaud"))
    assert sorted(ids) == sorted(rows.values_list("pk", flat=True))


def test_comments_by_kind_pingbacks_of_004(client, archive):
    ids = all_hits(client, comments_url(kind="pingback", article=archive["004"].slug))
    positions = sorted(Comment.objects.filter(pk__in=ids).values_list("position", flat=True))
    assert positions == [n - 1 for n in PINGBACKS_004]


def test_comments_by_date_range_and_year(client, archive):
    article = archive["001"]
    dated = Comment.objects.filter(article=article, posted_at__isnull=False)
    by_local = {
        c.pk: c.posted_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris")) for c in dated
    }
    source = entries_001()
    in_range = [d for _, d in source if datetime(2010, 9, 17) <= d < datetime(2010, 10, 1)]
    ids = all_hits(client, comments_url(after="2010-09-17", before="2010-09-30"))
    assert len(ids) == len(in_range) == 21
    assert sorted(by_local[i].replace(tzinfo=None) for i in ids) == sorted(in_range)
    ids_2011 = all_hits(client, comments_url(year=2011))
    assert len(ids_2011) == sum(1 for _, d in source if d.year == 2011)
    assert all(by_local[i].year == 2011 for i in ids_2011)


def test_every_disagreement_posted_in_2010_is_one_url(client, archive):
    article = archive["001"]
    source = entries_001()
    # By reading: Arnaud (first header) finds the title racoleur; Mariane Hufschmitt
    # (2011) is labelled too, to check that the year bounds the result.
    arnaud = Comment.objects.get(article=article, body__startswith="Avec de genre de titre")
    greg = Comment.objects.get(article=article, body__startswith="Excellente réflexion")
    late = Comment.objects.get(article=article, author_as_written="Mariane Hufschmitt")
    assert ("Mariane Hufschmitt", datetime(2011, 1, 7, 11, 51, 3)) in source
    Comment.objects.filter(pk__in=[arnaud.pk, late.pk]).update(
        stance="disagree", stance_source="curated"
    )
    Comment.objects.filter(pk=greg.pk).update(stance="agree", stance_source="curated")
    url = "/comments/?stance=disagree&after=2010-01-01&before=2010-12-31"
    assert all_hits(client, url) == [arnaud.pk]
    assert all_hits(client, "/comments/?stance=disagree&year=2010") == [arnaud.pk]
    assert sorted(all_hits(client, "/comments/?stance=disagree")) == sorted([arnaud.pk, late.pk])
    both = all_hits(client, "/comments/?stance=disagree&stance=agree&year=2010")
    assert sorted(both) == sorted([arnaud.pk, greg.pk])
    html = client.get(url).content.decode()
    assert 'class="badge stance stance-disagree">en désaccord</span>' in html
    # the thread page shows the badge and the stance bar
    thread = client.get(article.get_absolute_url()).content.decode()
    assert "d’accord 1, en désaccord 2, non jugé 130" in thread


def test_comment_hits_show_what_they_answer(client, archive):
    article = archive["000"]
    celine = Comment.objects.get(article=article, position=26)
    html = client.get(comments_url(participant="celine")).content.decode()
    hit = html[: html.index(f'href="/comments/{celine.pk}/"')]
    hit = hit[hit.rindex('<li class="hit">') :]
    assert article.title in hit
    assert "En réponse à Guillaume :" in hit
    assert "<q>Ce qui me surprend dans les commentaires" in hit


def test_comments_text_and_blog_filters(client, archive):
    ids = all_hits(client, comments_url(q="croustifestif"))
    assert ids == [Comment.objects.get(article=archive["000"], position=7).pk]
    crouzet_blog = archive["001"].blog
    ids = all_hits(client, comments_url(blog=crouzet_blog.pk))
    assert len(ids) == 133
    # "racolage": Arnaud's first comment (line 49) and the one at line 245 of 001
    assert len(all_hits(client, comments_url(blog=crouzet_blog.pk, q="racolage"))) == 2
    response = client.get(comments_url(year="deux-mille"))
    assert response.status_code == 400
    assert hit_ids(response) == [] and 'role="alert"' in response.content.decode()


# --- search ---------------------------------------------------------------------------------


def _with_capital_communaute(archive) -> Comment:
    """No source text writes "Communauté" with a capital: add one comment that does."""
    return Comment.objects.create(
        article=archive["003"], position=500, content_hash="x", author_as_written="Test",
        body="La Communauté, voilà ce qui compte.",
    )  # fmt: skip


def _containing(*words: str) -> set[int]:
    return {c.pk for c in Comment.objects.public() if any(w in fold(c.body) for w in words)}


def _search(client, query: str) -> tuple[list[int], str]:
    """Comment ids found over every page of results, and all those pages' HTML."""
    ids, pages, page = [], [], 1
    while True:
        response = client.get("/search/", {"q": query, "page": page})
        ids += hit_ids(response)
        pages.append(response.content.decode())
        if 'rel="next"' not in pages[-1]:
            return ids, "".join(pages)
        page += 1


def _search_ids(client, query: str) -> list[int]:
    return _search(client, query)[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search needs PostgreSQL")
def test_full_text_search_ignores_accents_and_case_on_postgresql(client, archive):
    capital = _with_capital_communaute(archive)
    plural = Comment.objects.get(article=archive["000"], position=25)  # Guillaume
    assert "mes deux communautés" in plural.body
    ids, html = _search(client, "communaute")
    assert capital.pk in ids and plural.pk in ids
    assert "<mark>communautés</mark>" in html
    assert "<mark>Communauté</mark>" in html
    # ranked: every comment of the first page contains the stem
    for pk in ids[:20]:
        assert "communaut" in fold(Comment.objects.get(pk=pk).body + " x")
    # websearch syntax
    phrase = _search_ids(client, '"racolage passif"')
    assert phrase == [Comment.objects.get(body__startswith="Avec de genre de titre").pk]
    either = set(_search_ids(client, "croustifestif OR racolage"))
    assert either == _containing("croustifestif", "racolage")
    assert len(either) == 3  # "Croustifestif." in 000; lines 49 and 245 of 001
    without = set(_search_ids(client, "communaute -facebook"))
    assert without and without < set(ids)
    assert all("facebook" not in Comment.objects.get(pk=pk).body.lower() for pk in without)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the fallback runs off PostgreSQL")
def test_search_fallback_is_accent_and_case_insensitive(client, archive):
    capital = _with_capital_communaute(archive)
    ids, html = _search(client, "communaute")
    expected = {
        c.pk
        for c in Comment.objects.public()
        if "communaute" in fold(c.body) or "communaute" in fold(c.author_as_written)
    }
    assert capital.pk in ids
    assert set(ids) == expected and len(ids) == len(expected)
    assert "<mark>Communauté</mark>" in html and "<mark>communauté</mark>s" in html
    # the same syntax as websearch_to_tsquery
    assert _search_ids(client, '"racolage passif"') == [
        Comment.objects.get(body__startswith="Avec de genre de titre").pk
    ]
    either = set(_search_ids(client, "croustifestif OR racolage"))
    assert either == _containing("croustifestif", "racolage")
    assert len(either) == 3  # "Croustifestif." in 000; lines 49 and 245 of 001
    without = set(_search_ids(client, "communaute -facebook"))
    assert without == {
        pk for pk in expected if "facebook" not in fold(Comment.objects.get(pk=pk).body)
    }
    # articles too: title and body
    html = client.get("/search/", {"q": "CHARLATANS"}).content.decode()
    assert archive["000"].get_absolute_url() in html


def test_search_page_without_query(client, archive):
    html = client.get("/search/").content.decode()
    assert '<input type="search" id="q" name="q" value=""' in html
    assert 'id="comments-title"' not in html and 'id="articles-title"' not in html


# --- feeds ------------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def test_latest_articles_feed(client, archive):
    response = client.get("/feeds/articles/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")]
    assert sorted(titles) == sorted(a.title for a in archive.values())
    assert titles[0] == archive["002"].title  # the only dated article comes first


def test_thread_comments_feed(client, archive):
    article = archive["001"]
    response = client.get(f"/articles/{article.slug}/feed/")
    feed = ET.fromstring(response.content)
    entries = list(feed.iter(f"{ATOM}entry"))
    assert len(entries) == 50
    newest = max(d for _, d in entries_001())
    first = entries[0]
    assert first.find(f"{ATOM}published").text.startswith(newest.strftime("%Y-%m-%dT"))
    assert all(e.find(f"{ATOM}updated") is not None for e in entries)
    link = first.find(f"{ATOM}link").get("href")
    assert re.fullmatch(rf"http://127\.0\.0\.1{article.get_absolute_url()}#c\d+", link)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/articles/{article.slug}/feed/"' in html


# --- English --------------------------------------------------------------------------------


def test_french_by_default_english_under_en(client, archive):
    fr = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="fr">' in fr and "Aller au contenu" in fr
    en = client.get("/en/").content.decode()
    assert '<html lang="en">' in en
    assert 'href="/en/articles/' in en
    assert 'hreflang="fr" lang="fr">Français</a>' in en
    en_thread = client.get(f"/en/articles/{archive['000'].slug}/").content.decode()
    assert 'href="/en/people/celine/"' in en_thread


def test_participant_filter_choices_only_name_people_with_comments(client, archive):
    html = client.get("/comments/").content.decode()
    assert '<option value="cedric-deniaud">Cédric DENIAUD</option>' in html
    author_only = Participant.objects.get(slug="e-de-saint-bon")
    assert f'<option value="{author_only.slug}">' not in html
