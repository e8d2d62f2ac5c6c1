"""The Blogger samples (tests/data/blogger/) through `import_dump`, on either database: the
comment tree, authors, dates and statuses in the database; a second import changes nothing;
a damaged file writes nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import TESTDATA
from tests.importers.test_reimport import snapshot
from threads.models import Article, Comment

pytestmark = pytest.mark.django_db
DATA = TESTDATA / "blogger"
C = "tag:blogger.com,1999:blog-7000."
T = "tag:blogger.com,1999:blog-8000."


def import_file(name: str) -> str:
    out = io.StringIO()
    call_command("import_dump", str(DATA / name), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def tree(article: Article) -> dict[str, tuple]:
    """source id -> (parent source id, level, author as written, status, public)."""
    return {
        c.source_id: (
            c.parent.source_id if c.parent_id else None,
            c.level,
            c.author_as_written,
            c.status,
            c.is_public,
        )
        for c in article.comments.select_related("parent")
    }


def test_classic_export_in_the_database():
    import_file("classic-export.xml")
    assert Article.objects.count() == 4  # 2 posts, 1 page, 1 placeholder
    debate = Article.objects.get(external_id=C + "post-1001")
    assert debate.blog.name == "Le Café des Débats"
    assert debate.status == "publish" and debate.is_public
    assert debate.published_at == datetime(2010, 5, 12, 8, 23, tzinfo=UTC)
    assert tree(debate) == {
        C + "post-2001": (None, 0, "Jean-Marc Lefèvre", "approved", True),
        C + "post-2002": (C + "post-2001", 1, "François Bérubé", "approved", True),
        C + "post-2003": (C + "post-2002", 2, "Hélène Dupré", "approved", True),
        C + "post-2004": (C + "post-2003", 3, "Jean-Marc Lefèvre", "approved", True),
        C + "post-2005": (C + "post-2002", 2, "Zoé", "approved", True),
        C + "post-2006": (None, 0, "Anonyme", "approved", True),
        C + "post-2007": (None, 0, "Paul Martin", "deleted", False),
        C + "post-2008": (None, 0, "Troll du Quartier", "deleted", False),
        C + "post-2009": (C + "post-2008", 1, "Zoé", "approved", True),
        C + "post-2010": (None, 0, "Paul Martin", "approved", True),
    }
    assert Comment.objects.get(source_id=C + "post-2010").flags == ["orphan"]
    first = Comment.objects.get(source_id=C + "post-2001")
    assert first.posted_at == datetime(2010, 5, 12, 9, 0, tzinfo=UTC)
    assert first.date_raw == "2010-05-12T11:00:00.000+02:00"
    draft = Article.objects.get(external_id=C + "post-1002")
    assert draft.status == "draft" and not draft.is_public
    missing = Article.objects.get(external_id=C + "post-1099")
    assert missing.flags == ["missing-post"] and missing.comments.count() == 1
    # The anonymous comment's link is sanitised, not trusted.
    anonymous = Comment.objects.get(source_id=C + "post-2006")
    assert 'rel="nofollow ugc"' in anonymous.body_html


def test_takeout_export_in_the_database():
    import_file("takeout-feed.atom")
    live = Article.objects.get(external_id=T + "post-5001")
    assert tree(live) == {
        T + "post-7001": (None, 0, "Benoît Roux", "approved", True),
        T + "post-7002": (T + "post-7001", 1, "Chloé Nguyễn", "approved", True),
        T + "post-7003": (T + "post-7002", 2, "Anaïs Lemoine", "approved", True),
        T + "post-7004": (None, 0, "Paul Martin", "deleted", False),
        T + "post-7005": (None, 0, "", "spam", False),
        T + "post-7006": (None, 0, "Anonymous", "pending", False),
        T + "post-7007": (T + "post-7001", 1, "Zoé", "approved", True),
    }
    assert Comment.objects.get(source_id=T + "post-7007").posted_at == datetime(
        2019, 3, 5, 8, 0, tzinfo=UTC
    )
    page = Article.objects.get(external_id=T + "page-6001")
    assert page.comments.get().author_as_written == "Benoît Roux"
    assert not Article.objects.get(external_id=T + "post-5002").is_public


@pytest.mark.parametrize("name", ["classic-export.xml", "takeout-feed.atom"])
def test_second_import_changes_nothing(name):
    import_file(name)
    before = snapshot()
    out = import_file(name)
    assert " 0 new / 0 updated / " in out
    assert snapshot() == before


def test_damaged_file_writes_nothing():
    import_file("takeout-feed.atom")
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_dump", str(DATA / "truncated.xml"), stderr=err, stdout=io.StringIO())
    message = err.getvalue()
    assert "truncated.xml" in message and "line 136" in message
    assert len(message.strip().splitlines()) == 1
    assert snapshot() == before
