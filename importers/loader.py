"""The one place that writes parsed dumps to the database.

A file is loaded in one transaction, under the import lock, and compared with what the
archive already holds: unchanged articles and comments are left alone (same ids, no writes),
changed ones are updated in place by stable identity, new ones are written in bulk with
their tree fields computed in one pass. Curated data (stance, positions, merges) is never
overwritten or deleted."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from importers.addressing import Author, infer_addressees
from importers.annotations import apply_annotations
from importers.parsed import ParsedArticle, ParsedComment, ParsedDump
from people.models import Participant, ParticipantAlias
from people.names import normalize_key, split_handle
from threads.html import sanitize
from threads.models import (
    AddresseeLink,
    Article,
    Blog,
    Comment,
    ImportLock,
    ImportSource,
    StanceSource,
)
from threads.stance import suggest
from threads.tree import nested_sets

# Comment fields that come from the source; everything else on a comment is curation.
SOURCE_FIELDS = [
    "author_id", "author_as_written", "posted_at", "date_raw", "body", "body_html", "kind",
    "position", "source_id", "content_hash", "status", "is_public", "flags",
]  # fmt: skip
TREE_FIELDS = ["parent_id", "tree_id", "lft", "rght", "level"]
ARTICLE_SOURCE_FIELDS = [
    "title", "author_id", "published_at", "date_precision", "url", "normalized_url", "body",
    "body_html", "external_id", "status", "is_public", "announced_comments", "flags",
]  # fmt: skip
PUBLIC_STATUSES = {"approved"}
PUBLIC_ARTICLE_STATUSES = {"publish", "placeholder", ""}


@dataclass
class LoadReport:
    format: str = ""
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    comments_new: int = 0
    comments_updated: int = 0
    comments_unchanged: int = 0
    comments_deleted: int = 0
    comments_kept_curated: int = 0
    participants_new: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.articles_new or self.articles_updated or self.comments_new
            or self.comments_updated or self.comments_deleted or self.participants_new
        )  # fmt: skip

    def as_counts(self) -> dict[str, int]:
        return {
            "articles": self.articles_new + self.articles_updated + self.articles_unchanged,
            "comments": self.comments_new + self.comments_updated + self.comments_unchanged,
            "skipped": sum(self.skipped.values()),
        }


def content_hash(comment: ParsedComment) -> str:
    text = "\x1f".join([comment.author, comment.date_raw, comment.kind, comment.body])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_link(url: str) -> str:
    from importers.disqus import normalize_link as normalize

    return normalize(url) if url else ""


def aware(moment: datetime | None) -> datetime | None:
    """Naive source times are local (Europe/Paris); aware ones are kept as given."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, timezone.get_default_timezone())


def load_dump(
    dump: ParsedDump, *, file_name: str, sha256: str, dry_run: bool = False
) -> LoadReport:
    """Write one parsed file in one transaction; with dry_run, roll it back."""
    with transaction.atomic():
        # Serialise imports: the row lock (PostgreSQL) or the write lock (SQLite) is held
        # until commit, so two runs never allocate the same tree ids.
        lock, _ = ImportLock.objects.select_for_update().get_or_create(pk=1)
        ImportLock.objects.filter(pk=lock.pk).update(acquired_at=timezone.now())
        report = _Loader(dump, file_name, sha256).run()
        if dry_run:
            transaction.set_rollback(True)
    return report


class _Loader:
    def __init__(self, dump: ParsedDump, file_name: str, sha256: str) -> None:
        self.dump = dump
        self.file_name = file_name
        self.sha256 = sha256
        self.report = LoadReport(format=dump.format, skipped=dict(dump.skipped))
        self.report.warnings.extend(dump.warnings)
        self.participants: dict[str, Participant] = {}  # by normalized key
        self.slugs_taken: set[str] | None = None
        self.users: dict = {}
        self.blogs: dict[str, Blog] = {}
        self.by_archive_slug: dict[str, int] = {}  # cmforum-json: slug -> participant id

    def run(self) -> LoadReport:
        self.source = self._import_source()
        self._load_archive_participants()
        self._resolve_participants()
        for article in self.dump.articles:
            if self.dump.format == "disqus" and not article.comments:
                # Disqus creates a thread for every page a visitor opened; only threads
                # with posts are part of the debate.
                self.report.skipped["thread without posts"] = (
                    self.report.skipped.get("thread without posts", 0) + 1
                )
                continue
            self._load_article(article)
        if self.report.changed or self.source_created:
            self.source.counts = self.report.as_counts() | {"skipped_by_type": self.report.skipped}
            self.source.save(update_fields=["counts"])
        return self.report

    # --- import source -------------------------------------------------------------------

    def _import_source(self) -> ImportSource:
        source, self.source_created = ImportSource.objects.get_or_create(
            sha256=self.sha256,
            defaults={
                "file_name": self.file_name,
                "format": self.dump.format,
                "imported_at": timezone.now(),
            },
        )
        return source

    def _origin_source(self, origin: dict | None) -> ImportSource:
        """Archive articles keep the source they were first imported from."""
        if not origin or not origin.get("sha256"):
            return self.source
        imported_at = origin.get("imported_at")
        source, _ = ImportSource.objects.get_or_create(
            sha256=origin["sha256"],
            defaults={
                "file_name": origin.get("file", ""),
                "format": origin.get("format", ""),
                "imported_at": datetime.fromisoformat(imported_at)
                if imported_at
                else timezone.now(),
                "counts": origin.get("counts", {}),
            },
        )
        return source

    def user_for(self, username: str | None):
        """The curator an archive names, when this database has that user."""
        if not username:
            return None
        if username not in self.users:
            User = get_user_model()
            self.users[username] = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        return self.users[username]

    # --- participants --------------------------------------------------------------------

    def _spellings(self) -> set[str]:
        # Authors an archive names by slug are already known; only the others are resolved.
        spellings = {
            a.author.strip() for a in self.dump.articles if a.author.strip() and not a.author_slug
        }
        for article in self.dump.articles:
            spellings.update(
                c.author.strip() for c in article.comments if c.author.strip() and not c.author_slug
            )
        return spellings

    def _load_archive_participants(self) -> None:
        """A cmforum-json archive names its participants, their slugs and spellings. A
        participant merged away since the archive was made resolves, through its spellings,
        to the survivor: restoring an old backup never undoes a merge."""
        for entry in self.dump.participants:
            spellings = [entry["name"], *entry.get("aliases", [])]
            participant = Participant.objects.filter(slug=entry["slug"]).first()
            for spelling in spellings:
                if participant is None:
                    participant = Participant.objects.for_spelling(spelling)
            if participant is None:
                name, _ = split_handle(entry["name"])
                participant = Participant.objects.create(
                    name=entry["name"], slug=entry["slug"], key=normalize_key(name),
                    handle=entry.get("handle", ""), website=entry.get("website", ""),
                )  # fmt: skip
                self.report.participants_new += 1
            self.by_archive_slug[entry["slug"]] = participant.pk
            existing = set(
                ParticipantAlias.objects.filter(name__in=spellings).values_list("name", flat=True)
            )
            ParticipantAlias.objects.bulk_create(
                ParticipantAlias(participant=participant, name=spelling,
                                 key=normalize_key(split_handle(spelling)[0]))
                for spelling in entry.get("aliases", []) if spelling not in existing
            )  # fmt: skip

    def _resolve_participants(self) -> None:
        """Map every spelling in the file to a participant, creating what is missing in
        bulk. Spellings with equal normalized keys are one participant."""
        spellings = self._spellings()
        same_person = self._same_username_keys()
        key_of = {s: normalize_key(split_handle(s)[0]) for s in sorted(spellings)}
        key_of = {s: k for s, k in key_of.items() if k}
        groups: dict[str, list[str]] = {}  # one entry per person: key -> spellings
        for spelling, key in key_of.items():
            groups.setdefault(same_person.get(key, key), []).append(spelling)
        if not groups:
            return
        all_keys = set(key_of.values()) | set(groups)
        found: dict[str, Participant] = {}
        aliases = ParticipantAlias.objects.filter(key__in=all_keys).select_related("participant")
        for alias in aliases.order_by("pk"):
            found.setdefault(alias.key, alias.participant)
        for participant in Participant.objects.filter(key__in=all_keys - set(found)):
            found.setdefault(participant.key, participant)

        new: list[Participant] = []
        for key, members in groups.items():
            candidates = [key] + [key_of[s] for s in members]
            participant = next((found[k] for k in candidates if k in found), None)
            if participant is None:
                name, handle = split_handle(members[0])
                participant = Participant(
                    name=name, key=key, handle=handle, slug=self._unique_slug(name)
                )
                new.append(participant)
            self.participants[key] = participant
            for spelling in members:
                self.participants[key_of[spelling]] = participant
        if new:
            Participant.objects.bulk_create(new)
            if any(p.pk is None for p in new):  # backends without RETURNING
                saved = {p.key: p for p in Participant.objects.filter(key__in=[p.key for p in new])}
                for k, p in list(self.participants.items()):
                    if p.pk is None:
                        self.participants[k] = saved[p.key]
            self.report.participants_new += len(new)

        known = set(
            ParticipantAlias.objects.filter(name__in=spellings).values_list("name", flat=True)
        )
        ParticipantAlias.objects.bulk_create(
            ParticipantAlias(participant=self.participants[key], name=spelling, key=key)
            for spelling, key in key_of.items()
            if spelling not in known
        )
        for key, members in groups.items():
            participant, handle = self.participants[key], split_handle(members[0])[1]
            if handle and not participant.handle:
                participant.handle = handle
                participant.save(update_fields=["handle"])

    def _same_username_keys(self) -> dict[str, str]:
        """Disqus keys authors by username: every name a username posted under is that
        person, under the key of the first name seen."""
        if self.dump.format != "disqus":
            return {}
        first_key: dict[str, str] = {}
        mapping: dict[str, str] = {}
        for article in self.dump.articles:
            for c in article.comments:
                key = normalize_key(split_handle(c.author)[0])
                if c.author_handle and key:
                    mapping[key] = first_key.setdefault(c.author_handle, key)
        return {k: v for k, v in mapping.items() if k != v}

    def _unique_slug(self, name: str) -> str:
        if self.slugs_taken is None:
            self.slugs_taken = set(Participant.objects.values_list("slug", flat=True))
        base = slugify(name)[:200] or "anonyme"
        slug, n = base, 2
        while slug in self.slugs_taken:
            slug, n = f"{base}-{n}", n + 1
        self.slugs_taken.add(slug)
        return slug

    def _author_id(self, spelling: str, slug: str = "") -> int | None:
        if slug in self.by_archive_slug:
            return self.by_archive_slug[slug]
        return getattr(self.participant_for(spelling), "pk", None)

    def participant_for(self, spelling: str) -> Participant | None:
        spelling = spelling.strip()
        if not spelling:
            return None
        return self.participants.get(normalize_key(split_handle(spelling)[0]))

    # --- articles ------------------------------------------------------------------------

    def _blog(self, parsed: ParsedArticle) -> Blog:
        name = parsed.blog_name.strip()
        url = parsed.blog_url.strip() or None
        if not name:
            host = urlsplit(parsed.blog_url or parsed.url).hostname
            name = host or "Blog inconnu"
        blog = self.blogs.get(name)  # an export's articles share one blog: look it up once
        if blog is None:
            blog, _ = Blog.objects.get_or_create(name=name, defaults={"url": url})
            self.blogs[name] = blog
        if url and not blog.url:
            blog.url = url
            blog.save(update_fields=["url"])
        return blog

    @staticmethod
    def _source_key(parsed: ParsedArticle) -> str:
        if parsed.source_id:
            return f"id:{parsed.source_id}"
        if parsed.url:
            return f"url:{normalize_link(parsed.url)}"
        return f"title:{slugify(parsed.title)[:500]}"

    def _find_article(self, parsed: ParsedArticle, blog: Blog, source_key: str) -> Article | None:
        if parsed.slug:
            found = Article.objects.filter(slug=parsed.slug).first()
            if found:
                return found
        found = Article.objects.filter(blog=blog, source_key=source_key).first()
        if (
            found is None
            and source_key.startswith("title:")
            and not (parsed.blog_name or parsed.blog_url)
        ):
            # A dump that does not say its blog (an edited copy of a text the manifest
            # describes, say) is the article already archived under that identity, if one.
            candidates = list(Article.objects.filter(source_key=source_key)[:2])
            if len(candidates) == 1:
                found = candidates[0]
        if found is None and self.dump.format == "disqus" and parsed.url:
            # A Disqus thread joins the article already archived for the same page.
            found = (
                Article.objects.filter(normalized_url=normalize_link(parsed.url))
                .order_by("pk")
                .first()
            )
        return found

    def _article_slug(self, parsed: ParsedArticle) -> str:
        if parsed.slug and not Article.objects.filter(slug=parsed.slug).exists():
            return parsed.slug
        base = slugify(parsed.title)[:200] or "article"
        slug, n = base, 2
        while Article.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def _load_article(self, parsed: ParsedArticle) -> None:
        blog = self._blog(parsed)
        source_key = self._source_key(parsed)
        article = self._find_article(parsed, blog, source_key)
        values = {
            "title": parsed.title.strip()[:500] or "(sans titre)",
            "author_id": self._author_id(parsed.author, parsed.author_slug),
            "published_at": aware(parsed.published_at),
            "date_precision": parsed.date_precision,
            "url": parsed.url,
            "normalized_url": normalize_link(parsed.url),
            "body": parsed.body,
            "body_html": sanitize(parsed.body_html),
            "external_id": parsed.source_id,
            "status": parsed.status,
            "is_public": parsed.status in PUBLIC_ARTICLE_STATUSES,
            "announced_comments": parsed.announced_comments,
            "flags": parsed.flags,
        }
        is_new = article is None
        if article is None:
            article = Article(
                blog=blog, source_key=source_key, slug=self._article_slug(parsed),
                source=self._origin_source(parsed.origin), **values,
            )  # fmt: skip
            self._apply_archive_position(article, parsed)
            article.save()
            changed = True
        else:
            changed = any(getattr(article, k) != v for k, v in values.items())
            if changed:
                for k, v in values.items():
                    setattr(article, k, v)
                article.source = self.source
            changed |= self._apply_archive_position(article, parsed)
            if changed:
                article.save()
        comments_changed = _ThreadWriter(self, article, parsed).write()
        if len(self.dump.articles) == 1:
            comments_changed |= apply_annotations(article, self.sha256) > 0
        if is_new:
            self.report.articles_new += 1
        elif changed or comments_changed:
            self.report.articles_updated += 1
        else:
            self.report.articles_unchanged += 1

    def _apply_archive_position(self, article: Article, parsed: ParsedArticle) -> bool:
        """An archive restores the curated position; a plain dump never touches it."""
        if not parsed.position or article.position_curated_at:
            return False
        article.position = parsed.position.get("value", article.position)
        at = parsed.position.get("curated_at")
        article.position_curated_at = datetime.fromisoformat(at) if at else None
        article.position_curated_by = self.user_for(parsed.position.get("curated_by"))
        article.position_curated_via = parsed.position.get("curated_via", "")
        article.position_cue = parsed.position.get("cue", "")
        return True


class _ThreadWriter:
    """Brings one article's comments in line with the parsed ones."""

    def __init__(self, loader: _Loader, article: Article, parsed: ParsedArticle) -> None:
        self.loader = loader
        self.report = loader.report
        self.article = article
        self.parsed = parsed

    def _author_id(self, comment: ParsedComment) -> int | None:
        if not comment.author.strip() and "blog-owner" in comment.flags:
            return self.article.author_id  # the blog owner's own headerless reply
        return self.loader._author_id(comment.author, comment.author_slug)

    def _source_values(self, position: int, comment: ParsedComment, digest: str) -> dict:
        return {
            "author_id": self._author_id(comment),
            "author_as_written": comment.author.strip()[:300],
            "posted_at": aware(comment.posted_at),
            "date_raw": comment.date_raw[:100],
            "body": comment.body,
            "body_html": sanitize(comment.body_html),
            "kind": comment.kind,
            "position": position,
            "source_id": comment.source_id,
            "content_hash": digest,
            "status": comment.status,
            "is_public": comment.status in PUBLIC_STATUSES,
            "flags": comment.flags,
        }

    def write(self) -> bool:
        parsed = self.parsed.comments
        digests = [content_hash(c) for c in parsed]
        identities = _identities([(c.source_id, d) for c, d in zip(parsed, digests, strict=True)])
        existing = list(self.article.comments.order_by("position", "pk"))
        existing_ids = _identities([(c.source_id, c.content_hash) for c in existing])

        # 1. Same identity (source id, or content hash and occurrence). 2. Same position and
        # author: the comment was edited in the source.
        by_identity = dict(zip(existing_ids, existing, strict=True))
        rows: list[Comment | None] = [by_identity.pop(i, None) for i in identities]
        leftovers = {(c.position, c.author_as_written): c for c in by_identity.values()}
        for i, comment in enumerate(parsed):
            if rows[i] is None:
                old = leftovers.pop((i, comment.author.strip()[:300]), None)
                if old is not None:
                    rows[i] = old
        matched = {row.pk for row in rows if row is not None}
        gone = [c for c in existing if c.pk not in matched]
        kept = [c for c in gone if c.stance_source == StanceSource.CURATED]
        deleted = [c for c in gone if c.stance_source != StanceSource.CURATED]

        # Nodes in final order: the source's comments, then curated ones it no longer has.
        nodes: list[Comment] = []
        parents: list[int | None] = []
        changed_rows: list[Comment] = []
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
                if not comment.stance:
                    suggest(row)  # the text changed: a fresh suggestion
                changed_rows.append(row)
            elif self._apply_archive_stance(row, comment):
                changed_rows.append(row)
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
                Comment.objects.bulk_update(changed_rows, SOURCE_FIELDS + _STANCE_FIELDS)
        else:
            # Curated comments under a deleted one move first, so the delete cannot cascade.
            self._write_tree(nodes, parents)
        if deleted:
            # A queryset delete, not Model.delete(): the survivors' tree fields were just
            # rewritten, and MPTT must not shift them again.
            Comment.objects.filter(pk__in=[c.pk for c in deleted]).delete()

        self.report.comments_new += len(new_rows)
        self.report.comments_deleted += len(deleted)
        self.report.comments_kept_curated += len(kept)
        n_updated = len({row.pk for row in changed_rows if row.pk})
        self.report.comments_updated += n_updated
        self.report.comments_unchanged += len(nodes) - len(new_rows) - n_updated
        changed = bool(new_rows or deleted or changed_rows or not structure_same)
        if changed:
            self._write_links(nodes)
        return changed

    def _write_tree(self, nodes: list[Comment], parents: list[int | None]) -> None:
        """Give every node its tree fields; create new rows level by level (a child needs
        its parent's id), and update the rows that existed in one bulk statement."""
        fields = nested_sets(parents)
        reused = [row for row in nodes if row.pk is not None]
        next_tree = (Comment.objects.aggregate(m=Max("tree_id"))["m"] or 0) + 1
        by_level: dict[int, list[int]] = {}
        for i, (row, node) in enumerate(zip(nodes, fields, strict=True)):
            row.tree_id = next_tree + node.root
            row.lft, row.rght, row.level = node.lft, node.rght, node.level
            by_level.setdefault(node.level, []).append(i)
        for level in sorted(by_level):
            for i in by_level[level]:
                parent = parents[i]
                nodes[i].parent_id = nodes[parent].pk if parent is not None else None
            created = [nodes[i] for i in by_level[level] if nodes[i].pk is None]
            if created:
                Comment.objects.bulk_create(created, batch_size=500)
        if reused:
            Comment.objects.bulk_update(
                reused, TREE_FIELDS + SOURCE_FIELDS + _STANCE_FIELDS, batch_size=500
            )

    def _apply_archive_stance(self, row: Comment, comment: ParsedComment) -> bool:
        """An archive restores stance with its provenance; curated values already in the
        database win over anything a file says."""
        if not comment.stance or row.stance_source == StanceSource.CURATED:
            return False
        before = [getattr(row, f) for f in _STANCE_FIELDS]
        for name in _STANCE_FIELDS:
            if name in comment.stance:
                value = comment.stance[name]
                if name == "stance_curated_at" and value:
                    value = datetime.fromisoformat(value)
                if name == "stance_curated_by":
                    value = self.loader.user_for(value)
                setattr(row, name, value)
        return before != [getattr(row, f) for f in _STANCE_FIELDS]

    def _write_links(self, nodes: list[Comment]) -> None:
        parsed = self.parsed.comments
        AddresseeLink.objects.filter(source__article=self.article, inferred=True).delete()
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
            [AddresseeLink(source=nodes[i], target=nodes[j], cue=cue[:200]) for i, j, cue in pairs],
            ignore_conflicts=True,
        )


_STANCE_FIELDS = [
    "stance", "stance_source", "stance_curated_by", "stance_curated_at", "stance_curated_via",
    "stance_cue",
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
