"""A reader in a real browser: Playwright driving Debian's chromium (/usr/bin/chromium,
installed by .ci/run; Playwright's own browser download is not available here).

Opens a thread, folds a sub-thread, follows permalinks, applies a filter."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.conftest import FIXTURES, SEEDS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing: apt-get install -y chromium (.ci/run does it)",
    ),
    pytest.mark.django_db(transaction=True),
]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
)


@pytest.fixture
def data():
    from threads.models import Article, Comment

    call_command("import_dump", str(FIXTURES), verbosity=0)
    article = Article.objects.get(source__file_name=SEEDS["000"].name)
    by_position = {c.position: c for c in Comment.objects.filter(article=article)}
    # One disagreement dated 2010 to filter on (Arnaud's first comment on 001).
    Comment.objects.update(stance="unknown", stance_source="")
    arnaud = Comment.objects.get(body__startswith="Avec de genre de titre")
    Comment.objects.filter(pk=arnaud.pk).update(stance="disagree", stance_source="curated")
    return {
        "thread": article.get_absolute_url(),
        "guillaume": by_position[25].pk,  # a root with a sub-thread of 4 replies
        "celine": by_position[26].pk,  # inside it
        "eric": by_position[4].pk,
        "owner_answer": by_position[5].pk,  # "@ Eric : C’est vrai …", addressed to Eric
        "arnaud": arnaud.pk,
    }


@pytest.fixture
def page(live_server, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM is not used while
    # it runs, but Django's guard would still refuse the live server's flush afterwards.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        host = urlsplit(live_server.url).netloc
        assert all(urlsplit(url).netloc == host for url in requested), "no CDN, no fonts"
        assert not errors, errors
        browser.close()


def test_read_a_thread_fold_follow_permalinks_and_filter(live_server, data, page):
    expect = sync_api.expect
    page.goto(live_server.url + data["thread"])
    expect(page.locator("h1")).to_have_text(
        "Lettre ouverte à mes grands amis les Charlatans Managers"
    )
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Charter")

    # Fold Guillaume's sub-thread: celine's reply disappears, the summary stays.
    celine = page.locator(f"#c{data['celine']} > article")
    expect(celine).to_be_visible()
    summary = page.locator(f"#c{data['guillaume']} > details.replies > summary")
    expect(summary).to_have_text("4 réponses à Guillaume")
    summary.click()
    expect(celine).to_be_hidden()
    assert not page.locator(f"#c{data['guillaume']} > details.replies").evaluate("d => d.open")

    # A permalink into the folded sub-thread opens it (the small script) and shows it.
    page.goto(f"{live_server.url}{data['thread']}#c{data['celine']}")
    expect(celine).to_be_visible()
    expect(celine).to_be_in_viewport()

    # "en réponse à Eric": an in-page link to the addressed comment.
    answer = page.locator(f"#c{data['owner_answer']} .c-meta")
    answer.get_by_role("link", name="Eric").click()
    expect(page).to_have_url(re.compile(rf"#c{data['eric']}$"))
    expect(page.locator(f"#c{data['eric']} > article")).to_be_in_viewport()

    # The comment's own page, then back into the thread at its place.
    page.locator(f"#c{data['celine']} > article .permalink").click()
    expect(page).to_have_url(re.compile(rf"/comments/{data['celine']}/$"))
    expect(page.locator("h1")).to_have_text("Commentaire de celine")
    expect(page.get_by_text("2 réponses directes")).to_be_visible()
    page.get_by_role("link", name="Voir ce commentaire dans le fil").click()
    expect(page).to_have_url(re.compile(rf"{data['thread']}#c{data['celine']}$"))
    expect(celine).to_be_in_viewport()

    # Filter: every disagreement posted in 2010.
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Commentaires"
    ).click()
    page.get_by_label("en désaccord").check()
    page.get_by_label("Année").fill("2010")
    page.get_by_role("button", name="Appliquer").click()
    expect(page).to_have_url(re.compile(r"/comments/\?.*stance=disagree.*year=2010"))
    expect(page.locator(".count")).to_have_text("1 commentaire")
    expect(page.locator(f'.hit a.permalink[href="/comments/{data["arnaud"]}/"]')).to_be_visible()


def test_thread_on_a_phone_in_dark_mode(live_server, data, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme="dark")
    page.goto(live_server.url + data["thread"])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no sideways scrolling on a phone"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 22, 26)"
    # keyboard: the skip link is the first stop and shows when focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
