"""Recognising a file whose import would change nothing, without parsing it again.

After a file is loaded, its ImportSource (found by the file's sha256) records, in
``counts[RECORD]``, the articles it holds and a digest of the database state it produced:
those articles' source fields and position, every comment on them (source fields, tree
fields, author, stance and its provenance), and, for a file
that carried curation history, the number of events. The digest also covers the importer's
own code and the metadata it applies (fixtures/metadata: manifest, stance annotations,
identities), since either can make the same bytes import differently.

A file is skipped when its sha256 has such a record and the digest of the database now is
the same: then reconciling it again would find every row as it would leave it, which is
what an unchanged re-import does. Anything else that touched those rows since — another
import of the same identities, a deleted comment, a merge, a stance relabelled or curated —
changes the digest (spellings are not read: a re-import finds its authors by the spellings
it gave them, and others' new spellings do not change that; one a curator deletes stays
deleted), and the file is parsed and loaded as usual (always correct, only
slower). The record is computed inside the file's own transaction, so it never describes
a state another import produced. Archives never carry it (threads.archive drops it)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connections, router
from django.db.models import TextField
from django.db.models.functions import MD5, Cast

from importers.loader.report import LoadReport
from threads.models import Article, Comment, CurationEvent, ImportSource

RECORD = "unchanged_check"
# What the digest reads. Bodies enter as their MD5 (computed by the database), comment
# bodies through content_hash; ids are included, so a database restored elsewhere never
# matches a record made here.
ARTICLE_COLUMNS = [
    "pk", "blog_id", "source_key", "origin", "slug", "title", "author_id", "published_at",
    "date_precision", "url", "external_id", "status", "is_public", "announced_comments",
    "flags", "position", "position_curated_at", "position_cue", "source_id",
]  # fmt: skip
COMMENT_COLUMNS = [
    "id", "article_id", "origin", "parent_id", "tree_id", "lft", "rght", "level", "author_id",
    "author_as_written", "author_url", "posted_at", "date_raw", "kind", "position",
    "source_id", "content_hash", "status", "is_public", "flags", "stance", "stance_source",
    "stance_cue", "stance_curated_at", "auto_stance", "auto_confidence", "auto_cues",
]  # fmt: skip
CODE_DIRS = ["importers"]
CODE_FILES = ["people/names.py", "threads/stance.py", "threads/html.py", "threads/identity.py",
              "threads/tree.py"]  # fmt: skip


@cache
def _context_digest() -> str:
    """The importer's code and the metadata it applies."""
    base = Path(settings.BASE_DIR)
    paths = [p for d in CODE_DIRS for p in sorted((base / d).rglob("*.py"))]
    paths += [base / f for f in CODE_FILES]
    metadata = {Path(settings.FIXTURES_DIR) / "metadata", base / "fixtures" / "metadata"}
    for folder in sorted(metadata):
        paths += sorted(p for p in folder.rglob("*") if p.is_file())
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path).encode())
        h.update(path.read_bytes() if path.exists() else b"")
    return h.hexdigest()


# Read as text: converting every date and JSON value back to Python is most of the cost.
AS_TEXT = {"published_at", "position_curated_at", "flags", "posted_at", "stance_curated_at",
           "auto_cues"}  # fmt: skip


def _columns(names: list[str]) -> list:
    return [Cast(n, TextField()) if n in AS_TEXT else n for n in names]


def state_digest(article_ids: list[int], with_history: bool) -> str:
    h = hashlib.sha256(_context_digest().encode())
    articles = (
        Article.objects.filter(pk__in=article_ids)
        .order_by("pk")
        .values_list(*_columns(ARTICLE_COLUMNS), MD5("body"), MD5("body_html"))
    )
    found = 0
    for row in articles:
        found += 1
        h.update(repr(row).encode())
    if found != len(set(article_ids)):
        h.update(b"missing articles")
    h.update(_comments_digest(article_ids).encode())
    if with_history:
        h.update(f"events {CurationEvent.objects.count()}".encode())
    return h.hexdigest()


def _comments_digest(article_ids: list[int]) -> str:
    """The comments of those articles as one digest. PostgreSQL computes it itself (one
    row comes back instead of every comment): the sum of a 64-bit hash of each row, and
    their count, which needs no sort. Elsewhere the rows are read, in a stable order, and
    hashed here. A record is only compared on the database that made it; hashtextextended
    may change with a PostgreSQL major version, and then the file is only parsed again."""
    connection = connections[router.db_for_read(Comment)]
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        columns = ", ".join(
            f"c.{quote(Comment._meta.get_field(name).column)}" for name in COMMENT_COLUMNS
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sum(hashtextextended("
                f"ROW({columns}, hashtextextended(c.body_html, 0))::text, 0)::numeric), "
                f"count(*) FROM {quote(Comment._meta.db_table)} c WHERE c.article_id = ANY(%s)",
                [list(article_ids)],
            )
            found, count = cursor.fetchone()
        return f"pg {found} {count}"
    h = hashlib.sha256()
    comments = (
        Comment.objects.filter(article_id__in=article_ids)
        .order_by("article_id", "origin", "position", "id")
        .values_list(*_columns(COMMENT_COLUMNS), MD5("body_html"))
    )
    for row in comments.iterator(chunk_size=5000):
        h.update(repr(row).encode())
    return h.hexdigest()


def record(sha256: str, report: LoadReport, with_history: bool) -> None:
    """Remember the state this file's load produced (call inside its transaction)."""
    source = ImportSource.objects.select_for_update().filter(sha256=sha256).first()
    if source is None:
        return
    ids = sorted({pk for pk, _ in report.threads})
    source.counts = {
        **source.counts,
        RECORD: {
            "articles": ids,
            "history": with_history,
            "digest": state_digest(ids, with_history),
            "report": {
                "articles": report.articles_new + report.articles_updated
                + report.articles_unchanged,
                "comments": report.comments_new + report.comments_updated
                + report.comments_unchanged,
                "kept_curated": report.comments_kept_curated,
                "skipped": report.skipped,
            },
        },
    }  # fmt: skip
    source.save(update_fields=["counts"])


def unchanged_report(sha256: str, format_name: str | None = None) -> LoadReport | None:
    """The report of an unchanged re-import, if this file's import would change nothing."""
    source = ImportSource.objects.filter(sha256=sha256).first()
    saved = source.counts.get(RECORD) if source and isinstance(source.counts, dict) else None
    if not isinstance(saved, dict) or (format_name and format_name != source.format):
        return None
    try:
        if state_digest(saved["articles"], saved["history"]) != saved["digest"]:
            return None
        totals = saved["report"]
        return LoadReport(
            format=source.format,
            articles_unchanged=int(totals["articles"]),
            comments_unchanged=int(totals["comments"]),
            comments_kept_curated=int(totals["kept_curated"]),
            skipped=dict(totals["skipped"]),
            recognised=True,
        )
    except (KeyError, TypeError, ValueError):  # a record this code did not write
        return None
