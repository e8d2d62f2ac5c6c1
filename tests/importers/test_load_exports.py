"""The five real export files import with the MANIFEST.md facts (tests/data/realworld/), on
either database, and a second import changes nothing."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Max

from tests.conftest import TESTDATA
from threads.models import Article, Comment

pytestmark = pytest.mark.django_db
REALWORLD = TESTDATA / "realworld"

# From MANIFEST.md: total, kinds, top-level, replies, max nesting level, hidden (not
# approved / deleted / spam), articles holding comments.
FACTS = {
    "wxr-wordpress-importer-theme-unit-test-data.xml": dict(
        total=33, kinds={"comment": 29, "pingback": 2, "trackback": 2}, top=23, replies=10,
        max_level=10, hidden=3, with_comments=7,
    ),
    "wxr-cc-labs-wordpress.xml": dict(
        total=181, kinds={"comment": 119, "pingback": 62}, top=178, replies=3, max_level=2,
        hidden=0, with_comments=80,
    ),
    "wxr-isso-wordpress.xml": dict(
        total=8, kinds={"comment": 8}, top=5, replies=3, max_level=3, hidden=0, with_comments=2,
    ),
    "disqus-laisky-blog-graphql-export.xml": dict(
        # 61 threads with posts; the 3 threads of /p/第三种黑猩猩 are one article.
        total=209, kinds={"comment": 209}, top=91, replies=118, max_level=8, hidden=5,
        with_comments=59,
    ),
    "disqus-isso-disqus.xml": dict(
        # 2 threads with posts, and a placeholder for missing thread 1337.
        total=6, kinds={"comment": 6}, top=4, replies=2, max_level=2, hidden=1, with_comments=3,
    ),
}  # fmt: skip


def import_file(name: str) -> str:
    out = io.StringIO()
    call_command("import_dump", str(REALWORLD / name), stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(FACTS))
def test_manifest_facts(name):
    facts = FACTS[name]
    import_file(name)
    comments = list(Comment.objects.all())
    assert len(comments) == facts["total"]
    assert Counter(c.kind for c in comments) == facts["kinds"]
    assert sum(c.parent_id is None for c in comments) == facts["top"]
    assert sum(c.parent_id is not None for c in comments) == facts["replies"]
    assert Comment.objects.aggregate(m=Max("level"))["m"] + 1 == facts["max_level"]
    assert sum(not c.is_public for c in comments) == facts["hidden"]
    assert (
        Article.objects.filter(comments__isnull=False).distinct().count()
        == (facts["with_comments"])
    )
    # No e-mail or IP address reaches the database.
    for c in comments:
        assert "@example.invalid" not in c.body + c.body_html
        assert "192.0.2." not in c.body + c.body_html

    before = (
        list(Comment.objects.order_by("pk").values()),
        list(Article.objects.order_by("pk").values()),
    )
    out = import_file(name)
    assert " 0 new / 0 updated / " in out
    after = (
        list(Comment.objects.order_by("pk").values()),
        list(Article.objects.order_by("pk").values()),
    )
    assert before == after


def test_wxr_deep_chain_and_unpublished_posts():
    import_file("wxr-wordpress-importer-theme-unit-test-data.xml")
    deepest = Comment.objects.get(level=9)
    chain = list(deepest.get_ancestors(include_self=True))
    assert [c.level for c in chain] == list(range(10))
    assert len({c.article_id for c in chain}) == 1
    # Unapproved comment 1017 replies to 168: kept, hidden, under its parent.
    pending = Comment.objects.get(source_id="1017")
    assert not pending.is_public and pending.parent.source_id == "168"
    # Draft and future posts are imported but hidden.
    assert Article.objects.filter(status="draft", is_public=False).exists()
    assert Article.objects.filter(status="future", is_public=False).exists()
    # Trackback 922's author begins with a newline and indentation in the file: stripped.
    assert not Comment.objects.get(source_id="922").author_as_written.startswith(("\n", " "))


def test_wxr_html_is_sanitised_and_links_marked():
    import_file("wxr-wordpress-importer-theme-unit-test-data.xml")
    for c in Comment.objects.exclude(body_html=""):
        assert "<script" not in c.body_html.lower() and "onerror" not in c.body_html.lower()
    linked = [c for c in Comment.objects.all() if "<a " in c.body_html]
    assert linked and all('rel="nofollow ugc"' in c.body_html for c in linked)


def test_disqus_deleted_parent_keeps_its_replies():
    import_file("disqus-laisky-blog-graphql-export.xml")
    deleted = Comment.objects.get(source_id="2579656643")
    reply = Comment.objects.get(source_id="2580408508")
    grandchild = Comment.objects.get(source_id="2580697267")
    assert deleted.status == "deleted" and not deleted.is_public
    assert reply.parent == deleted and reply.is_public
    assert grandchild.parent == reply and not grandchild.is_public


def test_disqus_threads_of_one_page_merge_and_join_an_existing_article():
    import_file("disqus-laisky-blog-graphql-export.xml")
    merged = [a for a in Article.objects.all() if "第三种黑猩猩" in a.normalized_url]
    assert len(merged) == 1
    # A later export of the same page, even under another host, joins the same article.
    assert merged[0].comments.count() >= 2


def test_disqus_missing_thread_gets_a_placeholder():
    import_file("disqus-isso-disqus.xml")
    post = Comment.objects.get(source_id="6")
    assert "missing-thread" in post.article.flags
    reply_to_deleted = Comment.objects.get(source_id="11")
    assert reply_to_deleted.parent.source_id == "9" and reply_to_deleted.parent.status == "deleted"


@pytest.mark.parametrize(
    "name,expected",
    [
        ("wxr-xxe.xml", "entit"),
        ("wxr-billion-laughs.xml", "entit"),
        ("wxr-truncated.xml", "line"),
        ("disqus-truncated.xml", "line"),
    ],
)
def test_hostile_or_broken_xml_writes_nothing(name, expected):
    err = io.StringIO()
    with pytest.raises(Exception, match="nothing was written"):
        call_command("import_dump", str(TESTDATA / "xml" / name), stderr=err, stdout=io.StringIO())
    assert expected in err.getvalue().lower()
    assert Comment.objects.count() == Article.objects.count() == 0


@pytest.mark.parametrize("name", ["wxr-orphan.xml", "disqus-orphan.xml", "wxr-cycle.xml"])
def test_orphans_and_cycles_are_imported_flagged_and_reported(name):
    out = io.StringIO()
    call_command("import_dump", str(TESTDATA / "xml" / name), stdout=out, stderr=io.StringIO())
    flagged = [c for c in Comment.objects.all() if {"orphan", "cycle-broken"} & set(c.flags)]
    assert flagged and all(c.parent_id is None for c in flagged)
    assert "warning:" in out.getvalue()


def test_same_post_id_in_two_blogs_stays_two_articles():
    # cc-labs and isso both have a post 18; isso's channel names no blog.
    import_file("wxr-cc-labs-wordpress.xml")
    import_file("wxr-isso-wordpress.xml")
    assert Article.objects.filter(external_id="18").count() == 2
    assert Comment.objects.count() == 181 + 8


def test_new_dump_gets_stance_suggestions_with_cues():
    import_file("wxr-cc-labs-wordpress.xml")
    comments = list(Comment.objects.all())
    assert all(c.stance_source == "auto" and c.auto_stance == c.stance for c in comments)
    assert all(c.stance == "neutral" for c in comments if c.kind == "pingback")
    assert any(c.auto_cues for c in comments)
