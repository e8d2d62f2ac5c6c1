"""Hostile content (tests/data/hostile/: scripts, event handlers, javascript:, data: and
vbscript: links, entity and case tricks, SVG, CSS, RTL overrides, forged highlight marks)
imported through import_dump, then every page that shows it parsed with html5lib: no
script but the site's own, no event handler, no style attribute, no embedding element, no
URL that is not http(s) or the site's own; feeds carry it as text."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET

import html5lib
import pytest
from django.conf import settings
from django.test import Client

from people.models import Participant
from tests.security.conftest import HOSTILE
from tests.security.inert import local, parse, problems, text_of
from threads.models import Article, Blog, Comment

pytestmark = pytest.mark.django_db

MARKER = re.compile(r"HOSTILE-\d\d")
URL_MARKER = re.compile(r"URL-\d\d")
ATOM = "{http://www.w3.org/2005/Atom}"
SEARCHES = ["HOSTILE", "script", "alert", "javascript", "onerror", "surlignage", "communauté"]


def payloads() -> set[str]:
    """The payloads of the hostile files, by their markers: HOSTILE-NN for markup in
    titles, names and bodies, URL-NN for addresses shown as links."""
    found = set()
    for path in HOSTILE.iterdir():
        text = path.read_text(encoding="utf-8")
        found |= set(MARKER.findall(text)) | set(URL_MARKER.findall(text))
    return found


def pages_of(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def html_pages() -> list[str]:
    """Every page that shows imported content, in French, and a few in English."""
    articles = list(Article.objects.public())
    participants = list(Participant.objects.all())
    comments = list(Comment.objects.public().filter(article__is_public=True))
    pages = ["/", "/?q=script", "/?sort=date", "/comments/", "/comments/?order=-date",
             "/comments/?kind=pingback", "/comments/?q=alert", "/people/", "/people/?q=script",
             "/people/?sort=name", "/en/", "/en/comments/"]  # fmt: skip
    pages += [f"/?blog={b.pk}" for b in Blog.objects.all()]
    pages += [f"/comments/?page={n}" for n in range(2, pages_of(len(comments), 50) + 1)]
    active = Participant.objects.active().count()
    pages += [f"/people/?page={n}" for n in range(2, pages_of(active, 50) + 1)]
    for article in articles:
        url = article.get_absolute_url()
        pages += [url, f"{url}?order=date", f"/comments/?article={article.slug}"]
    pages += [f"/en{articles[0].get_absolute_url()}"]
    pages += [c.get_absolute_url() for c in comments]
    pages += [p.get_absolute_url() for p in participants]
    pages += [f"/people/?blog={b.pk}" for b in Blog.objects.all()]
    pages += [f"/search/?q={q}" for q in SEARCHES]
    return pages


def admin_pages() -> list[str]:
    admin = "/" + settings.ADMIN_URL
    lists = ["threads/comment/", "threads/article/", "threads/blog/", "threads/importsource/",
             "people/participant/"]  # fmt: skip
    pages = [f"{admin}{p}" for p in lists] + [f"{admin}{p}?q=script" for p in lists]
    pages += [f"{admin}threads/comment/?article__id__exact={a.pk}" for a in Article.objects.all()]
    pages += [f"{admin}threads/article/{a.pk}/change/" for a in Article.objects.all()]
    pages += [f"{admin}threads/blog/{b.pk}/change/" for b in Blog.objects.all()]
    pages += [f"{admin}people/participant/{p.pk}/change/" for p in Participant.objects.all()]
    pages += [f"{admin}threads/comment/{c.pk}/change/" for c in Comment.objects.all()[:40]]
    return pages


def feed_pages() -> list[str]:
    return ["/feeds/articles/"] + [
        f"{a.get_absolute_url()}feed/" for a in Article.objects.public() if a.comments.exists()
    ]


def check_feed(xml: bytes, url: str) -> tuple[list[str], str]:
    """Problems of a feed and its text: summaries are HTML (type="html"), parsed as such;
    titles and names are text constructs, and must stay so."""
    root = ET.fromstring(xml)
    found, texts = [], []
    for element in root.iter():
        tag = element.tag.removeprefix(ATOM)
        if tag in ("title", "subtitle", "name") and element.get("type", "text") != "text":
            found.append(f"{url}: <{tag} type={element.get('type')}>")
        if tag in ("summary", "content"):
            fragment = html5lib.parseFragment(
                element.text or "", treebuilder="etree", namespaceHTMLElements=False
            )
            found += [f"{url} <{tag}>: {p}" for p in problems(fragment)]
            if any(local(e.tag) != "DOCUMENT_FRAGMENT" for e in fragment.iter()):
                found.append(f"{url} <{tag}>: markup {element.text[:80]!r}")
            texts.append(text_of(fragment))
        elif tag == "link" and not element.get("href", "").startswith("http://127.0.0.1/"):
            found.append(f"{url}: <link href={element.get('href')!r}>")
        texts.append(element.text or "")
    return found, " ".join(texts)


def test_hostile_content_stays_inert_on_every_page(hostile, client, curator):
    staff_client = Client(HTTP_HOST="127.0.0.1")
    staff_client.force_login(curator)
    found: list[str] = []
    seen_text: list[str] = []
    checked = 0
    for url in html_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        root = parse(response.content.decode())
        found += [f"{url}: {p}" for p in problems(root)]
        seen_text.append(text_of(root))
        checked += 1
    admin_scripts = ("/static/", "/" + settings.ADMIN_URL + "jsi18n/")
    for url in admin_pages():
        response = staff_client.get(url)
        assert response.status_code == 200, url
        found += [f"{url}: {p}" for p in problems(parse(response.content.decode()), admin_scripts)]
        checked += 1
    for url in feed_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        feed_problems, text = check_feed(response.content, url)
        found += feed_problems
        seen_text.append(text)
        checked += 1
    assert not found, "\n".join(found[:40])
    # Not vacuous: every markup payload was shown somewhere, as text.
    shown = set(MARKER.findall(" ".join(seen_text)))
    markup_payloads = {p for p in payloads() if p.startswith("HOSTILE")}
    assert markup_payloads <= shown, sorted(markup_payloads - shown)
    print(f"\nhostile content: {len(payloads())} payloads x {checked} pages checked")


def test_non_web_addresses_are_text_not_links(hostile, client):
    """Article and participant addresses that are not http(s) are shown, as text."""
    article = Article.objects.filter(url__startswith="javascript:").first()
    if article is None:
        pytest.skip("the importer dropped the javascript: address")
    root = parse(client.get(article.get_absolute_url()).content.decode())
    unlinked = [e for e in root.iter("span") if "unlinked" in e.get("class", "")]
    assert [e.text for e in unlinked] == [article.url]
    person = Participant.objects.filter(website__startswith="data:").first()
    if person is not None:
        root = parse(client.get(person.get_absolute_url()).content.decode())
        assert person.website in text_of(root)
        assert not [a for a in root.iter("a") if a.get("href", "").startswith("data:")]


def fold(text: str) -> str:
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).casefold()


@pytest.mark.parametrize("query", ["surlignage", "communauté"])
def test_highlights_cannot_be_forged_by_content(hostile, client, query):
    """HOSTILE-25 holds the very marks ts_headline is asked to put around matches
    (⟦ ⟧): only the searched word is highlighted, and no mark is left open."""
    html = client.get("/search/", {"q": query}).content.decode()
    root = parse(html)
    marks = [text_of(m) for m in root.iter("mark")]
    assert marks, "no highlighted match"
    stem = fold(query)[:7]
    assert all(stem in fold(m) and len(m) <= len(query) + 2 for m in marks), marks
    assert html.count("<mark>") == html.count("</mark>")
