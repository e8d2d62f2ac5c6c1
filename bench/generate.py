"""Realistic synthetic archives of any size, for the benchmark (issue 13).

    .venv/bin/python bench/generate.py --comments 100000 --out /tmp/archive [--per-file 25000]
        [--seed 13] [--wxr 10000] [--threads]

Writes cmforum-json archives (docs/archive-format.md) split in files of about
``--per-file`` comments (an article is never split), and optionally a WordPress export
of ``--wxr`` comments and ``threads.json``: three articles of exactly 100, 1,000 and
10,000 comments for the thread-page figures.

The shape follows the five texts in fixtures/: French bodies built from the debate's
vocabulary, most threads flat, some nesting to level 5, a few very deep chains; bare-name
participants stay on their home blog (docs/identity.md: a bare name is one person per
blog), two-word names travel across blogs; a few very busy participants; dates over
2010–2016; stances and their automatic suggestion; pingbacks and tweets. The same seed
gives the same bytes."""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2010, 1, 1, 8, 0, tzinfo=PARIS)
SPAN_SECONDS = int((datetime(2016, 12, 31, tzinfo=PARIS) - START).total_seconds())
THREAD_SIZES = (100, 1_000, 10_000)

FIRST = (
    "Benoît Stéphanie Frédéric Hélène Clément Amélie Jérôme Céline Rémi Léa Grégoire Noémie "
    "Sébastien Élodie François Anaïs Théo Mélanie Cédric Chloé Hervé Inès Nicolas Julie "
    "Thomas Camille Arnaud Laure Denis Émilie Loïc Aurélie Mathieu Sandrine Éric Zoé Yannick "
    "Maëlle Damien Océane Pierre Marion Julien Coralie Antoine Agnès Stéphane Gaëlle"
).split()
LAST = (
    "Faverial Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon "
    "Laurent Lefèbvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André "
    "Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc "
    "Guérin Müller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez "
    "Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly "
    "Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean Pérez Marchand Dufour Blanchard "
    "Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud "
    "Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe"
).split()
HANDLES = (
    "Flav AsTeR jyv greg Lily Malau Tiphaine CMduNord Kriss nono Zazou Anonyme Vinz Maxou "
    "webzine Poupoune Sami Titi Loulou Bidule Fanfan Jojo Mimi Gégé Dédé Zébulon Pépite"
).split()
BLOG_WORDS = (
    "Lab Média Social Com Digital Réseaux Web Buzz Conversation Influence Marque Veille Idées"
).split()

SUBJECTS = (
    "Le community manager",
    "La communauté",
    "Le métier de CM",
    "Un bon community manager",
    "La marque",
    "Le responsable des réseaux sociaux",
    "L’agence",
    "Le client",
    "Le stagiaire",
    "La direction marketing",
    "Le modérateur",
    "Ce métier",
    "L’animateur de communauté",
    "Le social media manager",
    "La stratégie éditoriale",
)
VERBS = (
    "doit comprendre",
    "ne remplace pas",
    "anime",
    "représente",
    "écoute",
    "défend",
    "mérite mieux que",
    "n’a rien à voir avec",
    "se confond trop souvent avec",
    "construit",
    "modère",
    "fédère",
    "dépend de",
    "vit de",
    "réinvente",
    "a besoin de",
)
OBJECTS = (
    "la communauté",
    "les réseaux sociaux",
    "la relation client",
    "une vraie stratégie",
    "les fans de la page Facebook",
    "le service après-vente",
    "la e-réputation",
    "les influenceurs",
    "le ROI",
    "les conversations",
    "le métier",
    "la confiance des internautes",
    "les blogueurs",
    "la marque employeur",
    "les indicateurs de l’engagement",
    "une formation sérieuse",
    "le stagiaire payé au lance-pierre",
    "les charlatans du web",
)
TAILS = (
    "",
    "",
    "",
    " à long terme",
    " sans budget",
    " depuis 2010",
    " au quotidien",
    " dans les grandes entreprises",
    " plus que jamais",
    " quoi qu’on en dise",
    " et c’est là tout le problème",
    " sur Twitter comme ailleurs",
)
OPENERS = {
    "agree": ("Tout à fait d’accord.", "Bravo pour cet article !", "Je partage ton avis.",
              "Merci, c’est exactement ça.", "Très juste."),
    "disagree": ("Je ne suis pas du tout d’accord.", "Désolé, mais c’est faux.",
                 "Je m’inscris en faux.", "Non, franchement pas."),
    "nuanced": ("Oui, mais pas seulement.", "C’est plus compliqué que ça.",
                "Je nuancerais un peu.", "D’accord sur le fond, pas sur la forme."),
    "neutral": ("Question : qu’en pensent les recruteurs ?", "Intéressant.",
                "Pour info, il y a un débat similaire ailleurs.", "À lire aussi."),
    "unknown": ("", "Hum.", "Voilà.", "Bon."),
}  # fmt: skip
STANCES = ("agree", "disagree", "nuanced", "neutral", "unknown")
STANCE_WEIGHTS = (30, 15, 15, 25, 15)
POSITIONS = ("defends", "criticises", "nuanced", "unknown")

COMMENT_KEYS = (
    "id", "parent", "position", "source_id", "author", "author_slug", "author_as_written",
    "author_url", "origin", "posted_at", "date_raw", "kind", "body", "body_html", "status",
    "flags", "addresses", "stance", "stance_source", "stance_cue", "stance_curated_at",
    "stance_curated_via", "stance_curated_by", "auto",
)  # fmt: skip


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass
class Person:
    name: str
    slug: str
    home: int | None  # a bare name's blog; None for a name that travels
    website: str = ""


@dataclass
class Blog:
    name: str
    url: str
    key: str
    owner: Person
    locals: list[Person] = field(default_factory=list)


@dataclass
class Comment:
    id: int
    parent: int | None
    level: int
    author: Person | None
    author_as_written: str
    author_url: str
    posted_at: datetime
    kind: str
    body: str
    stance: str
    addresses: list[int]


@dataclass
class Article:
    slug: str
    title: str
    blog: Blog
    published_at: datetime
    position: str
    body: str
    comments: list[Comment]


class Generator:
    """One synthetic blogosphere: people and blogs are fixed by the seed and the size;
    articles come out one at a time so that a million comments never sit in memory."""

    def __init__(self, comments: int, seed: int = 13) -> None:
        self.rng = random.Random(seed)
        self.target = comments
        n_people = max(40, comments // 20)  # the 1M archive had ~49,000
        n_blogs = max(5, comments // 4_000)
        self.travellers = self._two_word_people(int(n_people * 0.85))
        self.blogs = [self._blog(i) for i in range(n_blogs)]
        n_bare = n_people - len(self.travellers)
        for i in range(n_bare):
            home = self.rng.randrange(n_blogs)
            name = HANDLES[i % len(HANDLES)] + ("" if i < len(HANDLES) else str(i))
            blog = self.blogs[home]
            # Unique slug per blog: the same bare name on two blogs is two people.
            blog.locals.append(Person(name, f"{slugify(name)}-b{home}", home))
        self.next_id = 1
        self.n_articles = 0

    # --- people and blogs ------------------------------------------------------------------

    def _two_word_people(self, n: int) -> list[Person]:
        people, seen = [], set()
        while len(people) < n:
            name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
            if name in seen:  # past the 2,500 pairs, a middle initial keeps names unique
                name = f"{name.split()[0]} {chr(65 + len(people) % 26)}. {name.split()[1]}"
                name += "" if name not in seen else f" {len(people)}"
            seen.add(name)
            website = f"https://{slugify(name)}.example.net" if self.rng.random() < 0.2 else ""
            people.append(Person(name, slugify(name), None, website))
        return people

    def _blog(self, i: int) -> Blog:
        words = self.rng.sample(BLOG_WORDS, 2)
        name = f"{words[0]} {words[1]} {i}"
        host = f"{slugify(name)}.example.org"
        owner = self.travellers[self.rng.randrange(len(self.travellers))]
        return Blog(name, f"https://{host}", f"url:{host}", owner)

    def _commenter(self, blog: Blog, regulars: list[Person]) -> Person:
        r = self.rng.random()
        if r < 0.25 and blog.locals:
            return self.rng.choice(blog.locals)
        if r < 0.55:
            return self.rng.choice(regulars)
        # Skewed towards the first travellers: a few people comment everywhere.
        return self.travellers[int(len(self.travellers) * self.rng.random() ** 3)]

    # --- text ------------------------------------------------------------------------------

    def sentence(self) -> str:
        rng = self.rng
        subject, verb, obj = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
        return f"{subject} {verb} {obj}{rng.choice(TAILS)}."

    def body(self, stance: str, reply_to: str | None) -> str:
        rng = self.rng
        paragraphs = []
        for _ in range(1 if rng.random() < 0.7 else rng.randint(2, 4)):
            paragraphs.append(" ".join(self.sentence() for _ in range(rng.randint(1, 4))))
        opener = rng.choice(OPENERS[stance])
        if opener:
            paragraphs[0] = f"{opener} {paragraphs[0]}"
        if reply_to:
            paragraphs[0] = f"@{reply_to} : {paragraphs[0]}"
        return "\n\n".join(paragraphs)

    def title(self) -> str:
        return self.rng.choice(
            (
                "Community manager : un vrai métier ?",
                "Lettre ouverte aux community managers",
                "Ce que les réseaux sociaux ont changé à la communication",
                "La quête de sens des community managers",
                "Le community manager que vous recherchez n’existe pas",
                "Faut-il un diplôme pour animer une communauté ?",
                "Community managers : débiles, puérils, abrutis ?",
                "Réseaux sociaux : la fin de l’amateurisme",
            )
        )

    # --- articles --------------------------------------------------------------------------

    def _size(self) -> int:
        # Heavy tail like real blogs: most threads short, a few long debates.
        low, high = self.rng.choices(
            ((2, 20), (20, 80), (80, 200), (200, 600), (600, 1_500)), (35, 35, 20, 8, 2)
        )[0]
        return self.rng.randint(low, high)

    def article(self, size: int, shape: str | None = None) -> Article:
        rng = self.rng
        self.n_articles += 1
        blog = self.blogs[rng.randrange(len(self.blogs))]
        published = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        # Numbered: the same title on two blogs makes the importer warn (a possible repost).
        title = f"{self.title()} (n° {self.n_articles})"
        if shape is None:
            shape = rng.choices(("flat", "nested", "deep"), (60, 39, 1))[0]
        regulars = [self._commenter(blog, self.travellers[:50]) for _ in range(8)]
        tweets = rng.random() < 0.05  # some pages carried a Twitter widget's tweets
        comments: list[Comment] = []
        moment = published
        deep_from = rng.randint(0, max(0, size - 60)) if shape == "deep" else -1
        for position in range(size):
            moment += timedelta(seconds=int(rng.expovariate(1 / 3_600)) + 30)
            parent = None
            if shape == "deep" and position > deep_from and position <= deep_from + 200:
                parent = comments[-1]  # one chain of up to 200 replies, each to the last
            elif comments and shape != "flat" and rng.random() < 0.45:
                parent = comments[rng.randrange(max(0, len(comments) - 20), len(comments))]
                while parent is not None and parent.level >= 5:
                    parent = next((c for c in comments if c.id == parent.parent), None)
            kind = "comment"
            r = rng.random()
            if r < 0.03 and parent is None:
                kind = "pingback"
            elif tweets and r < 0.5 and parent is None:
                kind = "tweet"
            stance = "neutral" if kind == "pingback" else rng.choices(STANCES, STANCE_WEIGHTS)[0]
            addresses: list[int] = []
            reply_to = None
            if kind == "comment" and parent is None and comments and rng.random() < 0.08:
                target = comments[rng.randrange(len(comments))]
                if target.author is not None:  # "@Eric : …" in a flat thread
                    reply_to, addresses = target.author.name, [target.id]
            if kind == "pingback":
                source_blog = self.blogs[rng.randrange(len(self.blogs))]
                author = None
                written = f"{self.title()} | {source_blog.name}"
                url = f"{source_blog.url}/{moment:%Y/%m}/{slugify(self.title())}/"
                body = f"[...] {self.sentence()} [...]"
            else:
                author = blog.owner if rng.random() < 0.08 else self._commenter(blog, regulars)
                written, url = author.name, author.website
                body = self.body(stance, reply_to)
                if kind == "tweet":
                    body = body[:140]
            comments.append(
                Comment(
                    self.next_id, parent.id if parent else None,
                    parent.level + 1 if parent else 0, author, written, url, moment, kind,
                    body, stance, addresses,
                )
            )  # fmt: skip
            self.next_id += 1
        return Article(
            f"{slugify(title)}-{self.n_articles}", title, blog, published,
            rng.choice(POSITIONS), "\n\n".join(self.sentence() for _ in range(12)), comments,
        )  # fmt: skip

    def articles(self) -> Iterator[Article]:
        left = self.target
        while left > 0:
            size = min(self._size(), left)
            left -= size
            yield self.article(size)


# --- cmforum-json --------------------------------------------------------------------------


def _comment_json(c: Comment, position: int) -> dict:
    confidence = round(0.3 + (c.id % 60) / 100, 2)
    return dict(
        zip(
            COMMENT_KEYS,
            (
                c.id, c.parent, position, str(c.id),
                c.author.name if c.author else None, c.author.slug if c.author else None,
                c.author_as_written, c.author_url, "", c.posted_at.isoformat(),
                f"{c.posted_at:%d/%m/%Y à %H:%M}", c.kind, c.body, "", "approved",
                [], c.addresses, c.stance, "auto", "", None, "", None,
                {"stance": c.stance, "confidence": confidence, "cues": []},
            ),
            strict=True,
        )
    )  # fmt: skip


def article_json(a: Article) -> dict:
    return {
        "slug": a.slug,
        "title": a.title,
        "blog": {"name": a.blog.name, "url": a.blog.url, "key": a.blog.key},
        "origin": "",
        "author": a.blog.owner.name,
        "author_slug": a.blog.owner.slug,
        "published_at": a.published_at.isoformat(),
        "date_precision": "exact",
        "url": f"{a.blog.url}/{a.published_at:%Y/%m}/{a.slug}/",
        "position": a.position,
        "body": a.body,
        "body_html": "",
        "status": "publish",
        "source_id": a.slug,
        "announced_comments": len(a.comments),
        "flags": [],
        "source": None,
        "comments": [_comment_json(c, i) for i, c in enumerate(a.comments)],
    }


def _participant_json(p: Person) -> dict:
    return {"name": p.name, "slug": p.slug, "handle": "", "website": p.website,
            "aliases": [p.name]}  # fmt: skip


def write_archive(path: Path, articles: list[Article]) -> int:
    people: dict[str, Person] = {}
    for a in articles:
        people[a.blog.owner.slug] = a.blog.owner
        for c in a.comments:
            if c.author is not None:
                people[c.author.slug] = c.author
    document = {
        "format": "cmforum-json",
        "version": 1,
        "articles": sorted((article_json(a) for a in articles), key=lambda d: d["slug"]),
        "participants": [_participant_json(people[s]) for s in sorted(people)],
    }
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return sum(len(a.comments) for a in articles)


def write_archives(gen: Generator, out: Path, per_file: int) -> list[Path]:
    """The archive in files of about ``per_file`` comments, named archive-0001.json, …"""
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    batch: list[Article] = []
    size = 0
    for article in gen.articles():
        batch.append(article)
        size += len(article.comments)
        if size >= per_file:
            paths.append(out / f"archive-{len(paths) + 1:04d}.json")
            write_archive(paths[-1], batch)
            batch, size = [], 0
    if batch:
        paths.append(out / f"archive-{len(paths) + 1:04d}.json")
        write_archive(paths[-1], batch)
    return paths


def write_threads(gen: Generator, path: Path) -> dict[int, str]:
    """Three threads of exactly 100, 1,000 and 10,000 comments; {size: slug}."""
    articles = []
    for size in THREAD_SIZES:
        a = gen.article(size, shape="nested")
        a.slug = f"bench-thread-{size}"
        articles.append(a)
    write_archive(path, articles)
    return {len(a.comments): a.slug for a in articles}


# --- WXR -----------------------------------------------------------------------------------


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def write_wxr(gen: Generator, path: Path, comments: int) -> int:
    """One WordPress blog's export holding ``comments`` comments over several posts."""
    blog = gen.blogs[0]
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(blog.name)}</title><link>{blog.url}</link>"
    ]
    left, post_id = comments, 0
    while left > 0:
        post_id += 1
        a = gen.article(min(gen._size(), left))
        left -= len(a.comments)
        parts.append(
            f"<item><title>{escape(a.title)}</title><link>{blog.url}/{a.slug}/</link>"
            f"<dc:creator>{_cdata(blog.owner.name)}</dc:creator>"
            f"<content:encoded>{_cdata(a.body)}</content:encoded>"
            f"<wp:post_id>{post_id}</wp:post_id>"
            f"<wp:post_date>{a.published_at:%Y-%m-%d %H:%M:%S}</wp:post_date>"
            f"<wp:post_name>{a.slug}</wp:post_name>"
            "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        )
        for c in a.comments:
            html = "".join(f"<p>{escape(p)}</p>" for p in c.body.split("\n\n"))
            parts.append(
                f"<wp:comment><wp:comment_id>{c.id}</wp:comment_id>"
                f"<wp:comment_author>{_cdata(c.author_as_written)}</wp:comment_author>"
                f"<wp:comment_author_url>{escape(c.author_url)}</wp:comment_author_url>"
                f"<wp:comment_date>{c.posted_at:%Y-%m-%d %H:%M:%S}</wp:comment_date>"
                f"<wp:comment_content>{_cdata(html)}</wp:comment_content>"
                "<wp:comment_approved>1</wp:comment_approved>"
                f"<wp:comment_type>{'pingback' if c.kind == 'pingback' else ''}"
                f"</wp:comment_type><wp:comment_parent>{c.parent or 0}</wp:comment_parent>"
                "</wp:comment>"
            )
        parts.append("</item>")
    parts.append("</channel></rss>\n")
    path.write_text("".join(parts), encoding="utf-8")
    return comments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--per-file", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--wxr", type=int, default=0, help="also write bench.xml of N comments")
    parser.add_argument("--threads", action="store_true", help="also write threads.json")
    args = parser.parse_args()
    gen = Generator(args.comments, args.seed)
    paths = write_archives(gen, args.out, args.per_file)
    if args.threads:
        write_threads(gen, args.out / "threads.json")
    if args.wxr:
        write_wxr(Generator(args.wxr, args.seed + 1), args.out / "bench.xml", args.wxr)
    print(f"{args.comments} comments in {len(paths)} file(s) under {args.out}")


if __name__ == "__main__":
    main()
