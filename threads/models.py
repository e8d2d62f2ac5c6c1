from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from importers import parsed


class Blog(models.Model):
    name = models.CharField("nom", max_length=200, unique=True)
    url = models.URLField("adresse", max_length=500, null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportSource(models.Model):
    """A file that was imported: which bytes, read as which format, giving what."""

    file_name = models.CharField("fichier", max_length=300)
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


class Article(models.Model):
    blog = models.ForeignKey(Blog, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField("titre", max_length=500)
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
    url = models.URLField("adresse d’origine", max_length=1000, blank=True)
    normalized_url = models.CharField(max_length=1000, blank=True, db_index=True)
    body = models.TextField("texte", blank=True)
    body_html = models.TextField(blank=True)
    position = models.CharField(
        "position", max_length=12, choices=Position.choices, default=Position.UNKNOWN
    )
    position_curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position_curated_at = models.DateTimeField(null=True, blank=True)
    position_curated_via = models.CharField(max_length=200, blank=True)
    position_cue = models.CharField(max_length=500, blank=True)
    source = models.ForeignKey(
        ImportSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # The article's id in its source format (WXR post_id, Disqus thread id).
    external_id = models.CharField(max_length=200, null=True, blank=True)
    status = models.CharField("statut", max_length=20, default="publish")
    is_public = models.BooleanField("public", default=True)
    announced_comments = models.PositiveIntegerField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "title"]
        constraints = [
            models.UniqueConstraint(fields=["blog", "source_key"], name="article_identity")
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


class Comment(MPTTModel):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    author = models.ForeignKey(
        "people.Participant", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="comments", verbose_name="auteur",
    )  # fmt: skip
    author_as_written = models.CharField("auteur tel qu’écrit", max_length=300, blank=True)
    posted_at = models.DateTimeField("posté le", null=True, blank=True)
    date_raw = models.CharField(max_length=100, blank=True)
    body = models.TextField("texte", blank=True)
    body_html = models.TextField(blank=True)
    kind = models.CharField(
        "type", max_length=12, default=parsed.COMMENT,
        choices=[(parsed.COMMENT, "commentaire"), (parsed.PINGBACK, "pingback"),
                 (parsed.TRACKBACK, "trackback"), (parsed.TWEET, "tweet")],
    )  # fmt: skip
    position = models.PositiveIntegerField("rang dans la source")
    source_id = models.CharField(max_length=100, null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    status = models.CharField("statut", max_length=12, default="approved")
    is_public = models.BooleanField("public", default=True)
    flags = models.JSONField(default=list, blank=True)

    stance = models.CharField(
        "position", max_length=10, choices=Stance.choices, default=Stance.UNKNOWN
    )
    stance_source = models.CharField(
        max_length=8, choices=StanceSource.choices, default=StanceSource.NONE, blank=True
    )
    stance_curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stance_curated_at = models.DateTimeField(null=True, blank=True)
    # Where a curated value came from when no user set it: the shipped annotation file.
    stance_curated_via = models.CharField(max_length=200, blank=True)
    stance_cue = models.CharField(max_length=500, blank=True)
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
        indexes = [models.Index(fields=["article", "position"])]

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
    cue = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="one_link")]


class ImportLock(models.Model):
    """One row; imports take it for update so concurrent runs cannot interleave tree writes."""

    acquired_at = models.DateTimeField(null=True)
