"""html-page in the database: import_dump of the sample pages (a folder of .html files)
gives the comment trees, authors and dates read off the samples; a second import changes
nothing; a bad page writes nothing and says why in one line."""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import ROOT, TESTDATA
from tests.importers.test_reimport import snapshot
from threads.models import Article, Comment

pytestmark = pytest.mark.django_db
PAGES = TESTDATA / "html-page"
BAD = PAGES / "bad"
CEST = timezone(timedelta(hours=2))

# Per page: (comments, kinds, top-level, deepest level (0-based), hidden), read off the samples.
FACTS = {
    "Faut-il brûler les radars ?": (9, {"comment": 7, "pingback": 1, "trackback": 1}, 5, 4, 1),
    "Speed Cameras Revisited": (4, {"comment": 3, "pingback": 1}, 3, 1, 1),
    "La piste cyclable du canal": (5, {"comment": 5}, 3, 1, 1),
    "Tomates et mildiou": (3, {"comment": 3}, 3, 0, 1),
    "Le retour des abeilles": (4, {"comment": 3, "trackback": 1}, 4, 0, 0),
    "Zones 30 : et si on essayait ?": (2, {"comment": 2}, 1, 1, 0),
    "Un billet piégé": (3, {"comment": 3}, 3, 0, 0),
    "Un billet sans réaction": (0, {}, 0, None, 0),
}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_dump", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_folder_of_pages_imports_the_samples_and_reimport_changes_nothing():
    run(str(PAGES))
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(FACTS)
    for title, (total, kinds, top, deepest, hidden) in FACTS.items():
        comments = list(Comment.objects.filter(article__title=title))
        assert len(comments) == total, title
        assert Counter(c.kind for c in comments) == kinds, title
        assert sum(c.parent_id is None for c in comments) == top, title
        assert max((c.level for c in comments), default=None) == deepest, title
        assert sum(not c.is_public for c in comments) == hidden, title

    # The WordPress thread, nested five deep, with its authors and aware dates.
    article = Article.objects.get(title="Faut-il brûler les radars ?")
    assert article.url == "https://blog.exemple.fr/2010/05/03/faut-il-bruler-les-radars/"
    assert article.blog.name == "Le Blog d’Élodie"
    # Two pages of one blog (its home link on one, only its host on the other): one blog.
    assert Article.objects.get(title="Un billet sans réaction").blog == article.blog
    deepest = Comment.objects.get(article=article, source_id="105")
    chain = list(deepest.get_ancestors(include_self=True))
    assert [c.source_id for c in chain] == ["101", "102", "103", "104", "105"]
    assert [c.author_as_written for c in chain] == [
        "Jean-Cédric", "Élodie Martin", "Jean-Cédric", "Zoé « la Rouge »", "Élodie Martin",
    ]  # fmt: skip
    assert chain[0].posted_at == datetime(2010, 5, 3, 14, 5, tzinfo=CEST)
    assert chain[0].author_url == "http://jc.example.org/"
    pending = Comment.objects.get(article=article, source_id="106")
    assert pending.status == "pending" and not pending.is_public
    ping = Comment.objects.get(article=article, source_id="107")
    assert ping.kind == "pingback" and ping.author_id is None

    blogger = Comment.objects.get(source_id="6022222222222222222")
    assert blogger.parent.source_id == "6011111111111111111"
    assert blogger.posted_at == datetime(2012, 6, 12, 9, 47, tzinfo=UTC)
    assert Comment.objects.get(source_id="6033333333333333333").status == "deleted"

    # The archived page is filed under the original site, its links un-rewritten.
    wayback = Article.objects.get(title="Zones 30 : et si on essayait ?")
    assert wayback.url == "http://www.velo-citoyen.example.org/2011/03/zones-30/"
    assert not Comment.objects.filter(body_html__contains="archive.org").exists()
    assert "archive.org" not in wayback.body_html

    # The hostile page's markup is inert.
    for c in Comment.objects.filter(article__title="Un billet piégé"):
        lowered = c.body_html.lower()
        assert "<script" not in lowered and "javascript:" not in lowered
        assert "onerror" not in lowered and "onmouseover" not in lowered
        assert c.author_url in ("", "https://relatif.example.net/profil")

    before = snapshot()
    out = run(str(PAGES))
    assert snapshot() == before
    assert out.count("0 new / 0 updated / 1 unchanged articles") == len(FACTS)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("no-comment-list.html", "an HTML page with no comment list found"),
        ("truncated.html", "it looks truncated"),
    ],
)
def test_bad_page_writes_nothing_and_says_why(name, said):
    run(str(PAGES / "wp-legacy-en.html"))
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        # A good page beside the bad one is not written either.
        call_command(
            "import_dump", str(PAGES / "dotclear-fr.html"), str(BAD / name),
            stderr=err, stdout=io.StringIO(),
        )  # fmt: skip
    message = err.getvalue()
    assert str(BAD / name) in message and said in message
    assert snapshot() == before


def test_bad_page_exit_code_one_line_no_traceback():
    bad = str(BAD / "no-comment-list.html")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_dump", "--dry-run", bad],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "no-comment-list.html" in line]
    assert len(lines) == 1 and "no comment list found" in lines[0]
