"""html-page: blog posts saved as HTML pages. Facts checked comment by comment against
values read off the samples in tests/data/html-page/ (written from WordPress's
Walker_Comment, Blogger's and Dotclear's templates), and small pages for the edge cases."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from importers import html_page
from importers._html_dates import visible_date
from importers._html_tree import safe_url, unwayback
from importers.parsed import COMMENT, DAY, EXACT, PINGBACK, TRACKBACK, ParseError
from tests.importers.parsed_helpers import all_strings, levels

DATA = Path(__file__).resolve().parent.parent / "data" / "html-page"
CEST = timezone(timedelta(hours=2))
CET = timezone(timedelta(hours=1))


def page(name: str):
    return html_page.parse_bytes((DATA / name).read_bytes())


def line_of(name: str, marker: str) -> int:
    text = (DATA / name).read_text(encoding="utf-8")
    return text[: text.index(marker)].count("\n") + 1


def facts(comments) -> list[tuple]:
    return [
        (c.source_id, c.kind, c.parent, c.author, c.author_url, c.posted_at, c.date_raw, c.status)
        for c in comments
    ]


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html>\n<html><body></body></html>",
        "\ufeff  <!doctype HTML><p>x",
        "<!-- saved from url=(0042)http://blog.example/ -->\n<html lang=fr>",
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0'
        ' Strict//EN" "x">\n<html xmlns="http://www.w3.org/1999/xhtml">',
        "<HTML><HEAD><TITLE>x</TITLE></HEAD></HTML>",
        "<!-- saved from url=(0019)http://a.example/ -->\r\n<!DOCTYPE html><head><title>x",
        "<body><p>both html and head tags left out</p></body>",
    ],
)
def test_detects_html_documents(text):
    assert html_page.detect(text)


@pytest.mark.parametrize(
    "text",
    [
        "Titre\n\nPar Jean,\nle 17 mai 2016\n",
        '<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel/></rss>',
        "<p>a fragment, not a page</p>",
        "<htmlish>no</htmlish>",
        "Un texte qui cite <!DOCTYPE html> plus loin",
        "",
    ],
)
def test_does_not_detect_other_texts(text):
    assert not html_page.detect(text)


def test_every_sample_is_html_page_only():
    from importers import formats

    for path in sorted(DATA.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        found = {n for n in formats.format_names() if formats.module(n).detect(text)}
        assert found == {"html-page"}, path.name


# --------------------------------------------------------------------------- WordPress html5

WP5 = "wp-html5-fr.html"


def test_wordpress_html5_article():
    dump = page(WP5)
    assert dump.format == "html-page" and dump.warnings == []
    (article,) = dump.articles
    assert article.title == "Faut-il brûler les radars ?"
    assert article.author == "Élodie Martin"
    assert article.published_at == datetime(2010, 5, 3, 10, 0, tzinfo=CEST)
    assert article.date_precision == EXACT and article.date_raw == "3 mai 2010"
    assert article.url == "https://blog.exemple.fr/2010/05/03/faut-il-bruler-les-radars/"
    assert article.blog_name == "Le Blog d’Élodie"
    assert article.blog_url == "https://blog.exemple.fr/"  # the site title's rel=home link
    assert article.announced_comments == 8
    assert article.body == (
        "Les radars automatiques fleurissent sur nos routes. Sont-ils là pour la sécurité "
        "ou pour les recettes ?\n\nJe vous livre mon avis, et j’attends le vôtre."
    )
    assert "<p>" in article.body_html


def test_wordpress_html5_comments_one_by_one():
    comments = page(WP5).articles[0].comments
    jc = "http://jc.example.org/"
    assert facts(comments) == [
        ("101", COMMENT, None, "Jean-Cédric", jc, datetime(2010, 5, 3, 14, 5, tzinfo=CEST),
         "3 mai 2010 à 14 h 05 min", "approved"),
        ("102", COMMENT, 0, "Élodie Martin", "", datetime(2010, 5, 3, 15, 10, tzinfo=CEST),
         "3 mai 2010 à 15 h 10 min", "approved"),
        ("103", COMMENT, 1, "Jean-Cédric", jc, datetime(2010, 5, 3, 16, 20, tzinfo=CEST),
         "3 mai 2010 à 16 h 20 min", "approved"),
        ("104", COMMENT, 2, "Zoé « la Rouge »", "", datetime(2010, 5, 4, 9, 0, tzinfo=CEST),
         "4 mai 2010 à 9 h 00 min", "approved"),
        ("105", COMMENT, 3, "Élodie Martin", "", datetime(2010, 5, 4, 9, 30, tzinfo=CEST),
         "4 mai 2010 à 9 h 30 min", "approved"),
        ("106", COMMENT, None, "Anonyme", "", datetime(2010, 5, 5, 8, 0, tzinfo=CEST),
         "5 mai 2010 à 8 h 00 min", "pending"),
        ("107", PINGBACK, None, "Radars : le débat | Autre blog",
         "http://autre.example.net/2010/05/radars/", None, "", "approved"),
        ("108", TRACKBACK, None, "Le Monde des Radars",
         "http://monde-radars.example.com/billet/42", None, "", "approved"),
        ("109", COMMENT, None, "Marc", "https://marc.example.com/",
         datetime(2010, 5, 6, 21, 15, tzinfo=UTC), "6 mai 2010 à 23 h 15 min", "approved"),
    ]  # fmt: skip
    assert levels(comments) == [1, 2, 3, 4, 5, 1, 1, 1, 1]
    assert comments[0].body == (
        "Pour la recette, évidemment.\n\nRegardez où ils sont placés : en bas des descentes."
    )
    # Entities decode to text; the escaped "<b>" stays text, never becomes markup.
    assert comments[3].body == "Entre 50 & 70 km/h, la différence <b>tue</b> : c’est physique."
    assert "&lt;b&gt;tue&lt;/b&gt;" in comments[3].body_html
    assert comments[8].body == "Je roule à vélo : les radars ne me concernent pas."
    assert 'href="https://fr.wikipedia.org/wiki/Radar_automatique"' in comments[8].body_html
    # A short ping shows no excerpt: no body.
    assert comments[6].body == comments[6].body_html == ""
    assert comments[0].line == line_of(WP5, 'id="comment-101"')
    assert comments[8].line == line_of(WP5, 'id="comment-109"')


# --------------------------------------------------------------------------- WordPress xhtml


def test_wordpress_legacy_xhtml_comments():
    (article,) = page("wp-legacy-en.html").articles
    assert article.title == "Speed Cameras Revisited"
    assert article.author == "Sam O'Neil"
    assert article.blog_name == "Road Notes"
    assert article.url == "http://roadnotes.example.com/2010/06/speed-cameras-revisited/"
    # "Thursday, June 3rd, 2010 at 9:15 am", local time; the filing note is not the text.
    assert article.published_at == datetime(2010, 6, 3, 9, 15)
    assert article.date_precision == EXACT
    assert (
        article.body
        == "Two years after the first cameras, what changed?\n\nNot much, say the numbers."
    )
    assert article.announced_comments == 4
    assert facts(article.comments) == [
        ("21", COMMENT, None, "Dana", "http://www.dana.example.org", datetime(2010, 6, 3, 14, 5),
         "June 3, 2010 at 2:05 pm", "approved"),
        ("22", COMMENT, 0, "Sam O'Neil", "", datetime(2010, 6, 3, 0, 30),
         "June 3, 2010 at 12:30 am", "approved"),
        ("23", COMMENT, None, "Lee", "", datetime(2010, 6, 4, 12, 0),
         "June 4, 2010 at 12:00 pm", "pending"),
        ("24", PINGBACK, None, "Cyclists’ Corner » Cameras again",
         "http://cyclists.example.net/2010/06/05/cameras/", datetime(2010, 6, 5, 8, 45),
         "June 5, 2010 at 8:45 am", "approved"),
    ]  # fmt: skip
    bodies = [c.body for c in article.comments]
    assert bodies == [
        "The cameras near my school have slowed everyone down.\n\nThat alone is worth it.",
        "Thanks Dana — same here.",
        "First time here. Is this thing on?",
        "[…] Sam at Road Notes looks at the numbers again […]",
    ]
    # The meta, the author block and the reply link are not the comment's text.
    assert all("Reply" not in b and "says" not in b and "(Edit)" not in b for b in bodies)


TWENTY_TEN = """<!DOCTYPE html>
<html lang="fr-FR"><head><title>Billet | Blog</title></head><body>
<div id="post-5" class="post-5 post type-post hentry"><h1 class="entry-title">Billet</h1>
<div class="entry-content"><p>Texte.</p></div></div>
<div id="comments">
<ol class="commentlist">
<li class="comment even thread-even depth-1" id="li-comment-31">
<div id="comment-31">
<div class="comment-author vcard"><cite class="fn">Ana</cite>
 <span class="says">dit&nbsp;:</span></div>
<div class="comment-meta commentmetadata"><a href="#comment-31">
 3 mai 2010 à 14 h 05 min</a> <a class="comment-edit-link" href="/e">(Modifier)</a></div>
<div class="comment-body"><p>Bonjour.</p></div>
<div class="reply"><a class="comment-reply-link" href="#r">Répondre</a></div>
</div>
<ul class='children'>
<li class="comment odd alt depth-2" id="li-comment-32">
<div id="comment-32">
<div class="comment-author vcard"><cite class="fn">Bob</cite></div>
<div class="comment-meta commentmetadata"><a href="#comment-32">03/05/2010 à 15:20</a></div>
<div class="comment-body"><p>Salut Ana.</p></div>
</div>
</li>
</ul>
</li>
<li class="post pingback">
<p>Pingback: <a href="http://ailleurs.example/x" rel="external nofollow" class="url">Ailleurs</a>
 <a class="comment-edit-link" href="/e">(Modifier)</a></p>
</li>
</ol>
</div></body></html>"""


def test_saved_from_url_is_the_article_url_without_canonical():
    text = "<!-- saved from url=(0031)https://blog.example/billet/ -->\n" + TWENTY_TEN
    assert html_page.parse(text).articles[0].url == "https://blog.example/billet/"
    assert html_page.parse(TWENTY_TEN).articles[0].url == ""


@pytest.mark.parametrize(
    ("home", "blog_url"),
    [
        ("https://example.org/blog/", "https://example.org/blog/"),
        ("https://elsewhere.example/", "https://example.org"),
        ("javascript:alert(1)", "https://example.org"),
    ],
)
def test_blog_url_is_the_home_link_on_the_article_host(home, blog_url):
    text = TWENTY_TEN.replace(
        "<body>", f'<body><p class="site-title"><a href="{home}" rel="home">Blog</a></p>'
    ).replace("<head>", '<head><link rel="canonical" href="https://example.org/blog/billet/">')
    assert html_page.parse(text).articles[0].blog_url == blog_url


def test_twenty_ten_callback_markup():
    """Twenty Ten's own callback: li#li-comment-N, the text in div.comment-body, and
    pingbacks as li.post.pingback without an id."""
    comments = html_page.parse(TWENTY_TEN).articles[0].comments
    assert facts(comments) == [
        ("31", COMMENT, None, "Ana", "", datetime(2010, 5, 3, 14, 5),
         "3 mai 2010 à 14 h 05 min", "approved"),
        ("32", COMMENT, 0, "Bob", "", datetime(2010, 5, 3, 15, 20), "03/05/2010 à 15:20",
         "approved"),
        (None, PINGBACK, None, "Ailleurs", "http://ailleurs.example/x", None, "", "approved"),
    ]  # fmt: skip
    assert [c.body for c in comments] == ["Bonjour.", "Salut Ana.", ""]


KUBRICK_ERA = """<!DOCTYPE html><html><head><title>Old | Blog</title></head><body>
<div class="post" id="post-3"><h2>Old</h2><div class="entry"><p>Texte.</p></div></div>
<h3 id="comments">2 Responses to &#8220;Old&#8221;</h3>
<ol class="commentlist">
<li class="alt"><a name="comment-5"></a>
<cite><a href="http://kim.example/" rel="external nofollow">Kim</a></cite> Says:<br />
<small class="commentmetadata"><a href="#comment-5">June 3rd, 2010 at 2:05 pm</a></small>
<p>First!</p>
</li>
<li><a name="comment-6"></a><cite>Lou</cite> Says:<br />
<small class="commentmetadata"><a href="#comment-6">June 4th, 2010 at 9:00 am</a></small>
<p>Second.</p><p>Really.</p>
</li>
</ol></body></html>"""


def test_kubrick_era_comment_list():
    """Themes older than wp_list_comments: <cite> names, <a name="comment-N"> anchors."""
    comments = html_page.parse(KUBRICK_ERA).articles[0].comments
    assert facts(comments) == [
        ("5", COMMENT, None, "Kim", "http://kim.example/", datetime(2010, 6, 3, 14, 5),
         "June 3rd, 2010 at 2:05 pm", "approved"),
        ("6", COMMENT, None, "Lou", "", datetime(2010, 6, 4, 9, 0), "June 4th, 2010 at 9:00 am",
         "approved"),
    ]  # fmt: skip
    assert [c.body for c in comments] == ["First!", "Second.\n\nReally."]
    assert [c.body_html for c in comments] == ["<p>First!</p>", "<p>Second.</p><p>Really.</p>"]


DIV_STYLE = """<!DOCTYPE html><html><head><title>D | Blog</title></head><body>
<div class="commentlist">
<div id="comment-1" class="comment depth-1 parent"><article id="div-comment-1" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Un</b></div>
<div class="comment-metadata"><time datetime="2012-01-01T10:00:00+01:00">1 janvier 2012</time></div>
</footer><div class="comment-content"><p>Premier.</p></div></article>
<div id="comment-2" class="comment depth-2"><article id="div-comment-2" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Deux</b></div>
<em class="comment-awaiting-moderation">En attente.</em></footer>
<div class="comment-content"><p>Réponse.</p></div></article></div>
</div>
<div id="comment-3" class="comment depth-1"><div class="comment"><p>Trois.</p></div></div>
</div></body></html>"""


def test_wordpress_div_style_nests_by_containment():
    """wp_list_comments(style=div): no reply lists, replies nested in their parent's div."""
    comments = html_page.parse(DIV_STYLE).articles[0].comments
    assert [(c.source_id, c.parent, c.author, c.status) for c in comments] == [
        ("1", None, "Un", "approved"),
        ("2", 0, "Deux", "pending"),
        ("3", None, "", "approved"),
    ]
    assert comments[0].posted_at == datetime(2012, 1, 1, 10, 0, tzinfo=CET)
    assert [c.body for c in comments] == ["Premier.", "Réponse.", "Trois."]


# --------------------------------------------------------------------------- Blogger


def test_blogger_threaded_comments():
    (article,) = page("blogger-threaded-fr.html").articles
    assert article.title == "La piste cyclable du canal"
    assert article.author == "Paul Ducasse"
    assert article.blog_name == "Carnet de vélo"
    assert article.published_at == datetime(2012, 6, 12, 8, 15, tzinfo=CEST)
    assert article.url == (
        "https://carnet-de-velo.blogspot.com/2012/06/la-piste-cyclable-du-canal.html"
    )
    assert article.announced_comments == 5
    profile = "https://www.blogger.com/profile/"
    # showComment=<ms> is the comment's UTC time; without it, the shown (local) time.
    assert facts(article.comments) == [
        ("6011111111111111111", COMMENT, None, "Géraldine", profile + "11111111111111111111",
         datetime(2012, 6, 12, 7, 30, tzinfo=UTC), "12 juin 2012 à 09:30", "approved"),
        ("6022222222222222222", COMMENT, 0, "Paul Ducasse", profile + "04478286305000823638",
         datetime(2012, 6, 12, 9, 47, tzinfo=UTC), "12 juin 2012 à 11:47", "approved"),
        ("6033333333333333333", COMMENT, 0, "Anonyme", "",
         datetime(2012, 6, 13, 6, 5, tzinfo=UTC), "13 juin 2012 à 08:05", "deleted"),
        ("6044444444444444444", COMMENT, None, "Vélotaf & Co", "http://www.velotaf.example.fr/",
         datetime(2012, 6, 14, 20, 10, tzinfo=UTC), "14 juin 2012 à 22:10", "approved"),
        ("6055555555555555555", COMMENT, None, "Hélène", "", datetime(2012, 6, 15, 7, 45),
         "15 juin 2012 à 07:45", "approved"),
    ]  # fmt: skip
    c = article.comments
    assert (
        c[0].body
        == "Les racines, c'est la nature qui reprend ses droits !\nJe passe par là tous les jours."
    )
    assert c[2].body == "Ce commentaire a été supprimé par un administrateur du blog."
    assert "Répondre" not in "".join(x.body for x in c)


def test_blogger_classic_comments():
    (article,) = page("blogger-classic-fr.html").articles
    assert article.title == "Tomates et mildiou"
    assert article.author == "Mimi" and article.blog_name == "Le Potager de Mimi"
    # No canonical link: the post's permalink (its rel=bookmark link).
    assert article.url == "http://potager-mimi.blogspot.com/2010/05/tomates-et-mildiou.html"
    assert article.published_at == datetime(2010, 5, 3, 9, 12, tzinfo=CEST)
    assert article.announced_comments == 3
    # The backlinks block ("Liens vers cet article") reuses dl#comments-block: not comments.
    assert facts(article.comments) == [
        ("1111", COMMENT, None, "Robert", "http://www.blogger.com/profile/0987654321",
         datetime(2010, 5, 3, 12, 5, tzinfo=UTC), "3 mai 2010 14:05", "approved"),
        ("2222", COMMENT, None, "Anonyme", "", datetime(2010, 5, 4, 8, 30), "04/05/2010 08:30",
         "approved"),
        ("3333", COMMENT, None, "Mimi", "http://www.blogger.com/profile/1234567890",
         datetime(2010, 5, 3, 16, 40, tzinfo=UTC), "3 mai 2010 18:40", "deleted"),
    ]  # fmt: skip
    assert [c.body for c in article.comments] == [
        "Purin d'ortie, sans hésiter. Et arrosez au pied !",
        "La bouillie, c'est du cuivre : attention au sol.\nMon grand-père en mettait partout.",
        "Ce commentaire a été supprimé par l'auteur.",
    ]


# --------------------------------------------------------------------------- Dotclear


def test_dotclear_comments_and_trackbacks():
    (article,) = page("dotclear-fr.html").articles
    assert article.title == "Le retour des abeilles"
    assert article.author == "Bertrand Lefèvre"
    assert article.blog_name == "Les Ruches de Bertrand"
    assert article.published_at == datetime(2010, 5, 2, 18, 30, tzinfo=CEST)
    assert (
        article.body
        == "Après un hiver difficile, les colonies repartent.\n\nTrois ruches sur cinq ont survécu."
    )
    assert facts(article.comments) == [
        ("301", COMMENT, None, "Noémie", "http://www.apiculteurs.example.org/",
         datetime(2010, 5, 3, 14, 5), "lundi 3 mai 2010, 14:05", "approved"),
        ("302", COMMENT, None, "Bertrand Lefèvre", "http://ruches.example.fr/",
         datetime(2010, 5, 3, 21, 40), "lundi 3 mai 2010, 21:40", "approved"),
        ("305", COMMENT, None, "François-Xavier", "", datetime(2010, 5, 4, 7, 15),
         "mardi 4 mai 2010, 07:15", "approved"),
        ("303", TRACKBACK, None, "Le Rucher Urbain",
         "http://rucher-urbain.example.net/post/2010/05/03/printemps",
         datetime(2010, 5, 3, 16, 0), "lundi 3 mai 2010, 16:00", "approved"),
    ]  # fmt: skip
    assert article.comments[2].body == "Pillées par qui ? Des frelons ?\n\nChez moi c'est pareil."
    assert article.comments[3].body == (
        "Printemps des ruches\n\n... Bertrand raconte le retour de ses colonies ..."
    )


CURRYWURST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>Ruches - Blog</title></head><body>
<div id="p9" class="post"><h2 class="post-title">Ruches</h2>
<div class="post-content"><p>Texte.</p></div></div>
<div class="post-feedback"><div class="feedback__comments" id="comments">
<h3>2 reactions</h3>
<ul class="comments-list">
<li id="c41" class="comment odd first">
<p class="comment-info"><a href="#c41" class="comment-number">1</a>
 From <a href="http://noemie.example.org/" rel="ugc nofollow">Noémie</a> - 03/05/2010, 14:05
</p>
<div class="comment-content"><p>Bravo.</p></div>
</li>
<li id="c42" class="ping">
<p class="comment-info"><a href="#c42" class="comment-number">2</a>
 From <a href="http://rucher.example.net/printemps" rel="ugc nofollow">Le Rucher</a> -
 <time datetime="2010-05-04T08:00:00+02:00">04/05/2010, 08:00</time>
</p>
<div class="comment-content"><p>... printemps ...</p></div>
</li>
</ul></div></div></body></html>"""


def test_dotclear_2_comments_list():
    """Dotclear 2.x themes (currywurst, dotty): ul.comments-list, dates day first."""
    comments = html_page.parse(CURRYWURST).articles[0].comments
    assert facts(comments) == [
        ("41", COMMENT, None, "Noémie", "http://noemie.example.org/", datetime(2010, 5, 3, 14, 5),
         "03/05/2010, 14:05", "approved"),
        ("42", TRACKBACK, None, "Le Rucher", "http://rucher.example.net/printemps",
         datetime(2010, 5, 4, 8, 0, tzinfo=CEST), "04/05/2010, 08:00", "approved"),
    ]  # fmt: skip
    assert [c.body for c in comments] == ["Bravo.", "... printemps ..."]


# --------------------------------------------------------------------------- Wayback Machine


def test_wayback_page_is_read_as_the_original():
    dump = page("wayback-wp.html")
    (article,) = dump.articles
    assert article.url == "http://www.velo-citoyen.example.org/2011/03/zones-30/"
    assert article.blog_url == "http://www.velo-citoyen.example.org/"
    assert article.title == "Zones 30 : et si on essayait ?"
    assert article.author == "Claire" and article.blog_name == "Vélo Citoyen"
    assert article.published_at == datetime(2011, 3, 28) and article.date_precision == DAY
    assert facts(article.comments) == [
        ("7", COMMENT, None, "Paul R.", "http://www.paul-r.example.net/",
         datetime(2011, 3, 28, 11, 2), "28 mars 2011 à 11 h 02 min", "approved"),
        ("8", COMMENT, 0, "Claire", "http://www.velo-citoyen.example.org/",
         datetime(2011, 3, 29, 8, 15), "29 mars 2011 à 8 h 15 min", "approved"),
    ]  # fmt: skip
    assert 'href="http://www.fubicy.example.org/30"' in article.comments[0].body_html
    assert 'src="http://www.velo-citoyen.example.org/wp-content/uploads/2011/03/panneau30.jpg"' in (
        article.body_html
    )
    # Nothing of the archive's toolbar or addresses is left, only the warning saying so.
    strings = all_strings(article)
    assert not [s for s in strings if "archive.org" in s or "Wayback" in s]
    assert dump.warnings == [
        "page saved from web.archive.org (capture 20110415083012); its addresses are read as "
        "the original ones"
    ]


@pytest.mark.parametrize(
    ("url", "original"),
    [
        ("https://web.archive.org/web/20100601120000/http://blog.example/a/", "http://blog.example/a/"),
        ("http://web.archive.org/web/20100601120000id_/https://b.example/x?y=1", "https://b.example/x?y=1"),
        ("//web.archive.org/web/2010im_/http://b.example/i.png", "http://b.example/i.png"),
        ("/web/20100601120000/http://b.example/", "http://b.example/"),
        ("https://web.archive.org/web/20100601120000/http:/b.example/", "http://b.example/"),
        ("http://blog.example/web/2010/", "http://blog.example/web/2010/"),
        # One layer: the archived page linked to a capture itself.
        ("/web/2011/https://web.archive.org/web/2010/http://x.example/",
         "https://web.archive.org/web/2010/http://x.example/"),
    ],
)  # fmt: skip
def test_unwayback(url, original):
    assert unwayback(url) == original


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("javascript:alert(1)", ""),
        (" JaVa\tScRiPt:alert(1)", ""),
        ("data:text/html,x", ""),
        ("mailto:a@b.example", ""),
        ("//cdn.example/p", "https://cdn.example/p"),
        ("/profil", ""),
        ("https://web.archive.org/web/2010/http://a.example/", "http://a.example/"),
    ],
)
def test_author_urls_are_http_or_nothing(value, url):
    assert safe_url(value, archived=True) == url


def test_links_to_captures_stay_on_pages_not_archived():
    capture = "https://web.archive.org/web/2010/http://a.example/"
    assert safe_url(capture) == capture
    page_ = TWENTY_TEN.replace("<p>Bonjour.</p>", f'<p><a href="{capture}">source</a></p>')
    comment = html_page.parse(page_).articles[0].comments[0]
    assert f'href="{capture}"' in comment.body_html


# --------------------------------------------------------------------------- hostile page


def test_hostile_page_keeps_text_and_nothing_that_runs():
    (article,) = page("hostile.html").articles
    assert article.title == "Un billet piégé"
    assert [c.author for c in article.comments] == ["Mallory", "Eve", "Trent"]
    assert [c.author_url for c in article.comments] == [
        "",
        "",
        "https://relatif.example.net/profil",
    ]
    html = [article.body_html] + [c.body_html for c in article.comments]
    for fragment in html:
        lowered = fragment.lower()
        for bad in ("<script", "<style", "<iframe", "<form", "<input", "onerror", "onclick",
                    "onmouseover", "javascript:", "vbscript:", "data:"):  # fmt: skip
            assert bad not in lowered, (bad, fragment)
    first = article.comments[0]
    assert first.body == (
        "Bonjour tout le monde.\n\ndata\n\n"
        'Je cite : <script>alert("texte")</script>, ce n\'est que du texte.'
    )
    # Escaped in the page, it stays escaped: text, not markup.
    assert '&lt;script&gt;alert("texte")&lt;/script&gt;' in first.body_html
    assert 'href="https://ok.example.org/page"' in article.comments[1].body_html
    assert "écrit par un script" not in article.body and "alert" not in article.body


# --------------------------------------------------------------------------- no comments


def test_page_saying_it_has_no_comments_is_an_article_without_comments():
    dump = page("empty-comments.html")
    (article,) = dump.articles
    assert article.title == "Un billet sans réaction" and article.comments == []
    assert article.published_at == datetime(2010, 6, 1, 9, 0, tzinfo=CEST)
    assert dump.warnings == ["the page says it has no comments"]


def test_wordpress_nocomments_note_is_an_article_without_comments():
    start, end = TWENTY_TEN.index('<div id="comments">'), TWENTY_TEN.index("</body>")
    closed = (
        TWENTY_TEN[:start] + '<p class="nocomments">Comments are closed.</p>' + TWENTY_TEN[end:]
    )
    dump = html_page.parse(closed)
    assert dump.articles[0].comments == [] and dump.warnings == ["the page says it has no comments"]
    # A comment form alone says nothing about the comments.
    form = TWENTY_TEN[:start] + '<div id="respond"><form><textarea></textarea></form></div>'
    with pytest.raises(ParseError, match="no comment list found"):
        html_page.parse(form + TWENTY_TEN[end:])


def test_fewer_comments_than_announced_is_said():
    text = TWENTY_TEN.replace('<div id="comments">', '<div id="comments"><h3>12 commentaires</h3>')
    dump = html_page.parse(text)
    assert dump.articles[0].announced_comments == 12
    assert dump.warnings == [
        "the page announces 12 comments and shows 3: the others may be on further comment "
        "pages or loaded by a script"
    ]


def test_empty_comment_list_is_an_article_without_comments():
    text = TWENTY_TEN.replace(TWENTY_TEN[TWENTY_TEN.index("<li") : TWENTY_TEN.index("</ol>")], "")
    dump = html_page.parse(text)
    assert dump.articles[0].comments == [] and dump.warnings == []


def test_page_without_comment_list_is_refused():
    with pytest.raises(ParseError) as raised:
        page("bad/no-comment-list.html")
    assert str(raised.value) == (
        "an HTML page with no comment list found (looked for WordPress's ol.commentlist, "
        "ol.comment-list and #commentlist, Blogger's .comment-thread and dl#comments-block, "
        "Dotclear's #comments dl, #pings dl and ul.comments-list)"
    )


def test_truncated_page_is_refused_with_its_last_line():
    text = (DATA / "bad/truncated.html").read_text(encoding="utf-8")
    with pytest.raises(ParseError) as raised:
        html_page.parse(text)
    assert raised.value.line == text.count("\n") + 1
    assert "truncated" in str(raised.value)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "empty"),
        (b"Titre\n\nUn texte.\n", "not an HTML page"),
        (b"<!DOCTYPE html><html><head><title>\xe9</title></head></html>", "line 1, column 35"),
        (b'<!DOCTYPE html><meta charset="x-unknown-9"><html></html>', "unknown encoding"),
    ],
)
def test_bad_input_is_one_parse_error(data, said):
    with pytest.raises(ParseError) as raised:
        html_page.parse_bytes(data)
    assert said in str(raised.value)


def test_nesting_past_the_parser_limit_is_refused_not_cut():
    items = '<li class="comment"><p>x</p><ol class="children">' * 300
    text = f'<!DOCTYPE html><html><body><ol class="commentlist">{items}</ol></body></html>'
    with pytest.raises(ParseError, match="nests elements too deeply"):
        html_page.parse(text)


def test_control_characters_are_removed_with_a_warning():
    text = TWENTY_TEN.replace("Bonjour.", "Bon\x0bjour.")
    dump = html_page.parse(text)
    assert dump.articles[0].comments[0].body == "Bonjour."
    assert dump.warnings == [
        f"line {text[: text.index('Bon')].count(chr(10)) + 1}: removed 1 control character(s)"
    ]


def test_declared_charset_is_honoured():
    data = (
        b'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
        b'charset=iso-8859-1"><title>\x93Caf\xe9\x94</title></head><body>'
        b'<ol class="commentlist"></ol></body></html>'
    )
    # Latin-1 labels are read as windows-1252, as browsers do (0x93/0x94 are quotes).
    assert html_page.parse_bytes(data).articles[0].title == "“Café”"


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("3 mai 2010 à 14 h 05", True, (datetime(2010, 5, 3, 14, 5), EXACT)),
        ("le 12 juin 2012 à 9:30", True, (datetime(2012, 6, 12, 9, 30), EXACT)),
        ("June 3, 2010 at 2:05 pm", True, (datetime(2010, 6, 3, 14, 5), EXACT)),
        ("June 3, 2010 at 12:05 am", True, (datetime(2010, 6, 3, 0, 5), EXACT)),
        ("3rd June 2010", True, (datetime(2010, 6, 3), DAY)),
        ("03/05/2010", True, (datetime(2010, 5, 3), DAY)),
        ("03/05/2010", False, (datetime(2010, 3, 5), DAY)),
        ("25/05/2010", False, (datetime(2010, 5, 25), DAY)),
        ("7/21/2008 11:18:00 PM", True, (datetime(2008, 7, 21, 23, 18), EXACT)),
        ("30/12/14 2:07 a. m.", True, (datetime(2014, 12, 30, 2, 7), EXACT)),
        ("2010-05-03 14:05", True, (datetime(2010, 5, 3, 14, 5), EXACT)),
        ("3 mai 2010 - 14h05", True, (datetime(2010, 5, 3, 14, 5), EXACT)),
        ("le 1er août 2011 @ 8:00", True, (datetime(2011, 8, 1, 8, 0), EXACT)),
        ("Publié le 12 février 2013", True, (datetime(2013, 2, 12), DAY)),
        ("décembre 5, 2010", True, (datetime(2010, 12, 5), DAY)),
        ("31 février 2010", True, (None, "")),
        ("31/02/2010", True, (None, "")),
        ("Répondre", True, (None, "")),
    ],
)
def test_visible_dates(text, day_first, expected):
    assert visible_date(text, day_first) == expected


def test_aware_only_where_the_page_gives_an_offset():
    comments = page(WP5).articles[0].comments + page("dotclear-fr.html").articles[0].comments
    assert all(c.posted_at.tzinfo is not None for c in comments[:6])
    assert all(c.posted_at.tzinfo is None for c in comments[9:])


# --------------------------------------------------------------------------- size


def test_a_large_page_parses_quickly():
    """2,000 comments in threads 10 deep: seconds would mean a quadratic walk."""
    items = []
    for thread in range(200):
        opened = 0
        for depth in range(10):
            n = thread * 10 + depth
            items.append(
                f'<li id="comment-{n}" class="comment depth-{depth + 1}">'
                '<article class="comment-body">'
                f'<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">'
                f'Auteur {n}</b></div><div class="comment-metadata"><time datetime="2010-05-03T'
                f'14:05:00+02:00">3 mai 2010</time></div></footer><div class="comment-content">'
                f"<p>Texte {n}.</p></div></article>"
            )
            if depth < 9:
                items.append('<ol class="children">')
                opened += 1
        items.append("</li></ol>" * opened + "</li>")
    text = (
        "<!DOCTYPE html><html><head><title>Grand</title></head><body>"
        '<article class="post hentry"><h1 class="entry-title">Grand</h1>'
        '<div class="entry-content"><p>x</p></div></article>'
        '<ol class="comment-list">' + "".join(items) + "</ol></body></html>"
    )
    start = time.perf_counter()
    comments = html_page.parse(text).articles[0].comments
    elapsed = time.perf_counter() - start
    assert len(comments) == 2000 and max(levels(comments)) == 10
    assert comments[11].parent == 10 and comments[11].author == "Auteur 11"
    assert elapsed < 5, elapsed
