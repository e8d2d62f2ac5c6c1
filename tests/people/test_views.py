"""Participant pages on the five imported texts. Expected names and counts were read off the
source texts (comment headers, the indentation of fixture 000, the bullets of 003)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Participant
from tests.threads.test_views import import_archive, manifest
from threads import aggregates
from threads.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    return client


@pytest.fixture
def archive():
    return import_archive()


# Fixture 003, read by eye: the 15 distinct names of its 20 comment bullets.
COMMENTERS_003 = {
    "Camille A", "Flavien Chantrel", "Benoît Faverial", "Sylvain Guéguen", "Rémi Gambier",
    "Matthieu", "Flavien", "Thierry de Baillon", "Seb", "Antoine Dupin", "Pierre-Etienne",
    "François Houste", "Flav", "jyv", "Mito BANJAC",
}  # fmt: skip


def rows(html: str) -> list[tuple[str, int, int, int]]:
    """(name, contributions, articles, comments) of each line of the people table."""
    found = re.findall(
        r'<th scope="row"><a href="/people/[^"]+/">([^<]+)</a></th>\s*'
        r'<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>',
        html,
    )
    return [(unescape(name), int(a), int(b), int(c)) for name, a, b, c in found]


def all_rows(client, query: str = "") -> list[tuple[str, int, int, int]]:
    found, page = [], 1
    while True:
        html = client.get(f"/people/?{query}&page={page}").content.decode()
        found += rows(html)
        if 'rel="next"' not in html:
            return found
        page += 1


def test_people_list_sorted_by_contributions(client, archive):
    listed = all_rows(client)
    assert len(listed) == Participant.objects.count()
    contributions = [r[1] for r in listed]
    assert contributions == sorted(contributions, reverse=True)
    by_name = {r[0]: r for r in listed}
    # 14 "Thierry Crouzet @ …" headers in 001, and (manifest) the article itself
    crouzet = by_name["Thierry Crouzet"]
    assert crouzet[3] == 14 and crouzet[1] == crouzet[2] + 14
    # 10 "Posté par Cédric DENIAUD" entries in 004
    assert by_name["Cédric DENIAUD"][3] == 10
    for _name, total, articles, comments in listed:
        assert total == articles + comments


def test_people_list_sorts_and_filters(client, archive):
    names = [r[0] for r in all_rows(client, "sort=name")]
    assert names == list(Participant.objects.order_by("name").values_list("name", flat=True))
    comments = [r[3] for r in all_rows(client, "sort=comments")]
    assert comments == sorted(comments, reverse=True)
    # name search ignores case and accents, and looks at every spelling
    assert [r[0] for r in all_rows(client, "q=BENOIT")] == ["Benoît Faverial"]
    assert [r[0] for r in all_rows(client, "q=faverial")] == ["Benoît Faverial"]
    blog = archive["003"].blog
    found = {r[0] for r in all_rows(client, f"blog={blog.pk}")}
    author = manifest()["003"]["author"]["name"]
    assert found == COMMENTERS_003 | {author}


def test_people_list_shows_blogs(client, archive):
    html = client.get("/people/?q=faverial").content.decode()
    row = html[html.index("Benoît Faverial") :]
    row = row[: row.index("</tr>")]
    # he comments on 001, 003 and 004 ("Benoît Faverial" / "Benoit Faverial"), and writes 000
    for key in ("000", "001", "003", "004"):
        assert archive[key].blog.name in row
    assert archive["002"].blog.name not in row


def test_participant_page(client, archive):
    response = client.get("/people/benoit-faverial/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Benoît Faverial</h1>" in html
    # every spelling: "Benoit Faverial" in 004, "Benoît Faverial" in 001 and 003
    assert '<span class="alias">Benoit Faverial</span>' in html
    assert '<span class="alias">Benoît Faverial</span>' in html
    # contributions grouped by article, one heading per thread
    for key, n in (("001", 1), ("003", 2), ("004", 1)):
        title = archive[key].title
        heading = html[html.index(title) :]
        heading = heading[: heading.index("</h3>")]
        assert f"{n} commentaire" in heading
    if archive["000"].author and archive["000"].author.slug == "benoit-faverial":
        articles = html[html.index('id="articles-title"') : html.index('id="comments-title"')]
        assert archive["000"].title in articles
    for c in Comment.objects.filter(author__slug="benoit-faverial"):
        assert f'href="/comments/{c.pk}/"' in html


def test_participant_stance_distribution(client, archive):
    mine = list(Comment.objects.filter(author__slug="cedric-deniaud").order_by("position"))
    assert len(mine) == 10
    Comment.objects.filter(pk__in=[c.pk for c in mine[:3]]).update(stance="agree")
    Comment.objects.filter(pk=mine[3].pk).update(stance="disagree")
    html = client.get("/people/cedric-deniaud/").content.decode()
    assert "d’accord 3, en désaccord 1, non jugé 6" in html
    assert 'href="/comments/?participant=cedric-deniaud"' in html


def test_whom_they_answered_and_who_answered_them(client, archive):
    # Fixture 000, by indentation: celine replies to the blog owner's "Le problème c’est
    # que…" (her "A mon avis, c’est + vicieux"), to Elodivig (line 166), Guillaume (194) and
    # MasterLudo (241); the owner answers her twice (206, 249), Guillaume once (208).
    owner = manifest()["000"]["author"]["name"]
    html = client.get("/people/celine/").content.decode()
    answered = html[html.index('id="answered-title"') : html.index('id="answering-title"')]
    answering = html[
        html.index('id="answering-title"') : html.index(
            "</section>", html.index('id="answering-title"')
        )
    ]

    def ranked(block):
        return [
            (name, int(n))
            for name, n in re.findall(
                r'<a href="/people/[^"]+/">([^<]+)</a> <span class="n">(\d+)</span>', block
            )
        ]

    assert sorted(ranked(answered)) == sorted(
        [("Elodivig", 1), ("Guillaume", 1), ("MasterLudo", 1)] + ([(owner, 1)] if owner else [])
    )
    expected = [(owner, 2), ("Guillaume", 1)] if owner else [("Guillaume", 1)]
    assert ranked(answering) == expected


def test_participant_page_query_count_is_bounded(client, archive):
    client.get("/people/celine/")
    counts = []
    for slug in ("celine", "thierry-crouzet", "benoit-faverial"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/people/{slug}/").status_code == 200
        counts.append(len(queries))
    assert max(counts) <= 12  # whatever the number of contributions


def test_people_of_a_hidden_article_only_are_not_listed(client, archive):
    # "Cédric DENIAUD" signs 10 entries of 004 and appears as an author nowhere else
    assert "Cédric DENIAUD" in {r[0] for r in all_rows(client)}
    type(archive["004"]).objects.filter(pk=archive["004"].pk).update(is_public=False)
    aggregates.refresh(articles=[archive["004"].pk])  # a raw UPDATE: recount by hand
    assert "Cédric DENIAUD" not in {r[0] for r in all_rows(client)}
    html = client.get("/people/cedric-deniaud/").content.decode()
    assert archive["004"].title not in html
