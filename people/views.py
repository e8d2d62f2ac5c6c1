"""Participant pages: the list (sortable, filterable) and one participant's contributions."""

from __future__ import annotations

from django.views.generic import DetailView

from people.models import Participant
from threads.filters import ParticipantFilter
from threads.models import Comment
from threads.views import CheckedFilterView


class ParticipantListView(CheckedFilterView):
    template_name = "people/participant_list.html"
    filterset_class = ParticipantFilter
    paginate_by = 50

    def get_queryset(self):
        return Participant.objects.active().order_by("-n_contributions", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        blogs = Participant.objects.filter(pk__in=[p.pk for p in page]).blog_names()
        for p in page:
            p.blogs = blogs.get(p.pk, [])
        context["participants"] = page
        context["filtered"] = sum(
            1 for name in ("q", "blog") if self.request.GET.get(name, "").strip()
        )
        return context


class ParticipantDetailView(DetailView):
    template_name = "people/participant_detail.html"
    context_object_name = "participant"

    def get_queryset(self):
        return Participant.objects.with_contributions().prefetch_related("aliases")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        comments = Comment.objects.public().filter(author=person)
        context.update(
            articles=person.articles.public().select_related("blog").order_by("published_at"),
            comments=comments.select_related(
                "article", "article__blog", "parent", "parent__author"
            ).order_by("article__published_at", "article__title", "article_id", "tree_id", "lft"),
            stance_counts=comments.stance_counts(),
            answered=Participant.objects.answered_by(person)[:10],
            answered_by=Participant.objects.answering(person)[:10],
        )
        return context
