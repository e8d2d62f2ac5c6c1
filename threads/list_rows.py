"""The rows of comment lists (/comments/, /search/, a comment's context), rendered to HTML
in Python.

Fifty rows through the templates includes/hit_context.html and includes/comment.html
were about 5,000 template lookups, most of a list page's time once its queries were
bounded. The markup is what those templates produced (includes/comment.html stays for
the comment a comment page is about); as in threads.thread_page, every imported value
goes through ``escape`` once, texts are translated once per page, and links are made
from reversed prefixes."""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from threads.templatetags.cmforum import (
    MomentFormatter,
    _stance_labels,
    citing_page,
    display_name,
    kind_label,
    snippet,
)

CITING_KINDS = frozenset({"pingback", "trackback"})


def _base(name: str, arg) -> str:
    """A URL's prefix, from the URL of a one-character argument: "/people/" or "/en/people/"."""
    return reverse(name, args=[arg])[:-2]


class HitRenderer:
    """Texts translated and link prefixes reversed once per page, then one pass per row."""

    def __init__(self) -> None:
        self.article_base = _base("threads:article", "x")
        self.people_base = _base("people:detail", "x")
        self.comment_base = _base("threads:comment", 0)
        self.when = MomentFormatter()
        self.on = escape(_("Sur"))
        self.answer = _("En réponse à %(name)s :")
        self.gone_answer = escape(_("En réponse à un commentaire supprimé."))
        self.in_thread = escape(_("voir dans le fil"))
        self.permalink = escape(_("lien permanent"))
        self.to = escape(_("en réponse à"))
        self.gone = {
            True: escape(_("commentaire supprimé")),
            False: escape(_("commentaire masqué")),
        }
        self.kinds: dict[str, str] = {}
        auto = escape(_("position suggérée automatiquement"))
        self.stances = {  # (stance, suggested automatically) -> badge
            (k, is_auto): f'\n    <span class="badge stance stance-{k}{extra}">{escape(v)}</span>'
            for k, v in _stance_labels().items()
            if k != "unknown"
            for is_auto, extra in ((True, f' auto" title="{auto}'), (False, ""))
        }

    def kind(self, kind: str) -> str:
        badge = self.kinds.get(kind)
        if badge is None:
            badge = self.kinds[kind] = (
                f'\n    <span class="badge kind">{escape(kind_label(kind))}</span>'
            )
        return badge

    def who(self, comment) -> str:
        author = comment.author if comment.author_id is not None else None
        return display_name(
            author.name if author else None, comment.author_as_written, comment.flags
        )

    def context(self, comment, article_url: str) -> str:
        """The row's context: its article (and blog) and what it answers."""
        article = comment.article
        out = (
            f'<p class="hit-context">{self.on} <a href="{article_url}">{escape(article.title)}</a>'
            f' <span class="meta">· {escape(article.blog.name)}</span></p>\n'
        )
        answers = getattr(comment, "answers", None)
        if answers:
            if answers.is_public:
                who = escape(self.answer % {"name": self.who(answers)})
                body = escape(snippet(answers.body, 160))
                out += (
                    f'<div class="answers"><span class="answers-who">{who}</span>'
                    f" <q>{body}</q></div>"
                )
            else:
                out += f'<div class="answers">{self.gone_answer}</div>'
        return out

    def comment(self, comment, article_url: str) -> str:
        """includes/comment.html without ``full``, ``focus`` or ``anchor``: a placeholder's
        label, or the header line (with the ``addressees`` it answers) and an excerpt."""
        placeholder = getattr(comment, "placeholder", "")
        if placeholder:
            return f'\n<p class="gone">{self.gone[placeholder == "deleted"]}</p>\n'
        kind = comment.kind
        if comment.author_id is not None and comment.author is not None:
            author = comment.author
            who = (
                f'<a class="who" href="{self.people_base}{author.slug}/">{escape(author.name)}</a>'
            )
        elif kind in CITING_KINDS:
            who = citing_page(self.who(comment), comment.author_url)
        else:
            who = f'<span class="who">{escape(self.who(comment))}</span>'
        meta = f"\n    {who}"
        if comment.posted_at:
            meta += f'\n    <span class="when">{self.when(comment.posted_at)}</span>'
        if kind != "comment":
            meta += self.kind(kind)
        meta += self.stances.get((comment.stance, comment.stance_source == "auto"), "")
        addressees = getattr(comment, "addressees", None)
        if addressees:
            links = ", ".join(
                f'<a href="{self.comment_base}{t.pk}/">{escape(self.who(t))}</a>'
                for t in addressees
            )
            meta += f'\n    <span class="to">{self.to} {links}</span>'
        excerpt = getattr(comment, "excerpt", None)
        body = excerpt if excerpt else escape(snippet(comment.body, 420))
        return (
            f'\n<article class="c kind-{escape(kind)}">\n  <header class="c-meta">{meta}'
            f'\n  </header>\n  <div class="c-body"><p>{body}</p></div>\n'
            f'  <p class="c-links"><a href="{article_url}#c{comment.pk}">{self.in_thread}</a> · '
            f'<a class="permalink" href="{self.comment_base}{comment.pk}/">'
            f"{self.permalink}</a></p>\n"
            "</article>\n"
        )

    def render(self, comments) -> SafeString:
        out = []
        for c in comments:
            article_url = f"{self.article_base}{c.article.slug}/"
            out.append(
                '\n    <li class="hit">\n      '
                + self.context(c, article_url)
                + "\n      "
                + self.comment(c, article_url)
                + "\n    </li>"
            )
        return SafeString("".join(out))


def render_context(comments, *, indent: bool) -> SafeString:
    """The ``<li>`` of each comment around a comment's page (threads/comment_detail.html):
    its ancestors, indented by depth (``indent``), or its replies."""
    from threads.templatetags.cmforum import depth_class

    renderer = HitRenderer()
    out = []
    for i, c in enumerate(comments):
        li = f'<li class="{depth_class(i)}">' if indent else "<li>"
        out.append(
            f"\n    {li}{renderer.comment(c, f'{renderer.article_base}{c.article.slug}/')}</li>"
        )
    return SafeString("".join(out))


def render_contributions(comments) -> SafeString:
    """A participant's page of comments (people/participant_detail.html), grouped by
    consecutive article as ``{% regroup %}`` did: each article's heading (with
    ``article.n_mine``, their comments there), then one line and a snippet per comment."""
    from django.utils.translation import ngettext

    r = HitRenderer()
    stances = {
        (k, is_auto): f'<span class="badge stance stance-{k}{" auto" if is_auto else ""}">'
        f"{escape(v)}</span>"
        for k, v in _stance_labels().items()
        if k != "unknown"
        for is_auto in (True, False)
    }
    out = []
    article = None
    for c in comments:
        if article is None or c.article_id != article.pk:
            if article is not None:
                out.append("\n    </ol>\n  </section>")
            article = c.article
            url = f"{r.article_base}{article.slug}/"
            n = getattr(article, "n_mine", 0)
            mine = escape(ngettext("%(n)s commentaire", "%(n)s commentaires", n) % {"n": n})
            out.append(
                f'\n  <section class="contrib" aria-labelledby="t{article.pk}">\n'
                f'    <h3 id="t{article.pk}"><a href="{url}">{escape(article.title)}</a>'
                f' <span class="meta">· {escape(article.blog.name)} · {mine}</span></h3>\n'
                '    <ol class="contrib-list">'
            )
        when = r.when(c.posted_at) if c.posted_at else r.in_thread
        line = f'\n          <a href="{url}#c{c.pk}">{when}</a>'
        if c.kind != "comment":
            line += r.kind(c.kind)
        stance = stances.get((c.stance, c.stance_source == "auto"))
        if stance:
            line += f"\n          {stance}"
        parent = c.parent if c.parent_id is not None else None
        if parent is not None and parent.is_public:
            line += (
                f'\n          <span class="to">{r.to} <a href="{url}#c{c.parent_id}">'
                f"{escape(r.who(parent))}</a></span>"
            )
        out.append(
            f'\n      <li>\n        <p class="c-meta">{line}\n'
            f'          <a class="permalink" href="{r.comment_base}{c.pk}/">{r.permalink}</a>\n'
            f'        </p>\n        <p class="snippet">{escape(snippet(c.body, 300))}</p>\n'
            "      </li>"
        )
    if article is not None:
        out.append("\n    </ol>\n  </section>")
    return SafeString("".join(out))


def render_hits(comments) -> SafeString:
    """The ``<li class="hit">`` of each comment of a list page: its article and blog,
    what it answers (``answers``), its header line and excerpt (``excerpt`` when the
    search made one, else the start of its text)."""
    return HitRenderer().render(comments)
