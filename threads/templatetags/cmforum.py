"""Template filters and tags shared by the reading pages: dates with their precision,
comment authors, comment bodies, the stance bar and the activity sparkline."""

from __future__ import annotations

import re
from datetime import datetime
from html import escape as html_escape
from urllib.parse import urlsplit

from django import template
from django.urls import translate_url
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dates import MONTHS
from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from threads.models import utc_moment

register = template.Library()

MAX_INDENT = 6  # deeper replies are not indented further; a marker shows the depth

# No \b: it makes the scan ten times slower. Bidirectional controls end a link: they
# would show its address reversed.
_URL = re.compile(r"https?://[^\s<>\"\u202a-\u202e\u2066-\u2069]+")
# Characters a browser drops or reinterprets inside a URL, or shows misleadingly.
_URL_TRICKS = re.compile(r"[\x00-\x20\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\\]")
_TRAILING = ".,;:!?)]»’'"
_PARAGRAPHS = re.compile(r"\n\n+")  # not \n{2,}: 7 times slower to split with


# --- links to other sites ----------------------------------------------------------------


def web_url(value: str | None) -> str:
    """``value`` when it is an absolute http(s) address that a browser reads exactly as
    written, else "". Imported URLs (article, blog, participant website) come from
    strangers: ``javascript:``, ``data:``, scheme-relative "//host" and addresses with
    spaces, control or bidirectional characters never become links."""
    url = value or ""
    if not url or _URL_TRICKS.search(url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 host
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url


@register.simple_tag
def external_link(url: str | None, label: str):
    """A link to another site, for an http(s) ``url``; any other value is shown as text
    after the label, never as a link."""
    if not url:
        return ""
    if web_url(url):
        return format_html('<a href="{}" rel="nofollow noopener ugc">{}</a>', url, label)
    return format_html('{} : <span class="unlinked">{}</span>', label, url[:200])


@register.simple_tag
def citing_page(title: str, url: str | None):
    """A pingback's or trackback's source: its title as a link to the citing page, with
    the page's host, when the address is an absolute http(s) URL (``web_url``); the
    title as plain text otherwise."""
    if not web_url(url):
        return format_html('<span class="who">{}</span>', title)
    return format_html(
        '<a class="who" href="{}" rel="nofollow noopener ugc">{}</a>'
        ' <span class="site">({})</span>',
        url,
        title,
        urlsplit(url).hostname,
    )


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


class MomentFormatter:
    """Exact dates and times of comments, formatted fast: month names and the pattern are
    translated once, not once per comment (Django's dateformat costs ~50 µs a date, too
    much for a 10,000-comment thread), and the pattern becomes a positional str.format
    template (a third of the cost of ``%`` with a dict)."""

    _FIELDS = {"day": "{0}", "month": "{1}", "year": "{2}", "time": "{3:02d}:{4:02d}"}
    _PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        # Escaped once here: the numbers put into them need no escaping.
        self.months = {n: html_escape(str(name)) for n, name in MONTHS.items()}
        # Translators: a comment's date; English: "%(month)s %(day)s, %(year)s at %(time)s"
        self.pattern = html_escape(_("%(day)s %(month)s %(year)s à %(time)s"))
        self.template = self._template(self.pattern)

    @classmethod
    def _template(cls, pattern: str) -> str | None:
        """The pattern as a str.format template; None if it holds anything else than
        the four names (then ``%`` formats it)."""
        braced = pattern.replace("{", "{{").replace("}", "}}")
        try:
            template = cls._PLACEHOLDER.sub(
                lambda m: cls._FIELDS[m.group(1)] if m.group(1) else "%", braced
            )
        except KeyError:
            return None
        return None if "%" in cls._PLACEHOLDER.sub("", braced) else template

    def __call__(self, value: datetime | None):
        if value is None:
            return ""
        local = value.astimezone(self.zone) if value.tzinfo is not None else value
        return SafeString(self.local_html(local))

    def utc_text(self, value: str | datetime | None) -> str:
        """The same markup (a plain str) for a UTC moment written as ISO text ("2010-05-16
        12:03:00.000000+00:00", what threads.models.UTCText selects) or a datetime."""
        if value is None:
            return ""
        return self.local_html(utc_moment(value).astimezone(self.zone))

    def local_html(self, local: datetime) -> str:
        if self.template is not None:
            text = self.template.format(
                local.day, self.months[local.month], local.year, local.hour, local.minute
            )
        else:
            text = self.pattern % {
                "day": local.day,
                "month": self.months[local.month],
                "year": local.year,
                "time": f"{local.hour:02d}:{local.minute:02d}",
            }
        return f'<time datetime="{local.isoformat()}">{text}</time>'


@register.filter
def moment(value: datetime | None):
    """A comment's date and time (exact)."""
    return MomentFormatter()(value)


# --- comments ---------------------------------------------------------------------------


@register.filter
def who(comment) -> str:
    """The name to show for a comment's author (a Comment, or a thread row dict)."""
    if isinstance(comment, dict):
        return display_name(
            comment.get("author__name"), comment["author_as_written"], comment["flags"]
        )
    author = comment.author if comment.author_id is not None else None
    return display_name(author.name if author else None, comment.author_as_written, comment.flags)


def display_name(author_name: str | None, as_written: str, flags) -> str:
    if author_name:
        return author_name
    if as_written:
        return as_written
    if "blog-owner" in (flags or ()):
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
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = html_escape(text.strip())
    if "http" in text:
        text = _URL.sub(_link, text)
    if "\n\n" not in text:  # one paragraph (most comments): no split
        return "<p>" + text.replace("\n", "<br>") + "</p>" if text else ""
    paragraphs = [p for p in _PARAGRAPHS.split(text) if p.strip()]
    if not paragraphs:
        return ""
    # One join and one replace for the whole body: a thread page renders thousands.
    return "<p>" + "</p><p>".join(paragraphs).replace("\n", "<br>") + "</p>"


@register.filter
def body(obj):
    """A comment's or article's text as HTML (a model instance or a thread row)."""
    if isinstance(obj, dict):
        return render_body(obj["body"], obj.get("body_html", ""))
    return render_body(obj.body, getattr(obj, "body_html", ""))


def render_body(text: str, html: str = ""):
    """The plain-text body is the source of truth; HTML (from WXR or Disqus) is shown,
    sanitized, only when there is no text."""
    if text:
        return SafeString(render_text(text))
    if html:
        from threads.html import sanitize

        return mark_safe(sanitize(html))
    return ""


@register.filter
def snippet(text: str, length: int = 200) -> str:
    """The start of a text on one line, cut at a word boundary."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    cut = text.rfind(" ", 0, length)
    return text[: cut if cut > length // 2 else length].rstrip(" ,;:") + " …"


@register.filter
def stance_label(stance: str) -> str:
    return _stance_labels().get(stance, stance)


@register.filter
def kind_label(kind: str) -> str:
    return {
        "comment": _("commentaire"),
        "pingback": _("pingback"),
        "trackback": _("trackback"),
        "tweet": _("tweet"),
    }.get(kind, kind)


@register.filter
def position_label(position: str) -> str:
    return {
        "defends": _("défend le métier"),
        "criticises": _("critique le métier"),
        "nuanced": _("nuancé"),
        "unknown": _("position inconnue"),
    }.get(position, position)


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
    x = 0.0
    for s in STANCES:
        n = counts.get(s, 0)
        if not n:
            continue
        share = 100 * n / total
        # SVG geometry, not a style attribute: the Content-Security-Policy forbids those.
        parts.append(
            f'<rect class="seg stance-{s}" x="{x:.2f}" width="{share:.2f}" height="1">'
            f"<title>{escape(labels[s])} : {n}</title></rect>"
        )
        x += share
        words.append(f"{escape(labels[s])} {n}")
    summary = ", ".join(words)
    unjudged = total - judged
    if unjudged:
        summary += ", " + escape(labels["unknown"]) + f" {unjudged}"
    return mark_safe(
        '<svg class="stance-bar" viewBox="0 0 100 1" preserveAspectRatio="none" '
        f'aria-hidden="true">{"".join(parts)}</svg>'
        f'<span class="stance-text">{summary}</span>'
    )


@register.filter
def depth_class(depth: int) -> str:
    """The CSS class that indents a comment shown at ``depth`` (static/css/cmforum.css),
    capped like the thread page's indentation."""
    return f"depth-{min(max(int(depth or 0), 0), MAX_INDENT)}"


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
        (pad + i * step, height - pad - (height - 2 * pad) * v / peak) for i, v in enumerate(values)
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


@register.simple_tag
def hits(comments):
    """The rows of a comment list, rendered in Python (threads.list_rows)."""
    from threads.list_rows import render_hits

    return render_hits(comments)


@register.simple_tag
def context_rows(comments, indent=False):
    """A comment page's ancestors (``indent``: by depth) or replies (threads.list_rows)."""
    from threads.list_rows import render_context

    return render_context(comments, indent=indent)


@register.simple_tag
def contributions(comments):
    """A participant's page of comments, grouped by article (threads.list_rows)."""
    from threads.list_rows import render_contributions

    return render_contributions(comments)
