"""Participant pages: the list (sortable, filterable) and one participant's contributions."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import DetailView

from people.models import Participant
from threads import paging
from threads.filters import ParticipantFilter
from threads.models import Comment, CommentQuerySet
from threads.paging import Key
from threads.views import CheckedFilterView

# A participant's comments, thread by thread (oldest article first), each in reading order.
CONTRIBUTION_ORDER = (
    Key("article__published_at", nullable=True, type=datetime),
    Key("article__title", type=str),
    Key("article_id"),
    Key("tree_id"),
    Key("lft"),
)


class ParticipantListView(CheckedFilterView):
    template_name = "people/participant_list.html"
    filterset_class = ParticipantFilter
    paginate_by = 50

    def get_queryset(self):
        # Stored counts, sorted on their own indexes (people.models.Participant.Meta).
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
    """Their comments come a page at a time (a busy participant wrote thousands)."""

    template_name = "people/participant_detail.html"
    context_object_name = "participant"
    per_page = 100

    def get_queryset(self):
        return Participant.objects.prefetch_related("aliases")

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A participant merged into another: their old address leads to the survivor.
            survivor = Participant.objects.merged_into(kwargs["slug"])
            if survivor is None:
                raise
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(survivor.get_absolute_url() + query, permanent=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        comments = Comment.objects.public().filter(author=person)
        page = paging.paginate(
            Comment.objects.for_listing().filter(author=person),
            CONTRIBUTION_ORDER,
            self.request.GET,
            self.per_page,
            total=lambda: paging.count_upto(comments, CommentQuerySet.LIST_COUNT_CAP),
            prepare=Comment.objects.attach_display,
            narrow=True,  # the sort is by article: it reads their every comment
        )
        mine = Participant.objects.comment_page_counts(person, {c.article_id for c in page})
        for c in page:
            c.article.n_mine = mine.get(c.article_id, 0)
        answered, answered_by = Participant.objects.stored_answers(person)
        context.update(
            articles=person.articles.public().select_related("blog").order_by("published_at"),
            comments=page.object_list,
            page_obj=page,
            stance_counts=comments.stance_counts(),
            answered=answered,
            answered_by=answered_by,
        )
        return context
