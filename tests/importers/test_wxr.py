"""WordPress WXR parser: real exports (expected numbers from shared MANIFEST.md, not from the
parser) and small hand-made files, one per awkward input."""

from __future__ import annotations

import html
import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from importers import disqus, wxr
from importers.parsed import COMMENT, EXACT, PINGBACK, TRACKBACK, ParseError
from tests.importers.parsed_helpers import all_strings, levels

DATA = Path(__file__).resolve().parent.parent / "data"
REAL = DATA / "realworld"
EDGE = DATA / "xml"

THEME = "wxr-wordpress-importer-theme-unit-test-data.xml"
CC = "wxr-cc-labs-wordpress.xml"
ISSO = "wxr-isso-wordpress.xml"


def real(name: str):
    return wxr.parse((REAL / name).read_text(encoding="utf-8"))


def edge(name: str):
    return wxr.parse_bytes((EDGE / name).read_bytes())


# Facts from MANIFEST.md ("Facts: WordPress WXR"), one column per file.
FACTS = {
    THEME: {
        "comments": 33,
        "kinds": {COMMENT: 29, PINGBACK: 2, TRACKBACK: 2},
        "statuses": {"approved": 30, "pending": 3},
        "top_level": 23,
        "replies": 10,
        "max_level": 10,
        "per_level": {1: 23, 2: 2, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1},
        "articles": 58 + 21,  # posts + pages; no other item has comments
        "skipped": {"attachment": 37, "nav_menu_item": 70},
        "items_with_comments": 7,
        "max_per_item": 20,
        "comments_on_pages": 5,
        "post_statuses": {"publish": 56, "future": 1, "draft": 1},
        "authors": 20,
        "authors_excluding_pings": 16,
        "non_ascii_content": 2,
        "padded_content": 8,
        "wp_ns": "https://wordpress.org/export/1.2/",
    },
    CC: {
        "comments": 181,
        "kinds": {COMMENT: 119, PINGBACK: 62},
        "statuses": {"approved": 181},
        "top_level": 178,
        "replies": 3,
        "max_level": 2,
        "per_level": {1: 178, 2: 3},
        "articles": 219 + 5,
        "skipped": {},
        "items_with_comments": 80,
        "max_per_item": 12,
        "comments_on_pages": 1,
        "post_statuses": {"publish": 219},
        "authors": 146,
        "authors_excluding_pings": 87,
        "non_ascii_content": 3,
        "padded_content": None,
        "wp_ns": "http://wordpress.org/export/1.2/",
    },
    ISSO: {
        "comments": 8,
        "kinds": {COMMENT: 8},
        "statuses": {"approved": 8},
        "top_level": 5,
        "replies": 3,
        "max_level": 3,
        "per_level": {1: 5, 2: 1, 3: 2},
        # The post, and the item without post_id/post_type that carries comment 11; the
        # third item (no type, no comments) is skipped.
        "articles": 2,
        "skipped": {wxr.NO_TYPE: 1},
        "items_with_comments": 2,
        "max_per_item": 7,
        "comments_on_pages": 0,
        # MANIFEST: 1 post published; the typeless item with comments is read as a post,
        # with the default status.
        "post_statuses": {"publish": 1 + 1},
        "authors": 5,
        "authors_excluding_pings": 5,
        "non_ascii_content": 1,
        "padded_content": None,
        "wp_ns": "http://wordpress.org/export/1.0/",
    },
}


@pytest.fixture(scope="module", params=list(FACTS))
def parsed(request):
    name = request.param
    return name, real(name), FACTS[name]


def test_comment_counts_kinds_statuses(parsed):
    _, dump, facts = parsed
    comments = [c for a in dump.articles for c in a.comments]
    assert len(comments) == facts["comments"]
    assert Counter(c.kind for c in comments) == facts["kinds"]
    assert Counter(c.status for c in comments) == facts["statuses"]


def test_tree_shape(parsed):
    _, dump, facts = parsed
    per_level: Counter[int] = Counter()
    top = replies = 0
    for article in dump.articles:
        for comment, level in zip(article.comments, levels(article.comments), strict=True):
            per_level[level] += 1
            top += comment.parent is None
            replies += comment.parent is not None
    assert (top, replies) == (facts["top_level"], facts["replies"])
    assert max(per_level) == facts["max_level"]
    assert dict(per_level) == facts["per_level"]


def test_no_orphans_or_repairs_in_clean_files(parsed):
    _, dump, _ = parsed
    assert dump.warnings == []
    assert not [c for a in dump.articles for c in a.comments if c.flags]


def test_articles_and_skipped(parsed):
    _, dump, facts = parsed
    assert dump.format == "wxr"
    assert len(dump.articles) == facts["articles"]
    assert dump.skipped == facts["skipped"]
    with_comments = [a for a in dump.articles if a.comments]
    assert len(with_comments) == facts["items_with_comments"]
    assert max(len(a.comments) for a in with_comments) == facts["max_per_item"]
    assert (
        sum(len(a.comments) for a in dump.articles if a.kind == "page")
        == facts["comments_on_pages"]
    )
    posts = Counter(a.status for a in dump.articles if a.kind == "post")
    assert posts == facts["post_statuses"]


def test_authors_entity_decoded_and_stripped(parsed):
    _, dump, facts = parsed
    comments = [c for a in dump.articles for c in a.comments]
    authors = {c.author for c in comments if c.author}
    assert len(authors) == facts["authors"]
    assert (
        len({c.author for c in comments if c.author and c.kind == COMMENT})
        == facts["authors_excluding_pings"]
    )
    entity = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
    assert not [a for a in authors if entity.search(a) or a != a.strip()]


ENTITY_NAMES = {THEME: 4, CC: 16, ISSO: 0}  # MANIFEST: names with entity text after XML


def test_entity_names_are_decoded(parsed):
    name, dump, facts = parsed
    wp = "{" + facts["wp_ns"] + "}"
    entity = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
    # Independently of the parser: (post, comment id) -> author as XML gives it.
    raw = {
        (item.findtext(wp + "post_id") or item.findtext("link"), c.findtext(wp + "comment_id")): (
            c.findtext(wp + "comment_author") or ""
        )
        for item in ET.parse(REAL / name).getroot().iter("item")
        for c in item.findall(wp + "comment")
    }
    with_entities = {key: author for key, author in raw.items() if entity.search(author)}
    assert len(with_entities) == ENTITY_NAMES[name]
    out = {(a.source_id, c.source_id): c.author for a in dump.articles for c in a.comments}
    for key, author in with_entities.items():
        assert out[key] == html.unescape(author).strip()


def test_bodies_keep_html_and_give_text(parsed):
    _, dump, facts = parsed
    comments = [c for a in dump.articles for c in a.comments]
    assert (
        sum(bool(re.search(r"[^\x00-\x7f]", c.body_html)) for c in comments)
        == facts["non_ascii_content"]
    )
    if facts["padded_content"] is not None:
        # The original HTML is kept as written, whitespace included; the text is trimmed.
        assert sum(c.body_html != c.body_html.strip() for c in comments) == facts["padded_content"]
    assert all(c.body == c.body.strip() for c in comments)
    # Tags are gone from the text. (Escaped ones, "&lt;cite&gt;", are text and stay: posts
    # about HTML have plenty, so only comments are checked.)
    tag = re.compile(r"<(p|strong|em|b|i|a\s[^>]*|br\s*/?|img\s[^>]*)>")
    assert not [c for c in comments if tag.search(c.body)]


def test_namespace_version_and_detection(parsed):
    name, _, facts = parsed
    text = (REAL / name).read_text(encoding="utf-8")
    assert f'xmlns:wp="{facts["wp_ns"]}"' in text
    assert wxr.detect(text)
    assert not disqus.detect(text)


def test_no_email_or_ip_in_output(parsed):
    name, dump, _ = parsed
    root = ET.parse(REAL / name).getroot()
    private = {
        (e.text or "").strip()
        for e in root.iter()
        if e.tag.rpartition("}")[2] in ("comment_author_email", "comment_author_IP", "author_email")
    } - {""}
    assert private  # the files do hold them
    out = "\n".join(all_strings(dump))
    assert not [p for p in private if p in out]
    assert "@example.invalid" not in out
    assert not re.search(r"\b192\.0\.2\.\d+\b", out)


def test_parse_bytes_matches_parse():
    for name in FACTS:
        assert wxr.parse_bytes((REAL / name).read_bytes()) == real(name)


# --- details of the real files named in MANIFEST.md


def test_theme_unit_test_details():
    dump = real(THEME)
    assert dump.articles[0].blog_name == "Theme Unit Test Data"
    assert dump.articles[0].blog_url == "https://wpthemetestdata.wordpress.com"
    by_id = {c.source_id: (a, c) for a in dump.articles for c in a.comments}
    # Unapproved comment 1017 is a reply to 168.
    article, pending = by_id["1017"]
    assert pending.status == "pending"
    assert article.comments[pending.parent].source_id == "168"
    # Trackback 922's name starts with a newline and indentation in the file.
    assert by_id["922"][1].author.startswith("Ping 2 with a much longer title")
    assert by_id["922"][1].kind == TRACKBACK
    # HTML comment: tags out, blocks as paragraphs, escaped markup kept as text.
    html_comment = by_id["881"][1]
    assert html_comment.body_html.startswith("<strong>Headings</strong>\n<h1>Header one</h1>")
    assert html_comment.body.startswith("Headings\n\nHeader one\n\nHeader two\n\n")
    assert "The HTML <blockquote> Element (or HTML Block" in html_comment.body
    # Entities in names are decoded: "&laquo;", "&#8217;".
    assert by_id["921"][1].author == "Ping 1 « What’s a tellyworth?"
    # GMT dates give aware UTC datetimes.
    assert by_id["167"][1].posted_at == datetime(2007, 9, 4, 0, 49, 28, tzinfo=UTC)
    assert by_id["167"][1].date_raw == "2007-09-04 00:49:28"
    # Levels 3-10 form one chain, 904 -> ... -> 915.
    chain, comment = [], by_id["915"][1]
    post = by_id["915"][0]
    while comment.parent is not None:
        chain.append(comment.source_id)
        comment = post.comments[comment.parent]
    assert len(chain) == 9 and comment.parent is None
    # Drafts and scheduled posts keep their status; dates are exact.
    draft = next(a for a in dump.articles if a.status == "draft")
    assert draft.date_precision == EXACT and draft.published_at is not None
    assert next(a for a in dump.articles if a.status == "future").published_at.year == 2030


def test_isso_details():
    first, second = real(ISSO).articles
    assert (first.source_id, first.kind, first.url) == (
        "18",
        "post",
        "http://example.tld/2014/test/",
    )
    assert first.published_at == datetime(2014, 1, 14, 17, 31, 3, tzinfo=UTC)
    assert first.author == "Tester"
    # No post_id/post_type: identified by its link, read as a post.
    assert (second.source_id, second.kind) == ("http://example.tld/?p=4", "post")
    # Comment id 11 is in both items, each time in its own item.
    assert [c.source_id for c in first.comments].count("11") == 1
    assert [c.source_id for c in second.comments] == ["11"]
    assert second.comments[0].author == "Anonymous"
    assert second.comments[0].parent is None
    # Comment 7: no comment_date, comment_type or user id; GMT date and default kind.
    seven = next(c for c in first.comments if c.source_id == "7")
    assert seven.kind == COMMENT
    assert seven.posted_at == datetime(2014, 4, 29, 15, 21, 35, tzinfo=UTC)
    assert first.comments[seven.parent].source_id == "6"
    # Multi-line content without <p>: line break kept.
    ten = next(c for c in first.comments if c.source_id == "10")
    assert (
        ten.body == "When you have a comment with multiple lines:\nWordPress exports it like this."
    )
    assert ten.posted_at == datetime(2022, 6, 6, 2, 13, 14, tzinfo=UTC)


def test_cc_labs_registered_and_pingbacks():
    dump = real(CC)
    assert dump.articles[0].blog_name == "CC Labs"
    pings = [c for a in dump.articles for c in a.comments if c.kind == PINGBACK]
    assert len(pings) == 62 and all(c.author_url for c in pings)


# --- hand-made edge cases


def test_orphan_reply_is_kept_top_level_and_flagged():
    dump = edge("wxr-orphan.xml")
    (article,) = dump.articles
    assert [c.source_id for c in article.comments] == ["2", "3"]
    orphan = article.comments[1]
    assert orphan.parent is None and orphan.flags == ["orphan"]
    assert len(dump.warnings) == 1 and "99" in dump.warnings[0]
    assert dump.warnings[0].startswith(f"line {orphan.line}:")
    # WXR 1.1 namespace; zero GMT date falls back to local (naive) post date.
    assert article.published_at == datetime(2020, 1, 2, 10, 0)
    assert article.date_raw == "2020-01-02 10:00:00"
    assert article.comments[0].posted_at == datetime(2020, 1, 3, 10, 0)


def test_cycle_is_broken_at_its_first_comment():
    dump = edge("wxr-cycle.xml")
    comments = dump.articles[0].comments
    ids = [c.source_id for c in comments]
    parents = [None if c.parent is None else ids[c.parent] for c in comments]
    assert parents == [None, "10", "11", "12", None]
    assert comments[0].flags == ["cycle-broken"]  # 10 -> 11 -> 12 -> 10
    assert comments[4].flags == ["cycle-broken"]  # 20 replies to itself
    assert levels(comments) == [1, 2, 3, 4, 1]
    assert len(dump.warnings) == 2 and all("cycle" in w for w in dump.warnings)


def test_reply_before_parent_points_forward():
    one, two = edge("wxr-reply-before-parent.xml").articles
    assert [c.source_id for c in one.comments] == ["31", "30"]
    assert one.comments[0].parent == 1
    assert one.comments[1].parent is None
    # The same comment id in another item is another comment.
    assert two.comments[0].parent is None and two.comments[0].author == "Other"


def test_cdata_sections():
    dump = edge("wxr-cdata.xml")
    (article,) = dump.articles
    assert dump.articles[0].blog_name == "CDATA & co"
    assert article.title == "A bold title"
    assert article.body == (
        "First paragraph with emphasis.\n\nSecond paragraph: a <tag> & an entity é.\n\nThe caption."
    )
    assert article.body_html.startswith("<p>First paragraph with <em>emphasis</em>.</p>")
    assert article.published_at == datetime(2021, 5, 6, 7, 8, 9, tzinfo=UTC)
    split, mixed = article.comments
    assert split.body_html.startswith("Code: a[b[0]]> c\n")  # "]]>" split over two CDATA
    assert split.body == "Code: a[b[0]]> c\nsecond line\n\nNew paragraph."
    assert mixed.body_html == "plain text and <strong>CDATA</strong> mixed"
    assert mixed.body == "plain text and CDATA mixed"
    assert mixed.parent == 0


def test_entities_in_names_titles_and_bodies():
    dump = edge("wxr-entities.xml")
    (article,) = dump.articles
    assert dump.articles[0].blog_name == "Café “blog”"
    assert article.title == "L’article & co"
    assert (article.kind, article.status, article.author) == ("page", "draft", "josé")
    assert article.published_at == datetime(2019, 3, 4, 5, 6, 7)  # naive: GMT date is zero
    ping, spam, trash = article.comments
    assert ping.author == "Ping « What’s up?"
    assert ping.author_url == "http://other.example/?a=1&b=2"
    assert (ping.kind, ping.status) == (PINGBACK, "approved")
    assert ping.body == "Fish & chips — “yes”"
    assert spam.author == "Zoë & François"
    assert spam.status == "spam"
    assert (trash.kind, trash.status) == (TRACKBACK, "deleted")
    assert ping.posted_at is None and ping.date_raw == ""


def test_iso_8859_1_declared_encoding():
    data = (EDGE / "wxr-iso-8859-1.xml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really Latin-1 bytes
    dump = wxr.parse_bytes(data)
    (article,) = dump.articles
    assert dump.articles[0].blog_name == "Blog français"
    assert article.title == "Été à la plage"
    assert article.author == "Renée"
    assert article.comments[0].author == "Françoise"
    assert article.comments[0].body == "Déjà vu, naïve »résumé«."
    # Text already decoded by the caller parses the same, whatever the declaration says.
    assert wxr.parse(data.decode("iso-8859-1")) == dump
    assert wxr.detect(data.decode("iso-8859-1"))


def test_utf8_bytes_with_bom():
    data = (REAL / ISSO).read_bytes()
    assert wxr.parse_bytes(b"\xef\xbb\xbf" + data) == real(ISSO)
    assert wxr.detect("\ufeff" + data.decode("utf-8"))


def test_bytes_not_in_declared_encoding():
    data = (EDGE / "wxr-orphan.xml").read_bytes().replace(b"First.", b"First \xe9.")
    with pytest.raises(ParseError) as info:
        wxr.parse_bytes(data)
    line = next(i for i, s in enumerate(data.split(b"\n"), 1) if b"First" in s)
    assert (info.value.line, info.value.column) == (
        line,
        data.split(b"\n")[line - 1].index(b"\xe9") + 1,
    )


@pytest.mark.parametrize("name", ["wxr-xxe.xml", "wxr-billion-laughs.xml"])
def test_entity_attacks_are_refused(name):
    started = time.perf_counter()
    with pytest.raises(ParseError) as info:
        edge(name)
    assert time.perf_counter() - started < 2
    assert "entity" in str(info.value).lower()
    assert info.value.line is not None and info.value.line >= 4
    assert "root:" not in str(info.value)  # nothing of /etc/passwd


def test_truncated_file_gives_line_and_column():
    text = (EDGE / "wxr-truncated.xml").read_text(encoding="utf-8")
    with pytest.raises(ParseError) as info:
        wxr.parse(text)
    assert info.value.line == text.count("\n") + 1
    assert info.value.column is not None
    assert str(info.value).startswith(f"line {info.value.line}, column")
    assert wxr.detect(text)  # it starts like WXR; it is the parse that fails


def test_malformed_tag_gives_its_position():
    text = (REAL / ISSO).read_text(encoding="utf-8").replace("<wp:status>", "<wp:status", 1)
    with pytest.raises(ParseError) as info:
        wxr.parse(text)
    line = next(i for i, s in enumerate(text.split("\n"), 1) if "<wp:status" in s)
    assert info.value.line == line


def test_undeclared_atom_prefix_is_recovered():
    text = (EDGE / "wxr-atom-undeclared.xml").read_text(encoding="utf-8")
    assert not re.search(r"xmlns:atom\s*=", text)
    dump = wxr.parse(text)
    (article,) = dump.articles
    assert article.comments[0].author == "Reader"
    assert len(dump.warnings) == 1 and "atom" in dump.warnings[0]
    # Line numbers are those of the file as given.
    line = next(i for i, s in enumerate(text.split("\n"), 1) if "<wp:comment>" in s)
    assert article.comments[0].line == line


def test_forbidden_control_characters_are_dropped():
    dump = edge("wxr-control-chars.xml")
    assert dump.articles[0].comments[0].body == "From Word with a tab."
    assert "forbids" in dump.warnings[0]


def test_detect():
    assert wxr.detect((EDGE / "wxr-atom-undeclared.xml").read_text(encoding="utf-8"))
    assert not wxr.detect((REAL / "disqus-isso-disqus.xml").read_text(encoding="utf-8"))
    assert not wxr.detect((REAL / "disqus-laisky-blog-graphql-export.xml").read_text())
    assert not wxr.detect("Le 3 mai 2010, Jean a écrit :\n\nJe ne suis pas d'accord.\n")
    assert not wxr.detect("")
    # An ordinary RSS feed is not an export.
    assert not wxr.detect('<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>')
    # A WordPress namespace mentioned later in an RSS body does not make it an export.
    assert not wxr.detect('<rss version="2.0"><channel><title>wordpress.org/export/1.2/')


def test_not_wxr_is_a_parse_error():
    with pytest.raises(ParseError):
        wxr.parse((REAL / "disqus-isso-disqus.xml").read_text(encoding="utf-8"))
    with pytest.raises(ParseError):
        wxr.parse("just some text")
