"""The comments of a thread page, rendered to HTML in Python.

A 10,000-comment thread is about 90,000 template variable lookups and 9 MB of markup:
the template engine alone took most of a second for it. Here each comment's display data
(anchor, classes, header line, body, nesting tags) is computed once and written with
f-strings into one list, joined once. Every imported value (names, titles, bodies, URLs)
goes through ``escape`` exactly once, or through ``render_body`` (escaped text, or
sanitised HTML); only ``web_url`` addresses become links to other sites.

The markup is what threads/article_detail.html produced when it looped over the comments:
``<li class="comment …">`` per comment, ``<details class="replies">`` around replies, runs
of leaf pingbacks and tweets folded into one ``<li class="mention-group">``, "↳ 7" depth
badges beyond MAX_INDENT levels, "en réponse à" links, placeholders for hidden parents."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from threads.templatetags.cmforum import (
    MAX_INDENT,
    MomentFormatter,
    _stance_labels,
    citing_page,
    display_name,
    kind_label,
    render_body,
)

MENTION_KINDS = frozenset({"pingback", "trackback", "tweet"})
CITING_KINDS = frozenset({"pingback", "trackback"})  # their "author" is the citing page
MIN_MENTION_GROUP = 2  # consecutive leaf mentions folded together from this many
GROUP_START = '<li class="mention-group"><details><summary>{label}</summary><ol class="mentions">'
GROUP_END = "</ol></details></li>"
REPLIES_END = "</ol></details></li>"


@dataclass
class Thread:
    """A rendered thread and the counts its page heading shows."""

    html: SafeString
    n_comments: int = 0
    n_dated: int = 0
    n_participants: int = 0
    stance_counts: dict[str, int] = field(default_factory=dict)


class ThreadRenderer:
    """Texts translated and links prefixed once per page, then one pass per comment."""

    def __init__(self, people_base: str, comment_base: str) -> None:
        self.people_base = people_base  # "/people/" or "/en/people/"
        self.comment_base = comment_base
        self.when = MomentFormatter()
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
            "deleted": escape(_("commentaire supprimé")),
            "hidden": escape(_("commentaire masqué")),
        }
        self._replies: dict[tuple[int, bool], str] = {}  # ngettext is slow: once per n

    # --- per comment ---------------------------------------------------------------------

    def prepare(self, rows: list[dict]) -> None:
        """What every row needs whatever the order: anchor, classes, name, body."""
        for c in rows:
            c["anchor"] = anchor = f"c{c['id']}"
            level = c["level"]
            css = f"comment kind-{c['kind']}"
            if c["placeholder"]:
                css += " placeholder"
            if level > MAX_INDENT:
                css += " deep"
            c["li"] = f'\n    <li id="{anchor}" class="{css}">\n      '
            if c["placeholder"]:
                c["who"] = ""
                continue
            c["who"] = display_name(c["author__name"], c["author_as_written"], c["flags"])
            c["html"] = render_body(c["body"], c["body_html"])

    def inner(self, c: dict, number: int, answers: dict | None) -> str:
        """The comment itself: its header line and body, or a placeholder's label."""
        if c["placeholder"]:
            label = self.gone.get(c["placeholder"], self.gone["hidden"])
            return f'<p class="gone">{label}</p>'
        slug = c["author__slug"]
        if slug:
            meta = f'<a class="who" href="{self.people_base}{slug}/">{escape(c["who"])}</a>'
        elif c["kind"] in CITING_KINDS:
            meta = citing_page(c["who"], c["author_url"])
        else:
            meta = f'<span class="who">{escape(c["who"])}</span>'
        when = self.when(c["posted_at"]) or f"#{number}"
        meta += f'\n<a class="when" href="#{c["anchor"]}">{when}</a>'
        kind = self.kinds.get(c["kind"])
        if kind:
            meta += kind
        stance = self.stances.get((c["stance"], c["stance_source"] == "auto"))
        if stance:
            meta += stance
        level = c["level"]
        if level > MAX_INDENT:
            meta += f'\n<span class="badge depth" title="{self.depth} {level}">↳ {level}</span>'
        addressees = c["addressees"]
        if answers or addressees:
            targets = [answers] if answers else []
            targets += [t for t in addressees if t is not answers]
            links = ", ".join(f'<a href="#{t["anchor"]}">{escape(t["who"])}</a>' for t in targets)
            meta += f'\n<span class="to">{self.to} {links}</span>'
        return (
            f'<article class="c">\n        <header class="c-meta">{meta}\n'
            f'<a class="permalink" href="{self.comment_base}{c["id"]}/">{self.permalink}</a>'
            f'</header>\n        <div class="c-body">{c["html"]}</div>\n      </article>'
        )

    def replies_label(self, c: dict, n: int) -> str:
        key = (n, bool(c["placeholder"]))
        pattern = self._replies.get(key)
        if pattern is None:
            if c["placeholder"]:
                pattern = ngettext("%(n)s réponse", "%(n)s réponses", n)
            else:
                pattern = ngettext("%(n)s réponse à %(name)s", "%(n)s réponses à %(name)s", n)
            self._replies[key] = pattern
        return escape(pattern % {"n": n, "name": c["who"]})

    # --- whole thread ----------------------------------------------------------------------

    def tree(self, rows: list[dict]) -> str:
        """Tree order: replies nested in folding <details>, runs of leaf mentions grouped."""
        n = len(rows)
        levels = [c["level"] for c in rows] + [0]
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
        groups = self._mention_groups(rows, levels)
        out = []
        append = out.append
        for i, c in enumerate(rows):
            level, next_level = levels[i], levels[i + 1]
            label = groups.get(i)
            if label:
                append(GROUP_START.format(label=escape(label)))
            append(c["li"])
            append(self.inner(c, i + 1, None))
            if next_level > level:
                css = "replies flat" if level >= MAX_INDENT else "replies"
                append(
                    f'\n      <details class="replies" open><summary>'
                    f'{self.replies_label(c, replies[i])}</summary><ol class="{css}">'
                )
            else:
                append("\n      </li>")
                if i in groups.ends:
                    append(GROUP_END)
                if level > next_level:
                    append(REPLIES_END * (level - next_level))
        return "".join(out)

    def _mention_groups(self, rows: list[dict], levels: list[int]) -> _Groups:
        """Runs of consecutive leaf pingbacks, trackbacks and tweets answering the same
        parent: their first row -> the group's label ("18 tweets"); ``ends``: last rows."""
        groups = _Groups()
        n = len(rows)
        i = 0
        while i < n:
            first = rows[i]
            j = i
            while (
                j < n
                and rows[j]["kind"] in MENTION_KINDS
                and levels[j + 1] <= levels[j]
                and not rows[j]["placeholder"]
                and rows[j]["parent_id"] == first["parent_id"]
                and levels[j] == levels[i]
            ):
                j += 1
            if j - i >= MIN_MENTION_GROUP:
                groups[i] = _mention_label(rows[i:j])
                groups.ends.add(j - 1)
                i = j
            else:
                i = max(j, i + 1)
        return groups

    def by_date(self, rows: list[dict]) -> str:
        """Date order (undated last, in source order), without placeholders; each comment
        says which comment it answers in the tree."""
        by_id = {c["id"]: c for c in rows}
        shown = [c for c in rows if not c["placeholder"]]
        shown.sort(key=lambda c: (c["posted_at"] is None, c["posted_at"] or 0, c["position"]))
        out = []
        for number, c in enumerate(shown, 1):
            parent = by_id.get(c["parent_id"])
            answers = parent if parent is not None and not parent["placeholder"] else None
            out.append(c["li"])
            out.append(self.inner(c, number, answers))
            out.append("\n      </li>")
        return "".join(out)


class _Groups(dict):
    def __init__(self) -> None:
        super().__init__()
        self.ends: set[int] = set()


def _mention_label(run: list[dict]) -> str:
    kinds: dict[str, int] = {}
    for c in run:
        kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
    words = {
        "tweet": lambda n: ngettext("%(n)s tweet", "%(n)s tweets", n),
        "pingback": lambda n: ngettext("%(n)s pingback", "%(n)s pingbacks", n),
        "trackback": lambda n: ngettext("%(n)s trackback", "%(n)s trackbacks", n),
    }
    return ", ".join(words[k](n) % {"n": n} for k, n in kinds.items())


def render_thread(rows: list[dict], order: str, people_base: str, comment_base: str) -> Thread:
    """``rows`` from ``Comment.objects.thread()``; ``order`` "tree" or "date"."""
    renderer = ThreadRenderer(people_base, comment_base)
    renderer.prepare(rows)
    live = [c for c in rows if not c["placeholder"]]
    counts: dict[str, int] = {}
    for c in live:
        counts[c["stance"]] = counts.get(c["stance"], 0) + 1
    html = renderer.tree(rows) if order == "tree" else renderer.by_date(rows)
    return Thread(
        html=SafeString(html),
        n_comments=len(live),
        n_dated=sum(1 for c in live if c["posted_at"]),
        n_participants=len({c["author_id"] for c in live if c["author_id"]}),
        stance_counts=counts,
    )
