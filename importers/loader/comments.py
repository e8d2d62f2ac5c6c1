"""One article's comments brought in line with a parsed file's, by stable identity.

Only the comments of the file's own origin are reconciled: another source's comments on
the same article are never matched, moved or deleted. Rows that exist are locked before
they are compared, and only source and tree fields are written back to them; a stance is
written only where no curator has set one, so a curation committed during an import wins."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Max
from django.utils import timezone

from importers.addressing import Author, infer_addressees
from importers.loader.bulk import create_comments
from importers.parsed import ParsedComment
from people.names import split_handle
from threads.html import sanitize
from threads.models import AddresseeLink, Article, Comment, StanceSource
from threads.stance import suggest
from threads.tree import nested_sets

if TYPE_CHECKING:
    from importers.loader import Loader

# Comment fields that come from the source; everything else on a comment is curation.
SOURCE_FIELDS = [
    "author_id", "author_as_written", "author_url", "posted_at", "date_raw", "body",
    "body_html", "kind", "position", "source_id", "content_hash", "status", "is_public",
    "flags", "origin",
]  # fmt: skip
TREE_FIELDS = ["parent_id", "tree_id", "lft", "rght", "level"]
PUBLIC_STATUSES = {"approved"}


def content_hash(comment: ParsedComment) -> str:
    text = "\x1f".join([comment.author, comment.date_raw, comment.kind, comment.body])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def aware(moment: datetime | None) -> datetime | None:
    """Naive source times are local (Europe/Paris); aware ones are kept as given."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, timezone.get_default_timezone())


class ThreadWriter:
    """Brings one article's comments of one origin in line with the parsed ones.

    ``comments`` are that origin's parsed comments, their ``parent`` indices within the list."""

    def __init__(
        self, loader: Loader, article: Article, comments: list[ParsedComment], origin: str
    ) -> None:
        self.loader = loader
        self.report = loader.report
        self.article = article
        self.comments = comments
        self.origin = origin
        self.previous_authors: set[int] = set()

    def _author_id(self, comment: ParsedComment) -> int | None:
        if not comment.author.strip() and "blog-owner" in comment.flags:
            return self.article.author_id  # the blog owner's own headerless reply
        # A pingback's or trackback's "author" is the citing page: no participant.
        return self.loader.people.author_id(comment.author, comment.author_slug, comment.kind)

    def _source_values(self, position: int, comment: ParsedComment, digest: str) -> dict:
        return {
            "author_id": self._author_id(comment),
            "author_as_written": comment.author.strip(),
            "author_url": comment.author_url.strip(),
            "posted_at": aware(comment.posted_at),
            "date_raw": comment.date_raw,
            "body": comment.body,
            "body_html": sanitize(comment.body_html),
            "kind": comment.kind,
            "position": position,
            "source_id": comment.source_id,
            "content_hash": digest,
            "status": comment.status,
            "is_public": comment.status in PUBLIC_STATUSES,
            "flags": comment.flags,
            "origin": self.origin,
        }

    def write(self) -> bool:
        parsed = self.comments
        self.report.threads.append((self.article.pk, self.origin))
        digests = [content_hash(c) for c in parsed]
        identities = _identities([(c.source_id, d) for c, d in zip(parsed, digests, strict=True)])
        # Locked until the file's transaction ends: a curator saving one of these rows waits,
        # then writes its stance over ours, never the other way round.
        # Locked in primary-key order, as the admin's bulk curation locks them: two
        # transactions taking overlapping rows in different orders could deadlock.
        existing = sorted(
            self.article.comments.filter(origin=self.origin).select_for_update().order_by("pk"),
            key=lambda c: (c.position, c.pk),
        )
        # Who commented here before this file: they may lose comments to it (stored counts).
        self.previous_authors = {c.author_id for c in existing if c.author_id is not None}
        existing_ids = _identities([(c.source_id, c.content_hash) for c in existing])

        # 1. Same identity (source id, or content hash and occurrence). 2. Same position and
        # author: the comment was edited in the source.
        by_identity = dict(zip(existing_ids, existing, strict=True))
        rows: list[Comment | None] = [by_identity.pop(i, None) for i in identities]
        leftovers = {(c.position, c.author_as_written): c for c in by_identity.values()}
        for i, comment in enumerate(parsed):
            if rows[i] is None:
                old = leftovers.pop((i, comment.author.strip()), None)
                if old is not None:
                    rows[i] = old
        matched = {row.pk for row in rows if row is not None}
        gone = [c for c in existing if c.pk not in matched]
        kept = [c for c in gone if c.stance_source == StanceSource.CURATED]
        deleted = [c for c in gone if c.stance_source != StanceSource.CURATED]

        # Nodes in final order: the source's comments, then curated ones it no longer has.
        nodes: list[Comment] = []
        parents: list[int | None] = []
        changed_rows: list[Comment] = []  # existing rows whose source fields changed
        stance_rows: list[Comment] = []  # existing rows given a new suggestion or archive stance
        for i, (comment, digest) in enumerate(zip(parsed, digests, strict=True)):
            values = self._source_values(i, comment, digest)
            row = rows[i]
            if row is None:
                row = Comment(article=self.article, **values)
                if not self._apply_archive_stance(row, comment):
                    suggest(row)  # curated labels, applied afterwards, still win
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                changed_rows.append(row)
                # The text changed: a fresh suggestion, unless an archive says the stance.
                if self._apply_archive_stance(row, comment) or (
                    not comment.stance and suggest(row)
                ):
                    stance_rows.append(row)
            elif self._apply_archive_stance(row, comment):
                stance_rows.append(row)
            nodes.append(row)
            parents.append(comment.parent)
        node_index = {row.pk: i for i, row in enumerate(nodes) if row.pk}
        for offset, row in enumerate(kept):
            if "absent-from-source" not in row.flags:
                row.flags = [*row.flags, "absent-from-source"]
                changed_rows.append(row)
            row.position = len(parsed) + offset
            parents.append(node_index.get(row.parent_id))
            nodes.append(row)
            node_index[row.pk] = len(nodes) - 1

        new_rows = [row for row in nodes if row.pk is None]
        structure_same = (
            not new_rows
            and not deleted
            and all(_parent_pk(nodes, parents[i]) == row.parent_id for i, row in enumerate(nodes))
        )
        if structure_same:
            if changed_rows:
                Comment.objects.bulk_update(changed_rows, SOURCE_FIELDS, batch_size=500)
        else:
            # Curated comments under a deleted one move first, so the delete cannot cascade.
            self._write_tree(nodes, parents)
        if stance_rows:
            # Conditional: a row a curator has decided keeps the curator's stance.
            Comment.objects.exclude(stance_source=StanceSource.CURATED).bulk_update(
                stance_rows, STANCE_FIELDS, batch_size=500
            )
        if deleted:
            # A queryset delete, not Model.delete(): the survivors' tree fields were just
            # rewritten, and MPTT must not shift them again.
            Comment.objects.filter(pk__in=[c.pk for c in deleted]).delete()

        self.report.comments_new += len(new_rows)
        self.report.comments_deleted += len(deleted)
        self.report.comments_kept_curated += len(kept)
        n_updated = len({row.pk for row in changed_rows + stance_rows if row.pk})
        self.report.comments_updated += n_updated
        self.report.comments_unchanged += len(nodes) - len(new_rows) - n_updated
        changed = bool(new_rows or deleted or changed_rows or stance_rows or not structure_same)
        if changed:
            self._write_links(nodes, had_rows=bool(existing))
        return changed

    def _write_tree(self, nodes: list[Comment], parents: list[int | None]) -> None:
        """Give every node its tree fields in one pass, create the new rows in bulk
        (importers.loader.bulk: one COPY on PostgreSQL), and update the rows that existed
        in one bulk statement."""
        fields = nested_sets(parents)
        reused = [row for row in nodes if row.pk is not None]
        next_tree = (Comment.objects.aggregate(m=Max("tree_id"))["m"] or 0) + 1
        for row, node in zip(nodes, fields, strict=True):
            row.tree_id = next_tree + node.root
            row.lft, row.rght, row.level = node.lft, node.rght, node.level
        create_comments(nodes, parents)
        if reused:
            Comment.objects.bulk_update(reused, TREE_FIELDS + SOURCE_FIELDS, batch_size=500)

    def _apply_archive_stance(self, row: Comment, comment: ParsedComment) -> bool:
        """An archive restores stance with its provenance; curated values already in the
        database win over anything a file says."""
        if not comment.stance or row.stance_source == StanceSource.CURATED:
            return False
        before = [getattr(row, f) for f in STANCE_FIELDS]
        for name in STANCE_FIELDS:
            if name in comment.stance:
                value = comment.stance[name]
                if name == "stance_curated_at" and value:
                    value = datetime.fromisoformat(value)
                if name == "stance_curated_by":
                    row.stance_curated_by_name = value or ""
                    value = self.loader.user_for(value)
                setattr(row, name, value)
        return before != [getattr(row, f) for f in STANCE_FIELDS]

    def _write_links(self, nodes: list[Comment], had_rows: bool) -> None:
        parsed = self.comments
        if had_rows:  # a new thread has no links yet: nothing to look for
            AddresseeLink.objects.filter(
                source__article=self.article, source__origin=self.origin, inferred=True
            ).delete()
        if any(c.addresses is not None for c in parsed):
            pairs = [(i, j, "") for i, c in enumerate(parsed) for j in (c.addresses or [])]
        else:
            authors = []
            for row, comment in zip(nodes, parsed, strict=False):
                name = comment.author.strip()
                if not name and row.author_id == self.article.author_id and self.article.author:
                    name = self.article.author.name
                authors.append(Author(*split_handle(name)))
            found = infer_addressees(authors, [c.body for c in parsed])
            pairs = [(i, j, cue) for i, links in enumerate(found) for j, cue in links]
        AddresseeLink.objects.bulk_create(
            [AddresseeLink(source=nodes[i], target=nodes[j], cue=cue) for i, j, cue in pairs],
            ignore_conflicts=True,
        )


STANCE_FIELDS = [
    "stance", "stance_source", "stance_curated_by", "stance_curated_by_name", "stance_curated_at",
    "stance_curated_via", "stance_cue",
    "auto_stance", "auto_confidence", "auto_cues",
]  # fmt: skip


def _identities(items: list[tuple[str | None, str]]) -> list[str]:
    """A comment's stable identity: its source id, else its content hash and which
    occurrence of that hash it is (a comment shown twice in the source is kept twice)."""
    seen: Counter[str] = Counter()
    result = []
    for source_id, digest in items:
        if source_id:
            result.append(f"id:{source_id}")
        else:
            seen[digest] += 1
            result.append(f"{digest}#{seen[digest]}")
    return result


def _parent_pk(nodes: list[Comment], parent: int | None) -> int | None:
    return nodes[parent].pk if parent is not None else None
