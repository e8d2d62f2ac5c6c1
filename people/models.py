from __future__ import annotations

from collections import Counter

from django.db import models
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from people.names import normalize_key, split_handle


class ParticipantQuerySet(models.QuerySet):
    def with_contributions(self) -> ParticipantQuerySet:
        """Annotate public comments, public articles and their sum (``n_contributions``),
        counted in subqueries so the two relations don't multiply each other."""
        from threads.models import Article, Comment

        comments = (
            Comment.objects.public()
            .filter(author=OuterRef("pk"))
            .order_by()
            .values("author")
            .annotate(n=Count("pk"))
            .values("n")
        )
        articles = (
            Article.objects.public()
            .filter(author=OuterRef("pk"))
            .order_by()
            .values("author")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            n_comments=Coalesce(Subquery(comments), 0),
            n_articles=Coalesce(Subquery(articles), 0),
        ).annotate(n_contributions=F("n_comments") + F("n_articles"))

    def active(self) -> ParticipantQuerySet:
        """Participants with at least one public contribution."""
        return self.with_contributions().filter(n_contributions__gt=0)

    def blog_names(self) -> dict[int, list[str]]:
        """{participant id: sorted names of the blogs they wrote or commented on}, for the
        participants of this queryset, in two queries."""
        from threads.models import Article, Comment

        ids = list(self.values_list("pk", flat=True))
        found: dict[int, set[str]] = {}
        pairs = list(
            Comment.objects.public()
            .filter(author__in=ids)
            .order_by()
            .values_list("author_id", "article__blog__name")
            .distinct()
        ) + list(
            Article.objects.public()
            .filter(author__in=ids)
            .order_by()
            .values_list("author_id", "blog__name")
            .distinct()
        )
        for participant_id, blog in pairs:
            found.setdefault(participant_id, set()).add(blog)
        return {pk: sorted(names, key=str.casefold) for pk, names in found.items()}

    def answered_by(self, participant: Participant) -> list[tuple[Participant, int]]:
        """Whom ``participant`` answered, most often first: the authors of the comments
        their public comments reply to in the tree or address by name. A comment that
        both replies to and addresses the same comment counts once."""
        from threads.models import AddresseeLink, Comment

        pairs = set(
            Comment.objects.public()
            .filter(author=participant, parent__isnull=False, parent__is_public=True)
            .exclude(parent__author__isnull=True)
            .values_list("pk", "parent_id", "parent__author_id")
        )
        pairs |= set(
            AddresseeLink.objects.filter(
                source__author=participant,
                source__is_public=True,
                source__article__is_public=True,
                target__is_public=True,
                target__author__isnull=False,
            ).values_list("source_id", "target_id", "target__author_id")
        )
        return self._ranked(pair[2] for pair in pairs if pair[2] != participant.pk)

    def answering(self, participant: Participant) -> list[tuple[Participant, int]]:
        """Who answered ``participant``, most often first: the authors of public replies
        to their comments, in the tree or by name."""
        from threads.models import AddresseeLink, Comment

        pairs = set(
            Comment.objects.public()
            .filter(parent__author=participant, parent__is_public=True)
            .exclude(author__isnull=True)
            .values_list("pk", "parent_id", "author_id")
        )
        pairs |= set(
            AddresseeLink.objects.filter(
                target__author=participant,
                target__is_public=True,
                source__is_public=True,
                source__article__is_public=True,
                source__author__isnull=False,
            ).values_list("source_id", "target_id", "source__author_id")
        )
        return self._ranked(pair[2] for pair in pairs if pair[2] != participant.pk)

    def _ranked(self, author_ids) -> list[tuple[Participant, int]]:
        counts = Counter(author_ids)
        people = self.in_bulk(list(counts))
        ranked = [(people[pk], n) for pk, n in counts.items() if pk in people]
        ranked.sort(key=lambda pair: (-pair[1], pair[0].name.casefold()))
        return ranked

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
