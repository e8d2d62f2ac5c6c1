"""The thread page's Python renderer (threads.thread_page): pingbacks and trackbacks are
shown by their citing page (title, link only to an absolute http(s) address, host), names
and titles are escaped once, folding and placeholders keep their markup, and the page
makes the same few queries whatever it shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Participant
from tests.security.inert import parse, problems, text_of
from threads.models import Article, Blog, Comment

pytestmark = pytest.mark.django_db

CITING = [
    # (title as written, address, expected markup of the source)
    (
        "Un billet <b>cité</b> & commenté",
        "https://blog.example.org/2011/billet?a=1&b=2",
        '<a class="who" href="https://blog.example.org/2011/billet?a=1&amp;b=2" '
        'rel="nofollow noopener ugc">Un billet &lt;b&gt;cité&lt;/b&gt; &amp; commenté</a> '
        '<span class="site">(blog.example.org)</span>',
    ),
    ("Script", "javascript:alert(1)", '<span class="who">Script</span>'),
    ("Relative", "//evil.example/x", '<span class="who">Relative</span>'),
    ("Spaces", "http://a.example/ x", '<span class="who">Spaces</span>'),
    ("Sans adresse", "", '<span class="who">Sans adresse</span>'),
]


@pytest.fixture
def thread() -> Article:
    blog = Blog.objects.create(name="Blog")
    article = Article.objects.create(
        blog=blog, title="Fil", slug="fil", source_key="id:fil", body="Texte."
    )
    someone = Participant.objects.create(name="Céline <i>", slug="celine", key="celine")
    first = Comment.objects.create(
        article=article, position=0, content_hash="0", author=someone,
        author_as_written="Céline <i>", body="Premier <script>alert(1)</script>",
        stance="agree", stance_source="auto",
    )  # fmt: skip
    for i, (title, url, _) in enumerate(CITING, 1):
        Comment.objects.create(
            article=article, position=i, content_hash=str(i), kind="pingback",
            author_as_written=title, author_url=url, body=f"Citation {i}",
        )  # fmt: skip
    Comment.objects.create(
        article=article, parent=first, position=10, content_hash="10", kind="trackback",
        author_as_written="Rétrolien", author_url="http://retro.example/p", body="Vu ici",
    )  # fmt: skip
    return article


def test_pingbacks_show_their_citing_page(client, thread):
    html = client.get(thread.get_absolute_url()).content.decode()
    for _, _, markup in CITING:
        assert f'<header class="c-meta">{markup}\n' in html
    assert (
        '<a class="who" href="http://retro.example/p" rel="nofollow noopener ugc">Rétrolien</a>'
        ' <span class="site">(retro.example)</span>' in html
    )
    # the five pingbacks in a row fold together; the trackback answers Céline
    assert "<summary>5 pingbacks</summary>" in html
    assert "1 réponse à Céline &lt;i&gt;</summary>" in html
    assert '<a class="who" href="/people/celine/">Céline &lt;i&gt;</a>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'class="badge stance stance-agree auto"' in html
    root = parse(html)
    assert problems(root) == []
    assert "javascript:" not in "".join(a.get("href", "") for a in root.iter("a"))


def test_date_order_shows_them_alike(client, thread):
    html = client.get(thread.get_absolute_url() + "?order=date").content.decode()
    for _, _, markup in CITING:
        assert f'<header class="c-meta">{markup}\n' in html
    assert "<details" not in html  # no folding by date
    trackback = Comment.objects.get(article=thread, kind="trackback")
    first = Comment.objects.get(article=thread, position=0)
    block = html[html.index(f'id="c{trackback.pk}"') :]
    assert block.index(f'en réponse à <a href="#c{first.pk}">Céline &lt;i&gt;</a>') < block.index(
        "</header>"
    )


def test_comment_pages_show_the_citing_page_too(client, thread):
    for title, _url, markup in CITING:
        ping = Comment.objects.get(article=thread, author_as_written=title)
        html = client.get(f"/comments/{ping.pk}/").content.decode()
        assert markup in html
        assert problems(parse(html)) == []
        assert title in text_of(parse(html))


def test_thread_queries_do_not_depend_on_what_it_shows(client, thread):
    empty = Article.objects.create(
        blog=thread.blog, title="Vide", slug="vide", source_key="id:vide", body=""
    )
    counts = []
    for url in (empty.get_absolute_url(), thread.get_absolute_url(), "/articles/fil/?order=date"):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2] <= 5
    assert "Aucun commentaire." in client.get(empty.get_absolute_url()).content.decode()


def test_thread_dates_read_as_utc_text_are_the_moments():
    from datetime import UTC, datetime

    from threads.models import utc_moment
    from threads.templatetags.cmforum import MomentFormatter

    moment = datetime(2011, 3, 27, 1, 30, 5, 250, tzinfo=UTC)  # the night clocks change
    for text in (
        "2011-03-27 01:30:05.000250+00:00",  # PostgreSQL's to_char
        "2011-03-27 01:30:05.000250",  # naive UTC
        "2011-03-27 01:30:05.000250+00:00+00:00",  # SQLite text that had an offset already
    ):
        assert utc_moment(text) == moment
    assert utc_moment(moment) == moment and utc_moment(None) is None
    when = MomentFormatter()
    assert when.utc_text("2011-03-27 01:30:05.000250+00:00") == when(moment)
    assert 'datetime="2011-03-27T03:30:05.000250+02:00">27 mars 2011 à 03:30<' in when(moment)
