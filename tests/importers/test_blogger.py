"""Blogger / Blogspot Atom exports: the samples in tests/data/blogger/, read comment by
comment (expected values written from the files, not from the parser), and small inline
feeds, one per awkward input."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from importers import blogger, disqus, formats, wxr
from importers.parsed import COMMENT, EXACT, UNKNOWN, ParseError
from tests.importers.parsed_helpers import all_strings, levels

DATA = Path(__file__).resolve().parent.parent / "data" / "blogger"
CLASSIC = DATA / "classic-export.xml"
TAKEOUT = DATA / "takeout-feed.atom"
TRUNCATED = DATA / "truncated.xml"

PARIS_SUMMER = timezone(timedelta(hours=2))
CET = timezone(timedelta(hours=1))
C = "tag:blogger.com,1999:blog-7000."  # the classic sample's id prefix
T = "tag:blogger.com,1999:blog-8000."  # the 2018 sample's


def load(path: Path):
    return blogger.parse_bytes(path.read_bytes())


@pytest.fixture(scope="module")
def classic():
    return load(CLASSIC)


@pytest.fixture(scope="module")
def takeout():
    return load(TAKEOUT)


def feed(entries: str, head: str = "", ns: str = "") -> str:
    """A classic-layout export around `entries`."""
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:thr='http://purl.org/syndication/"
        f"thread/1.0' xmlns:gd='http://schemas.google.com/g/2005'{ns}>\n"
        "<id>tag:blogger.com,1999:blog-1</id><title type='text'>Essai</title>\n"
        f"{head}{entries}</feed>\n"
    )


KIND = "<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#{}'/>"


def post(n: int, extra: str = "") -> str:
    return (
        f"<entry><id>tag:blogger.com,1999:blog-1.post-{n}</id>{KIND.format('post')}"
        f"<published>2011-01-02T03:04:05.000+01:00</published><title type='text'>P{n}</title>"
        f"<content type='html'>corps</content>{extra}</entry>\n"
    )


def reply(n: int, on_post: int | None, parent: int | None = None) -> str:
    thr = (
        f"<thr:in-reply-to ref='tag:blogger.com,1999:blog-1.post-{on_post}' "
        f"href='http://essai.blogspot.com/p{on_post}.html'/>"
        if on_post is not None
        else ""
    )
    related = (
        f"<link rel='related' href='http://www.blogger.com/feeds/1/{on_post}/comments/default/{parent}?v=2'/>"
        if parent is not None
        else ""
    )
    return (
        f"<entry><id>tag:blogger.com,1999:blog-1.post-{n}</id>{KIND.format('comment')}"
        f"<published>2011-01-03T00:00:00.000+01:00</published><content type='html'>c{n}</content>"
        f"{related}<author><name>A{n}</name></author>{thr}</entry>\n"
    )


# --- the classic export, comment by comment

# (source id, parent source id, author, status, posted_at, line) in document order.
CLASSIC_1001 = [
    ("post-2001", None, "Jean-Marc Lefèvre", "approved", (2010, 5, 12, 11, 0), 91),
    ("post-2005", "post-2002", "Zoé", "approved", (2010, 5, 12, 13, 30), 106),  # before its parent
    ("post-2002", "post-2001", "François Bérubé", "approved", (2010, 5, 12, 12, 15), 118),
    ("post-2003", "post-2002", "Hélène Dupré", "approved", (2010, 5, 12, 12, 40), 130),
    ("post-2004", "post-2003", "Jean-Marc Lefèvre", "approved", (2010, 5, 12, 14, 5), 141),
    ("post-2006", None, "Anonyme", "approved", (2010, 5, 13, 9, 0), 152),
    ("post-2007", None, "Paul Martin", "deleted", (2010, 5, 13, 10, 0), 162),
    ("post-2008", None, "Troll du Quartier", "deleted", (2010, 5, 13, 11, 0), 173),
    ("post-2009", "post-2008", "Zoé", "approved", (2010, 5, 13, 11, 20), 183),
    ("post-2010", None, "Paul Martin", "approved", (2010, 5, 14, 7, 45), 194),  # parent missing
]


def test_classic_articles(classic):
    assert classic.format == "blogger"
    assert [(a.source_id, a.kind, a.status) for a in classic.articles] == [
        (C + "post-1001", "post", "publish"),
        (C + "post-1002", "post", "draft"),
        (C + "page-3001", "page", "publish"),
        (C + "post-1099", "post", "placeholder"),
    ]
    debate, draft, page, missing = classic.articles
    assert debate.title == "Retraites : le débat"
    assert debate.author == "Hélène Dupré"
    assert debate.url == "http://cafedesdebats.blogspot.com/2010/05/retraites-le-debat.html"
    assert debate.published_at == datetime(2010, 5, 12, 10, 23, tzinfo=PARIS_SUMMER)
    assert debate.date_raw == "2010-05-12T10:23:00.000+02:00"
    assert debate.date_precision == EXACT
    assert debate.blog_name == "Le Café des Débats"
    assert debate.blog_url == "http://cafedesdebats.blogspot.com/"
    assert debate.announced_comments == 10  # <thr:total>
    assert debate.body == "Faut-il reculer l'âge de départ ?\n\nPremier point.\nSecond point."
    assert debate.body_html.startswith("<p>Faut-il reculer l&#39;&acirc;ge")
    assert draft.title == "Brouillon sur l’école"  # numeric references
    assert page.title == "À propos" and page.body == "Un blog de débats."
    assert page.published_at == datetime(2009, 11, 2, 14, 0, tzinfo=CET)
    # The post of comment 2011 is not in the file: a placeholder, with the page it names.
    assert missing.flags == ["missing-post"]
    assert missing.url == "http://cafedesdebats.blogspot.com/2010/04/ancien-billet.html"
    assert missing.blog_name == "Le Café des Débats"
    assert [c.source_id for c in missing.comments] == [C + "post-2011"]
    assert missing.comments[0].author == "Jean-Marc Lefèvre"
    assert missing.comments[0].flags == []


def test_classic_skips_template_and_settings(classic):
    assert classic.skipped == {"template": 1, "settings": 3}


def test_classic_comments_one_by_one(classic):
    comments = classic.articles[0].comments
    assert len(comments) == len(CLASSIC_1001)
    ids = [c.source_id for c in comments]
    for comment, (sid, parent, author, status, when, line) in zip(
        comments, CLASSIC_1001, strict=True
    ):
        assert comment.source_id == C + sid
        assert (ids[comment.parent] if comment.parent is not None else None) == (
            C + parent if parent else None
        ), sid
        assert comment.author == author, sid
        assert comment.status == status, sid
        assert comment.posted_at == datetime(*when, tzinfo=PARIS_SUMMER), sid
        assert comment.date_raw == "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:00.000+02:00".format(*when)
        assert comment.line == line, sid
        assert comment.kind == COMMENT
    # Nesting: 2001 -> 2002 -> 2003 -> 2004 is four levels; 2005 is a second reply to 2002.
    assert levels(comments) == [1, 3, 2, 3, 4, 1, 1, 1, 2, 1]


def test_classic_bodies_authors_and_flags(classic):
    by_id = {c.source_id: c for c in classic.articles[0].comments}
    first = by_id[C + "post-2001"]
    # "<br /><br />" is Blogger's paragraph break.
    assert first.body == "Je ne suis pas d'accord.\n\nLe système tient."
    assert first.body_html == "Je ne suis pas d&#39;accord.<br /><br />Le syst&egrave;me tient."
    assert first.author_url == "http://www.blogger.com/profile/222"
    # Escaped markup in a comment is text, never markup.
    assert by_id[C + "post-2003"].body == "Depuis 2003, oui. Mais <b>pas</b> partout."
    # A name written HTML-escaped inside the XML ("Fran&amp;ccedil;ois B&amp;#233;rub&amp;eacute;").
    assert by_id[C + "post-2002"].author == "François Bérubé"
    # Anonymous: no <uri>, the link in the body is only text.
    anonymous = by_id[C + "post-2006"]
    assert anonymous.author_url == "" and anonymous.body == "Bravo pour ce billet, voir ici"
    # Removed: by the blogger.contentRemoved marker, and by Blogger's French notice alone.
    assert by_id[C + "post-2007"].body == "This comment has been removed by the author."
    assert by_id[C + "post-2008"].status == "deleted"
    # The reply to a removed comment stays under it, and public.
    assert by_id[C + "post-2009"].status == "approved"
    # The reply whose parent (2999) is not in the file: top-level, flagged, reported.
    orphan = by_id[C + "post-2010"]
    assert orphan.parent is None and orphan.flags == ["orphan"]
    assert not [c for c in by_id.values() if c.flags and c is not orphan]
    assert classic.warnings == [
        f"line 205: comment {C}post-2011 belongs to post {C}post-1099, which is not in the "
        "file; kept under a placeholder article",
        f"line 194: comment {C}post-2010 replies to comment 2999, which is not in the file; "
        "kept as top-level",
    ]


def test_no_email_in_output(classic, takeout):
    for dump in (classic, takeout):
        assert not [s for s in all_strings(dump) if "noreply@blogger.com" in s]


# --- the 2018 (Takeout) layout, comment by comment


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


TAKEOUT_5001 = [
    # (source id, parent source id, author, status, posted_at, line)
    ("post-7003", "post-7002", "Anaïs Lemoine", "approved", utc(2019, 3, 4, 12, 30), 32),
    ("post-7001", None, "Benoît Roux", "approved", utc(2019, 3, 4, 10, 0), 50),
    ("post-7002", "post-7001", "Chloé Nguyễn", "approved", utc(2019, 3, 4, 11, 5), 68),
    ("post-7004", None, "Paul Martin", "deleted", utc(2019, 3, 4, 13, 0), 86),
    ("post-7005", None, "", "spam", utc(2019, 3, 4, 14, 0), 104),
    ("post-7006", None, "Anonymous", "pending", utc(2019, 3, 5, 7, 0), 122),
    # <blogger:parent> names a comment, not the post: a reply to 7001 on 7001's post.
    ("post-7007", "post-7001", "Zoé", "approved", datetime(2019, 3, 5, 9, tzinfo=CET), 140),
]  # fmt: skip


def test_takeout_articles(takeout):
    assert [(a.source_id, a.kind, a.status) for a in takeout.articles] == [
        (T + "post-5001", "post", "publish"),
        (T + "post-5002", "post", "draft"),
        (T + "page-6001", "page", "publish"),
    ]
    live, draft, page = takeout.articles
    assert live.title == "La dette, un faux problème ?"
    assert live.author == "Anaïs Lemoine"
    assert live.blog_name == "Carnets d’Économie"
    assert live.published_at == utc(2019, 3, 4, 9, 15)
    assert live.date_raw == "2019-03-04T09:15:00Z"
    assert live.body == "La dette publique épouvante.\n\nÀ tort ?"
    # The feed names no blog address: only the paths, which make no URL.
    assert (live.url, page.url) == ("", "")
    assert takeout.warnings == [
        "2 post(s) give only their path (blogger:filename) and the feed names no blog "
        "address: their URLs are left empty"
    ]
    # A draft without <published>: its <blogger:created>.
    assert draft.published_at == datetime(2019, 4, 1, 16, 20, tzinfo=UTC)
    assert draft.date_raw == "2019-04-01T16:20:00.000Z"
    assert draft.body == "À finir"
    assert page.title == "À propos"
    assert [(c.source_id, c.author, c.parent) for c in page.comments] == [
        (T + "post-7008", "Benoît Roux", None)
    ]
    assert takeout.skipped == {}


def test_takeout_comments_one_by_one(takeout):
    comments = takeout.articles[0].comments
    assert len(comments) == len(TAKEOUT_5001)
    ids = [c.source_id for c in comments]
    for comment, (sid, parent, author, status, when, line) in zip(
        comments, TAKEOUT_5001, strict=True
    ):
        assert comment.source_id == T + sid
        parent_id = ids[comment.parent] if comment.parent is not None else None
        assert parent_id == (T + parent if parent else None), sid
        assert (comment.author, comment.status, comment.line) == (author, status, line), sid
        assert comment.posted_at == when, sid
        assert comment.flags == [], sid
    # 7001 -> 7002 -> 7003: three deep, the deepest first in the file.
    assert levels(comments) == [3, 1, 2, 1, 1, 1, 2]
    assert comments[1].body == "Un faux problème, non.\n\nUn vrai choix."
    assert comments[4].body == "Gagnez gros"  # spam kept, hidden by its status
    assert comments[2].author_url == ""


# --- detection


def test_detect_both_layouts():
    for path in (CLASSIC, TAKEOUT):
        text = path.read_text(encoding="utf-8")
        assert blogger.detect(text)
        assert formats.detect_format(text) == "blogger"
        assert not wxr.detect(text) and not disqus.detect(text)
        assert formats.parse_xml_bytes(path.read_bytes()).format == "blogger"


PLAIN_ATOM = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    "<feed xmlns='http://www.w3.org/2005/Atom'>\n"
    "<id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id><title>Un autre blog</title>\n"
    "<entry><id>urn:uuid:1</id><title>Billet</title><published>2011-01-02T03:04:05Z</published>"
    "<content type='html'>x</content></entry>\n"
    "</feed>\n"
)


def test_plain_atom_feed_is_not_blogger():
    assert not blogger.detect(PLAIN_ATOM)
    assert formats.detect_format(PLAIN_ATOM) != "blogger"
    with pytest.raises(ParseError, match=r"an Atom feed \(<feed>, Blogger namespace missing\)"):
        blogger.parse(PLAIN_ATOM)


def test_detect_rejects_others():
    real = DATA.parent / "realworld"
    assert not blogger.detect((real / "wxr-isso-wordpress.xml").read_text(encoding="utf-8"))
    assert not blogger.detect((real / "disqus-isso-disqus.xml").read_text(encoding="utf-8"))
    assert not blogger.detect("Le 3 mai 2010, Jean a écrit : tag:blogger.com,1999:blog-1\n")
    assert not blogger.detect("")
    # An RSS feed of a Blogger blog is not the export.
    assert not blogger.detect(
        "<rss version='2.0'><channel><guid>tag:blogger.com,1999:blog-1.post-2</guid>"
        "</channel></rss>"
    )


# --- errors


def test_truncated_file_is_one_error_with_its_line():
    with pytest.raises(ParseError) as error:
        load(TRUNCATED)
    assert error.value.line == 136
    assert "malformed XML" in str(error.value)


def test_wrong_root():
    with pytest.raises(ParseError, match=r"the root is <rss>, expected an Atom <feed>"):
        blogger.parse("<rss xmlns:b='http://schemas.google.com/blogger/2018'><channel/></rss>")


def test_feed_outside_the_atom_namespace():
    with pytest.raises(ParseError, match="not in the Atom namespace"):
        blogger.parse("<feed xmlns:blogger='http://schemas.google.com/blogger/2018'/>")


def test_html_entity_undeclared_in_xml_is_an_error():
    # "&eacute;" is an HTML entity, not an XML one: the file is not well-formed.
    with pytest.raises(ParseError) as error:
        blogger.parse(feed("<entry><title>Caf&eacute;</title></entry>\n"))
    assert error.value.line == 4 and "undefined entity" in error.value.message


def test_entity_declarations_are_refused():
    text = feed(post(1)).replace("<feed", "<!DOCTYPE feed [<!ENTITY x 'boum'>]>\n<feed", 1)
    with pytest.raises(ParseError, match="unsafe XML refused"):
        blogger.parse(text)


# --- small awkward inputs


def test_comment_naming_no_post_goes_to_an_idless_placeholder():
    dump = blogger.parse(feed(post(1) + reply(5, None)))
    assert [a.status for a in dump.articles] == ["publish", "placeholder"]
    assert dump.articles[1].source_id is None
    assert [c.source_id for c in dump.articles[1].comments] == [
        "tag:blogger.com,1999:blog-1.post-5"
    ]
    assert "(none named)" in dump.warnings[0]


def test_reply_to_a_comment_of_another_post_is_an_orphan():
    dump = blogger.parse(feed(post(1) + post(2) + reply(5, 1) + reply(6, 2, parent=5)))
    (six,) = dump.articles[1].comments
    assert six.parent is None and six.flags == ["orphan"]
    assert "on another post" in dump.warnings[0]


def test_reply_cycle_is_broken():
    dump = blogger.parse(feed(post(1) + reply(5, 1, parent=6) + reply(6, 1, parent=5)))
    five, six = dump.articles[0].comments
    assert five.parent is None and five.flags == ["cycle-broken"]
    assert six.parent == 0
    assert "cycle" in dump.warnings[0]


def test_unknown_kinds_are_counted_and_unmarked_entries_skipped():
    entries = post(1).replace("kind#post", "kind#layout") + "<entry><id>x</id></entry>\n"
    dump = blogger.parse(feed(entries + post(2)))
    assert [a.title for a in dump.articles] == ["P2"]
    assert dump.skipped == {"layout": 1, blogger.NO_KIND: 1}


def test_a_feed_with_nothing_to_import_is_refused():
    # A public feed (feeds/posts/default) or a layout-only file: not an export.
    entries = post(1).replace("kind#post", "kind#layout") + "<entry><id>x</id></entry>\n"
    with pytest.raises(ParseError, match="no post, page or comment to import .*not a public feed"):
        blogger.parse(feed(entries))


def test_the_blog_is_its_blogger_id_in_both_layouts():
    classic = blogger.parse_bytes((DATA / "classic-export.xml").read_bytes())
    takeout = blogger.parse_bytes((DATA / "takeout-feed.atom").read_bytes())
    assert {a.blog_key for a in classic.articles} == {"blogger:7000"}
    assert {a.blog_key for a in takeout.articles} == {"blogger:8000"}


def test_a_comment_count_in_other_digits_is_no_count():
    entry = post(1, "<thr:total>²</thr:total>")
    (article,) = blogger.parse(feed(entry)).articles
    assert article.announced_comments is None


def test_blog_address_makes_takeout_urls():
    ns = " xmlns:blogger='http://schemas.google.com/blogger/2018'"
    entry = (
        "<entry><id>tag:blogger.com,1999:blog-1.post-9</id><blogger:type>POST</blogger:type>"
        "<blogger:status>SCHEDULED</blogger:status><title>Demain</title>"
        "<blogger:filename>/2030/01/demain.html</blogger:filename></entry>\n"
        "<entry><id>tag:blogger.com,1999:blog-1.post-10</id><blogger:type>COMMENT</blogger:type>"
        "<blogger:status>WEIRD</blogger:status>"
        "<blogger:parent>tag:blogger.com,1999:blog-1.post-9</blogger:parent></entry>\n"
    )
    head = "<link rel='alternate' type='text/html' href='https://essai.blogspot.com/'/>\n"
    dump = blogger.parse(feed(entry, head=head, ns=ns))
    (article,) = dump.articles
    assert article.url == "https://essai.blogspot.com/2030/01/demain.html"
    assert article.status == "future"
    assert article.published_at is None and article.date_precision == UNKNOWN
    (odd,) = article.comments
    assert odd.status == "pending"
    assert dump.warnings == [
        "line 6: comment tag:blogger.com,1999:blog-1.post-10 has status 'WEIRD', read as pending"
    ]


def test_trashed_takeout_post_is_hidden():
    ns = " xmlns:blogger='http://schemas.google.com/blogger/2018'"
    entry = (
        "<entry><id>tag:blogger.com,1999:blog-1.post-9</id><blogger:type>POST</blogger:type>"
        "<blogger:status>LIVE</blogger:status><title>Jeté</title>"
        "<blogger:trashed>2020-01-01T00:00:00Z</blogger:trashed></entry>\n"
    )
    (article,) = blogger.parse(feed(entry, ns=ns)).articles
    assert article.status == "trash"


def test_declared_encoding_is_honoured():
    text = feed(post(1, "<author><name>Hélène</name></author>"))
    data = text.replace("UTF-8", "ISO-8859-1").encode("latin-1")
    assert blogger.parse_bytes(data).articles[0].author == "Hélène"


def test_parse_bytes_matches_parse():
    for path in (CLASSIC, TAKEOUT):
        assert load(path) == blogger.parse(path.read_text(encoding="utf-8"))


def test_large_generated_export_parses_quickly():
    entries = []
    for p in range(300):
        entries.append(post(p))
        for c in range(10):
            n = 100_000 + p * 10 + c
            entries.append(reply(n, p, parent=n - 1 if c else None))
    text = feed("".join(entries))
    start = time.perf_counter()
    dump = blogger.parse(text)
    elapsed = time.perf_counter() - start
    assert len(dump.articles) == 300
    assert sum(len(a.comments) for a in dump.articles) == 3000
    assert max(levels(dump.articles[0].comments)) == 10
    assert elapsed < 5, elapsed
