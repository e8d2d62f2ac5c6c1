"""The comments of a thread page, rendered to HTML in Python.

A 10,000-comment thread is about 90,000 template variable lookups and 9 MB of markup:
the template engine alone took most of a second for it. Here the rows of
``Comment.objects.thread()`` (tuples, no model instances) are unpacked once each and
written with f-strings into one list, joined once. What repeats across a page is
computed once per page (translated labels, badges) or once per distinct value (an
author's link, a name's escaping). Every imported value (names, titles, bodies, URLs)
goes through ``escape`` exactly once, or through ``render_body`` (escaped text, or
sanitised HTML); only ``web_url`` addresses become links to other sites.

The markup is what threads/article_detail.html produced when it looped over the comments:
``<li class="comment …">`` per comment, ``<details class="replies">`` around replies, runs
of leaf pingbacks and tweets folded into one ``<li class="mention-group">``, "↳ 7" depth
badges beyond MAX_INDENT levels, "en réponse à" links, placeholders for hidden parents."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from operator import itemgetter

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from threads.html import sanitize
from threads.models import (
    R_AS_WRITTEN,
    R_AUTHOR_ID,
    R_FLAGS,
    R_ID,
    R_KIND,
    R_LEVEL,
    R_NAME,
    R_PARENT,
    R_POSITION,
    R_POSTED,
    R_STANCE,
    ThreadRows,
    utc_moment,
)
from threads.templatetags.cmforum import (
    MAX_INDENT,
    MomentFormatter,
    _stance_labels,
    citing_page,
    display_name,
    kind_label,
    render_text,
)

MENTION_KINDS = frozenset({"pingback", "trackback", "tweet"})
CITING_KINDS = frozenset({"pingback", "trackback"})  # their "author" is the citing page
MIN_MENTION_GROUP = 2  # consecutive leaf mentions folded together from this many
GROUP_START = '<li class="mention-group"><details><summary>{label}</summary><ol class="mentions">'
GROUP_END = "</ol></details></li>"
REPLIES_END = "</ol></details></li>"


@dataclass
class Thread:
    """A rendered thread and the counts its page heading shows. ``html`` is safe markup
    (every value in it escaped or sanitised), as a plain str: the view splices it into
    the page without copying it into a SafeString."""

    html: str
    n_comments: int = 0
    n_dated: int = 0
    n_participants: int = 0
    stance_counts: dict[str, int] = field(default_factory=dict)


def who(row: tuple) -> str:
    """The name shown for a row's author (display_name), its flags decoded only when
    the name depends on them."""
    name = row[R_NAME] or row[R_AS_WRITTEN]
    if name:
        return name
    flags = row[R_FLAGS]
    return display_name(None, "", json.loads(flags) if flags and flags != "[]" else ())


class ThreadRenderer:
    """Texts translated and links prefixed once per page, then one pass per comment."""

    def __init__(self, people_base: str, comment_base: str) -> None:
        self.people_base = people_base  # "/people/" or "/en/people/"
        self.comment_base = comment_base
        self.when = MomentFormatter().utc_text
        # Badges, each with the line break that separates it from the previous part.
        self.kinds = {
            k: f'\n<span class="badge kind">{escape(kind_label(k))}</span>' for k in MENTION_KINDS
        }
        auto = escape(_("position suggérée automatiquement"))
        self.stances = {  # (stance, suggested automatically) -> badge
            (k, is_auto): f'\n<span class="badge stance stance-{k}{extra}">{escape(v)}</span>'
            for k, v in _stance_labels().items()
            if k != "unknown"
            for is_auto, extra in ((True, f' auto" title="{auto}'), (False, ""))
        }
        self.to = escape(_("en réponse à"))
        self.permalink = escape(_("lien permanent"))
        self.depth = escape(_("profondeur"))
        self.gone = {
            "deleted": f'<p class="gone">{escape(_("commentaire supprimé"))}</p>',
            "hidden": f'<p class="gone">{escape(_("commentaire masqué"))}</p>',
        }
        self._replies: dict[tuple[int, bool], str] = {}  # ngettext is slow: once per n
        self._escaped: dict[str, str] = {}  # name -> escaped, once per distinct name
        self._authors: dict[tuple[str, str], str] = {}  # (slug, escaped name) -> link

    def escaped_name(self, row: tuple) -> str:
        name = row[R_NAME] or row[R_AS_WRITTEN] or who(row)
        escaped = self._escaped.get(name)
        if escaped is None:
            escaped = self._escaped[name] = escape(name)
        return escaped

    # --- per comment ---------------------------------------------------------------------

    def comment(self, r: tuple, number: int, answers: tuple | None, addressees) -> str:
        """The <li> opening tag and the comment itself: its header line and body."""
        (cid, _, level, kind, body, stance, stance_source, _, _, author_url, _, _, slug,
         *_, html, _, posted) = r  # fmt: skip
        if slug:
            name = self.escaped_name(r)
            meta = self._authors.get((slug, name))
            if meta is None:
                meta = f'<a class="who" href="{self.people_base}{slug}/">{name}</a>'
                self._authors[(slug, name)] = meta
        elif kind in CITING_KINDS:
            meta = citing_page(who(r), author_url)
        else:
            meta = f'<span class="who">{self.escaped_name(r)}</span>'
        when = f"#{number}" if posted is None else self.when(posted)
        badges = self.kinds.get(kind, "")
        stance = self.stances.get((stance, stance_source == "auto"))
        if stance:
            badges += stance
        if level > MAX_INDENT:
            deep = " deep"
            badges += f'\n<span class="badge depth" title="{self.depth} {level}">↳ {level}</span>'
        else:
            deep = ""
        if answers is not None or addressees:
            links = []
            if answers is not None:
                links.append(f'<a href="#c{answers[R_ID]}">{self.escaped_name(answers)}</a>')
            names = self.names
            for t in addressees or ():
                if answers is None or t != answers[R_ID]:
                    links.append(f'<a href="#c{t}">{names[t]}</a>')
            badges += f'\n<span class="to">{self.to} {", ".join(links)}</span>'
        if body:
            body = render_text(body)
        elif html:
            body = sanitize(html)
        return (
            f'\n    <li id="c{cid}" class="comment kind-{kind}{deep}">\n      <article class="c">'
            f'\n        <header class="c-meta">{meta}\n<a class="when" href="#c{cid}">{when}</a>'
            f'{badges}\n<a class="permalink" href="{self.comment_base}{cid}/">{self.permalink}'
            f'</a></header>\n        <div class="c-body">{body}</div>\n      </article>'
        )

    def placeholder(self, r: tuple, kind: str) -> str:
        level = r[R_LEVEL]
        css = f"comment kind-{r[R_KIND]} placeholder{' deep' if level > MAX_INDENT else ''}"
        return f'\n    <li id="c{r[R_ID]}" class="{css}">\n      {self.gone[kind]}'

    def replies_label(self, name: str | None, n: int) -> str:
        """ "3 réponses à Céline"; "3 réponses" under a placeholder (``name`` None).
        ``name`` is escaped, and so is the pattern: its placeholders hold no character
        that escaping changes."""
        key = (n, name is None)
        pattern = self._replies.get(key)
        if pattern is None:
            if name is None:
                pattern = ngettext("%(n)s réponse", "%(n)s réponses", n)
            else:
                pattern = ngettext("%(n)s réponse à %(name)s", "%(n)s réponses à %(name)s", n)
            pattern = self._replies[key] = escape(pattern)
        return pattern % {"n": n, "name": name}

    # --- whole thread ----------------------------------------------------------------------

    def prepare(self, thread: ThreadRows) -> None:
        """Per page: the names of the comments that others answer by name."""
        targets = {t for ts in thread.addressees.values() for t in ts}
        self.names = {r[R_ID]: self.escaped_name(r) for r in thread.rows if r[R_ID] in targets}

    def tree(self, thread: ThreadRows) -> str:
        """Tree order: replies nested in folding <details>, runs of leaf mentions grouped."""
        rows, placeholders, addressees = thread.rows, thread.placeholders, thread.addressees
        n = len(rows)
        levels = [r[R_LEVEL] for r in rows]
        levels.append(0)
        # Visible descendants of each row: when a row is popped off the stack of open
        # ancestors, every row since it is one of them.
        replies = [0] * n
        stack: list[int] = []
        for i in range(n + 1):
            level = levels[i]
            while stack and levels[stack[-1]] >= level:
                j = stack.pop()
                replies[j] = i - j - 1
            stack.append(i)
        groups, ends = self._mention_groups(thread, levels)
        out = []
        append = out.append
        for i, r in enumerate(rows):
            level, next_level = levels[i], levels[i + 1]
            if groups:
                label = groups.get(i)
                if label:
                    append(GROUP_START.format(label=escape(label)))
            gone = placeholders.get(r[R_ID]) if placeholders else None
            if gone:
                append(self.placeholder(r, gone))
            else:
                append(self.comment(r, i + 1, None, addressees.get(r[R_ID])))
            if next_level > level:
                css = "replies flat" if level >= MAX_INDENT else "replies"
                label = self.replies_label(None if gone else self.escaped_name(r), replies[i])
                append(
                    f'\n      <details class="replies" open><summary>{label}</summary>'
                    f'<ol class="{css}">'
                )
            else:
                append("\n      </li>")
                if i in ends:
                    append(GROUP_END)
                if level > next_level:
                    append(REPLIES_END * (level - next_level))
        return "".join(out)

    @staticmethod
    def _mention_groups(thread: ThreadRows, levels: list[int]) -> tuple[dict[int, str], set]:
        """Runs of consecutive leaf pingbacks, trackbacks and tweets answering the same
        parent: their first row -> the group's label ("18 tweets"); and their last rows."""
        rows, placeholders = thread.rows, thread.placeholders
        groups: dict[int, str] = {}
        ends: set[int] = set()
        n = len(rows)
        i = 0
        while i < n:
            first = rows[i]
            if first[R_KIND] not in MENTION_KINDS:
                i += 1
                continue
            j = i
            while (
                j < n
                and rows[j][R_KIND] in MENTION_KINDS
                and levels[j + 1] <= levels[j]
                and rows[j][R_ID] not in placeholders
                and rows[j][R_PARENT] == first[R_PARENT]
                and levels[j] == levels[i]
            ):
                j += 1
            if j - i >= MIN_MENTION_GROUP:
                groups[i] = _mention_label(rows[i:j])
                ends.add(j - 1)
                i = j
            else:
                i = max(j, i + 1)
        return groups, ends

    def by_date(self, thread: ThreadRows) -> str:
        """Date order (undated last, in source order), without placeholders; each comment
        says which comment it answers in the tree."""
        placeholders, addressees = thread.placeholders, thread.addressees
        by_id = {r[R_ID]: r for r in thread.rows}
        shown = [r for r in thread.rows if r[R_ID] not in placeholders]
        shown.sort(key=lambda r: (r[R_POSTED] is None, utc_moment(r[R_POSTED]) or 0, r[R_POSITION]))
        out = []
        for number, r in enumerate(shown, 1):
            parent = by_id.get(r[R_PARENT])
            answers = parent if parent is not None and parent[R_ID] not in placeholders else None
            out.append(self.comment(r, number, answers, addressees.get(r[R_ID])))
            out.append("\n      </li>")
        return "".join(out)


def _mention_label(run: list[tuple]) -> str:
    kinds: dict[str, int] = {}
    for r in run:
        kinds[r[R_KIND]] = kinds.get(r[R_KIND], 0) + 1
    words = {
        "tweet": lambda n: ngettext("%(n)s tweet", "%(n)s tweets", n),
        "pingback": lambda n: ngettext("%(n)s pingback", "%(n)s pingbacks", n),
        "trackback": lambda n: ngettext("%(n)s trackback", "%(n)s trackbacks", n),
    }
    return ", ".join(words[k](n) % {"n": n} for k, n in kinds.items())


def render_thread(thread: ThreadRows, order: str, people_base: str, comment_base: str) -> Thread:
    """``thread`` from ``Comment.objects.thread()``; ``order`` "tree" or "date"."""
    renderer = ThreadRenderer(people_base, comment_base)
    renderer.prepare(thread)
    placeholders = thread.placeholders
    live = [r for r in thread.rows if r[R_ID] not in placeholders] if placeholders else thread.rows
    html = renderer.tree(thread) if order == "tree" else renderer.by_date(thread)
    authors = set(map(itemgetter(R_AUTHOR_ID), live))
    authors.discard(None)
    return Thread(
        html=html,
        n_comments=len(live),
        n_dated=len(live) - list(map(itemgetter(R_POSTED), live)).count(None),
        n_participants=len(authors),
        stance_counts=dict(Counter(map(itemgetter(R_STANCE), live))),
    )
