"""Layout "numbered-comments" (fixture 004). Expected values come from reading the fixture."""

from __future__ import annotations

from datetime import datetime

import pytest

from importers import numbered_comments
from importers._headers import comment_kind
from importers.parsed import COMMENT, PINGBACK, ParsedArticle, ParseError
from tests.conftest import seed_text

TITLE = "Le Community Manager que vous recherchez se trouve déjà dans votre entreprise"
# Header lines of the 13 pingbacks, read from the text ("[...] excerpt [...]" bodies, and
# the empty one at line 255 whose author is "Post – date | Blog").
PINGBACK_LINES = {48, 98, 166, 255, 270, 274, 285, 289, 293, 297, 301, 305, 339}


@pytest.fixture(scope="module")
def article() -> ParsedArticle:
    dump = numbered_comments.parse(seed_text("004"))
    assert dump.format == numbered_comments.NAME == "numbered-comments"
    assert dump.warnings == []  # numbering 1..47 in order, as announced
    assert len(dump.articles) == 1
    return dump.articles[0]


@pytest.mark.parametrize("key, expected", [("000", False), ("001", False), ("002", False),
                                           ("003", False), ("004", True)])  # fmt: skip
def test_detect(key: str, expected: bool) -> None:
    assert numbered_comments.detect(seed_text(key)) is expected


def test_article(article: ParsedArticle) -> None:
    assert article.title == TITLE
    assert article.announced_comments == 47
    assert article.author == "" and article.published_at is None
    body = article.body
    assert body.startswith("Je me suis posé la question avant de publier cet article")
    assert body.endswith("et de le faire accompagner par des experts.")
    # Bullet items kept, one per line.
    assert "\n\n• L’entreprise a un temps de retard et l’agence est là" in body
    assert "\n\n• Les freelances mettent en avant leurs connaissances du marché" in body
    assert "commentaires pour" not in body  # the count header is not body


def test_counts(article: ParsedArticle) -> None:
    comments = article.comments
    assert len(comments) == 47
    assert [c.source_id for c in comments] == [str(n) for n in range(1, 48)]
    # Every header sits at the same two-space indent: no nesting in this dump.
    assert all(c.parent is None for c in comments)
    # No dates in this dump ("a dit : le" with nothing after).
    assert all(c.posted_at is None and c.date_raw == "" for c in comments)
    assert {c.line for c in comments if c.kind == PINGBACK} == PINGBACK_LINES
    assert [c.line for c in comments if c.kind == PINGBACK and not c.body] == [255]
    assert all(c.kind in (COMMENT, PINGBACK) for c in comments)  # no relayed tweets


def test_first_comment(article: ParsedArticle) -> None:
    c = article.comments[0]
    assert (c.author, c.line, c.kind, c.parent) == ("Jean", 23, COMMENT, None)
    assert c.body.startswith(
        "Encore une fois Cédric, nous sommes tout à fait d’accord :)\n"
        "Pour aller dans ce sens, j’ai tendance à expliquer"
    )
    assert c.body.endswith("et d’y gagner sa crédibilité.")


def test_line_breaks_inside_paragraph(article: ParsedArticle) -> None:
    c = article.comments[3]
    assert (c.author, c.line, c.kind) == ("axyome", 42, COMMENT)
    assert c.body.startswith("+1\nTout à fait d’accord, mais attention")
    assert c.body.endswith("réputation de ceux-ci.\nMerci pour ce bon billet ;)")
    assert "\n\n" not in c.body


def test_first_pingback(article: ParsedArticle) -> None:
    c = article.comments[4]
    assert (c.author, c.line, c.kind, c.parent) == (
        "Management du Risque | Archives de Sécurité Tube",
        48,
        PINGBACK,
        None,
    )
    assert c.body == "[...] Médias sociaux > Le Community Manager que vous recherchez se … [...]"


def test_handle_author(article: ParsedArticle) -> None:
    c = article.comments[9]
    assert (c.author, c.line, c.kind) == ("@anthonybesson", 92, COMMENT)
    assert c.body.startswith("Hello Cédric et tout le monde,\nJe suis désolé de te dire ca")


def test_multi_paragraph_reply(article: ParsedArticle) -> None:
    c = article.comments[11]
    assert (c.author, c.line, c.kind) == ("Cédric DENIAUD", 102, COMMENT)
    assert c.body.startswith("@Benoit\n\nJe me suis déjà exprimé sur le sujet…")
    assert "\n\n@Greg\nD’accord avec toi…" in c.body
    assert c.body.endswith("C’est là mon métier d’évangéliste (plus que de consultant) ;)")


def test_empty_pingback_then_comment(article: ParsedArticle) -> None:
    ping, amelie = article.comments[32], article.comments[33]
    assert (ping.author, ping.line, ping.kind, ping.body) == (
        "» Petite veille référencement naturel – mai 2010 | Delphine M. [ veille ]",
        255,
        PINGBACK,
        "",
    )
    assert (amelie.author, amelie.line, amelie.kind) == ("Amelie", 256, COMMENT)
    assert amelie.body.startswith("Tout à fait d’accord ! C’est exactement ce qui s’est passé")


def test_short_comment_with_full_link_is_not_a_tweet(article: ParsedArticle) -> None:
    c = article.comments[34]
    assert (c.author, c.line, c.kind) == ("phil gerard", 264, COMMENT)
    assert c.body == (
        "Absolument d’accord !\nD’ailleurs, je cite ce billet, en référence.\n"
        "http://www.communication-web.net/2010/06/a-quoi-sert-un-community-manager-.html#more"
    )


def test_last_comment(article: ParsedArticle) -> None:
    c = article.comments[-1]
    assert c.line == 339 and c.kind == PINGBACK and c.source_id == "47"
    assert c.author.startswith("71Signe Experience » Du")
    assert c.body.startswith("[…] monde se souvient du succès de l’expression")
    assert c.body.endswith("et très largement reprise depuis […]")


def test_no_furniture(article: ParsedArticle) -> None:
    for text in [article.body] + [c.body for c in article.comments]:
        assert "Laisser un commentaire" not in text
        assert "Posté par" not in text


def test_nesting_from_indentation_and_dates() -> None:
    text = (
        "Un autre billet\n\nTexte.\n\n2 commentaires pour “Un autre billet”\n\n"
        "  1. Posté par Alice a dit : le 12 mai 2010 à 14h05\n\n    Un.\n\n"
        "    2. Posté par Bob a dit : le\n\n      Réponse à Alice.\n\n"
        "      3. Posté par Alice a dit : le 31 février 2010\n\n        Merci.\n\n"
        "  4. Posté par Carol a dit : le 13 mai 2010\n\n    Quatre.\n"
    )
    dump = numbered_comments.parse(text)
    [article] = dump.articles
    assert article.announced_comments == 2
    assert [c.parent for c in article.comments] == [None, 0, 1, None]
    assert [c.line for c in article.comments] == [7, 11, 15, 19]
    first, second, third, fourth = article.comments
    assert (first.posted_at, first.date_raw) == (
        datetime(2010, 5, 12, 14, 5),
        "12 mai 2010 à 14h05",
    )
    assert (second.posted_at, second.date_raw) == (None, "")
    # An impossible date is kept as written, with a warning, not an exception.
    assert (third.posted_at, third.date_raw) == (None, "31 février 2010")
    assert fourth.posted_at == datetime(2010, 5, 13)
    assert second.body == "Réponse à Alice."
    assert any("31 février 2010" in w for w in dump.warnings)
    assert any("announces 2 comments, 4 found" in w for w in dump.warnings)


@pytest.mark.parametrize(
    "author, body, kind",
    [
        ("Blog | Un billet", "", PINGBACK),
        ("Site.fr > Un billet", "", PINGBACK),
        ("Jean", "", COMMENT),  # an empty comment from a person is not a pingback
        ("Un billet ailleurs", "[…] un extrait […]", PINGBACK),
        ("Jean", "[...] je cite [...]", PINGBACK),
        ("Jean", "[...] je cite, puis je commente.", COMMENT),
    ],
)
def test_pingback_rule(author: str, body: str, kind: str) -> None:
    assert comment_kind(author, body) == kind


@pytest.mark.parametrize(
    "text, line",
    [
        ("", 1),
        ("\t\n", 1),
        ("\x00\x01%%% garbled ###\n\n1) Posté\n\n== 12 ==\n", 1),
        (seed_text("001"), 1),
        (seed_text("002"), 1),
        ("  1. Posté par Jean a dit : le\n\n    Bonjour.\n", 1),  # no article before
    ],
)
def test_parse_errors(text: str, line: int) -> None:
    with pytest.raises(ParseError) as info:
        numbered_comments.parse(text)
    assert "expected" in info.value.message
    assert info.value.line == line
