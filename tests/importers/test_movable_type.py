"""Movable Type / TypePad export parser: the samples of tests/data/movable-type/ read comment
by comment (expected values written from the files), detection, dates, and bad input."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from importers import movable_type as mt
from importers.formats import detect_format
from importers.parsed import COMMENT, EXACT, TRACKBACK, UNKNOWN, ParseError
from tests.conftest import FIXTURES, TESTDATA
from tests.importers.parsed_helpers import all_strings

DATA = TESTDATA / "movable-type"
GOOD = ["mt-export.txt", "typepad-export.txt", "mt-24h-no-entry.txt"]


def sample(name: str):
    return mt.parse((DATA / name).read_text(encoding="utf-8"))


def facts(comment) -> tuple:
    return (
        comment.kind,
        comment.author,
        comment.author_url,
        comment.posted_at,
        comment.date_raw,
        comment.body,
        comment.line,
    )


# --- mt-export.txt: three entries as Movable Type's exporter writes them


def test_mt_export_entries():
    dump = sample("mt-export.txt")
    assert dump.format == "movable-type"
    assert dump.warnings == []
    assert [a.title for a in dump.articles] == [
        "Le community management & ses mythes",
        "Brouillon : la suite",
        "Pourquoi « CM » ?",
    ]
    first, draft, third = dump.articles
    assert first.author == "Élodie Martin" and third.author == "Jérôme Dupré"
    assert [a.source_id for a in dump.articles] == [
        "le_community_management_ses_mythes",
        "brouillon_la_suite",
        "pourquoi_cm",
    ]
    assert [a.status for a in dump.articles] == ["publish", "draft", "publish"]
    assert [a.published_at for a in dump.articles] == [
        datetime(2008, 3, 14, 9, 5, 0),
        datetime(2008, 4, 1, 23, 59, 59),
        datetime(2008, 5, 2, 12, 0, 0),  # 12:00:00 PM is noon
    ]
    assert [a.date_raw for a in dump.articles] == [
        "03/14/2008 09:05:00 AM",
        "04/01/2008 11:59:59 PM",
        "05/02/2008 12:00:00 PM",
    ]
    assert {a.date_precision for a in dump.articles} == {EXACT}
    # The export names no blog and no permalink.
    assert {(a.blog_name, a.blog_url, a.url) for a in dump.articles} == {("", "", "")}
    assert [len(a.comments) for a in dump.articles] == [6, 0, 2]


def test_mt_export_bodies():
    first, draft, third = sample("mt-export.txt").articles
    # CONVERT BREAKS __default__: typed text, a newline is a line break; the extended body
    # follows the body; the excerpt and keywords are not the text.
    assert first.body == (
        "Un billet sur le métier de community manager.\n"
        "Deuxième ligne du même paragraphe.\n\n"
        "Un second paragraphe, avec une entité : l’été.\n\n"
        "La suite du billet, après le « lire la suite »."
    )
    assert first.body_html == (
        "Un billet sur le métier de <em>community manager</em>.\n"
        "Deuxième ligne du même paragraphe.\n\n"
        "Un second paragraphe, avec une entité : l&rsquo;été.\n\n"
        "La suite du billet, après le « lire la suite »."
    )
    assert "Résumé" not in first.body + first.body_html
    assert "mythes\n" not in first.body and "community, mythes" not in first.body
    # CONVERT BREAKS 0: HTML as written, a newline in it is only a space.
    assert draft.body == "Un brouillon en HTML, sur deux lignes du source.\n\nDeuxième paragraphe."
    assert draft.body_html == (
        "<p>Un brouillon en HTML,\nsur deux lignes du source.</p>\n<p>Deuxième paragraphe.</p>"
    )
    assert third.body == "Le sigle « CM » veut dire community manager."
    assert third.body_html.startswith("<p>Le sigle &laquo;&nbsp;CM&nbsp;&raquo; veut dire <a ")


def test_mt_export_comments_one_by_one():
    first, _, third = sample("mt-export.txt").articles
    assert [facts(c) for c in first.comments] == [
        (
            COMMENT, "François Lefèvre", "http://francois.example.org/",
            datetime(2008, 3, 14, 10, 15, 30), "03/14/2008 10:15:30 AM",
            "Je ne suis pas d’accord.\nC'est un vrai métier.", 30,
        ),
        (
            COMMENT, "Zoé & Noël", "",
            datetime(2008, 3, 14, 14, 45, 0), "03/14/2008 02:45:00 PM",
            "Merci pour ce billet.\n\nDeuxième paragraphe.", 39,
        ),
        (
            # 12:05:09 AM is five minutes after midnight, on the 15th.
            COMMENT, "Élodie Martin", "",
            datetime(2008, 3, 15, 0, 5, 9), "03/15/2008 12:05:09 AM",
            "Réponse juste après minuit.", 49,
        ),
        (
            COMMENT, "Gaëlle", "",
            datetime(2008, 3, 15, 12, 30, 0), "03/15/2008 12:30:00 PM",
            "Et une autre à midi et demi.", 57,
        ),
        (COMMENT, "Anonyme pressé", "", None, "", "Un commentaire sans date.", 65),
        (
            # A ping: a trackback from the blog it names; the pinging post's title leads.
            TRACKBACK, "Le Blog d'à côté", "http://autre-blog.example.net/2008/03/mythes.html",
            datetime(2008, 3, 16, 20, 0, 0), "03/16/2008 08:00:00 PM",
            "Les mythes du CM, suite\n\nÉlodie Martin revient sur les mythes du métier...", 73,
        ),
    ]  # fmt: skip
    assert first.comments[0].body_html == (
        "Je ne suis pas d&#8217;accord.\nC'est un <strong>vrai</strong> métier."
    )
    assert first.comments[5].body_html == "Élodie Martin revient sur les mythes du métier..."
    assert [facts(c) for c in third.comments] == [
        (
            # AUTHOR: with nothing after it: no name, kept as such (never invented).
            COMMENT, "", "", datetime(2008, 5, 2, 13, 0, 0), "05/02/2008 01:00:00 PM",
            "Un commentaire sans nom d'auteur.", 129,
        ),
        (
            # No BLOG NAME: the pinging post's title is the author. 12:00:00 AM: midnight.
            TRACKBACK, "CM, un sigle", "http://sigles.example.com/cm",
            datetime(2008, 5, 3, 0, 0, 0), "05/03/2008 12:00:00 AM",
            "Un rétrolien sans nom de blog.", 137,
        ),
    ]  # fmt: skip


def test_comments_are_flat_approved_and_without_ids():
    for name in GOOD:
        for article in sample(name).articles:
            for c in article.comments:
                assert (c.parent, c.status, c.source_id, c.flags) == (None, "approved", None, [])


def test_no_email_or_ip_in_output():
    for name in GOOD:
        out = "\n".join(all_strings(sample(name)))
        assert "example.invalid" not in out
        assert "192.0.2." not in out


# --- typepad-export.txt: TypePad's flavour (UNIQUEURL, Windows line ends)


def test_typepad_export():
    dump = sample("typepad-export.txt")
    assert dump.warnings == []
    published, draft = dump.articles
    assert published.title == "Les community managers à Ouessant"
    assert published.url == (
        "http://exemple-cm.typepad.fr/blog/2010/10/les-community-managers-a-ouessant.html"
    )
    assert published.source_id == "les-community-managers-a-ouessant"
    assert published.published_at == datetime(2010, 10, 7, 18, 30, 0)
    assert published.body == "Retour sur la conférence d'Ouessant."
    # One blog for the whole export, named after its permalinks' host, drafts included.
    assert {a.blog_name for a in dump.articles} == {"exemple-cm.typepad.fr"}
    assert [facts(c) for c in published.comments] == [
        (
            COMMENT, "Hélène", "http://helene.example.fr", datetime(2010, 10, 7, 19, 2, 11),
            "10/07/2010 07:02:11 PM", "Bravo pour la conférence !", 26,
        ),
        (
            COMMENT, "Thierry", "http://exemple-cm.typepad.fr/blog/",
            datetime(2010, 10, 8, 8, 15, 0), "10/08/2010 08:15:00 AM", "Merci Hélène.", 34,
        ),
    ]  # fmt: skip
    # The draft has no title, no date, no basename, no permalink: all kept empty.
    assert (draft.title, draft.status, draft.published_at, draft.date_raw) == (
        "",
        "draft",
        None,
        "",
    )
    assert (draft.date_precision, draft.source_id, draft.url) == (UNKNOWN, None, "")
    assert draft.body == "Un brouillon sans titre ni date."
    assert not [s for s in all_strings(dump) if "\r" in s]


# --- mt-24h-no-entry.txt: another engine's export (24-hour dates, no BASENAME), NO ENTRY


def test_24_hour_dates_and_entries_without_basename():
    dump = sample("mt-24h-no-entry.txt")
    first, untitled, placeholder = dump.articles
    assert (first.title, first.author) == ("A dummy title", "Foo Bar")
    assert first.published_at == datetime(2002, 1, 31, 15, 31, 5)
    assert first.date_raw == "01/31/2002 15:31:05"
    assert first.body == "This is the body.\n\nHere is some more text."
    # Without a BASENAME or a permalink, an entry is known by its date, as MT finds it.
    assert first.source_id == "date:2002-01-31 15:31:05"
    assert (untitled.title, untitled.author) == ("", "Baz Quux")
    assert untitled.published_at == datetime(2002, 2, 1, 0, 10, 0)
    assert untitled.source_id == "date:2002-02-01 00:10:00"
    assert untitled.body == "An entry without a title, written just after midnight."
    assert [facts(c) for c in first.comments] == [
        (
            COMMENT, "Foo", "", datetime(2002, 1, 31, 15, 47, 6), "01/31/2002 15:47:06",
            "This is\nthe body of this comment.", 13,
        ),
        # No AUTHOR line and no DATE line.
        (
            COMMENT, "", "http://anonyme.example.org/", None, "",
            "Nobody signed this one, and it has no date.", 19,
        ),
        # From the NO ENTRY block dated like this entry: joins it.
        (
            COMMENT, "Late", "", datetime(2002, 2, 2, 9, 0, 0), "02/02/2002 09:00:00",
            "A comment sent later for the first entry.", 34,
        ),
    ]  # fmt: skip
    # The NO ENTRY block for an entry not in the file: a placeholder keeps its comment.
    assert (placeholder.status, placeholder.flags, placeholder.title) == (
        "placeholder",
        ["no-entry"],
        "",
    )
    assert placeholder.published_at == datetime(2001, 12, 25, 23, 0, 0)
    assert [facts(c) for c in placeholder.comments] == [
        (
            COMMENT, "Noël", "", datetime(2001, 12, 26, 10, 0, 0), "12/26/2001 10:00:00",
            "A comment for an entry this file does not hold.", 43,
        ),
    ]  # fmt: skip
    assert dump.warnings == [
        "line 31: NO ENTRY block: its 1 comment(s) join the entry dated 01/31/2002 15:31:05",
        "line 40: NO ENTRY block for an entry dated 12/25/2001 23:00:00 that is not in this "
        "file; its comments are kept under a placeholder article",
    ]


# --- detection


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.txt")))
def test_samples_are_detected(name):
    text = (DATA / name).read_text(encoding="utf-8")
    assert mt.detect(text)
    assert detect_format(text) == "movable-type"
    assert mt.detect("\ufeff\n\n" + text)


TEXT_DUMPS = sorted(FIXTURES.glob("*.txt")) + sorted((TESTDATA / "hostile").glob("*.txt"))


@pytest.mark.parametrize("path", TEXT_DUMPS, ids=lambda p: p.name)
def test_text_dumps_are_not_movable_type(path):
    text = path.read_text(encoding="utf-8")
    assert not mt.detect(text)
    assert detect_format(text) != "movable-type"


def test_exports_of_other_formats_are_not_movable_type():
    for path in sorted((TESTDATA / "realworld").glob("*.xml")):
        assert not mt.detect(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        "TITLE: Mon billet\n\nUn texte qui commence comme un en-tête.\n",
        # the structure, but not starting with a header key
        "Un billet\n-----\nBODY:\ntexte\n-----\n--------\n",
        # a lowercase key is not MT's
        "Title: Mon billet\n-----\nBODY:\ntexte\n-----\n--------\n",
        # five dashes followed by something else than a section
        "AUTHOR: moi\n-----\nAlors voilà.\n",
    ],
)
def test_near_misses_are_not_detected(text):
    assert not mt.detect(text)


# --- dates


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("01/31/2002 03:31:05 PM", datetime(2002, 1, 31, 15, 31, 5)),
        ("01/31/2002 03:31:05 AM", datetime(2002, 1, 31, 3, 31, 5)),
        ("01/31/2002 12:00:00 AM", datetime(2002, 1, 31, 0, 0, 0)),
        ("01/31/2002 12:59:59 AM", datetime(2002, 1, 31, 0, 59, 59)),
        ("01/31/2002 12:00:00 PM", datetime(2002, 1, 31, 12, 0, 0)),
        ("01/31/2002 12:59:59 PM", datetime(2002, 1, 31, 12, 59, 59)),
        ("01/31/2002 11:59:59 PM", datetime(2002, 1, 31, 23, 59, 59)),
        ("01/31/2002 00:00:00", datetime(2002, 1, 31, 0, 0, 0)),
        ("01/31/2002 12:00:00", datetime(2002, 1, 31, 12, 0, 0)),
        ("01/31/2002 23:59:59", datetime(2002, 1, 31, 23, 59, 59)),
        ("1/5/2002 3:04:05 pm", datetime(2002, 1, 5, 15, 4, 5)),
        ("", None),
    ],
)
def test_dates(raw, expected):
    assert mt.parse_mt_date(raw, 1) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "01/31/2002 13:00:00 PM",  # no 13 o'clock on a 12-hour clock
        "01/31/2002 00:30:00 AM",  # nor 0
        "01/31/2002 24:00:00",
        "02/30/2002 10:00:00 AM",
        "31/01/2002 10:00:00",  # day first: month 31
        "01/31/02 10:00:00 AM",  # two-digit year
        "2002-01-31 10:00:00",
        "01/31/2002",
        "demain",
    ],
)
def test_bad_dates_are_errors(raw):
    with pytest.raises(ParseError) as error:
        mt.parse_mt_date(raw, 7)
    assert error.value.line == 7 and "DATE" in error.value.message


# --- bad input: one ParseError, with the line


ENTRY = (
    "AUTHOR: Élodie\n"  # 1
    "TITLE: Un billet\n"  # 2
    "DATE: 03/14/2008 09:05:00 AM\n"  # 3
    "-----\n"  # 4
    "BODY:\n"  # 5
    "Le texte.\n"  # 6
    "-----\n"  # 7
    "COMMENT:\n"  # 8
    "AUTHOR: Zoé\n"  # 9
    "DATE: 03/14/2008 10:00:00 AM\n"  # 10
    "Premier commentaire.\n"  # 11
    "-----\n"  # 12
    "--------\n"  # 13
)


def error_of(text: str) -> ParseError:
    with pytest.raises(ParseError) as error:
        mt.parse(text)
    return error.value


def test_the_hand_made_entry_parses():
    (article,) = mt.parse(ENTRY).articles
    assert [c.author for c in article.comments] == ["Zoé"]


def test_truncated_file():
    error = error_of((DATA / "mt-truncated.txt").read_text(encoding="utf-8"))
    assert error.line == 40
    assert "COMMENT section at line 39 is not closed" in error.message
    assert "-----" in error.message


def test_comment_without_its_end_before_the_next_comment():
    text = ENTRY.replace(
        "Premier commentaire.\n-----\n",
        "Premier commentaire.\nCOMMENT:\nAUTHOR: Noël\nSecond commentaire.\n-----\n",
    )
    error = error_of(text)
    assert error.line == 12
    assert str(error) == (
        "line 12: COMMENT: inside the COMMENT section at line 8: "
        "the '-----' that closes it is missing"
    )


def test_comment_without_its_end_before_the_end_of_the_entry():
    error = error_of(ENTRY.replace("Premier commentaire.\n-----\n", "Premier commentaire.\n"))
    assert error.line == 12 and "'--------' comes before its '-----'" in error.message


def test_unreadable_entry_and_comment_dates():
    error = error_of(ENTRY.replace("DATE: 03/14/2008 09:05:00 AM", "DATE: le 14 mars 2008"))
    assert error.line == 3 and "DATE 'le 14 mars 2008'" in error.message
    error = error_of(ENTRY.replace("DATE: 03/14/2008 10:00:00 AM", "DATE: 03/14/2008 25:00:00"))
    assert error.line == 10


def test_missing_final_entry_end():
    error = error_of(ENTRY.removesuffix("--------\n"))
    assert error.line == 12 and "truncated" in error.message


def test_file_ending_inside_a_header():
    error = error_of(ENTRY + "AUTHOR: Élodie\nTITLE: Coupé\n")
    assert error.line == 15 and "header of the entry at line 14" in error.message


def test_junk_in_a_header_or_between_sections():
    error = error_of(ENTRY.replace("TITLE: Un billet\n", "Un billet\n"))
    assert error.line == 2 and "KEY: value" in error.message
    error = error_of(ENTRY.replace("-----\nBODY:\n", "-----\nDu texte perdu\nBODY:\n"))
    assert error.line == 5 and "expected a section" in error.message


def test_empty_text():
    assert error_of("\n  \n").line == 1


# --- leniencies, each said in a warning


def test_five_dashes_inside_a_text_stay_text():
    text = ENTRY.replace("Le texte.\n", "Le texte.\n-----\nSuite après un trait.\n")
    dump = mt.parse(text)
    assert dump.articles[0].body_html == "Le texte.\n-----\nSuite après un trait."
    assert dump.warnings == [
        "line 7: '-----' followed by text inside the BODY section at line 5; "
        "read as part of its text"
    ]


def test_unknown_header_key_and_unknown_status():
    text = ENTRY.replace("TITLE: Un billet\n", "TITLE: Un billet\nMOOD: joyeux\nSTATUS: Hidden\n")
    dump = mt.parse(text)
    assert dump.articles[0].status == "hidden"
    assert any("'MOOD' is not part of the format" in w for w in dump.warnings)
    assert any("status 'Hidden'" in w for w in dump.warnings)


def test_a_key_in_another_case_is_one_mt_ignores():
    dump = mt.parse(ENTRY.replace("TITLE: Un billet\n", "Title: Un billet\n"))
    assert dump.articles[0].title == ""
    assert dump.warnings == ["line 2: header key 'Title' is not part of the format; not read"]


def test_review_and_spam_statuses_are_not_public_ones():
    for given, status in [("Review", "pending"), ("Spam", "spam"), ("future", "future")]:
        text = ENTRY.replace("TITLE: Un billet\n", f"TITLE: Un billet\nSTATUS: {given}\n")
        assert mt.parse(text).articles[0].status == status


def test_same_basename_twice_keeps_two_articles():
    entry = ENTRY.replace("TITLE: Un billet\n", "TITLE: Un billet\nBASENAME: un_billet\n")
    dump = mt.parse(entry + entry.replace("Un billet", "Un autre"))
    assert [a.source_id for a in dump.articles] == ["un_billet", None]
    assert dump.warnings == [
        "line 15: the entry has the same identity (un_billet) as the entry at line 1; "
        "kept as a separate article identified by its title"
    ]


def test_parse_time_of_the_samples():
    # A guard, not a benchmark: each sample parses in well under a tenth of a second.
    import time

    for name in GOOD:
        text = (DATA / name).read_text(encoding="utf-8")
        start = time.perf_counter()
        mt.parse(text)
        assert time.perf_counter() - start < 0.1


def test_module_is_pure():
    source = Path(mt.__file__).read_text(encoding="utf-8")
    assert "django" not in source
