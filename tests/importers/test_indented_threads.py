"""Layout "indented-threads" (fixture 000). Expected values were read off the fixture text
by hand (line numbers, indentation, headers), not taken from the parser's output."""

from __future__ import annotations

import pytest

from importers import indented_threads
from importers.parsed import COMMENT, PINGBACK, ParsedArticle, ParsedDump, ParseError
from importers.textutils import is_furniture
from tests.conftest import SEEDS, seed_text


@pytest.fixture(scope="module")
def article() -> ParsedArticle:
    dump = indented_threads.parse(seed_text("000"))
    assert dump.format == indented_threads.NAME == "indented-threads"
    assert len(dump.articles) == 1
    return dump.articles[0]


def depth(article: ParsedArticle, index: int) -> int:
    """1 for a top-level comment, 2 for a reply to it, …"""
    n = 1
    while (index := article.comments[index].parent) is not None:
        n += 1
    return n


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_detect_only_its_own_layout(key: str) -> None:
    assert indented_threads.detect(seed_text(key)) is (key == "000")


def test_detect_rejects_generic_article_with_bullets() -> None:
    text = "Titre\n\nUn paragraphe.\n\n  • un point\n  • un autre point\n\nFin.\n"
    assert indented_threads.detect(text) is False


def test_article(article: ParsedArticle) -> None:
    assert article.title == "Lettre ouverte à mes grands amis les Charlatans Managers"
    assert article.announced_comments == 62  # "Posted · 62 Comments"
    assert article.author == ""  # the page never names its author
    assert article.body.startswith("Suite à l’article récent de Malau sur son blog")
    assert article.body.endswith("A bon entendeur … Salut !")
    assert "Posted" not in article.body
    # The article's list items (lines 20-26, 32-34) stay in the body as "• item" lines.
    assert "\n• Mettez vous dans ses baskets 5 minutes\n" in article.body
    assert "\n• Si enfin on admet que quelqu’un qui est engagé sincèrement" in article.body
    assert "Eric dit" not in article.body


def test_counts(article: ParsedArticle) -> None:
    comments = article.comments
    assert len(comments) == 58  # 59 bullets after line 45, minus the bare "•" on line 462
    assert sum(c.parent is None for c in comments) == 36
    assert max(depth(article, i) for i in range(len(comments))) == 5  # jyv, line 361
    assert sum(c.kind == PINGBACK for c in comments) == 1
    # 39 "Name dit :" bullets + 19 header-less ones = 58. One header-less bullet is the
    # pingback (line 321), which is no owner reply: 18 owner replies, 19 header-less bullets.
    assert sum(bool(c.author) for c in comments) == 39
    assert sum(c.author == "" for c in comments) == 19
    owner = [c for c in comments if "blog-owner" in c.flags]
    assert len(owner) == 18
    assert all(c.author == "" and c.kind == COMMENT for c in owner)


def test_comments_in_source_order(article: ParsedArticle) -> None:
    lines = [c.line for c in article.comments]
    assert lines == sorted(lines)
    for i, c in enumerate(article.comments):
        assert c.parent is None or c.parent < i


# (index, line, author, parent, kind, owner reply, body start, body end)
EXPECTED = [
    (0, 47, "Eric", None, COMMENT, False,
     "Très bon article et surtout très réaliste.",
     "pour faire de la gestion de communauté."),
    (1, 52, "", None, COMMENT, True,
     "Les entreprises y ont une part de responsabilité, surement.",
     "des ouvrages dans les grandes écoles sur le CM …"),
    (3, 60, "Nicolas HEIM", None, COMMENT, False,
     "Merci Benoît pour cet article", "remet les pendules à l’heure :)"),
    (13, 120, "", None, COMMENT, True,
     "Le problème c’est que ceux à qui est destiné", "ne le liront sûrement pas…"),
    (14, 122, "", 13, COMMENT, True,
     "Je me suis demandé si je faisais dans l’attaque ad hominem", "réduite à néant :)"),
    (15, 124, "celine", 13, COMMENT, False,
     "A mon avis, c’est + vicieux…", "ne se sentent pas visés… :/"),
    (27, 206, "", 26, COMMENT, True,
     "Et +1 Céline,", "tombés du camion .. :)"),
    (28, 208, "Guillaume", 26, COMMENT, False,
     "Ici par exemple : http://bit.ly/bN0oPK",
     "avaient conscience de l’existence du Web ?"),
    (29, 219, "", 28, COMMENT, True,
     "A vue de nez, on est au moins 4 en France", "on est sur un autre monde ;)"),
    (35, 265, "Arnaud", 34, COMMENT, False,
     "Désolé pour le débat, nous sommes bien d’accord…", "de professionnaliser le métier de CM."),
    (42, 321, "", None, PINGBACK, False,
     "[...] more: Lettre ouverte à mes grands amis les Charlatans Managers", "Share this [...]"),
    (48, 361, "jyv", 47, COMMENT, False,
     "En 2006, 70% des gens", "Je me demande combien ils sont maintenant en France."),
    (55, 439, "", None, COMMENT, True,
     "@ JB : depuis quand je suis en position d’adouber", "Allez, avoue !"),
    (57, 453, "Mangatore", None, COMMENT, False,
     "En ce qui concerne l’absence de communication", "sinon la vertue primordiale, la Patience…"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("index", "line", "author", "parent", "kind", "owner", "start", "end"), EXPECTED
)
def test_specific_comment(
    article: ParsedArticle,
    index: int,
    line: int,
    author: str,
    parent: int | None,
    kind: str,
    owner: bool,
    start: str,
    end: str,
) -> None:
    comment = article.comments[index]
    assert comment.line == line
    assert comment.author == author
    assert comment.parent == parent
    assert comment.kind == kind
    assert ("blog-owner" in comment.flags) is owner
    assert comment.body.startswith(start)
    assert comment.body.endswith(end)


def test_depths(article: ParsedArticle) -> None:
    # Read from the bullets' columns: 3 = depth 1, 5 = 2, 7 = 3, 9 = 4, 11 = 5.
    assert depth(article, 29) == 4  # line 219, column 9
    assert depth(article, 47) == 4  # line 355
    assert depth(article, 48) == 5  # line 361
    assert depth(article, 39) == 4  # line 288


def test_body_layout(article: ParsedArticle) -> None:
    # Lines 49-50: one paragraph with a line break; lines 52/54: two paragraphs.
    assert article.comments[0].body == (
        "Très bon article et surtout très réaliste. Ceci dit je poserai un bémol. Les "
        "entreprises ont une grande part de responsabilité là dedans. Il suffit de jeter un "
        "oeil aux offres d’emploi concernant des postes de Community Management.\n"
        "Lorsque l’on demande en prérequis de sortir d’HEC il ne faut pas s’étonner ensuite "
        "d’avoir un marketeux pur jus pour faire de la gestion de communauté."
    )
    assert "sujets connexes au CM … :)\n\nEnfin, mon petit doigt" in article.comments[1].body
    # Lines 212-214: the dash list inside Guillaume's reply stays as lines.
    assert "On demande :\n- formation bac+4/5\n- première expérience" in article.comments[28].body
    assert all("dit\xa0:" not in c.body for c in article.comments)


def test_trailing_bare_bullet_is_not_a_comment(article: ParsedArticle) -> None:
    dump = indented_threads.parse(seed_text("000"))
    assert all(c.body for c in article.comments)
    assert article.comments[-1].line == 453
    assert any("line 462" in w for w in dump.warnings)
    assert any("62" in w and "58" in w for w in dump.warnings)


def test_no_furniture_in_bodies(article: ParsedArticle) -> None:
    for body in [article.body, *(c.body for c in article.comments)]:
        assert not any(is_furniture(line) for line in body.splitlines())
        for junk in ("Laisser un commentaire", "Votre adresse", "Posted ·", "62 Comments"):
            assert junk not in body


SAMPLE = """Un autre billet sur le métier

Posted by Marie · 3 Comments

Premier paragraphe.

  • point un
  • point deux

Conclusion.

  • Paul dit :

    Bravo.

    • Merci Paul !

      • Paul dit :

        De rien.

  • [...] Un blog ami cite ce billet [...]

Laisser un commentaire
"""


def test_other_blog_same_layout() -> None:
    assert indented_threads.detect(SAMPLE)
    dump = indented_threads.parse(SAMPLE)
    art = dump.articles[0]
    assert art.title == "Un autre billet sur le métier"
    assert art.author == "Marie"
    assert art.announced_comments == 3
    assert art.body == "Premier paragraphe.\n\n• point un\n• point deux\n\nConclusion."
    got = [(c.author, c.parent, c.kind, c.body, c.line) for c in art.comments]
    assert got == [
        ("Paul", None, COMMENT, "Bravo.", 12),
        ("", 0, COMMENT, "Merci Paul !", 16),
        ("Paul", 1, COMMENT, "De rien.", 18),
        ("", None, PINGBACK, "[...] Un blog ami cite ce billet [...]", 22),
    ]
    assert art.comments[1].flags == ["blog-owner"]
    assert art.comments[3].flags == []


@pytest.mark.parametrize("text", ["", "   \n\n", "\ufeff"])
def test_empty_text(text: str) -> None:
    with pytest.raises(ParseError, match="expected a title") as err:
        indented_threads.parse(text)
    assert err.value.line == 1


def test_truncated_before_the_thread() -> None:
    text = "\n".join(seed_text("000").splitlines()[:45])
    with pytest.raises(ParseError, match="expected a comment thread"):
        indented_threads.parse(text)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        # A reply at column 4 where its siblings sit at column 5.
        ("T\n\n  • A dit :\n\n    x\n\n    • B dit :\n      y\n   • C dit :\n      z\n", 9,
         "expected a bullet at column 5"),
        # A comment line dedented to its bullet's own column.
        ("T\n\n  • A dit :\n\n    x\n  y\n", 6, "expected a continuation"),
        # Column-1 text splitting the thread.
        ("T\n\n  • A dit :\n    x\nInterlude\n  • B dit :\n    y\n", 5, "one indented block"),
        # A bare bullet in the middle of the thread.
        ("T\n\n  • A dit :\n    x\n  •\n  • B dit :\n    y\n", 5, "empty bullet"),
        ("  • A dit :\n    x\n", 1, "expected a title"),
    ],
)  # fmt: skip
def test_garbled(text: str, line: int, message: str) -> None:
    with pytest.raises(ParseError, match=message) as err:
        indented_threads.parse(text)
    assert err.value.line == line


def test_never_another_exception() -> None:
    # Every prefix of the dump, and the dump with any one line flattened to column 1,
    # parses or raises ParseError: nothing else.
    lines = seed_text("000").splitlines()
    variants = ["\n".join(lines[:n]) for n in range(len(lines) + 1)]
    variants += [
        "\n".join(lines[:i] + [lines[i].lstrip()] + lines[i + 1 :]) for i in range(44, 462)
    ]
    for text in variants:
        try:
            assert isinstance(indented_threads.parse(text), ParsedDump)
        except ParseError:
            pass


# A pingback's "name" is the citing post's title: past 100 characters, with », |, ? and :.
LONG_TITLE = (
    "Community manager : un métier d’avenir ou une mode passagère ? » Le blog de Sébastien "
    "| Réflexions sur le web social, les communautés en ligne et l’e-réputation : épisode 3"
)
LONG_HEADERS = f"""Un billet cité

Posted by Marie · 3 Comments

Premier paragraphe.

  • Paul dit :

    Comme Flav l’a dit :

    c'est un vrai métier.

    • Et comme on dit :

      mieux vaut tard que jamais.

  • {LONG_TITLE} dit :

    […] un billet qui résume bien le débat […]

Laisser un commentaire
"""


def test_a_header_of_any_length_is_a_header() -> None:
    assert len(LONG_TITLE) > 150
    art = indented_threads.parse(LONG_HEADERS).articles[0]
    got = [(c.author, c.parent, c.kind, c.flags) for c in art.comments]
    assert got == [
        ("Paul", None, COMMENT, []),
        ("", 0, COMMENT, ["blog-owner"]),
        (LONG_TITLE, None, PINGBACK, []),
    ]
    assert art.comments[2].body == "[…] un billet qui résume bien le débat […]"


def test_prose_ending_in_dit_is_not_a_header() -> None:
    art = indented_threads.parse(LONG_HEADERS).articles[0]
    # "Comme Flav l’a dit :" stays in Paul's text; "Et comme on dit :" is the owner's reply.
    assert art.comments[0].body == "Comme Flav l’a dit :\n\nc'est un vrai métier."
    assert art.comments[1].body == "Et comme on dit :\n\nmieux vaut tard que jamais."
