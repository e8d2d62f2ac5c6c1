"""Movable Type exports through import_dump, on either database: what reaches the database
(expected values from the samples in tests/data/movable-type/), a second import that changes
nothing, and a damaged file that writes nothing."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import ROOT, TESTDATA
from tests.importers.test_reimport import snapshot
from threads.models import Article, Comment

pytestmark = pytest.mark.django_db
DATA = TESTDATA / "movable-type"
GOOD = ["mt-export.txt", "typepad-export.txt", "mt-24h-no-entry.txt"]


# Plain Movable Type exports do not say which blog they are from: import_dump --blog does.
BLOG = "https://mythes-cm.example/"


def run(*names: str, blog: str | None = BLOG) -> str:
    out = io.StringIO()
    options = {"blog": blog} if blog else {}
    call_command(
        "import_dump", *(str(DATA / n) for n in names), stdout=out, stderr=io.StringIO(), **options
    )
    return out.getvalue()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def thread(title: str) -> list[tuple]:
    article = Article.objects.get(title=title)
    return [
        (c.kind, c.author_as_written, c.posted_at, c.date_raw, c.parent_id, c.is_public)
        for c in article.comments.order_by("position")
    ]


def test_mt_export_in_the_database():
    run("mt-export.txt")
    assert Article.objects.count() == 3
    first = Article.objects.get(title="Le community management & ses mythes")
    # Naive source times are Paris time: CET (UTC+1) in March 2008 before the 30th.
    assert first.published_at == utc(2008, 3, 14, 8, 5, 0)
    assert first.external_id == "le_community_management_ses_mythes"
    # The export does not name its blog: it is the one given with --blog.
    assert (first.blog.name, first.blog.url) == ("mythes-cm.example", BLOG)
    assert thread("Le community management & ses mythes") == [
        ("comment", "François Lefèvre", utc(2008, 3, 14, 9, 15, 30), "03/14/2008 10:15:30 AM",
         None, True),
        ("comment", "Zoé & Noël", utc(2008, 3, 14, 13, 45, 0), "03/14/2008 02:45:00 PM",
         None, True),
        ("comment", "Élodie Martin", utc(2008, 3, 14, 23, 5, 9), "03/15/2008 12:05:09 AM",
         None, True),
        ("comment", "Gaëlle", utc(2008, 3, 15, 11, 30, 0), "03/15/2008 12:30:00 PM",
         None, True),
        ("comment", "Anonyme pressé", None, "", None, True),
        ("trackback", "Le Blog d'à côté", utc(2008, 3, 16, 19, 0, 0), "03/16/2008 08:00:00 PM",
         None, True),
    ]  # fmt: skip
    assert thread("Pourquoi « CM » ?") == [
        ("comment", "", utc(2008, 5, 2, 11, 0, 0), "05/02/2008 01:00:00 PM", None, True),
        ("trackback", "CM, un sigle", utc(2008, 5, 2, 22, 0, 0), "05/03/2008 12:00:00 AM",
         None, True),
    ]  # fmt: skip
    ping = Comment.objects.get(kind="trackback", author_as_written="CM, un sigle")
    assert ping.author_url == "http://sigles.example.com/cm"
    draft = Article.objects.get(title="Brouillon : la suite")
    assert draft.status == "draft" and not draft.is_public
    # The HTML is kept sanitised; the link is marked.
    pourquoi = Article.objects.get(title="Pourquoi « CM » ?")
    assert 'rel="nofollow ugc"' in pourquoi.body_html
    # No e-mail or IP address reaches the database.
    for c in Comment.objects.all():
        assert "example.invalid" not in c.body + c.body_html
        assert "192.0.2." not in c.body + c.body_html


def test_typepad_and_24_hour_exports_in_the_database():
    run("typepad-export.txt", "mt-24h-no-entry.txt")
    typepad = Article.objects.filter(blog__name="exemple-cm.typepad.fr")
    assert typepad.count() == 2  # the draft without a permalink is on the same blog
    published = typepad.get(external_id="les-community-managers-a-ouessant")
    # CEST (UTC+2) in October.
    assert published.published_at == utc(2010, 10, 7, 16, 30, 0)
    assert [c.author_as_written for c in published.comments.order_by("position")] == [
        "Hélène",
        "Thierry",
    ]
    untitled_draft = typepad.exclude(pk=published.pk).get()
    assert untitled_draft.title == "(sans titre)" and untitled_draft.published_at is None
    assert thread("A dummy title") == [
        ("comment", "Foo", utc(2002, 1, 31, 14, 47, 6), "01/31/2002 15:47:06", None, True),
        ("comment", "", None, "", None, True),
        ("comment", "Late", utc(2002, 2, 2, 8, 0, 0), "02/02/2002 09:00:00", None, True),
    ]  # fmt: skip
    placeholder = Article.objects.get(external_id="date:2001-12-25 23:00:00")
    assert placeholder.status == "placeholder" and "no-entry" in placeholder.flags
    assert [c.author_as_written for c in placeholder.comments.all()] == ["Noël"]


def test_an_export_that_names_no_blog_needs_one():
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "import_dump",
            str(DATA / "mt-export.txt"),
            stdout=io.StringIO(),
            stderr=(err := io.StringIO()),
        )
    assert "does not say which blog it is from (3 of 3 articles name none)" in err.getvalue()
    assert "--blog URL" in err.getvalue()
    assert not Article.objects.exists()


def test_two_blogs_exports_with_the_same_basenames_stay_apart():
    # Entry basenames repeat from blog to blog ("bienvenue"): each export on its blog.
    run("mt-export.txt", blog="https://premier.example/")
    run("mt-export.txt", blog="https://second.example/")
    assert Article.objects.count() == 6
    assert Article.objects.values("blog").distinct().count() == 2
    assert Comment.objects.count() == 2 * 8


def test_reimport_changes_nothing():
    run(*GOOD)
    before = snapshot()
    out = run(*GOOD)
    assert snapshot() == before
    assert out.count(" 0 new / 0 updated / ") == 2 * len(GOOD)  # articles and comments


def test_damaged_file_writes_nothing():
    run("mt-export.txt")
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        # A good file beside the bad one is not written either.
        call_command(
            "import_dump", str(DATA / "typepad-export.txt"), str(DATA / "mt-truncated.txt"),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    message = err.getvalue()
    assert "mt-truncated.txt: line 40" in message and "COMMENT section" in message
    assert snapshot() == before


def test_damaged_file_exit_code_and_one_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "import_dump", str(DATA / "mt-truncated.txt")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if "mt-truncated.txt" in line]
    assert len(problems) == 1 and "line 40" in problems[0]
