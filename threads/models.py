from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, Func, Q, Sum, TextField, Value, When, Window
from django.db.models.functions import Cast, TruncMonth
from django.urls import reverse
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from importers import parsed
from threads import paging
from threads.paging import Key


class Blog(models.Model):
    # Two sites may share a name: a blog is known by its address (threads.identity.blog_key),
    # by its name only when no source gave the address.
    key = models.CharField(max_length=600, unique=True)
    name = models.CharField("nom", max_length=200)
    url = models.TextField("adresse", null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportSource(models.Model):
    """A file that was imported: which bytes, read as which format, giving what."""

    file_name = models.TextField("fichier")
    sha256 = models.CharField(max_length=64, unique=True)
    format = models.CharField(max_length=40)
    imported_at = models.DateTimeField("importé le")
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "source importée"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.format})"


class DatePrecision(models.TextChoices):
    EXACT = parsed.EXACT, "exacte"
    DAY = parsed.DAY, "jour"
    MONTH = parsed.MONTH, "mois"
    YEAR = parsed.YEAR, "année"
    UNKNOWN = parsed.UNKNOWN, "inconnue"


class Position(models.TextChoices):
    """An article's position on the community-manager profession as practised."""

    DEFENDS = "defends", "défend"
    CRITICISES = "criticises", "critique"
    NUANCED = "nuanced", "nuancé"
    UNKNOWN = "unknown", "inconnue"


class Stance(models.TextChoices):
    """A comment's stance toward what it answers."""

    AGREE = "agree", "d’accord"
    DISAGREE = "disagree", "en désaccord"
    NUANCED = "nuanced", "nuancé"
    NEUTRAL = "neutral", "neutre"
    UNKNOWN = "unknown", "non jugé"


class StanceSource(models.TextChoices):
    NONE = "", "aucune"
    CURATED = "curated", "curée"
    AUTO = "auto", "suggérée"


class ArticleQuerySet(models.QuerySet):
    def public(self) -> ArticleQuerySet:
        return self.filter(is_public=True)

    def listing(self) -> ArticleQuerySet:
        """What the article list shows: public articles with blog and author. Comment,
        participant and stance counts are stored columns (threads.aggregates)."""
        return self.public().select_related("blog", "author")

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by(F("published_at").desc(nulls_last=True), "-pk")

    # The articles in the order of /comments/ (CommentQuerySet.READING; index article_reading).
    READING_ORDER = (F("published_at").desc(nulls_last=True), F("title").asc(), F("id").asc())


class Article(models.Model):
    blog = models.ForeignKey(Blog, on_delete=models.PROTECT, related_name="articles")
    title = models.TextField("titre")
    slug = models.SlugField(max_length=220, unique=True)
    # Stable identity within the blog, from the source: "id:…", "url:…" or "title:…".
    source_key = models.CharField(max_length=600)
    author = models.ForeignKey(
        "people.Participant", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="articles", verbose_name="auteur",
    )  # fmt: skip
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    # Sources put no limit on these, so neither do the columns (issue 8: no DataError).
    url = models.TextField("adresse d’origine", blank=True)
    # The page's identity (threads.identity.page_key) and its digest, which is indexed:
    # a URL can be longer than an index entry may be.
    normalized_url = models.TextField(blank=True)
    url_key = models.CharField(max_length=64, blank=True, db_index=True)
    body = models.TextField("texte", blank=True)
    body_html = models.TextField(blank=True)
    position = models.CharField(
        "position", max_length=12, choices=Position.choices, default=Position.UNKNOWN
    )
    position_curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who curated, as a username: kept when a restored archive names a user this
    # database does not have.
    position_curated_by_name = models.CharField(max_length=150, blank=True)
    position_curated_at = models.DateTimeField(null=True, blank=True)
    position_curated_via = models.CharField(max_length=200, blank=True)
    position_cue = models.TextField(blank=True)
    source = models.ForeignKey(
        ImportSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # The article's id in its source format (WXR post_id, Disqus thread id).
    external_id = models.TextField(null=True, blank=True)
    status = models.TextField("statut", default="publish")
    is_public = models.BooleanField("public", default=True)
    announced_comments = models.PositiveIntegerField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    # The format of the source that brought the article: only that source updates its
    # fields. Another source of the same page (a Disqus thread of a WXR post) adds comments.
    origin = models.CharField(max_length=700, blank=True)

    # Stored aggregates over the article's public comments, so that lists never count
    # the whole archive per request. Kept by threads.aggregates (the loader, curation and
    # merges call it); ``manage.py refresh_aggregates`` recomputes them all.
    n_comments = models.PositiveIntegerField(default=0, editable=False)
    n_participants = models.PositiveIntegerField(default=0, editable=False)
    n_agree = models.PositiveIntegerField(default=0, editable=False)
    n_disagree = models.PositiveIntegerField(default=0, editable=False)
    n_nuanced = models.PositiveIntegerField(default=0, editable=False)
    n_neutral = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "title"]
        constraints = [
            models.UniqueConstraint(fields=["blog", "source_key"], name="article_identity")
        ]
        indexes = [
            # The sorts with NULLS LAST (newest first, reading order) are indexed by
            # migration 0006 in each database's own syntax: SQLite has no NULLS LAST there.
            models.Index(F("n_comments").desc(), "title", name="article_most_commented"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("threads:article", args=[self.slug])


class CommentQuerySet(TreeQuerySet):
    def public(self) -> CommentQuerySet:
        return self.filter(is_public=True, article__is_public=True)

    def tree_order(self) -> CommentQuerySet:
        # Roots get consecutive tree ids in source order, so (tree_id, lft) is the
        # article's whole thread in reading order.
        return self.order_by("tree_id", "lft")

    # The sorts of comment lists, as keys for keyset pagination (threads.paging); each
    # ends with unique columns, so that a cursor names one position.
    READING = (
        Key("article__published_at", desc=True, nullable=True, type=datetime),
        Key("article__title", type=str),
        Key("article_id"),
        Key("tree_id"),
        Key("lft"),
    )
    NEWEST = (
        Key("posted_at", desc=True, nullable=True, type=datetime),
        Key("position", desc=True),
        Key("id", desc=True),
    )
    OLDEST = (Key("posted_at", nullable=True, type=datetime), Key("position"), Key("id"))
    # READING within one article: its columns are the same on every row, so the index
    # (article, tree_id, lft) gives the order without sorting the thread.
    THREAD = (Key("tree_id"), Key("lft"))

    def reading_order(self) -> CommentQuerySet:
        """Thread by thread (newest article first), each in reading order."""
        return paging.order(self, self.READING)

    def newest_first(self) -> CommentQuerySet:
        return paging.order(self, self.NEWEST)

    def oldest_first(self) -> CommentQuerySet:
        return paging.order(self, self.OLDEST)

    # What a list row never shows: the HTML copy of a WXR text, the suggestion's cues.
    LIST_DEFERRED = ("body_html", "auto_cues", "stance_cue", "date_raw")

    def for_listing(self) -> CommentQuerySet:
        """Public comments as list rows: the comment table only (joined to the article
        where a filter or the sort needs it). What a row shows of its article, blog,
        author and the comment it answers comes after, for the page only
        (``attach_display``): joined here, the database built every candidate row with
        four joins before the LIMIT."""
        return self.public().defer(*self.LIST_DEFERRED)

    def attach_display(self, comments: list[Comment]) -> list[Comment]:
        """Give a page of list rows their article (with its blog's name), author, and
        parent (with its author), in three queries whatever the page's size."""
        from people.models import Participant

        comments = list(comments)
        if not comments:
            return comments
        articles = (
            Article.objects.select_related("blog")
            .only("id", "slug", "title", "is_public", "published_at", "blog_id", "blog__name")
            .in_bulk({c.article_id for c in comments})
        )
        parents = (
            Comment.objects.defer(*self.LIST_DEFERRED)
            .filter(pk__in={c.parent_id for c in comments if c.parent_id})
            .in_bulk()
        )
        rows = [*comments, *parents.values()]
        people = Participant.objects.in_bulk({c.author_id for c in rows if c.author_id})
        article, parent, author = (
            Comment._meta.get_field(f) for f in ("article", "parent", "author")
        )
        for c in rows:
            if c.article_id in articles:
                article.set_cached_value(c, articles[c.article_id])
            author.set_cached_value(c, people.get(c.author_id))
        for c in comments:
            if c.parent_id in parents:
                parent.set_cached_value(c, parents[c.parent_id])
        return comments

    def listing_page(self, keys: tuple[Key, ...], params, per_page: int, *, filtered: bool):
        """One page of this list (threads.paging) with its rows' display data. Unfiltered
        in reading order, a deep page is located from the articles' stored counts."""
        locate = self.reading_boundary if not filtered and keys == self.READING else None
        page = paging.paginate(
            self,
            keys,
            params,
            per_page,
            locate=locate,
            total=lambda: self.listing_count(filtered=filtered),
            prepare=self.attach_display,
        )
        return page

    def reading_boundary(self, index: int) -> list | None:
        """The READING key of the public comment at ``index`` of the unfiltered list, from
        stored counts: the article holding it by a running sum of the articles'
        ``n_comments`` (one row per article, not per comment), then its place in that
        thread through the (article, tree_id, lft) index. None if the counts are off."""
        running = Window(Sum("n_comments"), order_by=ArticleQuerySet.READING_ORDER)
        found = (
            Article.objects.public()
            .annotate(upto=running)
            .filter(upto__gt=index)
            .order_by(*ArticleQuerySet.READING_ORDER)
            .values_list("pk", "published_at", "title", "upto", "n_comments")
            .first()
        )
        if found is None:
            return None
        pk, published_at, title, upto, n = found
        offset = index - (upto - n)
        place = list(
            Comment.objects.filter(article_id=pk, is_public=True)
            .order_by("tree_id", "lft")
            .values_list("tree_id", "lft")[offset : offset + 1]
        )
        return [published_at, title, pk, *place[0]] if place else None

    LIST_COUNT_CAP = 2000  # a filtered list counts at most this many rows

    def listing_count(self, *, filtered: bool) -> tuple[int, bool]:
        """(count, capped) for a list of public comments: unfiltered, the stored
        per-article counts summed (exact); filtered, counted up to LIST_COUNT_CAP."""
        if not filtered:
            total = Article.objects.public().aggregate(n=Sum("n_comments"))["n"]
            return total or 0, False
        return paging.count_upto(self, self.LIST_COUNT_CAP)

    def stance_counts(self) -> dict[str, int]:
        """{stance: count} over this queryset, every stance present (zeros included)."""
        counts = dict.fromkeys(Stance.values, 0)
        for stance, n in self.order_by().values_list("stance").annotate(n=Count("*")):
            counts[stance] = n
        return counts

    def monthly_activity(self) -> dict[int, list[tuple]]:
        """{article_id: [(month, count), ...]} over the dated comments, months in order."""
        rows = (
            self.filter(posted_at__isnull=False)
            .annotate(month=TruncMonth("posted_at"))
            .order_by()
            .values_list("article_id", "month")
            .annotate(n=Count("pk"))
            .order_by("article_id", "month")
        )
        activity: dict[int, list[tuple]] = {}
        for article_id, month, n in rows:
            activity.setdefault(article_id, []).append((month, n))
        return activity

    # A thread's rows: tuples of these fields, then three more (R_* name the positions).
    THREAD_FIELDS = (
        "id", "parent_id", "level", "kind", "body", "stance", "stance_source", "position",
        "author_as_written", "author_url", "author_id", "author__name", "author__slug",
        "is_public", "status", "tree_id", "lft",
    )  # fmt: skip

    def thread(self, article: Article) -> ThreadRows:
        """An article's thread as readers see it, in tree order, in two queries whatever
        its size: every comment with its author's name and slug, then the addressee links.
        Rows are tuples (10,000 comments must render in a fraction of a second): the
        fields of THREAD_FIELDS, then the HTML body (only where there is no text), the
        flags as JSON text and the date as UTC text.

        Hidden comments are left out, unless a public reply hangs below them: then they
        stay as placeholders (``placeholders``: id -> "deleted" or "hidden"; the page never
        shows their text or author) so that the replies keep their place. ``addressees``:
        for a visible comment, the visible comments it was inferred to answer, in thread
        order."""
        rows = list(
            # No ORDER BY (the Meta ordering is tree order): sorted below.
            self.filter(article=article)
            .order_by()
            .values_list(
                *self.THREAD_FIELDS,
                # The HTML only where there is no text (render_body): WXR exports carry
                # both, and the HTML would double what is read.
                Case(
                    When(body="", then=F("body_html")), default=Value(""), output_field=TextField()
                ),
                # As text, decoded only where the name needs it (display_name): decoding
                # every row's JSON costs more than the rest of the row.
                Cast("flags", TextField()),
                # As text: the driver's datetime loaders cost more than the rest of the row.
                UTCText("posted_at"),
            )
        )
        # Sorted here, not by the database: PostgreSQL sorts 10,000 rows with their bodies
        # on disk (over work_mem), and the article's index scan needs no order.
        rows.sort(key=lambda r: (r[R_TREE_ID], r[R_LFT]))
        # Hidden rows that a public reply hangs below, through hidden ancestors too.
        hidden = {r[R_ID]: r for r in rows if not r[R_IS_PUBLIC]}
        placeholders: dict[int, str] = {}
        if hidden:
            for r in rows:
                parent_id = r[R_PARENT]
                if not r[R_IS_PUBLIC] or parent_id not in hidden:
                    continue
                while parent_id in hidden and parent_id not in placeholders:
                    parent = hidden[parent_id]
                    deleted = parent[R_STATUS] == "deleted"
                    placeholders[parent_id] = "deleted" if deleted else "hidden"
                    parent_id = parent[R_PARENT]
            rows = [r for r in rows if r[R_IS_PUBLIC] or r[R_ID] in placeholders]
        order = {r[R_ID]: i for i, r in enumerate(rows)}
        addressees: dict[int, list[int]] = {}
        links = AddresseeLink.objects.filter(source__article=article).values_list(
            "source_id", "target_id"
        )
        for source_id, target_id in links:
            if (
                source_id in order
                and target_id in order
                and source_id not in placeholders
                and target_id not in placeholders
            ):
                addressees.setdefault(source_id, []).append(target_id)
        for targets in addressees.values():
            if len(targets) > 1:
                targets.sort(key=order.__getitem__)
        return ThreadRows(rows, placeholders, addressees)


@dataclass
class ThreadRows:
    """What ``CommentQuerySet.thread()`` returns (see there)."""

    rows: list[tuple]
    placeholders: dict[int, str] = field(default_factory=dict)
    addressees: dict[int, list[int]] = field(default_factory=dict)


class UTCText(Func):
    """A datetime column as ISO text in UTC ("2010-05-16 12:03:00.000000+00:00"), parsed
    by ``utc_moment``: ``datetime.fromisoformat`` is many times faster than the drivers'
    datetime loaders. Other databases than PostgreSQL and SQLite give datetimes."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        # Whatever the session's DateStyle and TimeZone.
        template = (
            """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US"+00:00"')"""
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; NULL stays NULL.
        return self.as_sql(compiler, connection, template="%(expressions)s || '+00:00'", **extra)

    def as_sql(self, compiler, connection, **extra):
        if "template" not in extra:
            extra["template"] = "%(expressions)s"
        return super().as_sql(compiler, connection, **extra)


def utc_moment(value: str | datetime | None) -> datetime | None:
    """A value of ``UTCText`` as an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:  # a SQLite value written with its offset, which UTCText adds again
            value = datetime.fromisoformat(value.removesuffix("+00:00"))
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# Positions in a row of CommentQuerySet.thread(): THREAD_FIELDS, then the HTML body, the
# flags as JSON text and the date as UTC text.
R_ID, R_PARENT, R_LEVEL, R_KIND, R_BODY, R_STANCE, R_STANCE_SOURCE, R_POSITION = range(8)
R_AS_WRITTEN, R_AUTHOR_URL, R_AUTHOR_ID, R_NAME, R_SLUG, R_IS_PUBLIC, R_STATUS = range(8, 15)
R_TREE_ID, R_LFT, R_HTML, R_FLAGS, R_POSTED = range(15, 20)
assert len(CommentQuerySet.THREAD_FIELDS) == R_HTML


class Comment(MPTTModel):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    author = models.ForeignKey(
        "people.Participant", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="comments", verbose_name="auteur",
    )  # fmt: skip
    # Pingback "authors" are post titles: no length limit.
    author_as_written = models.TextField("auteur tel qu’écrit", blank=True)
    # The address the author gave; for a pingback or trackback, the citing page.
    author_url = models.TextField("adresse de l’auteur", blank=True)
    posted_at = models.DateTimeField("posté le", null=True, blank=True)
    date_raw = models.TextField(blank=True)
    body = models.TextField("texte", blank=True)
    body_html = models.TextField(blank=True)
    kind = models.CharField(
        "type", max_length=12, default=parsed.COMMENT,
        choices=[(parsed.COMMENT, "commentaire"), (parsed.PINGBACK, "pingback"),
                 (parsed.TRACKBACK, "trackback"), (parsed.TWEET, "tweet")],
    )  # fmt: skip
    position = models.PositiveIntegerField("rang dans la source")
    source_id = models.TextField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    status = models.TextField("statut", default="approved")
    is_public = models.BooleanField("public", default=True)
    flags = models.JSONField(default=list, blank=True)
    # The format of the source that brought the comment: a re-import reconciles only the
    # comments of its own origin, and never touches another source's.
    origin = models.CharField(max_length=700, blank=True)

    stance = models.CharField(
        "prise de position", max_length=10, choices=Stance.choices, default=Stance.UNKNOWN
    )
    stance_source = models.CharField(
        max_length=8, choices=StanceSource.choices, default=StanceSource.NONE, blank=True
    )
    stance_curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stance_curated_by_name = models.CharField(max_length=150, blank=True)
    stance_curated_at = models.DateTimeField(null=True, blank=True)
    # Where a curated value came from when no user set it: the shipped annotation file.
    stance_curated_via = models.CharField(max_length=200, blank=True)
    stance_cue = models.TextField(blank=True)
    auto_stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    auto_confidence = models.FloatField(null=True, blank=True)
    auto_cues = models.JSONField(default=list, blank=True)

    addresses = models.ManyToManyField(
        "self", through="AddresseeLink", symmetrical=False, related_name="addressed_by", blank=True
    )

    objects = TreeManager.from_queryset(CommentQuerySet)()

    class MPTTMeta:
        order_insertion_by = ["position"]

    class Meta:
        ordering = ["tree_id", "lft"]
        verbose_name = "commentaire"
        indexes = [
            models.Index(fields=["article", "position"]),
            # One index per filter and sort of /comments/ and the participant page, each
            # ending with the keyset's tie-breakers (threads.paging).
            models.Index(fields=["article", "tree_id", "lft"], name="comment_article_tree"),
            models.Index(fields=["stance", "posted_at"], name="comment_stance_date"),
            models.Index(fields=["author", "posted_at"], name="comment_author_date"),
            models.Index(fields=["kind", "posted_at"], name="comment_kind_date"),
            # /comments/ in reading order walks the articles in order and probes each one
            # for its public comments matching the filters: these make every probe an
            # index range, so a filter costs per article visited, not per comment.
            models.Index(
                fields=["article", "tree_id", "lft"],
                condition=Q(is_public=True),
                name="comment_public_tree",
            ),
            models.Index(
                fields=["article", "posted_at"],
                condition=Q(is_public=True),
                name="comment_public_date",
            ),
            models.Index(
                fields=["article", "stance", "posted_at"],
                condition=Q(is_public=True),
                name="comment_public_stance",
            ),
            models.Index(
                fields=["article", "kind", "posted_at"],
                condition=Q(is_public=True),
                name="comment_public_kind",
            ),
            # A participant's page reads its own covering index, comment_public_author
            # (migration 0009, in each database's syntax: SQLite has no INCLUDE).
        ]

    def __str__(self) -> str:
        return f"{self.author_as_written or '—'}: {self.body[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("threads:comment", args=[self.pk])

    @property
    def is_curated(self) -> bool:
        return self.stance_source == StanceSource.CURATED


class AddresseeLink(models.Model):
    """A comment opening by addressing an earlier one ("@Eric : …"). Links never change
    the tree; `inferred` says the importer found it, not a person."""

    source = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="outgoing_links")
    target = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="incoming_links")
    inferred = models.BooleanField(default=True)
    cue = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="one_link")]


class ImportLock(models.Model):
    """One row; imports take it for update so concurrent runs cannot interleave tree writes."""

    acquired_at = models.DateTimeField(null=True)


class CurationEvent(models.Model):
    """One curator decision, kept as data of its own so that a backup carries it: a
    comment's stance (or cue), an article's position (or cue), a participant merge.

    Tied to stable identities recorded when it happened (the article's blog key and
    source key, the comment's position and content hash, participant slugs), never to
    database ids; the foreign keys only link it to the live rows, when they exist. Its
    ``fingerprint`` is a digest of all that, so restoring an archive into a database that
    has part of the history adds only what is missing."""

    class Kind(models.TextChoices):
        STANCE = "stance", "position d’un commentaire"
        POSITION = "position", "position d’un article"
        MERGE = "merge", "fusion de participants"

    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    at = models.DateTimeField("le")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="par",
    )  # fmt: skip
    # The curator's username, kept when the user is deleted or absent from a restore.
    by_name = models.CharField("par (nom)", max_length=150, blank=True)
    via = models.CharField("par le biais de", max_length=200, blank=True)
    field = models.CharField("champ", max_length=40)
    old_value = models.TextField("avant", blank=True)
    new_value = models.TextField("après", blank=True)
    note = models.TextField("note", blank=True)
    # Stable identities, as they were when the decision was made.
    blog_key = models.CharField(max_length=600, blank=True)
    article_key = models.CharField(max_length=600, blank=True)
    comment_position = models.PositiveIntegerField(null=True, blank=True)
    comment_hash = models.CharField(max_length=64, blank=True)
    participant_slug = models.CharField(max_length=220, blank=True)
    # Links to the live rows, when they exist.
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="curation_events"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="curation_events"
    )
    fingerprint = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "décision de curation"
        verbose_name_plural = "historique de curation"
        indexes = [models.Index(fields=["blog_key", "article_key"], name="curation_article")]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value or '—'} → {self.new_value or '—'}"

    def identity(self) -> dict:
        """Everything that says which decision this was, in a form no database or time
        zone changes (the moment in UTC)."""
        return {
            "kind": self.kind, "at": self.at.astimezone(UTC).isoformat(), "by": self.by_name,
            "via": self.via, "field": self.field, "old": self.old_value, "new": self.new_value,
            "note": self.note, "blog": self.blog_key, "article": self.article_key,
            "comment_position": self.comment_position, "comment_hash": self.comment_hash,
            "participant": self.participant_slug,
        }  # fmt: skip

    def compute_fingerprint(self) -> str:
        text = json.dumps(self.identity(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def save(self, *args, **kwargs) -> None:
        self.fingerprint = self.compute_fingerprint()
        super().save(*args, **kwargs)
