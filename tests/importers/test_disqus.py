"""Disqus export parser: real exports (expected numbers from shared MANIFEST.md, not from the
parser) and small hand-made files, one per awkward input."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import pytest

from importers import disqus, wxr
from importers.parsed import COMMENT, ParseError
from tests.importers.parsed_helpers import all_strings, levels

DATA = Path(__file__).resolve().parent.parent / "data"
REAL = DATA / "realworld"
EDGE = DATA / "xml"

LAISKY = "disqus-laisky-blog-graphql-export.xml"
ISSO = "disqus-isso-disqus.xml"
NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"


def real(name: str):
    return disqus.parse((REAL / name).read_text(encoding="utf-8"))


def edge(name: str):
    return disqus.parse_bytes((EDGE / name).read_bytes())


def by_id(dump) -> dict[str, tuple]:
    return {c.source_id: (a, c) for a in dump.articles for c in a.comments}


# Facts from MANIFEST.md ("Facts: Disqus"), one column per file.
FACTS = {
    LAISKY: {
        "posts": 209,
        "statuses": {"approved": 204, "deleted": 4, "spam": 1},
        "top_level": 91,
        "replies": 118,
        "max_level": 8,
        "per_level": {1: 91, 2: 72, 3: 21, 4: 9, 5: 5, 6: 6, 7: 4, 8: 1},
        # 61 threads with posts; one page's posts are split over 3 threads -> 1 article.
        "articles_with_posts": 61 - 3 + 1,
        "placeholders": 0,
        "replies_to_hidden": 1,
        "names": 72,
        "usernames": 60,
        "empty_names": 3,
        "empty_messages": 3,
        "non_ascii_messages": 194,
        "non_bmp_chars": 29,
        "forum": "laisky",
    },
    ISSO: {
        "posts": 6,
        "statuses": {"approved": 5, "deleted": 1},
        "top_level": 4,
        "replies": 2,
        "max_level": 2,
        "per_level": {1: 4, 2: 2},
        # 2 threads with posts, plus the placeholder for missing thread 1337.
        "articles_with_posts": 2 + 1,
        "placeholders": 1,
        "replies_to_hidden": 1,
        "names": 4,
        "usernames": 2,
        "empty_names": 0,
        "empty_messages": 1,
        "non_ascii_messages": 0,
        "non_bmp_chars": 0,
        "forum": "disqusdev",
    },
}


@pytest.fixture(scope="module", params=list(FACTS))
def parsed(request):
    name = request.param
    return name, real(name), FACTS[name]


def test_post_counts_and_statuses(parsed):
    _, dump, facts = parsed
    posts = [c for a in dump.articles for c in a.comments]
    assert len(posts) == facts["posts"]
    assert Counter(c.status for c in posts) == facts["statuses"]
    assert {c.kind for c in posts} == {COMMENT}
    assert len({c.source_id for c in posts}) == facts["posts"]


def test_tree_shape(parsed):
    _, dump, facts = parsed
    per_level: Counter[int] = Counter()
    top = replies = hidden_parent = 0
    for article in dump.articles:
        for comment, level in zip(article.comments, levels(article.comments), strict=True):
            per_level[level] += 1
            top += comment.parent is None
            replies += comment.parent is not None
            if comment.parent is not None:
                hidden_parent += article.comments[comment.parent].status in ("deleted", "spam")
    assert (top, replies) == (facts["top_level"], facts["replies"])
    assert max(per_level) == facts["max_level"]
    assert dict(per_level) == facts["per_level"]
    assert hidden_parent == facts["replies_to_hidden"]
    assert not [c for a in dump.articles for c in a.comments if "orphan" in c.flags]


def test_threads_to_articles(parsed):
    name, dump, facts = parsed
    assert dump.format == "disqus"
    assert len([a for a in dump.articles if a.comments]) == facts["articles_with_posts"]
    placeholders = [a for a in dump.articles if a.status == "placeholder"]
    assert len(placeholders) == facts["placeholders"]
    assert all(a.flags == ["missing-thread"] for a in placeholders)
    assert {a.blog_name for a in dump.articles} == {facts["forum"]}
    # Every thread is in exactly one article: as its source or merged into one.
    root = ET.parse(REAL / name).getroot()
    keys = set()
    for thread in root.findall(NS + "thread"):  # not posts' <thread dsq:id/> references
        link = (thread.findtext(NS + "link") or "").strip()
        keys.add(disqus.normalize_link(link) if link else "#" + thread.get(DSQ_ID))
    assert len(dump.articles) - facts["placeholders"] == len(keys)


def test_authors_and_bodies(parsed):
    _, dump, facts = parsed
    posts = [c for a in dump.articles for c in a.comments]
    assert len({c.author for c in posts if c.author}) == facts["names"]
    assert len({c.author_handle for c in posts if c.author_handle}) == facts["usernames"]
    assert sum(not c.author for c in posts) == facts["empty_names"]
    empty = [c for c in posts if not c.body_html.strip()]
    assert len(empty) == facts["empty_messages"]
    assert {c.status for c in empty} == {"deleted"} and all(c.body == "" for c in empty)
    assert (
        sum(bool(re.search(r"[^\x00-\x7f]", c.body_html)) for c in posts)
        == facts["non_ascii_messages"]
    )
    # No emoji lost on the way to text.
    non_bmp = re.compile("[\U00010000-\U0010ffff]")
    assert sum(len(non_bmp.findall(c.body)) for c in posts) == facts["non_bmp_chars"]
    assert not [c for c in posts if re.search(r"</?(p|br|a)\b", c.body)]
    assert all(c.posted_at is not None and c.posted_at.tzinfo is not None for c in posts)


def test_no_email_or_ip_in_output(parsed):
    name, dump, _ = parsed
    root = ET.parse(REAL / name).getroot()
    private = {
        (e.text or "").strip() for e in root.iter() if e.tag in (NS + "email", NS + "ipAddress")
    } - {""}
    out = "\n".join(all_strings(dump))
    assert not [p for p in private if p in out]
    if name == ISSO:
        assert private == {"foo@bar.com", "baz@email.foo", "127.0.0.1"}
    assert not re.search(
        r"[\w.+-]+@[\w-]+\.[\w.]+", "\n".join(c.author for a in dump.articles for c in a.comments)
    )


def test_parse_bytes_matches_parse():
    for name in FACTS:
        assert disqus.parse_bytes((REAL / name).read_bytes()) == real(name)


def test_detect(parsed):
    name, _, _ = parsed
    text = (REAL / name).read_text(encoding="utf-8")
    assert disqus.detect(text)
    assert not wxr.detect(text)


def test_detect_rejects_others():
    assert not disqus.detect((REAL / "wxr-isso-wordpress.xml").read_text(encoding="utf-8"))
    assert not disqus.detect(
        (REAL / "wxr-wordpress-importer-theme-unit-test-data.xml").read_text(encoding="utf-8")
    )
    assert not disqus.detect("Le 3 mai 2010, Jean a écrit :\n\nJe ne suis pas d'accord.\n")
    assert not disqus.detect("")
    assert not disqus.detect("<html><body>Comments powered by Disqus</body></html>")


# --- details of the real files named in MANIFEST.md


def test_laisky_merged_thread():
    dump = real(LAISKY)
    path = "/p/第三种黑猩猩"
    merged = [a for a in dump.articles if disqus.normalize_link(a.url) == path]
    assert len(merged) == 1
    (article,) = merged
    assert "merged-threads" in article.flags
    assert not article.url.startswith("http://localhost")  # the public address wins
    # Independently of the parser: the threads of that page, the 3 with posts, their posts.
    root = ET.parse(REAL / LAISKY).getroot()
    tids = {
        t.get(DSQ_ID)
        for t in root.findall(NS + "thread")
        if unquote(re.sub(r"^\w+://[^/]+", "", t.findtext(NS + "link") or "")).lower().rstrip("/")
        == path
    }
    posts = [p for p in root.findall(NS + "post") if p.find(NS + "thread").get(DSQ_ID) in tids]
    assert len({p.find(NS + "thread").get(DSQ_ID) for p in posts}) == 3
    assert {c.source_id for c in article.comments} == {p.get(DSQ_ID) for p in posts}
    # The merge is reported, naming the three threads.
    (warning,) = [w for w in dump.warnings if path in w]
    assert all(p.find(NS + "thread").get(DSQ_ID) in warning for p in posts)


def test_laisky_deleted_post_keeps_its_replies():
    index = by_id(real(LAISKY))
    article, top = index["2579656643"]
    _, reply = index["2580408508"]
    _, reply2 = index["2580697267"]
    assert (top.status, top.parent) == ("deleted", None)
    assert reply.status == "approved"
    assert article.comments[reply.parent] is top
    assert reply2.status == "deleted"
    assert article.comments[reply2.parent] is reply
    # Deleted post 4594525391 keeps its author and message.
    _, kept = index["4594525391"]
    assert kept.status == "deleted" and kept.author and kept.body


def test_laisky_dates_and_handles():
    index = by_id(real(LAISKY))
    _, first = index["1927173747"]
    assert first.posted_at == datetime(2015, 3, 25, 14, 10, 41, tzinfo=UTC)
    assert first.date_raw == "2015-03-25T14:10:41Z"
    assert (first.author, first.author_handle) == ("ppcelery", "ppcelery")
    _, two_paragraphs = index["2400576815"]
    assert two_paragraphs.body == (
        "博主有没有一些适合入门的文章或者书籍推荐，能做出这种交互的可视化图表，太cool了！\n\n"
        "博主有没有qq群什么，想多向楼主学习哈。"
    )
    _, line_break = index["2349635824"]
    assert line_break.body == "请问这个怎么和template连用呢？\n不太懂啊..."


def test_isso_details():
    dump = real(ISSO)
    index = by_id(dump)
    placeholder, orphan_thread_post = index["6"]
    assert (placeholder.source_id, placeholder.status) == ("1337", "placeholder")
    assert placeholder.comments == [orphan_thread_post]
    assert any("1337" in w for w in dump.warnings)
    article, reply = index["11"]
    assert article.comments[reply.parent].source_id == "9"
    assert article.comments[reply.parent].status == "deleted"
    assert (article.source_id, article.title, article.url) == (
        "2",
        "Hello, World!",
        "http://example.org/",
    )
    assert (
        index["5"][1].body == "Hello, World." and index["5"][1].body_html == "<p>Hello, World.</p>"
    )
    assert index["5"][1].author_handle == "user"
    assert index["4"][1].author_handle == ""  # anonymous: keyed by name
    # Thread 7: empty <id/> and <title/>; thread 3: nothing but <id/>.
    assert index["8"][0].source_id == "7" and index["8"][0].title == ""
    assert any(a.source_id == "3" and a.url == "" and not a.comments for a in dump.articles)


# --- normalize_link


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://blog.laisky.com/p/%e7%ac%ac%e4%b8%89%e7%a7%8d%e9%bb%91%e7%8c%a9%e7%8c%a9",
            "/p/第三种黑猩猩",
        ),
        (
            "http://localhost:27850/p/%E7%AC%AC%E4%B8%89%E7%A7%8D%E9%BB%91%E7%8C%A9%E7%8C%A9/",
            "/p/第三种黑猩猩",
        ),
        ("https://Blog.Example/Some/Page/", "/some/page"),
        ("http://example.org/", ""),
        ("http://example.tld/?p=4", "/?p=4"),
        ("  https://x.example/a%20b  ", "/a b"),
        ("/already/a/path/", "/already/a/path"),
    ],
)
def test_normalize_link(url, expected):
    assert disqus.normalize_link(url) == expected


# --- hand-made edge cases


def test_orphans():
    dump = edge("disqus-orphan.xml")
    index = by_id(dump)
    assert index["12"][1].parent is None and index["12"][1].flags == ["orphan"]
    assert index["13"][1].parent is None and index["13"][1].flags == ["orphan"]  # other thread
    assert index["11"][1].flags == []
    assert len(dump.warnings) == 2
    assert "99" in dump.warnings[0] and "another thread" in dump.warnings[1]
    assert dump.warnings[0].startswith(f"line {index['12'][1].line}:")


def test_cycle_is_broken_at_its_first_post():
    dump = edge("disqus-cycle.xml")
    comments = dump.articles[0].comments
    assert [c.parent for c in comments] == [None, 0, 1]
    assert comments[0].flags == ["cycle-broken"]
    assert len(dump.warnings) == 1 and "cycle" in dump.warnings[0]


def test_reply_before_its_deleted_parent_in_a_merged_thread():
    dump = edge("disqus-reply-before-parent.xml")
    (article,) = dump.articles
    assert (article.source_id, article.title) == ("200", "Black")
    assert article.url == "https://blog.example/p/%E9%BB%91/"
    reply, parent, spam = article.comments
    assert reply.parent == 1 and parent.parent is None
    assert (parent.status, parent.author, parent.body) == ("deleted", "", "")
    assert spam.status == "spam"
    assert (reply.author, reply.author_handle) == ("Bea", "bea")


def test_iso_8859_1_declared_encoding():
    data = (EDGE / "disqus-iso-8859-1.xml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    dump = disqus.parse_bytes(data)
    (article,) = dump.articles
    assert article.title == "Café crème"
    assert article.comments[0].author == "Anaïs"
    assert article.comments[0].body == "Très bien, merci à vous."
    assert disqus.detect(data.decode("iso-8859-1"))


@pytest.mark.parametrize("name", ["disqus-xxe.xml", "disqus-billion-laughs.xml"])
def test_entity_attacks_are_refused(name):
    started = time.perf_counter()
    with pytest.raises(ParseError) as info:
        edge(name)
    assert time.perf_counter() - started < 2
    assert "entity" in str(info.value).lower()
    assert info.value.line is not None


def test_truncated_file_gives_line_and_column():
    text = (EDGE / "disqus-truncated.xml").read_text(encoding="utf-8")
    with pytest.raises(ParseError) as info:
        disqus.parse(text)
    assert info.value.line == text.count("\n") + 1
    assert info.value.column is not None


def test_not_disqus_is_a_parse_error():
    with pytest.raises(ParseError):
        disqus.parse((REAL / "wxr-isso-wordpress.xml").read_text(encoding="utf-8"))
