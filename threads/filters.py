"""django-filter filter sets behind the article list (home), /comments/ and /people/.

Every filter is a plain GET parameter, so any selection is a URL to share, e.g. every
disagreement posted in 2010: /comments/?stance=disagree&after=2010-01-01&before=2010-12-31
(or /comments/?stance=disagree&year=2010)."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from people.models import Participant
from threads import paging, search
from threads.models import (
    Article,
    Blog,
    Comment,
    CommentQuerySet,
    Position,
    Stance,
    StanceSource,
)

KIND_CHOICES = [
    ("comment", _("commentaire")),
    ("pingback", _("pingback")),
    ("trackback", _("trackback")),
    ("tweet", _("tweet")),
]
STANCE_CHOICES = [
    (Stance.AGREE, _("d’accord")),
    (Stance.DISAGREE, _("en désaccord")),
    (Stance.NUANCED, _("nuancé")),
    (Stance.NEUTRAL, _("neutre")),
    (Stance.UNKNOWN, _("non jugé")),
]
POSITION_CHOICES = [
    (Position.DEFENDS, _("défend le métier")),
    (Position.CRITICISES, _("critique le métier")),
    (Position.NUANCED, _("nuancé")),
    (Position.UNKNOWN, _("position inconnue")),
]
STANCE_SOURCE_CHOICES = [
    (StanceSource.CURATED, _("vérifiée")),
    (StanceSource.AUTO, _("suggérée")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _text_search(queryset, name, value):
    return search.matching(queryset, value)


def text_filter(label) -> filters.CharFilter:
    """A text search, bounded: a longer value is a 400, not a slow or failing query."""
    return filters.CharFilter(label=label, method=_text_search, max_length=search.MAX_QUERY)


# A filter on participants, articles or blogs is a <select> while they are few; beyond
# this many choices it is a text field taking the slug (or id), so that a page never
# renders tens of thousands of <option>s. The chosen value's name is shown beside it.
SELECT_LIMIT = 200


class ChosenByName:
    """For a FilterSet: choice filters (``LOOKUPS``) that turn into text inputs when
    their choices are too many, and the chosen value's name as the field's help text."""

    LOOKUPS: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.LOOKUPS:
            field = self.filters[name].field
            # One bounded query per filter: is there more than SELECT_LIMIT to list?
            if field.queryset.order_by()[: SELECT_LIMIT + 1].count() > SELECT_LIMIT:
                key = field.to_field_name or "pk"
                field.widget = forms.TextInput(
                    attrs={"placeholder": _("identifiant (%(key)s)") % {"key": key}}
                )

    def filter_queryset(self, queryset):
        for name in self.LOOKUPS:
            chosen = self.form.cleaned_data.get(name)
            if chosen is not None:
                self.form.fields[name].help_text = str(chosen)
        return super().filter_queryset(queryset)


class YearFilter(filters.NumberFilter):
    """A year between the first blogs and the near future: "1e5", "2010.5" or a 30-digit
    number is invalid (400), not an overflow in the date lookup."""

    field_class = forms.IntegerField


def public_blogs():
    """Blogs with a public article: one index probe per blog (EXISTS), not a DISTINCT over
    every article."""
    return Blog.objects.filter(Exists(Article.objects.filter(blog=OuterRef("pk"), is_public=True)))


class ArticleFilter(ChosenByName, filters.FilterSet):
    LOOKUPS = ("blog", "author")
    q = text_filter(_("Texte"))
    blog = filters.ModelChoiceFilter(
        label=_("Blog"), queryset=Blog.objects.all(), empty_label=_("Tous les blogs")
    )
    author = filters.ModelChoiceFilter(
        label=_("Auteur"),
        to_field_name="slug",
        queryset=Participant.objects.filter(n_articles__gt=0),  # stored count
        empty_label=_("Tous les auteurs"),
    )
    position = filters.ChoiceFilter(
        label=_("Position de l’article"),
        choices=POSITION_CHOICES,
        empty_label=_("Toutes les positions"),
    )
    after = filters.DateFilter(
        label=_("Publié à partir du"),
        field_name="published_at",
        lookup_expr="date__gte",
        widget=DateInput,
    )
    before = filters.DateFilter(
        label=_("Publié jusqu’au"),
        field_name="published_at",
        lookup_expr="date__lte",
        widget=DateInput,
    )
    sort = filters.ChoiceFilter(
        label=_("Trier par"),
        choices=[
            ("date", _("date, plus anciens d’abord")),
            ("-date", _("date, plus récents d’abord")),
            ("-comments", _("nombre de commentaires")),
        ],
        empty_label=_("date, plus récents d’abord"),
        method="sort_by",
    )

    class Meta:
        model = Article
        fields = ["q", "blog", "author", "position", "after", "before", "sort"]

    def sort_by(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or "-date"
        if sort == "date":
            return queryset.order_by(F("published_at").asc(nulls_last=True), "title")
        if sort == "-comments":
            return queryset.order_by("-n_comments", "title")
        return queryset.newest_first()


class CommentFilter(ChosenByName, filters.FilterSet):
    LOOKUPS = ("participant", "article", "blog")
    q = text_filter(_("Texte"))
    # distinct=False: a comment has one stance and one kind, no join can repeat it, and
    # a DISTINCT over the listing's joins would sort every matching row.
    stance = filters.MultipleChoiceFilter(
        label=_("Position du commentaire"),
        choices=STANCE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    stance_source = filters.ChoiceFilter(
        label=_("Position établie"),
        choices=STANCE_SOURCE_CHOICES,
        empty_label=_("vérifiée ou suggérée"),
    )
    kind = filters.MultipleChoiceFilter(
        label=_("Type"), choices=KIND_CHOICES, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    participant = filters.ModelChoiceFilter(
        label=_("Participant"),
        field_name="author",
        to_field_name="slug",
        # People with a public comment: the stored count says so, without a join.
        queryset=Participant.objects.filter(n_comments__gt=0),
        empty_label=_("Tout le monde"),
    )
    article = filters.ModelChoiceFilter(
        label=_("Article"),
        to_field_name="slug",
        queryset=Article.objects.public(),
        empty_label=_("Tous les articles"),
    )
    blog = filters.ModelChoiceFilter(
        label=_("Blog"),
        field_name="article__blog",
        queryset=public_blogs(),
        empty_label=_("Tous les blogs"),
    )
    year = YearFilter(
        label=_("Année"),
        field_name="posted_at",
        lookup_expr="year",
        min_value=1990,
        max_value=2100,
    )
    after = filters.DateFilter(
        label=_("Posté à partir du"),
        field_name="posted_at",
        lookup_expr="date__gte",
        widget=DateInput,
    )
    before = filters.DateFilter(
        label=_("Posté jusqu’au"),
        field_name="posted_at",
        lookup_expr="date__lte",
        widget=DateInput,
    )
    order = filters.ChoiceFilter(
        label=_("Ordre"),
        choices=[
            ("date", _("date, plus anciens d’abord")),
            ("-date", _("date, plus récents d’abord")),
        ],
        empty_label=_("fil par fil, ordre de lecture"),
        method="order_by",
    )

    class Meta:
        model = Comment
        fields = [
            "q", "stance", "stance_source", "kind", "participant", "article", "blog",
            "year", "after", "before", "order",
        ]  # fmt: skip

    def order_by(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def order_keys(self) -> tuple:
        """The sort of the valid form's ``order``, as keyset keys (threads.paging)."""
        order = self.form.cleaned_data.get("order")
        if order == "date":
            return CommentQuerySet.OLDEST
        if order == "-date":
            return CommentQuerySet.NEWEST
        if self.form.cleaned_data.get("article") is not None:
            return CommentQuerySet.THREAD
        return CommentQuerySet.READING

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return paging.order(queryset, self.order_keys())


PARTICIPANT_SORTS = {
    "contributions": ("-n_contributions", "name"),
    "comments": ("-n_comments", "name"),
    "articles": ("-n_articles", "name"),
    "name": ("name",),
}


class ParticipantFilter(ChosenByName, filters.FilterSet):
    LOOKUPS = ("blog",)
    q = filters.CharFilter(label=_("Nom"), method="by_name", max_length=search.MAX_QUERY)
    blog = filters.ModelChoiceFilter(
        label=_("Blog"),
        queryset=public_blogs(),
        empty_label=_("Tous les blogs"),
        method="by_blog",
    )
    sort = filters.ChoiceFilter(
        label=_("Trier par"),
        choices=[
            ("comments", _("nombre de commentaires")),
            ("articles", _("nombre d’articles")),
            ("name", _("nom")),
        ],
        empty_label=_("nombre de contributions"),
        method="sort_by",
    )

    class Meta:
        model = Participant
        fields = ["q", "blog", "sort"]

    def by_name(self, queryset, name, value):
        folded = search.fold(value).strip()
        if not folded:
            return queryset
        # Aliases carry the normalized key: case, accents and spacing ignored.
        return queryset.filter(aliases__key__contains=" ".join(folded.split())).distinct()

    def by_blog(self, queryset, name, value):
        commented = Comment.objects.public().filter(article__blog=value).values("author")
        wrote = Article.objects.public().filter(blog=value).values("author")
        return queryset.filter(Q(pk__in=commented) | Q(pk__in=wrote))

    def sort_by(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or "contributions"
        return queryset.order_by(*PARTICIPANT_SORTS.get(sort, PARTICIPANT_SORTS["contributions"]))
