from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from people.names import normalize_key, split_handle


class ParticipantQuerySet(models.QuerySet):
    def for_spelling(self, spelling: str) -> Participant | None:
        """The participant a spelling belongs to: through the aliases, by normalized key,
        so that merges made by curators are followed."""
        name, _handle = split_handle(spelling)
        alias = (
            ParticipantAlias.objects.filter(key=normalize_key(name))
            .select_related("participant")
            .order_by("pk")
            .first()
        )
        return alias.participant if alias else None


class Participant(models.Model):
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    key = models.CharField(
        "clé normalisée", max_length=200, unique=True,
        help_text="Casse, accents et espaces ignorés ; un « @ » initial retiré.",
    )  # fmt: skip
    handle = models.CharField("pseudonyme", max_length=100, blank=True)
    website = models.URLField("site web", max_length=500, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "participant"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:detail", args=[self.slug])

    @staticmethod
    def unique_slug(name: str, taken: set[str]) -> str:
        base = slugify(name)[:200] or "anonyme"
        slug, n = base, 2
        while slug in taken or Participant.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        return slug


class ParticipantAlias(models.Model):
    """Every spelling of a participant's name seen in a source."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("graphie", max_length=300, unique=True)
    key = models.CharField(max_length=200, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "graphie"

    def __str__(self) -> str:
        return self.name
