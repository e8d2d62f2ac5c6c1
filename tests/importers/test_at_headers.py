"""Layout "at-headers" (fixture 001). Expected values come from reading the fixture."""

from __future__ import annotations

from datetime import datetime

import pytest

from importers import at_headers
from importers._headers import comment_kind, is_relayed_tweet
from importers.parsed import COMMENT, TWEET, UNKNOWN, ParsedArticle, ParseError
from tests.conftest import seed_text

TITLE = "Les community managers sont des putes"


@pytest.fixture(scope="module")
def article() -> ParsedArticle:
    dump = at_headers.parse(seed_text("001"))
    assert dump.format == at_headers.NAME == "at-headers"
    assert len(dump.articles) == 1
    return dump.articles[0]


@pytest.mark.parametrize("key, expected", [("000", False), ("001", True), ("002", False),
                                           ("003", False), ("004", False)])  # fmt: skip
def test_detect(key: str, expected: bool) -> None:
    assert at_headers.detect(seed_text(key)) is expected


def test_article(article: ParsedArticle) -> None:
    assert article.title == TITLE
    # Line 1 is the site masthead (the blog is named after its author), not a byline.
    assert article.blog_name == "Thierry CROUZET"
    assert article.author == ""
    assert article.published_at is None and article.date_precision == UNKNOWN
    assert article.announced_comments is None
    assert article.body.startswith("J’ai lancé cette phrase à Ouessant lors d’une conférence.")
    assert article.body.endswith("Je ne peux aller voir une pute que si je tombe amoureux d’elle.")
    assert "\n\nDepuis que je tiens mon blog, je suis un community manager." in article.body
    assert TITLE not in article.body.split("\n")  # the title repeats are not body
    assert "greg @" not in article.body


def test_counts(article: ParsedArticle) -> None:
    comments = article.comments
    assert len(comments) == 133
    assert all(c.parent is None for c in comments)  # the layout is flat
    undated = [c.author for c in comments if c.posted_at is None]
    assert undated == ["@ grnkss", "@ CyrilHijar", "Stephanie Booth ( @ stephtara)"]
    assert all(c.date_raw == "" for c in comments if c.posted_at is None)
    lines = [c.line for c in comments]
    assert lines == sorted(lines) and lines[0] == 41 and lines[-1] == 1089


def test_tweets(article: ParsedArticle) -> None:
    # Read from the text: from line 753 (damien douani) the stream is relayed tweets, except
    # these real comments; nothing before line 753 is a tweet.
    not_tweets_after = {825, 837, 885, 923, 947, 957, 1005, 1089}
    for c in article.comments:
        expected = TWEET if c.line >= 753 and c.line not in not_tweets_after else COMMENT
        assert c.kind == expected, (c.line, c.author, c.body[:60])
    assert sum(c.kind == TWEET for c in article.comments) == 69


def test_duplicate_comment_kept(article: ParsedArticle) -> None:
    badr = [c for c in article.comments if c.date_raw == "2011-07-28 10:34:23"]
    assert [(c.author, c.line) for c in badr] == [("Badr Bouanani", 1061), ("Badr Bouanani", 1065)]
    assert (
        badr[0].body == badr[1].body == "Les community managers sont des putes http://bit.ly/nnxJXK"
    )


def test_first_comment(article: ParsedArticle) -> None:
    c = article.comments[0]
    assert (c.author, c.line, c.kind, c.parent) == ("greg", 41, COMMENT, None)
    assert c.posted_at == datetime(2010, 9, 16, 10, 59, 58)
    assert c.date_raw == "2010-09-16 10:59:58"
    assert c.body == "Excellente réflexion Thierry !\n\nMerci de l’avoir partagée !"


def test_reply_by_blog_author(article: ParsedArticle) -> None:
    c = article.comments[4]
    assert (c.author, c.line, c.parent) == ("Thierry Crouzet", 99, None)
    assert c.posted_at == datetime(2010, 9, 16, 12, 21, 26)
    assert c.body.startswith("@Nathalie Dans la perspective du revenu de vie")
    assert c.body.endswith("d’avoir tuer les conversations.")
    assert c.body.count("\n\n") == 4  # five paragraphs


def test_dash_separators_kept(article: ParsedArticle) -> None:
    c = article.comments[6]
    assert (c.author, c.line, c.kind) == ("000", 117, COMMENT)
    assert c.posted_at == datetime(2010, 9, 16, 13, 11, 9)
    assert "\n\n-\n\nLa première question à se poser est :" in c.body
    assert c.body.endswith("par rapport à l’éthique du choix des produits vendus.")


def test_undated_handle_only_author(article: ParsedArticle) -> None:
    c = article.comments[25]
    assert (c.author, c.line, c.posted_at, c.date_raw) == ("@ grnkss", 337, None, "")
    assert c.kind == COMMENT
    assert c.body.startswith("Excellent billet mais pas convaincu par l’usage sémantique")
    assert "\n\n• ex: ’’inurl:+search’’ (Google,Y!,..)\n\n" in c.body  # bullet kept as a line
    assert c.body.endswith("susceptibles de faciliter notre réflexion.")
    cyril = article.comments[34]
    assert (cyril.author, cyril.line, cyril.posted_at) == ("@ CyrilHijar", 451, None)
    assert cyril.body.endswith("traquons plutôt les criminels!!!")


def test_twitter_style_author_as_written(article: ParsedArticle) -> None:
    c = article.comments[48]
    assert (c.author, c.line, c.posted_at) == ("Stephanie Booth ( @ stephtara)", 633, None)
    assert c.author_handle == ""  # the loader splits name and handle
    assert c.body.startswith("Allez, je ne résiste pas, je viens ajouter mon grain de sel :-)")
    assert c.body.endswith("Mais c’est un autre sujet... ;-)")


def test_borderline_kinds_in_fixture(article: ParsedArticle) -> None:
    by_line = {c.line: c for c in article.comments}
    # Mentions "(T ou RT)" but no "RT @" and it is a real comment.
    assert by_line[151].author == "unouveaucompte" and by_line[151].kind == COMMENT
    # Short, but no link and no retweet marker: kept a comment.
    assert by_line[837].author == "Priscilla Rossi" and by_line[837].kind == COMMENT
    # The same author's earlier short link (opaque token path, not a listed shortener).
    assert by_line[797].body == "Tous des putes ? http://2doc.net/z5iff"
    assert by_line[797].kind == TWEET
    # The article title plus a full link: an automated share.
    assert by_line[761].author == "Emploi LR" and by_line[761].kind == TWEET
    # "RT: @" with a colon.
    assert by_line[857].author == "Albert de Pétigny" and by_line[857].kind == TWEET
    # Two short paragraphs, a tweet plus a remark.
    z = by_line[1055]
    assert (z.author, z.kind) == ("z ange", TWEET)
    assert (
        z.body
        == "RT @crouzet: Les community managers sont des putes http://bit.ly/9xPXNc\n\nou pas..."
    )
    # Author kept exactly as written, dump escape included.
    assert by_line[935].author == "renaud\\_elghozi"


def test_last_comment_without_site_menu(article: ParsedArticle) -> None:
    c = article.comments[-1]
    assert (c.author, c.line, c.kind) == ("chloe", 1089, COMMENT)
    assert c.posted_at == datetime(2014, 3, 17, 13, 54, 30)
    assert c.body == (
        "je devrais apprendre à tenir ce genre de discours face à mes supérieurs, "
        "ils m’écouteront peut-être ..."
    )


def test_no_furniture(article: ParsedArticle) -> None:
    texts = [article.body] + [c.body for c in article.comments]
    for text in texts:
        assert "Visibilité" not in text
        assert "Newsletters" not in text
        assert "Me soutenir" not in text


@pytest.mark.parametrize(
    "body",
    [
        "RT @crouzet: Les community managers sont des putes http://bit.ly/9xPXNc",
        "bonne analyse @crouzet... de RT: @SoAnn: Pas faux http://bit.ly/aifl6a",
        "Tous des putes ? http://2doc.net/z5iff",
        "Un billet à lire http://t.co/hW6gr4A",
        "Les community managers sont des putes via @crouzet",
        "Mon titre - http://blog.example.org/2010/09/16/mon-titre/",
    ],
)
def test_tweet_rule_positive(body: str) -> None:
    assert is_relayed_tweet(body, "Mon titre")


@pytest.mark.parametrize(
    "body",
    [
        # A short comment with an ordinary full link.
        "Absolument d’accord !\nD’ailleurs, je cite ce billet, en référence.\n"
        "http://www.communication-web.net/2010/06/a-quoi-sert-un-community-manager-.html#more",
        # A path that is a plain word is not a short link.
        "Merci ! http://example.com/about",
        # A short reply without a link.
        "Enfin quelqu’un qui n’encense pas les CM. Ca change.",
        # "RT" without "@".
        "le reste des signaux twitter (T ou RT)",
        # A long comment quoting a retweet stays a comment.
        "Je lis partout RT @crouzet: Les community managers sont des putes. " + "Bla. " * 60,
        # Another page's title plus a link is not a share of this article.
        "Autre billet - http://blog.example.org/2010/09/16/autre-billet/",
        "",
    ],
)
def test_tweet_rule_negative(body: str) -> None:
    assert not is_relayed_tweet(body, "Mon titre")
    assert comment_kind("Quelqu’un", body, "Mon titre") == COMMENT


def test_same_layout_from_another_blog() -> None:
    text = (
        "Un autre billet\n\nUn autre billet\n\nPremier paragraphe\nsur deux lignes.\n\n"
        "Alice @ 2012-01-02 03:04\n\nBonjour !\n\nBack\n\nÀ bientôt.\n\n"
        "Bob @\n\nSalut.\n\nLaisser un commentaire\n\n0\n\n69\n"
    )
    [article] = at_headers.parse(text).articles
    assert (article.title, article.blog_name) == ("Un autre billet", "")
    assert article.body == "Premier paragraphe\nsur deux lignes."
    alice, bob = article.comments
    assert (alice.author, alice.posted_at, alice.line) == ("Alice", datetime(2012, 1, 2, 3, 4), 8)
    assert alice.body == "Bonjour !\n\nÀ bientôt."
    assert (bob.author, bob.posted_at, bob.date_raw, bob.line) == ("Bob", None, "", 16)
    assert bob.body == "Salut."  # comment form and stray counters dropped


def test_body_ending_with_a_number_keeps_it() -> None:
    text = "Titre\n\nTexte.\n\nAlice @ 2012-01-02 03:04:05\n\nMon chiffre préféré :\n\n42\n"
    [article] = at_headers.parse(text).articles
    assert article.comments[0].body == "Mon chiffre préféré :\n\n42"


@pytest.mark.parametrize(
    "text, line",
    [
        ("", 1),
        ("   \n\n", 1),
        ("\x00\x01%%% garbled @@ ###\n\n@\n\n== 12 ==\n", 1),
        (seed_text("002"), 1),
        (seed_text("004"), 1),
        ("Alice @ 2012-01-02 03:04:05\n\nBonjour.\n", 1),  # no article before the comments
        ("Titre\n\nTexte.\n\nAlice @ 2012-13-45 25:61:00\n\nBonjour.\n", 5),  # impossible date
    ],
)
def test_parse_errors(text: str, line: int) -> None:
    with pytest.raises(ParseError) as info:
        at_headers.parse(text)
    assert "expected" in info.value.message
    assert info.value.line == line
