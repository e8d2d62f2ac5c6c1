from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, Q
from django.urls import reverse

from people.names import is_bare, spelling_key

# Comment kinds that are a citing page, not a person (threads.Comment.kind).
LINK_KINDS = ("pingback", "trackback")
GLOBAL = ""  # the scope of names that identify someone on every blog


class ParticipantQuerySet(models.QuerySet):
    def merged_into(self, slug: str) -> Participant | None:
        """The participant that a participant once at ``slug`` was merged into (None when
        ``slug`` is a participant's own, or nobody's)."""
        if not slug:
            return None
        taken = Participant.objects.filter(slug=slug)
        return self.filter(former_slugs__slug=slug).exclude(Exists(taken)).first()  # one query

    def active(self) -> ParticipantQuerySet:
        """Participants with at least one public contribution (stored counts, kept by
        threads.aggregates)."""
        return self.filter(n_contributions__gt=0)

    def comment_page_counts(self, participant: Participant, article_ids) -> dict[int, int]:
        """{article id: public comments of ``participant`` there}, for the articles of one
        page of their comments: one GROUP BY on their own rows."""
        from threads.models import Comment

        rows = (
            Comment.objects.public()
            .filter(author=participant, article__in=list(article_ids))
            .order_by()
            .values_list("article_id")
            .annotate(n=Count("*"))
        )
        return dict(rows)

    def blog_names(self) -> dict[int, list[str]]:
        """{participant id: sorted names of the blogs they wrote or commented on}, for the
        participants of this queryset, from their stored ``blog_ids``: two small queries."""
        from threads.models import Blog

        rows = list(self.values_list("pk", "blog_ids"))
        names = dict(
            Blog.objects.filter(pk__in={b for _pk, ids in rows for b in ids or ()}).values_list(
                "pk", "name"
            )
        )
        return {
            pk: sorted((names[b] for b in ids if b in names), key=str.casefold)
            for pk, ids in rows
            if ids
        }

    def stored_answers(self, participant: Participant) -> tuple[list, list]:
        """(whom they answered, who answered them): [(Participant, n), ...] each, most
        often first, from the lists threads.aggregates stores, in one query."""
        pairs = [*(participant.answered or ()), *(participant.answerers or ())]
        people = self.in_bulk([pk for pk, _n in pairs])
        return (
            [(people[pk], n) for pk, n in participant.answered or () if pk in people],
            [(people[pk], n) for pk, n in participant.answerers or () if pk in people],
        )

    # The pairs (comment, comment it answers, that comment's author), in the tree or by
    # name; UNION drops a pair found both ways, so it counts once. Counted in SQL: a busy
    # participant has thousands of pairs, the page shows ten names.
    _ANSWER_PAIRS = """
        SELECT who, COUNT(*) FROM (
            SELECT c.id, c.parent_id, {parent_who} AS who
            FROM threads_comment c
            JOIN threads_article a ON a.id = c.article_id
            JOIN threads_comment p ON p.id = c.parent_id
            WHERE {parent_where} AND c.is_public AND a.is_public AND p.is_public
              AND c.author_id IS NOT NULL AND p.author_id IS NOT NULL
            UNION
            SELECT l.source_id, l.target_id, {link_who} AS who
            FROM threads_addresseelink l
            JOIN threads_comment s ON s.id = l.source_id
            JOIN threads_article a ON a.id = s.article_id
            JOIN threads_comment t ON t.id = l.target_id
            WHERE {link_where} AND s.is_public AND a.is_public AND t.is_public
              AND s.author_id IS NOT NULL AND t.author_id IS NOT NULL
        ) pairs
        WHERE who <> %s
        GROUP BY who
    """

    def _answer_counts(self, participant: Participant, *, answered: bool):
        from django.db import connection

        if answered:  # the authors of what they answered
            sql = self._ANSWER_PAIRS.format(
                parent_who="p.author_id", parent_where="c.author_id = %s",
                link_who="t.author_id", link_where="s.author_id = %s",
            )  # fmt: skip
        else:  # the authors of what answered them
            sql = self._ANSWER_PAIRS.format(
                parent_who="c.author_id", parent_where="p.author_id = %s",
                link_who="s.author_id", link_where="t.author_id = %s",
            )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(sql, [participant.pk] * 3)
            return dict(cursor.fetchall())

    def answered_by(self, participant: Participant) -> list[tuple[Participant, int]]:
        """Whom ``participant`` answered, most often first: the authors of the comments
        their public comments reply to in the tree or address by name. A comment that
        both replies to and addresses the same comment counts once."""
        return self._ranked(self._answer_counts(participant, answered=True))

    def answering(self, participant: Participant) -> list[tuple[Participant, int]]:
        """Who answered ``participant``, most often first: the authors of public replies
        to their comments, in the tree or by name."""
        return self._ranked(self._answer_counts(participant, answered=False))

    def _ranked(self, counts: dict[int, int]) -> list[tuple[Participant, int]]:
        people = self.in_bulk(list(counts))
        ranked = [(people[pk], n) for pk, n in counts.items() if pk in people]
        ranked.sort(key=lambda pair: (-pair[1], pair[0].name.casefold()))
        return ranked

    def for_spelling(self, spelling: str, scope: str | None = None) -> Participant | None:
        """The participant a spelling belongs to: through the aliases, by normalized key,
        so that merges made by curators are followed. ``scope`` is the blog key where it
        was written; a bare name without one resolves to its oldest alias on any blog."""
        key = spelling_key(spelling)
        aliases = ParticipantAlias.objects.filter(key=key)
        if not is_bare(key):
            aliases = aliases.filter(scope=GLOBAL)
        elif scope is not None:
            aliases = aliases.filter(scope=scope)
        alias = aliases.select_related("participant").order_by("pk").first()
        return alias.participant if alias else None


class Participant(models.Model):
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    key = models.CharField(
        "clé normalisée", max_length=200,
        help_text="Casse, accents et espaces ignorés ; un « @ » initial retiré.",
    )  # fmt: skip
    # Where the key identifies someone: "" on every blog (a name of two words or more),
    # else the key of the one blog where a bare name was written (threads.Blog.key).
    scope = models.CharField("portée", max_length=600, blank=True, default=GLOBAL)
    handle = models.CharField("pseudonyme", max_length=100, blank=True)
    website = models.URLField("site web", max_length=500, blank=True)
    # people.names.website_key(website): the same website is the same person on any blog.
    website_key = models.CharField(max_length=500, blank=True, db_index=True)
    disqus_username = models.CharField(
        "identifiant Disqus", max_length=255, blank=True, db_index=True
    )

    # Stored public contributions (pingbacks never count), kept by threads.aggregates so
    # that /people/ sorts and filters on indexed columns instead of counting per row.
    n_comments = models.PositiveIntegerField(default=0, editable=False)
    n_articles = models.PositiveIntegerField(default=0, editable=False)
    n_contributions = models.PositiveIntegerField(default=0, editable=False)
    # Also kept by threads.aggregates: the blogs of those contributions (ids), and the
    # people they answered most and who answered them most ([[participant id, n], ...]).
    blog_ids = models.JSONField(default=list, blank=True, editable=False)
    answered = models.JSONField(default=list, blank=True, editable=False)
    answerers = models.JSONField(default=list, blank=True, editable=False)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "participant"
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="participant_scope_key"),
        ]
        indexes = [
            models.Index(F("n_contributions").desc(), "name", name="participant_contributions"),
            models.Index(F("n_comments").desc(), "name", name="participant_comments"),
            models.Index(F("n_articles").desc(), "name", name="participant_articles"),
            models.Index(fields=["name"], name="participant_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:detail", args=[self.slug])


class ParticipantAlias(models.Model):
    """Every spelling of a participant's name seen in a source, with the scope where it
    identifies them (a bare name: its blog; any other name: every blog)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("graphie", max_length=300)
    key = models.CharField(max_length=200, db_index=True)
    scope = models.CharField("portée", max_length=600, blank=True, default=GLOBAL)

    class Meta:
        ordering = ["name"]
        verbose_name = "graphie"
        constraints = [
            models.UniqueConstraint(fields=["scope", "name"], name="alias_scope_name"),
        ]

    def __str__(self) -> str:
        return self.name


class FormerSlug(models.Model):
    """The address of a participant merged into another: /people/<slug>/ and
    ?participant=<slug> keep leading to the survivor (people.merge)."""

    slug = models.SlugField(max_length=220, unique=True)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="former_slugs"
    )

    class Meta:
        verbose_name = "ancienne adresse"
        verbose_name_plural = "anciennes adresses"

    def __str__(self) -> str:
        return self.slug


class MergeCandidateQuerySet(models.QuerySet):
    def pending(self) -> MergeCandidateQuerySet:
        return self.filter(status=MergeCandidate.Status.PENDING)

    def participants(self) -> dict[int, tuple[Participant | None, Participant | None]]:
        """{candidate id: (participant on scope_a, participant on scope_b)}, through the
        aliases (so merges are followed), in one query."""
        candidates = list(self)
        wanted = Q(pk__in=[])
        for c in candidates:
            wanted |= Q(key=c.key, scope__in=[c.scope_a, c.scope_b])
        found: dict[tuple[str, str], Participant] = {}
        for alias in ParticipantAlias.objects.filter(wanted).select_related("participant"):
            found.setdefault((alias.scope, alias.key), alias.participant)
        return {
            c.pk: (found.get((c.scope_a, c.key)), found.get((c.scope_b, c.key))) for c in candidates
        }


class MergeCandidate(models.Model):
    """A bare name (one word) seen on two blogs: maybe one person, maybe two. The import
    keeps them apart and proposes the merge; a curator confirms or rejects it. Known by
    the name and the two blogs, not by participant ids, so a decision survives merges and
    re-imports: a rejected candidate is never proposed again."""

    class Status(models.TextChoices):
        PENDING = "pending", "à examiner"
        CONFIRMED = "confirmed", "confirmée"
        REJECTED = "rejected", "rejetée"

    key = models.CharField("nom normalisé", max_length=200)
    scope_a = models.CharField("blog A", max_length=600)
    scope_b = models.CharField("blog B", max_length=600)
    status = models.CharField(
        "décision", max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField("proposée le", auto_now_add=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="décidée par",
    )  # fmt: skip
    decided_by_name = models.CharField(max_length=150, blank=True)

    objects = MergeCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["status", "key", "pk"]
        verbose_name = "fusion proposée"
        verbose_name_plural = "fusions proposées"
        constraints = [
            models.UniqueConstraint(
                fields=["key", "scope_a", "scope_b"], name="merge_candidate_pair"
            ),
            models.CheckConstraint(
                condition=Q(scope_a__lt=F("scope_b")), name="merge_candidate_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} : {self.scope_a} / {self.scope_b}"
