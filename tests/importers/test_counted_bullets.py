"""Layout "counted-bullets" (fixture 003). Expected values were read off the fixture text
by hand (line numbers, indentation, author lines), not taken from the parser's output."""

from __future__ import annotations

import pytest

from importers import counted_bullets
from importers.parsed import COMMENT, PINGBACK, ParsedArticle, ParsedDump, ParseError
from importers.textutils import is_furniture
from tests.conftest import SEEDS, seed_text


@pytest.fixture(scope="module")
def article() -> ParsedArticle:
    dump = counted_bullets.parse(seed_text("003"))
    assert dump.format == counted_bullets.NAME == "counted-bullets"
    assert len(dump.articles) == 1
    return dump.articles[0]


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_detect_only_its_own_layout(key: str) -> None:
    assert counted_bullets.detect(seed_text(key)) is (key == "003")


def test_detect_rejects_generic_article() -> None:
    text = "Titre\n\nCommentaires (2) : voir plus bas.\n\n  • un point\n  • un autre\n"
    assert counted_bullets.detect(text) is False


def test_article(article: ParsedArticle) -> None:
    assert article.title == (
        "La quête de sens des community managers, ou l’effet moutons de Panurge"
    )
    assert article.announced_comments == 20  # "Commentaires (20)", line 46
    assert article.author == ""  # the page never names its author
    assert article.body.startswith("Les billets sur l’avenir du community manager fleurissent")
    assert article.body.endswith(
        "n’hésitez pas à lire notre enquête sur les community managers en France en 2012."
    )
    # Sub-headings stay as their own paragraphs.
    assert "\n\nUne quête de sens\n\nROI, engagement" in article.body
    assert "\n\nCreuser de nouvelles pistes\n\n" in article.body


def test_counts(article: ParsedArticle) -> None:
    comments = article.comments
    assert len(comments) == 20
    # All 20 bullets sit at column 3 (lines 47-230): the page shows no nesting at all,
    # even where "Flav" or "Flavien Chantrel" answer someone by name.
    assert all(c.parent is None for c in comments)
    assert all(c.kind == COMMENT and not c.flags for c in comments)
    assert [c.line for c in comments] == [
        47, 60, 66, 87, 103, 118, 133, 145, 151, 155,
        169, 180, 184, 196, 202, 206, 210, 214, 218, 230,
    ]  # fmt: skip
    assert [c.author for c in comments] == [
        "Camille A", "Flavien Chantrel", "Benoît Faverial", "Sylvain Guéguen", "Rémi Gambier",
        "Matthieu", "Flavien Chantrel", "Benoît Faverial", "Flavien", "Thierry de Baillon",
        "Seb", "Antoine Dupin", "Pierre-Etienne", "François Houste", "Flav", "Flav", "Flav",
        "Flav", "jyv", "Mito BANJAC",
    ]  # fmt: skip


# (index, line, author, body start, body end); the dump puts no-break spaces inside « ».
EXPECTED = [
    (0, 47, "Camille A", "Bon article (c’est bien quand tu t’énerves un peu :-)).",
     "le CM c’est un peu surfait en fait 😀"),
    (2, 66, "Benoît Faverial", "Hello Flavien,\n\nTon billet me surprend",
     "ne soit emportée par cette vague."),
    (6, 133, "Flavien Chantrel", "@Benoit : en gros, on est d’accord",
     "y’en a des biens comme dirait l’autre."),
    (7, 145, "Benoît Faverial", "Merci pour les précisions", "On est bien d'accord !"),
    (8, 151, "Flavien", "Bien sûr qu’est possible de créer une communauté sur Facebook.",
     "Il ne faut pas laisser les fans végéter entre eux."),
    (9, 155, "Thierry de Baillon", "«\xa0le rôle de lien entre une entreprise et le web\xa0»\n\n",
     "qui fait le lien entre l’ancien et le nouveau monde…"),
    (17, 214, "Flav", "Sur le terme community manager", "mais il reste du chemin…"),
    (19, 230, "Mito BANJAC", "J’adhère completement à cette analyse.",
     "Au plaisir de vous lire.\n\nDimitri"),
]  # fmt: skip


@pytest.mark.parametrize(("index", "line", "author", "start", "end"), EXPECTED)
def test_specific_comment(
    article: ParsedArticle, index: int, line: int, author: str, start: str, end: str
) -> None:
    comment = article.comments[index]
    assert comment.line == line
    assert comment.author == author
    assert comment.parent is None
    assert comment.kind == COMMENT
    assert comment.body.startswith(start)
    assert comment.body.endswith(end)


def test_body_layout(article: ParsedArticle) -> None:
    assert article.comments[18].body == (
        "Excusez-moi, je viens troller un petit peu.\n\n1) Déjà tltr.\n\n"
        "2) Les illustrations sont cools.\n\n3) Des noms.\n\nMerci"
    )
    # Lines 53-54: one paragraph with a line break inside.
    assert "la notion de leader d’opinion…\nJe pense que justement" in article.comments[0].body


def test_no_furniture_in_bodies(article: ParsedArticle) -> None:
    for body in [article.body, *(c.body for c in article.comments)]:
        assert not any(is_furniture(line) for line in body.splitlines())
        for junk in (
            "View more documents",
            "Pour afficher ce contenu",
            "Ces cookies et traceurs",
            "Accepter",
            "Sujets liés",
            "20 commentaires",
            "Commentaires (20)",
            "Ajouter un commentaire",
            "Votre adresse email",
            "Les meilleurs outils pour les community managers",
            # The title of the SlideShare embed (line 31), a dangling caption without it.
            "Les community managers en France 2012",
        ):
            assert junk not in body


def test_trailing_lines_dropped() -> None:
    dump = counted_bullets.parse(seed_text("003"))
    assert dump.warnings == ["lines 242-246 after the thread dropped as furniture"]


SAMPLE = """Un autre billet

Texte du billet.

Comments (4)
  • Alice

    Premier.
    Suite du premier.

    • Bob

      Réponse à Alice.

  • Un blog ami

    [...] extrait du billet [...]

  • Carol

    Dernier.
Leave a reply
"""


def test_other_blog_same_layout() -> None:
    assert counted_bullets.detect(SAMPLE)
    dump = counted_bullets.parse(SAMPLE)
    art = dump.articles[0]
    assert (art.title, art.body, art.announced_comments) == (
        "Un autre billet",
        "Texte du billet.",
        4,
    )
    got = [(c.author, c.parent, c.kind, c.body, c.line) for c in art.comments]
    assert got == [
        ("Alice", None, COMMENT, "Premier.\nSuite du premier.", 6),
        ("Bob", 0, COMMENT, "Réponse à Alice.", 11),
        ("Un blog ami", None, PINGBACK, "[...] extrait du billet [...]", 15),
        ("Carol", None, COMMENT, "Dernier.", 19),
    ]


def test_truncated_last_bullet_is_dropped() -> None:
    text = "T\n\nCommentaires (2)\n  • Alice\n\n    Bonjour.\n\n  • Bob\n"
    dump = counted_bullets.parse(text)
    assert [c.author for c in dump.articles[0].comments] == ["Alice"]
    assert any("line 8" in w for w in dump.warnings)


@pytest.mark.parametrize("text", ["", "  \n\n", "\ufeff"])
def test_empty_text(text: str) -> None:
    with pytest.raises(ParseError, match="expected a title") as err:
        counted_bullets.parse(text)
    assert err.value.line == 1


def test_truncated_before_the_comments() -> None:
    text = "\n".join(seed_text("003").splitlines()[:45])
    with pytest.raises(ParseError, match=r"expected a 'Commentaires \(N\)' line"):
        counted_bullets.parse(text)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        # The count line followed by prose, not bullets.
        ("T\n\nCommentaires (2)\nDu texte.\n", 4, "expected '• Author' bullets"),
        # Author lines with no text under them, mid-thread.
        ("T\n\nCommentaires (2)\n  • Alice\n  • Bob\n    Salut.\n", 4, "expected the comment"),
        # A comment's text flattened to the bullet's column.
        ("T\n\nCommentaires (1)\n  • Alice\n\n  Bonjour.\n", 6, "expected a continuation"),
        # A reply at a column its siblings don't share.
        ("T\nComments (3)\n  • A\n    x\n      • B\n        y\n    • C\n      z\n", 7,
         "expected a bullet at column 7"),
        # Text before the first bullet.
        ("T\n\nCommentaires (1)\n    Bonjour.\n  • Alice\n    x\n", 4, "expected a '•' bullet"),
        # Everything after the count line flattened: no comment at all.
        ("T\n\nCommentaires (1)\n  • Alice\nBonjour.\n", 5, "expected '• Author' bullets"),
    ],
)  # fmt: skip
def test_garbled(text: str, line: int, message: str) -> None:
    with pytest.raises(ParseError, match=message) as err:
        counted_bullets.parse(text)
    assert err.value.line == line


def test_never_another_exception() -> None:
    # Every prefix of the dump, and the dump with any one line flattened to column 1,
    # parses or raises ParseError: nothing else.
    lines = seed_text("003").splitlines()
    variants = ["\n".join(lines[:n]) for n in range(len(lines) + 1)]
    variants += [
        "\n".join(lines[:i] + [lines[i].lstrip()] + lines[i + 1 :]) for i in range(44, 245)
    ]
    for text in variants:
        try:
            assert isinstance(counted_bullets.parse(text), ParsedDump)
        except ParseError:
            pass
