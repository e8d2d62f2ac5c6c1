"""The one place that writes parsed dumps to the database.

A file is loaded in one transaction, under the import lock, and compared with what the
archive already holds: unchanged articles and comments are left alone (same ids, no writes),
changed ones are updated in place by stable identity, new ones are written in bulk with
their tree fields computed in one pass. Curated data (stance, positions, merges) is never
overwritten or deleted.

An archive is built from many sources over years, so an identity never collides: a blog
is its address (else its name), an article its source id within its blog, else its full
page URL, else its title within its blog; an article belongs to the source that brought it
(its ``origin``), and another source of the same page only adds its own comments."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from cmforum.cache import bump_archive_version
from importers.annotations import apply_annotations
from importers.formats import SITE_EXPORTS
from importers.loader.comments import ThreadWriter, aware, content_hash
from importers.loader.history import restore_history, restore_merge_candidates
from importers.loader.participants import Participants
from importers.loader.report import LoadReport
from importers.parsed import MAX_ANNOUNCED_COMMENTS, ParsedArticle, ParsedComment, ParsedDump
from threads import aggregates
from threads.html import sanitize
from threads.identity import blog_key, bounded, digest, page_key
from threads.models import Article, Blog, ImportLock, ImportSource

__all__ = ["LoadReport", "content_hash", "load_dump"]

PUBLIC_ARTICLE_STATUSES = {"publish", "placeholder", ""}
# Formats that bring comments for pages published elsewhere: their threads join the
# article already archived for the same page of the same site.
COMMENT_ONLY_FORMATS = {"disqus"}
# Column limits that are kept on purpose (indexed or unique values), and what is cut to fit.
BLOG_NAME_LENGTH = 200
SLUG_LENGTH = 200
ARTICLE_SOURCE_FIELDS = [
    "title", "author_id", "published_at", "date_precision", "url", "normalized_url", "url_key",
    "body", "body_html", "external_id", "status", "is_public", "announced_comments", "flags",
]  # fmt: skip


def load_dump(
    dump: ParsedDump,
    *,
    file_name: str,
    sha256: str,
    dry_run: bool = False,
    defer_lists: bool = False,
) -> LoadReport:
    """Write one parsed file in one transaction; with dry_run, roll it back. With
    ``defer_lists`` the participants' stored lists are left to the caller
    (``report.lists_pending``, for ``aggregates.refresh_participant_lists``)."""
    with transaction.atomic():
        # Serialise imports: the row lock (PostgreSQL) or the write lock (SQLite) is held
        # until commit, so two runs never allocate the same tree ids.
        lock, _ = ImportLock.objects.select_for_update().get_or_create(pk=1)
        ImportLock.objects.filter(pk=lock.pk).update(acquired_at=timezone.now())
        report = Loader(dump, file_name, sha256, defer_lists=defer_lists).run()
        if dry_run:
            transaction.set_rollback(True)
        elif report.changed or report.history_new or report.merge_decisions_new:
            bump_archive_version()  # on commit: the next page shows this file
    return report


def refresh_participant_lists(participant_ids: set[int]) -> None:
    """What ``load_dump(defer_lists=True)`` left to do, in one transaction under the
    import lock (as a file is written), so that no import writes between its reads."""
    with transaction.atomic():
        ImportLock.objects.select_for_update().get_or_create(pk=1)
        aggregates.refresh_participant_lists(participant_ids)
        bump_archive_version()  # on commit: the pages show the new lists


class Loader:
    def __init__(
        self, dump: ParsedDump, file_name: str, sha256: str, *, defer_lists: bool = False
    ) -> None:
        self.dump = dump
        self.defer_lists = defer_lists
        self.file_name = file_name
        self.sha256 = sha256
        self.report = LoadReport(format=dump.format, skipped=dict(dump.skipped))
        self.report.warnings.extend(dump.warnings)
        self.people = Participants(dump, self.report)
        self.users: dict = {}
        self.blogs: dict[str, Blog] = {}
        # What this file changed, for the stored counts (threads.aggregates).
        self.touched_articles: set[int] = set()
        self.touched_people: set[int | None] = set()

    def run(self) -> LoadReport:
        self.source = self._import_source()
        # Participants are scoped by blog (docs/identity.md): resolution needs each article's.
        self.people.load_archive(self._blog)
        self.people.resolve(self._blog)
        for article in self.dump.articles:
            if self.dump.format in COMMENT_ONLY_FORMATS and not article.comments:
                # Disqus creates a thread for every page a visitor opened; only threads
                # with posts are part of the debate.
                self.report.skipped["thread without posts"] = (
                    self.report.skipped.get("thread without posts", 0) + 1
                )
                continue
            self._load_article(article)
        restore_history(self.dump.history, self.report, self.user_for)
        restore_merge_candidates(self.dump.merge_candidates, self.report, self.user_for)
        refreshed = aggregates.refresh(
            articles=self.touched_articles, participants=self.touched_people,
            lists=not self.defer_lists,
        )  # fmt: skip
        if self.defer_lists:
            self.report.lists_pending = refreshed
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

    # --- articles ------------------------------------------------------------------------

    def _origin(self, parsed: ParsedArticle, blog: Blog) -> str:
        """The source that brings the article: what an archive says, else the file's format
        and, for a site export, the site (a blog dump is one page: its format suffices)."""
        if parsed.source_format:
            return parsed.source_format
        if self.dump.format in SITE_EXPORTS:
            return f"{self.dump.format}:{blog.key}"
        return self.dump.format

    def _blog(self, parsed: ParsedArticle) -> Blog:
        name = " ".join(parsed.blog_name.split())
        url = parsed.blog_url.strip() or None
        if not name:
            host = urlsplit(parsed.blog_url or parsed.url).hostname
            name = host or "Blog inconnu"
        key = parsed.blog_key or blog_key(name, url)
        blog = self.blogs.get(key)  # an export's articles share one blog: look it up once
        if blog is None:
            if len(name) > BLOG_NAME_LENGTH:
                self.report.warnings.append(
                    f"blog name cut to {BLOG_NAME_LENGTH} characters: {name[:60]}…"
                )
                name = name[: BLOG_NAME_LENGTH - 1] + "…"
            blog, _ = Blog.objects.get_or_create(key=key, defaults={"name": name, "url": url})
            self.blogs[key] = blog
        if url and not blog.url:
            blog.url = url
            blog.save(update_fields=["url"])
        return blog

    @staticmethod
    def _source_key(parsed: ParsedArticle, origin: str) -> str:
        if parsed.source_id:
            # Ids are the source's own: a WXR post 12 and a Disqus thread 12 are not one.
            return bounded("id", f"{origin.split(':', 1)[0]}:{parsed.source_id}")
        page = page_key(parsed.url)
        if page:
            return bounded("url", page)
        return bounded("title", slugify(parsed.title))

    def _find_article(self, parsed: ParsedArticle, blog: Blog, source_key: str) -> Article | None:
        found = Article.objects.filter(blog=blog, source_key=source_key).first()
        if found is not None:
            return found
        if source_key.startswith("title:") and not (parsed.blog_name or parsed.blog_url):
            # A dump that does not say its blog (an edited copy of a text the manifest
            # describes, say) is the article already archived under that identity, if one.
            candidates = list(Article.objects.filter(source_key=source_key)[:2])
            if len(candidates) == 1:
                found = candidates[0]
                self.report.warnings.append(
                    f"{parsed.title[:60]!r} names no blog: matched by its title to the "
                    f"article already archived on {found.blog.name}"
                )
                return found
        page = page_key(parsed.url)
        if not page:
            return None
        same_page = list(
            Article.objects.filter(url_key=digest(page), normalized_url=page)
            .select_related("blog")
            .order_by("pk")[:2]
        )
        if self.dump.format in COMMENT_ONLY_FORMATS and len(same_page) == 1:
            # A Disqus thread joins the article archived for its page.
            found = same_page[0]
            self.report.warnings.append(
                f"{parsed.title[:60]!r} ({page[:80]}): its comments join the article "
                f"{found.title[:60]!r} already archived on {found.blog.name}"
            )
            return found
        if same_page:
            where = ", ".join(f"{a.title[:60]!r} on {a.blog.name}" for a in same_page)
            self.report.warnings.append(
                f"{parsed.title[:60]!r}: the same page ({page[:80]}) is already archived as "
                f"{where}; kept as a separate article"
            )
        return None

    def _doubtful_title(self, parsed: ParsedArticle, blog: Blog) -> None:
        """A new article titled like one on another blog may be the same one: say so."""
        title = parsed.title.strip()
        if not title:
            return
        other = Article.objects.filter(title=title).exclude(blog=blog).select_related("blog")
        for article in other[:3]:
            self.report.warnings.append(
                f"{title[:60]!r}: an article with this title is archived on "
                f"{article.blog.name}; imported as a separate article on {blog.name}"
            )

    def _article_slug(self, parsed: ParsedArticle) -> str:
        if parsed.slug and not Article.objects.filter(slug=parsed.slug).exists():
            return parsed.slug[:SLUG_LENGTH]
        base = slugify(parsed.title)[:SLUG_LENGTH] or "article"
        slug, n = base, 2
        while Article.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def _load_article(self, parsed: ParsedArticle) -> None:
        blog = self._blog(parsed)
        origin = self._origin(parsed, blog)
        source_key = self._source_key(parsed, origin)
        article = self._find_article(parsed, blog, source_key)
        # Names are one person per blog: the blog of the archived article this one matched.
        self.people.enter_blog(article.blog if article else blog, parsed)
        normalized = page_key(parsed.url)
        values = {
            "title": " ".join(parsed.title.split()) or "(sans titre)",
            "author_id": self.people.author_id(parsed.author, parsed.author_slug),
            "published_at": aware(parsed.published_at),
            "date_precision": parsed.date_precision,
            "url": parsed.url.strip(),
            "normalized_url": normalized,
            "url_key": digest(normalized),
            "body": parsed.body,
            "body_html": sanitize(parsed.body_html),
            "external_id": parsed.source_id,
            "status": parsed.status,
            "is_public": parsed.status in PUBLIC_ARTICLE_STATUSES,
            "announced_comments": self._announced(parsed),
            "flags": parsed.flags,
        }
        is_new = article is None
        changed = False
        before: set[int | None] = set()  # participants whose counts this file may lower
        if article is None:
            self._doubtful_title(parsed, blog)
            article = Article(
                blog=blog, source_key=source_key, slug=self._article_slug(parsed),
                source=self._origin_source(parsed.origin), origin=origin, **values,
            )  # fmt: skip
            self._apply_archive_position(article, parsed)
            article.save()
        else:
            # Locked, then written field by field: a position a curator saves meanwhile
            # waits for this file and is not overwritten by it.
            article = Article.objects.select_for_update().get(pk=article.pk)
            before.add(article.author_id)  # the author may lose the article to this file
            if article.origin in ("", origin):
                fields = [k for k, v in values.items() if getattr(article, k) != v]
                for k in fields:
                    setattr(article, k, values[k])
                if fields:
                    article.source = self.source
                    fields.append("source")
                fields += self._apply_archive_position(article, parsed)
                if fields:
                    article.save(update_fields=fields)
                    changed = True
            # else: another source's article (a Disqus thread of a WXR post): its fields
            # stay that source's; this file only brings its comments.
        comments_changed = False
        for comment_origin, comments in self._by_origin(parsed.comments, origin):
            writer = ThreadWriter(self, article, comments, comment_origin)
            comments_changed |= writer.write()
            before |= writer.previous_authors
        if len(self.dump.articles) == 1:
            comments_changed |= apply_annotations(article, self.sha256, origin) > 0
        if is_new or changed or comments_changed:
            self.touched_articles.add(article.pk)
            self.touched_people |= before
        if is_new:
            self.report.articles_new += 1
        elif changed or comments_changed:
            self.report.articles_updated += 1
        else:
            self.report.articles_unchanged += 1

    def _by_origin(
        self, comments: list[ParsedComment], default: str
    ) -> list[tuple[str, list[ParsedComment]]]:
        """The comments grouped by the source that brought them (an archive may hold an
        article's WXR comments and its Disqus comments), parents renumbered per group."""
        groups: dict[str, list[int]] = {}
        for i, comment in enumerate(comments):
            groups.setdefault(comment.source_format or default, []).append(i)
        if len(groups) <= 1:
            return [(next(iter(groups), default), comments)]
        result = []
        for origin, indices in groups.items():
            index = {old: new for new, old in enumerate(indices)}
            group = []
            for old in indices:
                comment = comments[old]
                parent = index.get(comment.parent) if comment.parent is not None else None
                addresses = comment.addresses
                if addresses is not None:
                    addresses = [index[j] for j in addresses if j in index]
                group.append(dataclasses.replace(comment, parent=parent, addresses=addresses))
            result.append((origin, group))
        return result

    def _announced(self, parsed: ParsedArticle) -> int | None:
        """A page's claimed comment count, unless it is out of any sane range (a misread
        number would not fit the column)."""
        n = parsed.announced_comments
        if n is not None and not 0 <= n <= MAX_ANNOUNCED_COMMENTS:
            self.report.warnings.append(
                f"{parsed.title[:60]!r}: announced comment count {str(n)[:20]} ignored"
            )
            return None
        return n

    def _apply_archive_position(self, article: Article, parsed: ParsedArticle) -> list[str]:
        """An archive restores the curated position; a plain dump never touches it.
        Returns the fields it set."""
        if not parsed.position or article.position_curated_at:
            return []
        curated_by = parsed.position.get("curated_by")
        at = parsed.position.get("curated_at")
        values = {
            "position": parsed.position.get("value", article.position),
            "position_curated_at": datetime.fromisoformat(at) if at else None,
            "position_curated_by": self.user_for(curated_by),
            "position_curated_by_name": curated_by or "",
            "position_curated_via": parsed.position.get("curated_via", ""),
            "position_cue": parsed.position.get("cue", ""),
        }
        fields = [k for k, v in values.items() if getattr(article, k) != v]
        for k in fields:
            setattr(article, k, values[k])
        return fields
