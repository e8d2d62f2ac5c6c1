"""Bad requests get 4xx pages, never a 500, on SQLite and PostgreSQL: every public URL
walked with out-of-range and malformed filter values, huge query strings, NUL and control
characters, tsquery syntax and any page number."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.conf import settings

from people.models import Participant
from threads.models import Article, Comment

pytestmark = pytest.mark.django_db

# Filter and paging parameters of each public page (threads.filters, the views).
PARAMETERS = {
    "/": ["q", "blog", "author", "position", "after", "before", "sort", "page"],
    "/comments/": [
        "q",
        "stance",
        "stance_source",
        "kind",
        "participant",
        "article",
        "blog",
        "year",
        "after",
        "before",
        "order",
        "page",
    ],  # fmt: skip
    "/people/": ["q", "blog", "sort", "page"],
    "/search/": ["q", "page"],
    "/feeds/articles/": ["page"],
    "{article}": ["order", "page"],
    "{article}feed/": ["page"],
    "{comment}": ["page"],
    "{participant}": ["page"],
    "/en/": ["q", "after", "page"],
    "/en/comments/": ["year", "stance", "page"],
}
# Percent-encoded already: raw bytes that are not UTF-8 stay as they are.
RAW_VALUES = ["%ff%fe", "%ed%a0%80", "%", "%zz", "%00", "a%00b", "%01%1f", "%7f",
              "%0d%0aSet-Cookie:%20x=1"]  # fmt: skip
VALUES = [
    "", " ", "0", "-1", "2", "last", "1.5", "1e5", "1e308", "inf", "nan", "0x10", "１２",
    "9" * 30, "9" * 1500, "2010-02-30", "9999-12-31", "0001-01-01", "99999-01-01",
    "-2010-01-01", "disagree,agree", "' OR 1=1 --", '"', "\\", "%_%", "a & b", "!!", "(",
    "a:*", "a <-> b", "a:* | !b", '"unterminated', "-", "OR OR", "-(", "⟦⟧",
    "<script>alert(1)</script>", "\u202e", "\U0001f600", "x" * 250, "a " * 150, "\r\n",
]  # fmt: skip


def public_urls() -> dict[str, list[str]]:
    article = Article.objects.public().filter(comments__isnull=False).first()
    comment = Comment.objects.public().filter(article__is_public=True).first()
    participant = Participant.objects.active().first()
    fill = {
        "{article}": article.get_absolute_url(),
        "{comment}": comment.get_absolute_url(),
        "{participant}": participant.get_absolute_url(),
    }
    urls = {}
    for pattern, names in PARAMETERS.items():
        url = pattern
        for key, value in fill.items():
            url = url.replace(key, value)
        urls[url] = names
    return urls


def bad_requests() -> list[str]:
    requests = []
    for url, names in public_urls().items():
        for name in [*names, "inconnu"]:
            requests += [f"{url}?{name}={quote(v, safe='')}" for v in VALUES]
            requests += [f"{url}?{name}={v}" for v in RAW_VALUES]
            requests.append(f"{url}?{name}=a&{name}=b&{name}=")  # repeated
        requests.append(f"{url}?" + "&".join(f"f{n}=1" for n in range(400)))  # many fields
        requests.append(f"{url}?q=" + "x" * 100_000)  # a 100 KB query string
        requests.append(f"{url}?%00=1")
    for prefix in ("/articles/", "/comments/", "/people/"):
        for value in ["%00", "%ff", "..", "-1", "9" * 30, "9" * 5000, "x" * 3000, "%e2%80%ae"]:
            requests += [f"{prefix}{value}/", f"{prefix}{value}/feed/"]
    return requests


def test_no_bad_request_is_a_server_error(hostile, client):
    statuses: dict[int, int] = {}
    errors = []
    requests = bad_requests()
    for url in requests:
        response = client.get(url)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            errors.append(url[:200])
    assert not errors, errors[:20]
    assert set(statuses) <= {200, 301, 302, 400, 404, 414}, statuses
    print(f"\nbad requests: {len(requests)} tried, by status {dict(sorted(statuses.items()))}")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/comments/?year=1e5", 400),
        ("/comments/?year=" + "1" + "0" * 30, 400),
        ("/comments/?year=2010.5", 400),
        ("/comments/?year=1989", 400),
        ("/comments/?after=2010-02-30", 400),
        ("/comments/?stance=nimporte", 400),
        ("/?blog=abc", 400),
        ("/?q=" + "x" * 201, 400),
        ("/search/?q=" + "x" * 201, 400),
        ("/people/?q=" + "x" * 201, 400),
        ("/search/?q=%00", 400),
        ("/comments/?q=a%01b", 400),
        ("/?q=" + "x" * 100_000, 414),
        ("/people/?q=" + "x" * 100_000, 414),
        ("/?" + "&".join(f"f{n}=1" for n in range(400)), 414),
        ("/comments/?page=0", 404),
        ("/comments/?page=999999", 404),
        ("/comments/?page=abc", 404),
        ("/articles/nexiste-pas/", 404),
    ],
)
def test_bad_requests_get_the_right_4xx_page(hostile, client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert "site-header" in response.content.decode()  # in the site's look, not a bare error


def test_bounded_search_is_said_on_the_page(hostile, client):
    html = client.get("/search/", {"q": "x" * 201}).content.decode()
    assert f"{search_max()} caractères au plus" in html


def search_max() -> int:
    from threads.search import MAX_QUERY

    return MAX_QUERY


def test_error_pages_are_in_the_site_look(client):
    from django.template.loader import render_to_string

    for name in ("400.html", "403.html", "404.html", "405.html", "414.html", "500.html"):
        html = render_to_string(name)  # as Django's handlers do: no request, no context
        assert 'class="site-header"' in html and 'class="error-page"' in html
        assert "/static/css/cmforum.css" in html
    assert settings.DEBUG is False
