"""Search over articles and comments.

On PostgreSQL: full-text search with the ``cmforum_fr`` configuration (french_stem after
unaccent, created by migration 0002_search) against the stored ``search_vector`` columns,
websearch syntax (``"une phrase"``, ``OR``, ``-exclu``), ranked, and highlighted excerpts
computed for the rows of the current page only.

On SQLite (the quick start): FTS5 tables kept in sync by triggers (migration
0007_sqlite_fts, re-checked after every migrate by ``ensure_fts``), tokenizer unicode61
with remove_diacritics 2, so case and accents are ignored: every term must start a word
("communaute" finds "communautés"), ``OR`` joins alternatives, ``-term`` excludes, quotes
keep a phrase together. A query with a term FTS5 cannot index (punctuation only, an
emoji) falls back to a substring match through a folding SQL function.

The results page ranks a bounded candidate set (``CANDIDATES`` matches), so the cost of
a search does not grow with the number of matches in the archive.
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
CANDIDATES = 1000  # matches ranked and paged on /search/; more are counted as "plus de"
# SQLite FTS5 tables: (model label, table, indexed columns), see migration 0007_sqlite_fts.
FTS_TABLES = {
    "threads.article": ("threads_article", ("title", "body")),
    "threads.comment": ("threads_comment", ("body", "author_as_written")),
}


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


def fts_statements(table: str, columns: tuple[str, ...]) -> list[str]:
    """The SQLite FTS5 table over ``table``'s ``columns`` and the triggers that keep it
    in sync (an external-content table: the text is stored once, in ``table``)."""
    fts = f"{table}_fts"
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {cols} ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def ensure_fts(using: str = "default", **kwargs) -> None:
    """After every migrate on SQLite: the FTS tables and triggers exist, and an index
    whose triggers were missing is rebuilt. A later migration that remakes a table (as
    SQLite's ALTER TABLE does in Django) drops its triggers; this puts them back."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        tables = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master")}
        for table, columns in FTS_TABLES.values():
            if table not in tables:
                continue  # not migrated yet
            parts = ("", "_insert", "_delete", "_update")
            if all(f"{table}_fts{part}" in tables for part in parts):
                continue
            for statement in fts_statements(table, columns):
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")


_WORD = re.compile(r"[^\W_]")


def _fts_phrase(term: Term) -> str:
    """A term as an FTS5 phrase whose last word is a prefix: "racolage pas"*."""
    return '"' + term.text.replace('"', '""') + '"*'


def _fts_condition(qs: QuerySet, clauses: list[list[Term]]) -> Q | None:
    """The query as FTS5 MATCHes, one per clause; None when a term has no word FTS5
    could index (the substring fallback handles those)."""
    if not all(_WORD.search(t.text) for clause in clauses for t in clause):
        return None
    table, _columns = FTS_TABLES[_label(qs)]
    condition = Q()
    for clause in clauses:
        expression = " OR ".join(_fts_phrase(t) for t in clause)
        found = Q(
            pk__in=RawSQL(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", [expression])
        )
        # parse() keeps a negated term alone in its clause.
        condition &= ~found if clause[0].negated else found
    return condition


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
    if connection.vendor == "sqlite":
        condition = _fts_condition(qs, clauses)
        if condition is not None:
            qs = qs.filter(condition)
            if rank:
                qs = qs.annotate(rank=Value(1.0, output_field=FloatField()))
            return qs
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


def ranked(qs: QuerySet, query: str, limit: int | None = None) -> list[int]:
    """The ids of the matches of ``query`` among ``qs``, best first, taken from at most
    ``limit`` + 1 candidates (found through the index, unranked): the page ranks a
    bounded set, and its count says "more than ``limit``" past it. The rows of the page
    shown are read afterwards, by id (``in_order``).

    On PostgreSQL each candidate comes with its rank in the same query (ties by id); the
    fallback keeps the queryset's own order among the candidates."""
    limit = CANDIDATES if limit is None else limit
    if full_text():
        from django.contrib.postgres.search import SearchRank

        found = (
            matching(qs, query)
            .annotate(rank=SearchRank(F("search_vector"), _tsquery(query)))
            .order_by()
            .values_list("pk", "rank")[: limit + 1]
        )
        return [pk for pk, _rank in sorted(found, key=lambda row: (-row[1], row[0]))]
    candidates = list(matching(qs, query).order_by().values_list("pk", flat=True)[: limit + 1])
    return list(qs.filter(pk__in=candidates).values_list("pk", flat=True))


def in_order(qs: QuerySet, ids: list[int]) -> list:
    """The rows of ``qs`` with these ids, in the order of ``ids`` (one query)."""
    rows = qs.in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


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
