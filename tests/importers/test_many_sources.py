"""One archive, many sources: the five texts, then every real export, imported one after
another into one database, as an archive is built over years. No file may overwrite, merge
or lose what another brought (issue 8)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.conftest import SEEDS, TESTDATA
from threads.models import Article, Comment

pytestmark = pytest.mark.django_db
REALWORLD = TESTDATA / "realworld"
SOURCES = TESTDATA / "sources"

# Each file's own comment count, from outside the code under test: MANIFEST.md for the real
# exports, the counts established by hand for the five texts (docs and issue 2's note).
OWN_COMMENTS = {
    "000_35b5d2382263f78a.txt": 58,
    "001_0a401290472b4421.txt": 133,
    "002_7d607e2aa660a376.txt": 0,
    "003_2762b80dfeb9c568.txt": 20,
    "004_e9026df061dc2806.txt": 47,
    "disqus-isso-disqus.xml": 6,
    "disqus-laisky-blog-graphql-export.xml": 209,
    "wxr-cc-labs-wordpress.xml": 181,
    "wxr-isso-wordpress.xml": 8,
    "wxr-wordpress-importer-theme-unit-test-data.xml": 33,
}
ARCHIVE_ORDER = [*(SEEDS[k] for k in sorted(SEEDS)), *sorted(REALWORLD.glob("*.xml"))]


def import_path(path) -> str:
    out = io.StringIO()
    call_command("import_dump", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot() -> dict[tuple[str, str], list[tuple]]:
    """{(title, url): the comments in reading order (author as written, body, date)}."""
    found: dict[tuple[str, str], list[tuple]] = {}
    for article in Article.objects.order_by("pk"):
        comments = article.comments.order_by("tree_id", "lft").values_list(
            "author_as_written", "body", "posted_at", "level"
        )
        found.setdefault((article.title, article.url), []).extend(comments)
    return found


def alone(path) -> dict[tuple[str, str], list[tuple]]:
    """What the file gives imported into an empty archive (rolled back afterwards)."""
    with transaction.atomic():
        import_path(path)
        result = snapshot()
        transaction.set_rollback(True)
    return result


def test_every_source_keeps_its_articles_and_comments_in_one_archive():
    expected = {path.name: alone(path) for path in ARCHIVE_ORDER}
    assert Article.objects.count() == 0

    for path in ARCHIVE_ORDER:
        import_path(path)

    assert Comment.objects.count() == sum(OWN_COMMENTS.values()) == 695
    combined = snapshot()
    for name, articles in expected.items():
        assert sum(len(c) for c in articles.values()) == OWN_COMMENTS[name], name
        for (title, url), comments in articles.items():
            # The article is still there with its own title and URL, and every comment the
            # file brought is in it, in the same order and at the same depth.
            assert (title, url) in combined, (name, title)
            kept = combined[(title, url)]
            assert [c for c in kept if c in comments] == comments, (name, title)


def test_reimporting_every_source_changes_nothing():
    for path in ARCHIVE_ORDER:
        import_path(path)
    before = snapshot()
    ids = list(Comment.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght"))
    for path in ARCHIVE_ORDER:
        out = import_path(path)
        assert " 0 new / 0 updated " in out, out
    assert snapshot() == before
    assert list(Comment.objects.order_by("pk").values_list("pk", "tree_id", "lft", "rght")) == ids


def test_a_site_root_thread_never_matches_an_article_without_url(texts):
    """The issue's first finding: Disqus's 'http://example.org/' rewrote text 003."""
    quest = Article.objects.get(title__startswith="La quête de sens")
    assert quest.url == ""
    before = list(quest.comments.values_list("pk", "body", "stance_source"))

    out = import_path(REALWORLD / "disqus-isso-disqus.xml")

    quest.refresh_from_db()
    assert quest.title.startswith("La quête de sens")
    assert quest.url == "" and quest.body
    assert list(quest.comments.values_list("pk", "body", "stance_source")) == before
    assert not any("absent-from-source" in flags for flags in quest.comments.values_list(
        "flags", flat=True
    ))  # fmt: skip
    hello = Article.objects.get(title="Hello, World!")
    assert hello.url == "http://example.org/" and hello.comments.count() == 4
    assert "3 new / 0 updated" in out


def test_a_disqus_thread_joins_the_wxr_post_of_the_same_page_only():
    import_path(REALWORLD / "wxr-isso-wordpress.xml")
    post = Article.objects.get(url="http://example.tld/2014/test/")
    wxr_comments = list(post.comments.values_list("pk", "body", "tree_id", "lft"))
    title, body = post.title, post.body

    out = import_path(SOURCES / "disqus-thread-of-wxr-post.xml")

    post.refresh_from_db()
    # https://www.…/#comments is the same page: its comments join the post, whose own
    # fields and comments stay the WXR's.
    assert (post.title, post.body) == (title, body)
    assert list(post.comments.filter(origin__startswith="wxr:").values_list(
        "pk", "body", "tree_id", "lft"
    )) == wxr_comments  # fmt: skip
    disqus = post.comments.filter(origin__startswith="disqus:").order_by("tree_id", "lft")
    assert [(c.author_as_written, c.level) for c in disqus] == [
        ("Camille Durand", 0),
        ("Jules Martin", 1),
    ]
    assert "join the article" in out
    # The same path on another host is another page, and a site root a page of its own.
    other = Article.objects.get(url="http://other-site.example/2014/test/")
    assert other.title == "Another site, same path" and other.comments.count() == 1
    root = Article.objects.get(url="http://example.org/")
    assert root.title == "A site root" and root.comments.count() == 1
    assert Comment.objects.count() == 8 + 4

    # Importing the WXR again leaves the Disqus comments alone, and the reverse.
    assert "0 new / 0 updated / 2 unchanged articles" in import_path(
        REALWORLD / "wxr-isso-wordpress.xml"
    )
    assert " 0 new / 0 updated " in import_path(SOURCES / "disqus-thread-of-wxr-post.xml")
    assert Comment.objects.count() == 12


def test_two_disqus_forums_never_reconcile_each_others_comments():
    """Two Disqus exports naming the same page (http://example.org/) both keep their posts:
    the comments' origin is the forum, not just the format."""
    import_path(REALWORLD / "disqus-isso-disqus.xml")
    import_path(SOURCES / "disqus-thread-of-wxr-post.xml")
    root = Article.objects.get(url="http://example.org/")
    assert root.title == "Hello, World!"  # the first forum's article keeps its fields
    assert sorted(set(root.comments.values_list("origin", flat=True))) == [
        "disqus:name:disqusdev",
        "disqus:name:isso-comments",
    ]
    assert root.comments.count() == 4 + 1
    assert Comment.objects.count() == 6 + 4


def test_same_path_on_two_hosts_stays_two_articles(tmp_path):
    """The isso WXR again, as exported by a mirror of the site at another host."""
    text = (REALWORLD / "wxr-isso-wordpress.xml").read_text(encoding="utf-8")
    mirror = tmp_path / "wxr-isso-mirror.xml"
    mirror.write_text(text.replace("example.tld", "mirror.example"), encoding="utf-8")
    import_path(REALWORLD / "wxr-isso-wordpress.xml")
    original = snapshot()

    import_path(mirror)

    assert Article.objects.count() == 4 and Comment.objects.count() == 16
    combined = snapshot()
    assert all(combined[key] == comments for key, comments in original.items())
    assert set(Article.objects.values_list("normalized_url", flat=True)) == {
        "example.tld/2014/test", "example.tld?p=4",
        "mirror.example/2014/test", "mirror.example?p=4",
    }  # fmt: skip
