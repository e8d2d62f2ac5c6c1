"""Search over articles and comments.

On PostgreSQL: full-text search with the ``cmforum_fr`` configuration (french_stem after
unaccent, created by migration 0002_search) against the stored ``search_vector`` columns,
websearch syntax (``"une phrase"``, ``OR``, ``-exclu``), ranked, and highlighted excerpts
computed for the rows of the current page only.

Elsewhere (SQLite, the quick start): a case- and accent-insensitive substring match that
understands the same syntax: every term must appear (as a substring), ``OR`` joins
alternatives, ``-term`` excludes, quotes keep a phrase together. Folding is done by a
SQL function registered on the connection, so filtering, counting and paging stay in SQL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, FloatField, Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "cmforum_fr"
FOLD_FUNCTION = "cmforum_fold"
# Field names searched, per model label: (SQLite columns folded, PostgreSQL headline source).
FIELDS = {
    "threads.article": ("title", "body"),
    "threads.comment": ("author_as_written", "body"),
}
# ⟦ ⟧: marks put by ts_headline, turned into <mark>; removed from the text first, so that
# a text containing them cannot forge a highlight.
_START, _STOP = "\u27e6", "\u27e7"
EXCERPT_CHARS = 240
MAX_QUERY = 200  # characters of a search; longer is refused (400)


def full_text() -> bool:
    """True where PostgreSQL full-text search is available."""
    return connection.vendor == "postgresql"


def fold(text: str) -> str:
    """Casefolded, accents removed: "Communautés" -> "communautes"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# --- the query language, for the fallback -------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str  # folded
    negated: bool = False


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(query: str) -> list[list[Term]]:
    """Websearch syntax as a conjunction of disjunctions: [[a], [b, c]] means
    a AND (b OR c). Empty terms vanish; a lone "-" or "OR" is ignored."""
    clauses: list[list[Term]] = []
    join_next = False
    for match in _TOKEN.finditer(query or ""):
        if match.group(2) is not None:
            negated, text = bool(match.group(1)), match.group(2)
        else:
            word = match.group(3)
            if word == "OR":
                join_next = bool(clauses)
                continue
            negated = word.startswith("-") and len(word) > 1
            text = word[1:] if negated else word
        text = fold(text).strip()
        if not text or text == "-":
            continue
        term = Term(" ".join(text.split()), negated)
        if join_next and not negated and not any(t.negated for t in clauses[-1]):
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    return clauses


def positive_terms(query: str) -> list[str]:
    return [t.text for clause in parse(query) for t in clause if not t.negated]


# --- filtering -------------------------------------------------------------------------


class Fold(Func):
    function = FOLD_FUNCTION
    output_field = TextField()


def _register_fold() -> None:
    """Make cmforum_fold(text) available on this SQLite connection; registering it
    again only replaces it, and costs next to nothing."""
    connection.ensure_connection()
    connection.connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)


def _label(qs: QuerySet) -> str:
    return qs.model._meta.label_lower


def _vector(qs: QuerySet) -> RawSQL:
    from django.contrib.postgres.search import SearchVectorField

    table = connection.ops.quote_name(qs.model._meta.db_table)
    return RawSQL(f"{table}.search_vector", [], output_field=SearchVectorField())


def _tsquery(query: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(query, search_type="websearch", config=CONFIG)


def matching(qs: QuerySet, query: str, *, rank: bool = False) -> QuerySet:
    """Rows of ``qs`` (articles or comments) matching ``query``. With ``rank``, ordered
    best first (PostgreSQL) or kept in the queryset's own order (fallback) and annotated
    with ``rank``."""
    query = (query or "").strip()
    if not query:
        return qs.none()
    if full_text():
        from django.contrib.postgres.search import SearchRank

        tsquery = _tsquery(query)
        qs = qs.annotate(search_vector=_vector(qs)).filter(search_vector=tsquery)
        if rank:
            qs = qs.annotate(rank=SearchRank(F("search_vector"), tsquery)).order_by("-rank", "pk")
        return qs
    clauses = parse(query)
    if not clauses:
        return qs.none()
    _register_fold()
    fields = FIELDS[_label(qs)]
    qs = qs.annotate(**{f"_folded_{name}": Fold(name) for name in fields})
    condition = Q()
    for clause in clauses:
        either = Q()
        for term in clause:
            found = Q()
            for name in fields:
                found |= Q(**{f"_folded_{name}__contains": term.text})
            either |= ~found if term.negated else found
        condition &= either
    qs = qs.filter(condition)
    if rank:
        qs = qs.annotate(rank=Value(1.0, output_field=FloatField()))
    return qs


# --- excerpts ----------------------------------------------------------------------------


def highlight_page(objects, query: str, field: str = "body") -> None:
    """Give each object of the current page an ``excerpt`` (safe HTML, matches in
    <mark>), in one query on PostgreSQL, in Python elsewhere."""
    objects = list(objects)
    if not objects:
        return
    if full_text():
        from django.contrib.postgres.search import SearchHeadline

        model = type(objects[0])
        headlines = dict(
            model._default_manager.filter(pk__in=[o.pk for o in objects])
            .annotate(
                headline=SearchHeadline(
                    Replace(Replace(F(field), Value(_START)), Value(_STOP)),
                    _tsquery(query),
                    config=CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=40,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                )
            )
            .values_list("pk", "headline")
        )
        for o in objects:
            o.excerpt = _marked(headlines.get(o.pk, ""))
        return
    terms = positive_terms(query)
    for o in objects:
        o.excerpt = excerpt(getattr(o, field) or "", terms)


def _marked(headline: str) -> SafeString:
    text = escape(" ".join((headline or "").split()))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = fold(ch)
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


def excerpt(text: str, terms: list[str], size: int = EXCERPT_CHARS) -> SafeString:
    """A window of ``text`` around the first match of any term, every match inside it
    wrapped in <mark>; case and accents ignored."""
    text = " ".join(text.split())
    folded, where = _folded_with_map(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if not term:
            continue
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((where[start], where[end - 1] + 1))
            start = folded.find(term, end)
    spans.sort()
    first = spans[0][0] if spans else 0
    begin = max(0, first - size // 3)
    if begin:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space != -1 and begin - space < 20 else begin
    end = min(len(text), begin + size)
    if end < len(text):
        space = text.find(" ", end)
        end = space if space != -1 and space - end < 20 else end
    parts: list[str] = ["… " if begin else ""]
    cursor = begin
    for s, e in spans:
        if s < cursor or e > end:
            continue
        parts.append(escape(text[cursor:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    parts.append(escape(text[cursor:end]))
    parts.append(" …" if end < len(text) else "")
    return mark_safe("".join(parts))
