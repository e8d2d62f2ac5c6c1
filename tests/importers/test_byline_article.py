"""Layout "byline-article" (fixture 002). Expected values come from reading the fixture."""

from __future__ import annotations

from datetime import datetime

import pytest

from importers import byline_article
from importers.parsed import DAY, ParsedArticle, ParseError
from tests.conftest import seed_text


@pytest.fixture(scope="module")
def article() -> ParsedArticle:
    dump = byline_article.parse(seed_text("002"))
    assert dump.format == byline_article.NAME == "byline-article"
    assert dump.warnings == []
    assert len(dump.articles) == 1
    return dump.articles[0]


@pytest.mark.parametrize("key, expected", [("000", False), ("001", False), ("002", True),
                                           ("003", False), ("004", False)])  # fmt: skip
def test_detect(key: str, expected: bool) -> None:
    assert byline_article.detect(seed_text(key)) is expected


def test_article_head(article: ParsedArticle) -> None:
    assert article.title == "Community Managers : débiles, puérils, abrutis !"
    assert article.author == "E. de Saint-Bon"
    assert article.published_at == datetime(2016, 5, 17)
    assert article.date_precision == DAY
    assert article.date_raw == "17 mai 2016"
    # The host of the image in the JSON image header.
    assert article.blog_url == "https://roxane.digital"
    assert article.blog_name == ""
    assert article.comments == []
    assert article.announced_comments is None


def test_article_body(article: ParsedArticle) -> None:
    body = article.body
    assert body.startswith(
        "Depuis plusieurs années, le métier de community manager est LE métier star du web."
    )
    assert body.endswith("Pourquoi devrait-il en être différemment du community management ?")
    # Sub-headings are paragraphs of their own.
    assert "\n\nLe rire, cette arme fatale\n\n" in body
    # A line break inside a paragraph is kept.
    assert "un stéréotype navrant.\nSans revenir sur l’enquête malheureuse" in body
    # Dash list items stay one per line, right under their lead-in.
    assert (
        "répond au carré magique ci-dessous :\n– c’est d’abord un expert du marketing digital"
        in body
    )
    dash_lines = [line for line in body.split("\n") if line.startswith("– ")]
    assert len(dash_lines) == 4
    assert dash_lines[-1].startswith("– enfin, c’est naturellement un geek")
    assert "\n\nDes revues stratégiques trimestrielles\n\n" in body


def test_no_furniture(article: ParsedArticle) -> None:
    body = article.body
    assert '[{"src"' not in body
    assert "Back" not in body.split("\n")
    assert "Merci d'utiliser votre téléphone" not in body
    assert "Par E. de Saint-Bon" not in body
    assert "le 17 mai 2016" not in body
    assert article.title not in body


def test_same_layout_from_another_blog() -> None:
    text = (
        "Back\n\nUn autre titre\n\nPar Jean Dupont,\nle 1er mars 2011\n\n"
        "Premier paragraphe.\n\nSecond paragraphe\nsur deux lignes.\n\n"
        "Laisser un commentaire\n"
    )
    assert byline_article.detect(text)
    [article] = byline_article.parse(text).articles
    assert (article.title, article.author) == ("Un autre titre", "Jean Dupont")
    assert (article.published_at, article.date_precision) == (datetime(2011, 3, 1), DAY)
    assert article.blog_url == ""
    assert article.body == "Premier paragraphe.\n\nSecond paragraphe\nsur deux lignes."


@pytest.mark.parametrize(
    "tail",
    [
        "\n\n3 commentaires\n\n  • Bob dit :\n\n    Super.\n",
        "\n\nBob @ 2016-05-18 10:00:00\n\nSuper.\n",
        "\n\n  1. Posté par Bob a dit : le\n\n    Super.\n",
    ],
)
def test_texts_with_comments_rejected(tail: str) -> None:
    text = seed_text("002") + tail
    assert not byline_article.detect(text)
    with pytest.raises(ParseError) as info:
        byline_article.parse(text)
    assert "expected an article without comments" in info.value.message
    assert info.value.line is not None and info.value.line > 80


@pytest.mark.parametrize(
    "text",
    [
        "Titre\n\nPar Jean Dupont,\n\nPremier paragraphe.\n",  # no date line
        "Titre\n\nle 17 mai 2016\n\nPremier paragraphe.\n",  # no byline
        "Titre\n\nPar Jean Dupont,\nmai 2016\n\nTexte.\n",  # a month is not a date line
        "Titre\n\nPar contre, la suite.\nle 17 mai 2016\n",  # a sentence, not a byline
        "Titre\n" + "Paragraphe.\n" * 20 + "Par Jean Dupont,\nle 17 mai 2016\n",  # too far down
    ],
)
def test_detect_is_strict(text: str) -> None:
    assert not byline_article.detect(text)


@pytest.mark.parametrize(
    "text, line",
    [
        ("", 1),
        ("\n \n", 1),
        ("\x00\x01%%% garbled ###\n\n== 12 ==\n", 1),
        (seed_text("001"), 1),
        (seed_text("004"), 1),
        ("Par Jean Dupont,\nle 17 mai 2016\n\nTexte.\n", 1),  # no title
        ("Titre\n\nPar Jean Dupont,\nle 31 février 2016\n\nTexte.\n", 1),  # impossible date
    ],
)
def test_parse_errors(text: str, line: int) -> None:
    with pytest.raises(ParseError) as info:
        byline_article.parse(text)
    assert "expected" in info.value.message
    assert info.value.line == line
