"""The comment lists of saved blog pages (importers.html_page), one reader per engine:

- WordPress ``wp_list_comments`` (Walker_Comment): ``ol.commentlist`` / ``ol.comment-list``
  of ``li.comment`` / ``li.pingback`` / ``li.trackback`` (id ``comment-N``, or
  ``li-comment-N`` in themes with their own callback, like Twenty Ten), replies in a nested
  ``ul.children``; the html5 format (``article.comment-body``, ``footer.comment-meta``,
  ``b.fn``, ``time[datetime]``, ``div.comment-content``) and the xhtml one (``cite.fn``,
  ``div.comment-meta.commentmetadata`` then the comment's paragraphs); older themes'
  ``<a name="comment-N">`` + ``<cite>`` lists too.
- Blogger, threaded: ``.comment-thread`` > ``ol`` > ``li.comment#cN`` with ``cite.user``,
  ``span.datetime`` and ``p.comment-content``, replies under ``.comment-replies``.
- Blogger, classic: ``dl#comments-block`` of ``dt.comment-author#cN`` (the author, then
  "said..."), ``dd.comment-body``, ``dd.comment-footer`` (``span.comment-timestamp``).
- Dotclear: ``#comments dl`` (and ``#pings dl``, trackbacks) of ``dt#cN`` headers "Le lundi
  3 mai 2010, 14:05 par Nom" and ``dd`` bodies; Dotclear 2.x themes' ``ul.comments-list``
  of ``li.comment`` / ``li.ping`` ("De Nom - 03/05/2010, 14:05", ``div.comment-content``).

Each reader returns RawComments in document order, parents by index; None when the page
has no list of its kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from importers._html_dates import machine_date, show_comment_date, visible_date
from importers._html_tree import (
    Element,
    Stop,
    classes,
    first_level,
    inner_html,
    outer_html,
    own,
    safe_url,
    text_of,
)
from importers.parsed import COMMENT, PINGBACK, TRACKBACK


@dataclass
class RawComment:
    element: Element
    author: str = ""
    author_url: str = ""
    body_html: str = ""
    posted_at: datetime | None = None
    date_raw: str = ""
    kind: str = COMMENT
    parent: int | None = None
    source_id: str | None = None
    status: str = "approved"
    flags: list[str] = field(default_factory=list)


@dataclass
class Context:
    base: str  # the article's URL, for relative author links
    day_first: bool  # "03/05/2010" is 3 May (French pages)
    archived: bool = False  # a Wayback Machine capture: its addresses are rewritten


def _when(raw: RawComment, ctx: Context, machine: str | None, visible: str) -> None:
    """A comment's date: the machine value when the page has one, else what it shows."""
    visible = " ".join(visible.split())
    shown, _ = visible_date(visible, ctx.day_first)
    moment, _ = machine_date(machine)
    raw.posted_at = moment or shown
    # The date as the page shows it; the machine value when what it shows is no date.
    raw.date_raw = visible if shown is not None or not machine else machine.strip()


def _author_from(el: Element | None, ctx: Context) -> tuple[str, str]:
    """(name, http(s) URL) of a name element that may be, or hold, a link."""
    if el is None:
        return "", ""
    link = el if el.tag == "a" else next(el.iter("a"), None)
    url = safe_url(link.get("href"), ctx.base, ctx.archived) if link is not None else ""
    return text_of(el), url


# --------------------------------------------------------------------------- WordPress

_WP_LISTS = {"commentlist", "comment-list"}
_WP_KINDS = {"comment": COMMENT, "pingback": PINGBACK, "trackback": TRACKBACK}
_WP_ID = re.compile(r"^(?:li-|div-)?comment-(\d+)$")
# What surrounds the comment's text in the xhtml format.
_WP_FURNITURE = {
    "comment-author", "vcard", "comment-meta", "commentmetadata", "comment-metadata",
    "reply", "comment-awaiting-moderation", "says", "avatar", "edit-link", "children",
}  # fmt: skip


def _is_wp_list(el: Element) -> bool:
    return el.tag in ("ol", "ul", "div") and (
        bool(classes(el) & _WP_LISTS) or el.get("id") == "commentlist"
    )


def _is_wp_item(el: Element) -> bool:
    return el.tag in ("li", "div", "article") and bool(classes(el) & set(_WP_KINDS))


def _wp_stop(tag: str) -> Stop:
    """Where a comment's own markup ends: its reply list, or a reply (an item of the
    list's own tag: li, or div in wp_list_comments' div style)."""

    def nested(el: Element) -> bool:
        # A div is a reply only with the walker's id="comment-N": themes also wrap a
        # comment's text in a div.comment.
        return el.tag == tag and _is_wp_item(el) and (tag == "li" or _has_wp_id(el))

    def stop(el: Element) -> bool:
        return (el.tag in ("ul", "ol", "div") and "children" in classes(el)) or nested(el)

    return stop


def _has_wp_id(el: Element) -> bool:
    return bool(_WP_ID.match(el.get("id") or ""))


def _wp_reply(tag: str) -> Stop:
    """A reply inside a comment: an item of its ul.children (whatever its class), or a
    comment item nested without one (the div style has no reply lists)."""

    def reply(el: Element) -> bool:
        if el.tag != tag:
            return False
        if tag != "li":
            return _is_wp_item(el) and _has_wp_id(el)
        parent = el.getparent()
        return _is_wp_item(el) or (parent is not None and "children" in classes(parent))

    return reply


def wordpress(root: Element, ctx: Context) -> list[RawComment] | None:
    lists = first_level(root, _is_wp_list)
    if not lists:
        return None
    out: list[RawComment] = []
    for top in lists:
        for item in top:
            if isinstance(item.tag, str) and (item.tag == "li" or _is_wp_item(item)):
                _wp_item(item, None, ctx, out)
    return out


def _wp_item(item: Element, parent: int | None, ctx: Context, out: list[RawComment]) -> None:
    stop = _wp_stop(item.tag)
    mine = list(own(item, stop))
    raw = RawComment(item, parent=parent)
    kinds = classes(item) & set(_WP_KINDS)
    # "pingback" or "trackback" wins over a "comment" class beside it.
    raw.kind = _WP_KINDS[sorted(kinds, key=lambda k: k == "comment")[0]] if kinds else COMMENT
    for el in [item, *mine]:
        # id="comment-N", or the anchor <a name="comment-N"> of older themes.
        match = _WP_ID.match(el.get("id") or (el.get("name") if el.tag == "a" else "") or "")
        if match:
            raw.source_id = match[1]
            break
    fn = next((e for e in mine if "fn" in classes(e)), None)
    if fn is None:  # themes of the Kubrick era: <cite>Name</cite> Says:
        fn = next((e for e in mine if e.tag == "cite" and text_of(e)), None)
    if fn is not None:
        raw.author, raw.author_url = _author_from(fn, ctx)
    elif raw.kind != COMMENT:
        # A short ping: "Pingback: <a href=...>Title</a>", the link is the citing page.
        link = next(
            (e for e in mine if e.tag == "a" and "comment-edit-link" not in classes(e)), None
        )
        raw.author, raw.author_url = _author_from(link, ctx)
    time = next((e for e in mine if e.tag == "time" and e.get("datetime")), None)
    meta = next((e for e in mine if classes(e) & {"comment-metadata", "commentmetadata"}), None)
    if meta is None:
        meta = next((e for e in mine if "comment-meta" in classes(e)), None)
    if time is not None:
        _when(raw, ctx, time.get("datetime"), text_of(time))
    elif meta is not None:
        link = next(meta.iter("a"), None)
        _when(raw, ctx, None, text_of(link if link is not None else meta))
    if "unapproved" in classes(item) or any(
        "comment-awaiting-moderation" in classes(e) for e in mine
    ):
        raw.status = "pending"
    raw.body_html = _wp_body(item, mine, raw.kind, fn, stop)
    out.append(raw)
    index = len(out) - 1
    for child in first_level(item, _wp_reply(item.tag)):
        _wp_item(child, index, ctx, out)


def _wp_body(item: Element, mine: list[Element], kind: str, fn: Element | None, stop: Stop) -> str:
    content = next((e for e in mine if "comment-content" in classes(e)), None)
    if content is not None:
        return inner_html(content)
    if kind != COMMENT and fn is None:
        return ""  # a short ping ("Pingback: <a>Title</a>") shows no excerpt
    bodies = [e for e in mine if "comment-body" in classes(e)]
    for body in bodies:
        # Twenty Ten: div.comment-body holds only the text, after the meta.
        if not any(classes(d) & {"comment-author", "comment-meta", "fn"} for d in body.iter()):
            return inner_html(body)
    # xhtml format: the comment's paragraphs come after the author and meta blocks.
    wrapper = bodies[0] if bodies else item
    for el in mine:
        if el.tag == "div" and _WP_ID.match(el.get("id") or "") and not bodies:
            wrapper = el
            break
    parts = [
        child
        for child in wrapper
        if isinstance(child.tag, str)
        and child.tag not in ("br", "img")
        and not (classes(child) & _WP_FURNITURE)
        and not stop(child)
        and not any("fn" in classes(d) or d is fn for d in child.iter())
        and not (child.tag == "a" and not text_of(child))  # an <a name> anchor
    ]
    return outer_html(parts)


# --------------------------------------------------------------------------- Blogger

_BLOGGER_ID = re.compile(r"^c(\d+)$")
# Blogger's data:commentPostedByMsg after the name in the classic layout, by language.
_POSTED_BY = re.compile(
    r"\s*(?:said|a dit|dijo|disse|ha detto|sagte|zei|napisał)\s*(?:\.\.\.|…|:)?\s*$",
    re.IGNORECASE,
)


def _is_li_comment(el: Element) -> bool:
    return el.tag == "li" and "comment" in classes(el)


def blogger_threaded(root: Element, ctx: Context) -> list[RawComment] | None:
    threads = first_level(root, lambda e: "comment-thread" in classes(e))
    if not threads:
        return None
    out: list[RawComment] = []
    for thread in threads:
        for item in first_level(thread, _is_li_comment):
            _blogger_item(item, None, ctx, out)
    return out


def _blogger_stop(el: Element) -> bool:
    return "comment-replies" in classes(el) or _is_li_comment(el)


def _blogger_item(item: Element, parent: int | None, ctx: Context, out: list[RawComment]) -> None:
    mine = list(own(item, _blogger_stop))
    raw = RawComment(item, parent=parent)
    match = _BLOGGER_ID.match(item.get("id") or "")
    raw.source_id = match[1] if match else None
    cite = next((e for e in mine if e.tag == "cite" or "user" in classes(e)), None)
    raw.author, raw.author_url = _author_from(cite, ctx)
    stamp = next((e for e in mine if classes(e) & {"datetime", "comment-timestamp"}), None)
    if stamp is not None:
        link = next(stamp.iter("a"), None)
        visible = text_of(link if link is not None else stamp)
        moment = show_comment_date(link.get("href")) if link is not None else None
        _when(raw, ctx, None, visible)
        raw.posted_at = moment or raw.posted_at
    content = next((e for e in mine if "comment-content" in classes(e)), None)
    raw.body_html = inner_html(content)
    if any("deleted-comment" in classes(e) for e in mine):
        raw.status = "deleted"
    out.append(raw)
    index = len(out) - 1
    for replies in first_level(item, lambda e: "comment-replies" in classes(e)):
        for child in first_level(replies, _is_li_comment):
            _blogger_item(child, index, ctx, out)


def blogger_classic(root: Element, ctx: Context) -> list[RawComment] | None:
    blocks = [
        dl
        for dl in root.iter("dl")
        if dl.get("id") == "comments-block" or "comments-block" in classes(dl)
    ]
    # "Links to this post" reuses the id for backlinks (dt.comment-title): not comments.
    blocks = [dl for dl in blocks if not any("comment-title" in classes(dt) for dt in dl)]
    if not blocks:
        return None
    out: list[RawComment] = []
    for dl in blocks:
        raw: RawComment | None = None
        for el in dl:
            if el.tag == "dt":
                raw = RawComment(el)
                out.append(raw)
                anchor = next((a for a in el.iter("a") if a.get("name")), None)
                ident = el.get("id") or (anchor.get("name") if anchor is not None else "")
                match = _BLOGGER_ID.match(ident or "")
                raw.source_id = match[1] if match else None
                link = next(
                    (a for a in el.iter("a") if a.get("href") and a.text_content().strip()), None
                )
                if link is not None:
                    raw.author, raw.author_url = _author_from(link, ctx)
                else:
                    raw.author = _POSTED_BY.sub("", text_of(el))
            elif el.tag == "dd" and raw is not None:
                names = classes(el)
                if names & {"comment-footer", "comment-timestamp"}:
                    link = next(el.iter("a"), None)
                    _when(raw, ctx, None, text_of(link if link is not None else el))
                    if link is not None:
                        raw.posted_at = show_comment_date(link.get("href")) or raw.posted_at
                else:
                    raw.body_html = inner_html(el)
                    if any("deleted-comment" in classes(e) for e in el.iter()):
                        raw.status = "deleted"
    return out


# --------------------------------------------------------------------------- Dotclear

_DOTCLEAR_ID = re.compile(r"^c(\d+)$")
# "Le lundi 3 mai 2010, 14:05 par Nom" / "On Monday, May 3 2010, 14:05 by Name".
_DOTCLEAR_HEADER = re.compile(
    r"^(?:\d+\.\s*)?(?:le|on)\s+(?P<date>.+?)\s+(?:par|by)\s+(?P<author>.+?)\s*$",
    re.IGNORECASE | re.DOTALL,
)


def dotclear(root: Element, ctx: Context) -> list[RawComment] | None:
    sections = [
        (el, TRACKBACK if el.get("id") == "pings" else COMMENT)
        for el in root.iter("div", "section")
        if el.get("id") in ("comments", "pings")
    ]
    lists = [(dl, kind) for section, kind in sections for dl in section.iter("dl")]
    lists = [(dl, kind) for dl, kind in lists if any(dt.tag == "dt" for dt in dl)]
    if not lists:
        return _dotclear_ul(root, ctx)
    out: list[RawComment] = []
    for dl, kind in lists:
        raw: RawComment | None = None
        for el in dl:
            if el.tag == "dt":
                raw = RawComment(el, kind=kind)
                out.append(raw)
                match = _DOTCLEAR_ID.match(el.get("id") or "")
                raw.source_id = match[1] if match else None
                _dotclear_header(raw, el, ctx)
            elif el.tag == "dd" and raw is not None:
                raw.body_html = inner_html(el)
                if kind == TRACKBACK and not raw.author_url:
                    link = next(el.iter("a"), None)
                    raw.author_url = (
                        safe_url(link.get("href"), ctx.base, ctx.archived)
                        if link is not None
                        else ""
                    )
    return out


def _dotclear_header(raw: RawComment, dt: Element, ctx: Context) -> None:
    number = [a for a in dt.iter("a") if classes(a) & {"comment-number", "ping-number"}]
    text = text_of(dt)
    for a in number:
        text = text.replace(text_of(a), "", 1).strip()
    match = _DOTCLEAR_HEADER.match(text)
    if match is None:
        raw.author = text
        return
    _when(raw, ctx, None, match["date"].rstrip(","))
    link = next((a for a in dt.iter("a") if a not in number and a.get("href")), None)
    if link is not None and raw.kind == COMMENT:
        raw.author, raw.author_url = _author_from(link, ctx)
    else:
        raw.author = match["author"]


# Dotclear 2.x themes (currywurst, dotty): #comments ul.comments-list of li.comment and
# li.ping, each "<p class=comment-info>N De Nom - 03/05/2010, 14:05</p>" then the text.
_DOTCLEAR_INFO = re.compile(
    r"^(?:de|from|par|by)\s+(?P<author>.+?)\s+-\s+(?P<date>.+)$", re.IGNORECASE | re.DOTALL
)


def _dotclear_ul(root: Element, ctx: Context) -> list[RawComment] | None:
    lists = [
        ul
        for section in root.iter()
        if section.get("id") == "comments"
        for ul in section.iter("ul", "ol")
        if "comments-list" in classes(ul)
    ]
    if not lists:
        return None
    # The template writes the date day first, whatever the blog's language.
    day_first = Context(ctx.base, True, ctx.archived)
    out: list[RawComment] = []
    for ul in lists:
        for li in ul.iterchildren("li"):
            raw = RawComment(li, kind=TRACKBACK if "ping" in classes(li) else COMMENT)
            match = _DOTCLEAR_ID.match(li.get("id") or "")
            raw.source_id = match[1] if match else None
            info = next((e for e in li.iter("p") if "comment-info" in classes(e)), None)
            if info is not None:
                numbers = [a for a in info.iter("a") if "comment-number" in classes(a)]
                text = text_of(info)
                for a in numbers:
                    text = text.replace(text_of(a), "", 1).strip()
                found = _DOTCLEAR_INFO.match(text)
                link = next((a for a in info.iter("a") if a not in numbers and a.get("href")), None)
                if link is not None:
                    raw.author, raw.author_url = _author_from(link, ctx)
                elif found:
                    raw.author = found["author"]
                time = next(info.iter("time"), None)
                shown = found["date"] if found else ""
                _when(raw, day_first, time.get("datetime") if time is not None else None, shown)
            content = next((e for e in li.iter("div") if "comment-content" in classes(e)), None)
            raw.body_html = inner_html(content)
            out.append(raw)
    return out


READERS = (wordpress, blogger_threaded, blogger_classic, dotclear)
