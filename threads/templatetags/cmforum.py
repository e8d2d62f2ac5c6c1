"""Template filters and tags shared by the reading pages: dates with their precision,
comment authors, comment bodies, the stance bar and the activity sparkline."""

from __future__ import annotations

import re
from datetime import datetime

from django import template
from django.urls import translate_url
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

_URL = re.compile(r"\bhttps?://[^\s<>\"]+")
_TRAILING = ".,;:!?)]»’'"
_PARAGRAPHS = re.compile(r"\n{2,}")


# --- dates ------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


@register.filter
def fuzzy_date(moment: datetime | None, precision: str = "exact"):
    """A date as precisely as the source gave it: "vers 2010", "mai 2010", "16 mai 2010",
    or the full date and time; always inside <time datetime>."""
    if moment is None:
        return ""
    local = _local(moment)
    if precision == "year":
        text, machine = _("vers %(year)s") % {"year": local.year}, f"{local:%Y}"
    elif precision == "month":
        text, machine = date_format(local, get_format("YEAR_MONTH_FORMAT")), f"{local:%Y-%m}"
    elif precision == "day":
        text, machine = date_format(local, get_format("DATE_FORMAT")), f"{local:%Y-%m-%d}"
    else:
        text, machine = date_format(local, get_format("DATETIME_FORMAT")), local.isoformat()
    return format_html('<time datetime="{}">{}</time>', machine, text)


@register.filter
def moment(value: datetime | None):
    """A comment's date and time (exact)."""
    return fuzzy_date(value, "exact")


# --- comments ---------------------------------------------------------------------------


@register.filter
def who(comment) -> str:
    """The name to show for a comment's author."""
    if comment.author_id is not None and comment.author is not None:
        return comment.author.name
    if comment.author_as_written:
        return comment.author_as_written
    if "blog-owner" in (comment.flags or ()):
        return _("l’auteur du blog")
    return _("anonyme")


def _link(match: re.Match) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        tail = url[-1] + tail
        url = url[:-1]
    if url.endswith("&amp"):  # an escaped "&" cut by the trailing strip: keep it
        url, tail = url + tail[:1], tail[1:]
    return f'<a href="{url}" rel="nofollow ugc">{url}</a>{tail}'


def render_text(text: str) -> str:
    """Plain text as HTML: escaped, paragraphs, line breaks, web addresses as links."""
    text = escape(text.replace("\r\n", "\n").replace("\r", "\n").strip())
    if "http" in text:
        text = _URL.sub(_link, text)
    paragraphs = _PARAGRAPHS.split(text)
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())


@register.filter
def body(obj):
    """A comment's or article's text as HTML. The plain-text body is the source of
    truth; HTML (from WXR or Disqus) is used, cleaned by nh3, only when there is no text."""
    if obj.body:
        return mark_safe(render_text(obj.body))
    html = getattr(obj, "body_html", "")
    if html:
        import nh3

        return mark_safe(nh3.clean(html, link_rel="nofollow ugc noopener"))
    return ""


@register.filter
def snippet(text: str, length: int = 200) -> str:
    """The start of a text on one line, cut at a word boundary."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    cut = text.rfind(" ", 0, length)
    return text[: cut if cut > length // 2 else length].rstrip(" ,;:") + " …"


# --- stance bar and sparkline -------------------------------------------------------------

STANCES = ("agree", "disagree", "nuanced", "neutral")


def _stance_labels() -> dict[str, str]:
    return {
        "agree": _("d’accord"),
        "disagree": _("en désaccord"),
        "nuanced": _("nuancé"),
        "neutral": _("neutre"),
        "unknown": _("non jugé"),
    }


@register.simple_tag
def stance_bar(counts: dict[str, int] | object, total: int | None = None):
    """The share of each stance among ``total`` comments, as a bar with its text. Empty
    when no comment has a stance yet. ``counts`` is a dict or an object carrying
    n_agree, n_disagree... (an annotated article)."""
    if not isinstance(counts, dict):
        counts = {s: getattr(counts, f"n_{s}", 0) or 0 for s in STANCES}
    judged = sum(counts.get(s, 0) for s in STANCES)
    if not judged:
        return ""
    total = max(total or 0, judged)
    labels = _stance_labels()
    parts, words = [], []
    for s in STANCES:
        n = counts.get(s, 0)
        if not n:
            continue
        share = 100 * n / total
        parts.append(
            f'<span class="seg stance-{s}" style="width:{share:.2f}%" '
            f'title="{escape(labels[s])} : {n}"></span>'
        )
        words.append(f"{escape(labels[s])} {n}")
    summary = ", ".join(words)
    unjudged = total - judged
    if unjudged:
        summary += ", " + escape(labels["unknown"]) + f" {unjudged}"
    return mark_safe(
        f'<span class="stance-bar" aria-hidden="true">{"".join(parts)}</span>'
        f'<span class="stance-text">{summary}</span>'
    )


@register.simple_tag
def sparkline(series: list[tuple] | None, width: int = 120, height: int = 28):
    """An SVG line of comments per month, zero months included; '' without dates."""
    if not series:
        return ""
    counts: dict[tuple[int, int], int] = {}
    for month, n in series:
        local = _local(month) if isinstance(month, datetime) else month
        counts[(local.year, local.month)] = counts.get((local.year, local.month), 0) + n
    first, last = min(counts), max(counts)
    months = []
    year, month = first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    values = [counts.get(m, 0) for m in months]
    peak = max(values)
    pad = 2
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = [
        (pad + i * step, height - pad - (height - 2 * pad) * v / peak)
        for i, v in enumerate(values)
    ]
    if len(points) == 1:
        points = [(pad, points[0][1]), (width - pad, points[0][1])]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    total = sum(values)
    fmt = get_format("YEAR_MONTH_FORMAT")
    start = date_format(datetime(*first, 1), fmt)
    end = date_format(datetime(*last, 1), fmt)
    label = ngettext(
        "Activité : %(n)s commentaire daté, de %(start)s à %(end)s",
        "Activité : %(n)s commentaires datés, de %(start)s à %(end)s, au plus %(peak)s par mois",
        total,
    ) % {"n": total, "start": start, "end": end, "peak": peak}
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{label}"><title>{label}</title>'
        '<polyline points="{path}" fill="none" stroke="currentColor" stroke-width="1.5" '
        'stroke-linejoin="round" stroke-linecap="round"/></svg>',
        w=width,
        h=height,
        label=label,
        path=path,
    )


# --- languages ----------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def language_url(context, code: str) -> str:
    """The current page in another language (French unprefixed, English under /en/)."""
    request = context.get("request")
    if request is None:
        return "/" if code == "fr" else f"/{code}/"
    return translate_url(request.get_full_path(), code)
