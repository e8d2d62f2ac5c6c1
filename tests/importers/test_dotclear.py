"""Dotclear flat exports: the hand-made samples in tests/data/dotclear/, written from
Dotclear's own exporter (FlatExport::getLine) and read back by what FlatBackup::getLine
does. Every expected value below is read off the sample files, not produced by the parser."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from importers import dotclear, wxr
from importers.formats import SITE_EXPORTS, detect_format, parse_text
from importers.parsed import COMMENT, EXACT, TRACKBACK, ParseError
from tests.importers.parsed_helpers import all_strings

DATA = Path(__file__).resolve().parent.parent / "data" / "dotclear"
ROOT = Path(__file__).resolve().parent.parent.parent
FULL = DATA / "dotclear-full.txt"
SINGLE = DATA / "dotclear-single.txt"
DAMAGED = DATA / "dotclear-damaged.txt"
TRUNCATED = DATA / "dotclear-truncated.txt"
PARIS = ZoneInfo("Europe/Paris")
MONTREAL = ZoneInfo("America/Montreal")


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def full():
    return dotclear.parse(text(FULL))


@pytest.fixture(scope="module")
def single():
    return dotclear.parse(text(SINGLE))


# --- the full export, article by article and comment by comment


def test_full_articles_and_skipped_blocks(full):
    assert full.format == "dotclear"
    # Posts 12 and 14, page 13; post 15 is of the plugin type "related", without comments.
    assert [(a.source_id, a.kind) for a in full.articles] == [
        ("12", "post"),
        ("13", "page"),
        ("14", "post"),
    ]
    assert full.skipped == {
        "category": 1,
        "setting": 3,
        "user": 2,
        "permissions": 1,
        "meta": 2,
        "media": 1,
        "ping": 1,  # pings the blog sent: not comments
        "version": 1,
        "post of type related": 1,
    }
    assert full.warnings == []


def test_full_article_fields(full):
    post, page, scheduled = full.articles
    for a in full.articles:
        assert (a.blog_name, a.blog_url) == (
            "Le Carnet d'Hélène",
            "https://carnet.example.org/index.php?",
        )
        assert a.date_precision == EXACT and a.flags == []
    assert post.title == 'Le tramway "arrive" à l\'Est'
    assert post.author == "Hélène Dupré"  # no display name: first name and name
    assert post.url == "https://carnet.example.org/index.php?post/2010/03/28/Le-tramway-arrive"
    assert post.status == "publish"
    # 09:30 on the morning summer time began in Paris: +02:00.
    assert post.published_at == datetime(2010, 3, 28, 9, 30, tzinfo=PARIS)
    assert post.published_at.utcoffset() == timedelta(hours=2)
    assert post.date_raw == "2010-03-28 09:30:00"
    # The excerpt, then the content; "C:\new" is a backslash and an n, not a newline.
    assert post.body_html == (
        "<p>Enfin.</p>\n<p>Premier paragraphe.</p>\n"
        "<p>Le plan est dans C:\\new\\plans, pas ailleurs.</p>"
    )
    assert post.body == (
        "Enfin.\n\nPremier paragraphe.\n\nLe plan est dans C:\\new\\plans, pas ailleurs."
    )

    assert (page.title, page.author, page.status) == ("À propos", "Marco", "publish")
    assert page.url == "https://carnet.example.org/index.php?pages/a-propos"
    # A wiki page: its rendered HTML, not the wiki source "Qui suis-je ?".
    assert page.body_html == "<p>Qui suis-je&nbsp;?</p>" and page.body == "Qui suis-je ?"
    # 02:30 on 31 October 2010 happened twice in Paris: the first (summer time) is taken.
    assert page.published_at.utcoffset() == timedelta(hours=2)
    assert page.published_at.astimezone(UTC) == datetime(2010, 10, 31, 0, 30, tzinfo=UTC)

    # Scheduled (-1); its post_tz is empty: the blog's system.blog_timezone, Europe/Paris,
    # not the installation's UTC.
    assert (scheduled.title, scheduled.status, scheduled.comments) == ("Bientôt", "future", [])
    assert scheduled.published_at == datetime(2011, 6, 1, 8, 0, tzinfo=PARIS)
    assert scheduled.published_at.utcoffset() == timedelta(hours=2)


# source_id: (author, kind, status, local time, UTC offset in hours, date_raw, author_url,
# line, body)
FULL_COMMENTS = {
    "101": (
        "François Müller", COMMENT, "approved", (2010, 3, 28, 10, 5), 2,
        "2010-03-28 10:05:00", "https://francois.example.net/", 38, "Bravo !",
    ),
    "102": (
        'Zoé "la Verte"', COMMENT, "pending", (2010, 3, 28, 11, 0), 2,
        "2010-03-28 11:00:00", "", 39,
        'Ligne 1 Ligne 2 chemin C:\\new, deux \\\\n et "cité"\\ fin',
    ),
    # comment_tz empty: the blog's zone.
    "103": (
        "Cheap Pills", COMMENT, "spam", (2010, 3, 29, 3, 15), 2,
        "2010-03-29 03:15:00", "http://spam.example/", 40, "Buy pills",
    ),
    # Trackback: the sending blog's name, stored HTML-escaped by Dotclear, unescaped.
    "104": (
        "Le blog d'en face & associés", TRACKBACK, "approved", (2010, 3, 30, 8, 0), 2,
        "2010-03-30 08:00:00", "http://en-face.example.com/2010/03/tram", 41,
        "Le tram, enfin\n\nIls en parlent aussi...",
    ),
    # Status 0 (unpublished by the blog's owner): hidden, kept as pending.
    "105": (
        "Anonyme", COMMENT, "pending", (2010, 4, 1, 12, 0), 0,
        "2010-04-01 12:00:00", "", 42, "Je retire ce que j'ai dit.",
    ),
    "106": (
        "Hélène Dupré", COMMENT, "approved", (2010, 10, 31, 2, 45), 2,
        "2010-10-31 02:45:00", "https://carnet.example.org/", 43, "Merci !",
    ),
    # Bare NULLs (Dotclear itself writes ""): no zone, so the blog's; winter time.
    "107": (
        "Jean-Noël Œuvray", COMMENT, "approved", (2010, 11, 2, 20, 0), 1,
        "2010-11-02 20:00:00", "", 44, "Œuvre & manœuvre",
    ),
}  # fmt: skip


def test_full_comments_one_by_one(full):
    post, page, _ = full.articles
    assert [c.source_id for c in post.comments] == ["101", "102", "103", "104", "105"]
    assert [c.source_id for c in page.comments] == ["106", "107"]
    for comment in post.comments + page.comments:
        author, kind, status, local, offset, raw, url, line, body = FULL_COMMENTS[comment.source_id]
        assert comment.author == author
        assert (comment.kind, comment.status) == (kind, status)
        # The wall-clock time with the offset it had in its zone.
        assert comment.posted_at == datetime(*local, tzinfo=timezone(timedelta(hours=offset)))
        assert comment.posted_at.utcoffset() == timedelta(hours=offset)
        assert comment.date_raw == raw
        assert comment.author_url == url
        assert comment.line == line
        assert comment.body == body
        assert comment.parent is None and comment.flags == []  # Dotclear comments are flat


def test_full_html_bodies_are_kept(full):
    comments = {c.source_id: c for a in full.articles for c in a.comments}
    assert comments["103"].body_html == '<p>Buy <a href="http://spam.example/">pills</a></p>'
    assert comments["104"].body_html == (
        "<!-- TB -->\n<p><strong>Le tram, enfin</strong></p>\n<p>Ils en parlent aussi...</p>"
    )
    assert comments["106"].body_html == "<p>Merci&nbsp;!</p>"
    assert comments["107"].body_html == "<p>Œuvre &amp; manœuvre</p>"


def test_no_email_ip_or_password_in_output(full, single):
    out = "\n".join(all_strings(full) + all_strings(single))
    for private in ("@example.invalid", "192.0.2.", "198.51.100.", "$2y$10$", "secret"):
        assert private not in out


# --- escapes


def test_every_escape_in_a_value(full):
    # Comment 102's content holds \n, \r\n, a backslash before n (C:\new), two backslashes
    # before n, escaped quotes, and a backslash before a real line break.
    (comment,) = [c for c in full.articles[0].comments if c.source_id == "102"]
    assert comment.body_html == (
        '<p>Ligne 1\nLigne 2\r\nchemin C:\\new, deux \\\\n et "cité"\\\nfin</p>'
    )
    rows = dotclear.read_flat(text(FULL)).tables
    row = next(r for r in rows["comment"] if r.get("comment_id") == "102")
    assert row.get("comment_words") == "ligne 1 ligne 2 C:\\"  # ends with a backslash
    assert row.values["comment_author"] == 'Zoé "la Verte"'
    bare = next(r for r in rows["comment"] if r.get("comment_id") == "107")
    assert bare.values["comment_tz"] is None and bare.values["comment_site"] is None
    assert bare.values["comment_spam_status"] is None
    # "" is the empty string (how Dotclear writes NULL too).
    assert row.values["comment_site"] == "" and row.values["comment_spam_filter"] == ""
    post = next(r for r in rows["post"] if r.get("post_id") == "12")
    assert post.get("post_meta") == 'a:1:{s:3:"tag";a:1:{i:0;s:4:"tram";}}'
    assert rows["blog"][0].get("blog_desc") == 'Notes "à chaud" sur la ville'


@pytest.mark.parametrize(
    "line,values",
    [
        (r'"a","b"', ["a", "b"]),
        (r'"","x"', ["", "x"]),
        (r'"\"quoted\""', ['"quoted"']),
        (r'"back\\slash"', ["back\\slash"]),
        (r'"ends with\\"', ["ends with\\"]),
        (r'"new\nline"', ["new\nline"]),
        (r'"carriage\rreturn"', ["carriage\rreturn"]),
        (r'"C:\\new"', ["C:\\new"]),  # a backslash, then n: no newline
        (r'"\\\\n"', ["\\\\n"]),  # two backslashes, then n
        (r'"\\\n"', ["\\\n"]),  # a backslash, then a newline
        (r'"\\\"",","', ['\\"', ","]),
        (r'"a\",\"b"', ['a","b']),  # an escaped quote-comma-quote is one value
        (r'"tab\tstays"', ["tab\\tstays"]),  # no such escape: kept as written
        ('NULL,"x",NULL', [None, "x", None]),
        ('"NULL"', ["NULL"]),
    ],
)
def test_split_row(line, values):
    assert dotclear.split_row(line, 7) == values


@pytest.mark.parametrize(
    "line,column,words",
    [
        ('"a","b', 5, "unterminated"),
        ('"a\\"', 1, "unterminated"),  # the last quote is escaped
        ('"a"b"', 4, "comma"),  # an unescaped quote inside a value
        ('"a",b', 5, "double quotes"),
        ('"a",', 5, "double quotes"),
        ("NULLX", 1, "double quotes"),
    ],
)
def test_split_row_errors(line, column, words):
    with pytest.raises(ParseError) as info:
        dotclear.split_row(line, 7)
    assert (info.value.line, info.value.column) == (7, column)
    assert words in info.value.message


def dotclear_escape(value: str) -> str:
    """FlatExport::getLine for one value: backslashes first, then \\n, \\r and quotes."""
    for raw, escaped in (("\\", "\\\\"), ("\n", "\\n"), ("\r", "\\r"), ('"', '\\"')):
        value = value.replace(raw, escaped)
    return '"' + value + '"'


def test_round_trip_of_what_dotclear_writes():
    import random

    rng = random.Random(20101031)
    alphabet = ["\\", '"', "\n", "\r", ",", "n", "r", "é", " ", "NULL", '","', "\t", "\u2028"]
    for _ in range(500):
        values = ["".join(rng.choices(alphabet, k=rng.randrange(0, 8))) for _ in range(4)]
        line = ",".join(dotclear_escape(v) for v in values)
        assert "\n" not in line and "\r" not in line  # one physical line per row
        assert dotclear.split_row(line, 1) == values


def test_crlf_lines_read_as_dotclear_trims_them(full):
    # FlatBackup trims every line: a file saved with CRLF line ends reads the same.
    assert dotclear.parse(text(FULL).replace("\n", "\r\n")) == full


# --- the single-blog export


def test_single_export(single):
    assert single.skipped == {"category": 1, "link": 1, "setting": 1}
    assert single.warnings == [
        "a single-blog export does not say the blog's name or address (Dotclear id atelier): "
        "its articles have no page URL"
    ]
    post, page = single.articles
    for a in single.articles:
        # A Dotclear id names no blog ("default" on most installations): --blog does.
        assert (a.blog_name, a.blog_url, a.url) == ("", "", "")
        assert a.author == "gaelle"  # no [user] block: the user id
    assert (post.source_id, post.kind, post.status) == ("7", "post", "publish")
    assert post.title == "Fête nationale ? Non, 14 juillet"
    assert post.published_at == datetime(2021, 7, 14, 21, 0, tzinfo=MONTREAL)
    assert post.published_at.utcoffset() == timedelta(hours=-4)
    # Markdown source, rendered HTML kept.
    assert post.body_html == "<p>Deux <em>fêtes</em>, un océan.</p>"
    assert post.body == "Deux fêtes, un océan."
    # Password-protected: kept, not public; its empty HTML falls back to the xhtml source.
    assert (page.source_id, page.kind, page.status) == ("8", "page", "private")
    assert page.flags == ["password-protected"]
    assert page.body_html == "<p>Réservé.</p>" and page.comments == []

    first, lost = post.comments
    assert (first.source_id, first.author, first.status, first.line) == (
        "31", "Gaëlle Côté", "approved", 17,
    )  # fmt: skip
    # comment_tz empty: the blog's America/Montreal, from the [setting] block.
    assert first.posted_at == datetime(2021, 7, 15, 8, 30, tzinfo=MONTREAL)
    assert first.body == "Bonne fête à nos cousins !"
    # MySQL's zero date: no date.
    assert (lost.source_id, lost.author, lost.posted_at, lost.date_raw) == (
        "32", "Benoît", None, "",
    )  # fmt: skip
    assert lost.body == "Date perdue\nlors d'une migration."


def test_unknown_zone_falls_back_with_a_warning():
    changed = text(SINGLE).replace(
        '"America/Montreal","2021-07-14 20:00:00"', '"Mars/Olympus","2021-07-14 20:00:00"'
    )
    dump = dotclear.parse(changed)
    assert dump.articles[0].published_at == datetime(2021, 7, 14, 21, 0, tzinfo=MONTREAL)
    assert dump.warnings[0] == (
        "line 13: unknown time zone 'Mars/Olympus'; dates in it are read in the blog's zone, "
        "else as Europe/Paris local time"
    )


def test_no_zone_anywhere_is_naive_paris_time():
    lines = [
        "///DOTCLEAR|2.25|single",
        "[post post_id,blog_id,post_dt,post_title,post_status]",
        '"1","b","2015-02-03 04:05:06","T","1"',
        "",
        "[comment comment_id,post_id,comment_dt,comment_author,comment_status]",
        '"2","1","2015-02-03 05:00:00","A","9"',
    ]
    dump = dotclear.parse("\n".join(lines))
    (article,) = dump.articles
    assert article.published_at == datetime(2015, 2, 3, 4, 5, 6)  # naive: Europe/Paris
    (comment,) = article.comments
    assert comment.posted_at == datetime(2015, 2, 3, 5, 0)
    # An unknown status: hidden, with a warning; the missing comment_trackback: a comment.
    assert (comment.status, comment.kind) == ("pending", COMMENT)
    assert "line 6: comment 2 has status '9', read as pending" in dump.warnings


# --- bad input


def test_damaged_row_gives_its_line():
    with pytest.raises(ParseError) as info:
        dotclear.parse(text(DAMAGED))
    assert info.value.line == 42  # comment 105, one value short
    assert str(info.value) == (
        "line 42: this [comment] row has 14 values but the block header names 15 columns"
    )


def test_truncated_file_gives_line_and_column():
    data = text(TRUNCATED)
    last = data.split("\n")[-1]
    assert not data.endswith("\n") and last.startswith('"102"')
    with pytest.raises(ParseError) as info:
        dotclear.parse(data)
    assert info.value.line == data.count("\n") + 1 == 39
    assert info.value.column == last.index('"<p>Ligne 1') + 1
    assert "unterminated quoted value" in str(info.value)
    assert dotclear.detect(data)  # it starts like an export; it is the parse that fails


@pytest.mark.parametrize(
    "first,words",
    [
        ("///DOTCLEAR|1.2.5|full", "unknown Dotclear version '1.2.5'"),
        ("///DOTCLEAR||full", "unknown Dotclear version ''"),
        ("///DOTCLEAR|two|full", "unknown Dotclear version 'two'"),
        ("///DOTCLEAR|2.19|partial", "unknown export mode 'partial'"),
        ("///DOTCLEAR|2.19|full|x", "unknown export mode"),
        ("DOTCLEAR|2.19|full", "expected a Dotclear export header"),
    ],
)
def test_bad_header(first, words):
    with pytest.raises(ParseError) as info:
        dotclear.parse(first + '\n\n[version module,version]\n"core","2.19"\n')
    assert info.value.line == 1 and words in info.value.message


def test_header_without_mode_is_single_as_dotclear_reads_it():
    assert dotclear.read_flat("///DOTCLEAR|2.4.1\n").mode == "single"


@pytest.mark.parametrize(
    "body,line,words",
    [
        ('"a","b"', 2, "a row before any [block] header"),
        ("[post]", 2, "malformed block header"),
        ("[post post_id,,blog_id]", 2, "malformed block header"),
        ("[version module,version]\nversion 2.19", 3, "expected a [block] header, a row"),
        ('[version module,version]\n"core","2.19","x"', 3, "has 3 values"),
    ],
)
def test_structure_errors(body, line, words):
    with pytest.raises(ParseError) as info:
        dotclear.parse("///DOTCLEAR|2.19|full\n" + body + "\n")
    assert info.value.line == line and words in info.value.message


def test_comment_of_a_missing_post_is_kept_under_a_placeholder():
    data = text(FULL).replace('"107","13"', '"107","99"')
    dump = dotclear.parse(data)
    assert dump.warnings == [
        "line 44: 1 comment(s) of post 99, which is not in this export; kept under a "
        "placeholder article"
    ]
    placeholder = dump.articles[-1]
    assert (placeholder.source_id, placeholder.status, placeholder.flags) == (
        "99", "placeholder", ["missing-post"],
    )  # fmt: skip
    assert placeholder.blog_name == "Le Carnet d'Hélène"
    assert [(c.source_id, c.author) for c in placeholder.comments] == [("107", "Jean-Noël Œuvray")]


# --- detection and registration


def test_detect():
    for path in (FULL, SINGLE, DAMAGED, TRUNCATED):
        assert dotclear.detect(text(path))
        assert detect_format(text(path)) == "dotclear"
    assert dotclear.detect("\ufeff" + text(SINGLE))
    assert not dotclear.detect("")
    assert not dotclear.detect("Le 3 mai 2010, Jean a écrit :\n\n///DOTCLEAR|2.19|full\n")
    assert not dotclear.detect('<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>')
    assert not wxr.detect(text(FULL))
    assert "dotclear" in SITE_EXPORTS
    assert parse_text(text(FULL)) == dotclear.parse(text(FULL))


def test_parse_time_of_a_large_generated_export():
    import time

    head, _, rest = text(FULL).partition("[comment ")
    header, _, _ = rest.partition("\n")
    row = (
        '"{}","12","2010-03-28 10:05:00","Europe/Paris","","Lecteur {}","","",'
        '"<p>Texte\\n{}</p>","","","1","0","","0"'
    )
    rows = "\n".join(row.format(1000 + i, i % 97, i) for i in range(5_000))
    data = head + "[comment " + header + "\n" + rows + "\n"
    started = time.perf_counter()
    dump = dotclear.parse(data)
    elapsed = time.perf_counter() - started
    assert len(dump.articles[0].comments) == 5_000
    assert elapsed < 3


# --- the database


# A single-blog export does not say which blog it is from: import_dump --blog does.
ATELIER = "https://atelier.example/"


def run(*paths: Path, blog: str | None = None) -> str:
    out = io.StringIO()
    options = {"blog": blog} if blog else {}
    call_command("import_dump", *map(str, paths), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def snapshot() -> dict:
    from people.models import Participant
    from threads.models import Article, Comment, ImportSource

    return {
        "articles": list(Article.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "participants": list(Participant.objects.order_by("pk").values()),
        "sources": list(ImportSource.objects.order_by("pk").values()),
    }


@pytest.mark.django_db
def test_import_dump_writes_the_exports_and_a_second_run_changes_nothing(tmp_path):
    from threads.models import Article, Blog, Comment

    run(FULL)
    run(SINGLE, blog=ATELIER)
    assert Article.objects.count() == 3 + 2
    assert sorted(Blog.objects.values_list("name", "url")) == [
        ("Le Carnet d'Hélène", "https://carnet.example.org/index.php?"),
        ("atelier.example", ATELIER),
    ]
    post = Article.objects.get(external_id="12")
    assert post.is_public and post.url.endswith("?post/2010/03/28/Le-tramway-arrive")
    assert post.published_at == datetime(2010, 3, 28, 7, 30, tzinfo=UTC)
    assert not Article.objects.get(external_id="14").is_public  # scheduled
    assert not Article.objects.get(external_id="8").is_public  # password-protected
    rows = {c.source_id: c for c in Comment.objects.select_related("article").order_by("pk")}
    assert sorted(rows) == ["101", "102", "103", "104", "105", "106", "107", "31", "32"]
    expected = {
        # source_id: (article, author, kind, status, public, UTC time)
        "101": ("12", "François Müller", "comment", "approved", True, (2010, 3, 28, 8, 5)),
        "102": ("12", 'Zoé "la Verte"', "comment", "pending", False, (2010, 3, 28, 9, 0)),
        "103": ("12", "Cheap Pills", "comment", "spam", False, (2010, 3, 29, 1, 15)),
        "104": (
            "12", "Le blog d'en face & associés", "trackback", "approved", True,
            (2010, 3, 30, 6, 0),
        ),
        "105": ("12", "Anonyme", "comment", "pending", False, (2010, 4, 1, 12, 0)),
        "106": ("13", "Hélène Dupré", "comment", "approved", True, (2010, 10, 31, 0, 45)),
        "107": ("13", "Jean-Noël Œuvray", "comment", "approved", True, (2010, 11, 2, 19, 0)),
        "31": ("7", "Gaëlle Côté", "comment", "approved", True, (2021, 7, 15, 12, 30)),
        "32": ("7", "Benoît", "comment", "approved", True, None),
    }  # fmt: skip
    for cid, (article, author, kind, status, public, utc) in expected.items():
        c = rows[cid]
        assert c.article.external_id == article
        assert (c.author_as_written, c.kind, c.status, c.is_public) == (
            author, kind, status, public,
        )  # fmt: skip
        assert c.posted_at == (datetime(*utc, tzinfo=UTC) if utc else None)
        assert c.parent_id is None and c.level == 0
    # Positions follow the file.
    assert [c.source_id for c in post.comments.order_by("position")] == [
        "101", "102", "103", "104", "105",
    ]  # fmt: skip

    before = snapshot()
    out = run(FULL) + run(SINGLE, blog=ATELIER)
    assert snapshot() == before
    assert "0 new / 0 updated / 3 unchanged articles" in out
    assert "0 new / 0 updated / 2 unchanged articles" in out
    # The same export with other bytes (a trailing blank line) is parsed again: the
    # archive holds it already, nothing is written.
    copy = tmp_path / FULL.name
    copy.write_text(text(FULL) + "\n", encoding="utf-8")
    out = run(copy)
    assert "0 new / 0 updated / 3 unchanged articles; 0 new / 0 updated / 7 unchanged" in out
    after = snapshot()
    for key in ("articles", "comments", "participants"):
        assert after[key] == before[key]


@pytest.mark.django_db
def test_a_single_blog_export_needs_its_blog():
    from threads.models import Article

    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_dump", str(SINGLE), stderr=err, stdout=io.StringIO())
    assert "this dotclear export does not say which blog it is from" in err.getvalue()
    assert not Article.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad,where", [(DAMAGED, "line 42"), (TRUNCATED, "line 39, column")])
def test_bad_export_writes_nothing(bad, where):
    run(SINGLE, blog=ATELIER)
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        # A good file beside the bad one is not written either.
        call_command("import_dump", str(FULL), str(bad), stderr=err, stdout=io.StringIO())
    message = err.getvalue()
    assert str(bad) in message and where in message
    assert snapshot() == before


def test_bad_export_exit_code_and_one_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "import_dump", str(DAMAGED)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "dotclear-damaged.txt" in line]
    assert len(lines) == 1 and "line 42" in lines[0]


def test_only_newline_ends_a_row():
    # PHP's fgets splits on "\n" only: a form feed or U+2028 inside a value is text.
    lines = [
        "///DOTCLEAR|2.25|single",
        "[comment comment_id,post_id,comment_content]",
        '"1","2","a\x0cb\u2028c\x0bd\x1ce"',
    ]
    (row,) = dotclear.read_flat("\n".join(lines)).tables["comment"]
    assert row.get("comment_content") == "a\x0cb\u2028c\x0bd\x1ce" and row.line == 3


def test_plugin_post_type_with_comments_is_kept_without_url():
    # Post 15 is of the plugin type "related": skipped when bare, kept when commented, with
    # no page URL (its URL base is the plugin's).
    dump = dotclear.parse(text(FULL).replace('"107","13"', '"107","15"'))
    related = dump.articles[-1]
    assert (related.source_id, related.kind, related.url) == ("15", "related", "")
    assert [c.source_id for c in related.comments] == ["107"]
    assert "post of type related" not in dump.skipped
