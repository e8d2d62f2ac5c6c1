"""The comment cards of a comment's own page (/comments/<id>/), rendered in Python.

The deepest comments have dozens of ancestors: one ``{% include "includes/comment.html" %}``
each cost more than the rest of the page. ``CardRenderer`` writes the markup that include
produces, byte for byte, with the page's labels translated and its links prefixed once.
Names, titles and excerpts are escaped (``escape``, as the template's autoescaping
does), bodies go through ``render_body``; only ``web_url`` addresses become links to other
sites (``citing_page``). The lists on other pages still use the include."""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.translation import gettext as _

from threads.templatetags.cmforum import (
    MomentFormatter,
    citing_page,
    depth_class,
    kind_label,
    render_body,
    snippet,
    stance_label,
    who,
)

CITING_KINDS = frozenset({"pingback", "trackback"})


class CardRenderer:
    """Cards of comments of one article: ``card()`` is includes/comment.html."""

    def __init__(self, article) -> None:
        self.article_url = article.get_absolute_url()
        self.comment_base = reverse("threads:comment", args=[0])[:-2]  # "/comments/"
        self.people_base = reverse("people:detail", args=["x"])[:-2]
        self.when = MomentFormatter()
        self.auto = escape(_("position suggérée automatiquement"))
        self.to = escape(_("en réponse à"))
        self.in_thread = escape(_("voir dans le fil"))
        self.permalink = escape(_("lien permanent"))
        self.gone = {
            "deleted": escape(_("commentaire supprimé")),
            "hidden": escape(_("commentaire masqué")),
        }
        self._labels: dict[tuple, str] = {}  # kind and stance labels, translated once

    def label(self, of, value: str) -> str:
        key = (of, value)
        text = self._labels.get(key)
        if text is None:
            text = self._labels[key] = escape(of(value))
        return text

    def card(self, comment, full: bool = False, focus: bool = False, anchor: bool = False) -> str:
        """A Comment with ``placeholder`` and ``addressees`` set (CommentDetailView)."""
        if comment.placeholder:
            label = self.gone["deleted" if comment.placeholder == "deleted" else "hidden"]
            return f'\n<p class="gone">{label}</p>\n\n'
        pk, kind = comment.pk, comment.kind
        author = comment.author if comment.author_id is not None else None
        if author:
            href = f"{self.people_base}{author.slug}/"
            meta = f'<a class="who" href="{href}">{escape(author.name)}</a>'
        elif kind in CITING_KINDS:
            meta = citing_page(who(comment), comment.author_url)
        else:
            meta = f'<span class="who">{escape(who(comment))}</span>'
        posted = comment.posted_at
        when = f'<span class="when">{self.when(posted)}</span>' if posted else ""
        badge = ""
        if kind != "comment":
            badge = f'<span class="badge kind">{self.label(kind_label, kind)}</span>'
        stance = ""
        if comment.stance != "unknown":
            auto = f' auto" title="{self.auto}' if comment.stance_source == "auto" else ""
            stance = (
                f'<span class="badge stance stance-{escape(comment.stance)}{auto}">'
                f"{self.label(stance_label, comment.stance)}</span>"
            )
        to = ""
        if comment.addressees:
            links = ", ".join(
                f'<a href="{self.comment_base}{t.pk}/">{escape(who(t))}</a>'
                for t in comment.addressees
            )
            to = f'<span class="to">{self.to} {links}</span>'
        if full:
            body = render_body(comment.body, comment.body_html)
        else:
            body = f"<p>{escape(snippet(comment.body, 420))}</p>"
        css = f"c kind-{escape(kind)}{' focus' if focus else ''}"
        id_attr = f' id="c{pk}"' if anchor else ""
        return (
            f'\n<article class="{css}"{id_attr}>\n  <header class="c-meta">\n    {meta}\n'
            f"    {when}\n    {badge}\n    {stance}\n    {to}\n  </header>\n"
            f'  <div class="c-body">{body}</div>\n'
            f'  <p class="c-links"><a href="{self.article_url}#c{pk}">{self.in_thread}</a> · '
            f'<a class="permalink" href="{self.comment_base}{pk}/">{self.permalink}</a></p>\n'
            "</article>\n\n"
        )

    def ancestors(self, comments: list) -> str:
        """The items of the "Dans la conversation" list, each indented one step more."""
        return "".join(
            f'\n    <li class="{depth_class(depth)}">{self.card(c)}</li>\n  '
            for depth, c in enumerate(comments)
        )

    def replies(self, comments: list) -> str:
        return "".join(f"\n    <li>{self.card(c)}</li>\n  " for c in comments)
