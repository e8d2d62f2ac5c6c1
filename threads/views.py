"""Reading pages: article list, thread, one comment in context, comment search with
filters, full-text search. Views stay thin: queries live in the QuerySet methods of
threads.models and people.models, filters in threads.filters, search in threads.search."""

from __future__ import annotations

import secrets

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from people.models import Participant
from threads import search
from threads.filters import ArticleFilter, CommentFilter
from threads.models import AddresseeLink, Article, Comment, CommentQuerySet
from threads.thread_page import render_thread


class CheckedFilterView(FilterView):
    """A filtered list whose invalid filter values (a malformed date, an unknown blog, a
    year out of range, a text too long) answer 400, the form showing what is wrong."""

    def render_to_response(self, context, **kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            kwargs.setdefault("status", 400)
        return super().render_to_response(context, **kwargs)


class ArticleListView(CheckedFilterView):
    template_name = "threads/article_list.html"
    filterset_class = ArticleFilter
    paginate_by = 30

    def get_queryset(self):
        return Article.objects.listing().newest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        activity = Comment.objects.public().filter(article__in=page).monthly_activity()
        for article in page:
            article.activity = activity.get(article.pk, [])
        context["articles"] = page
        context["filtered"] = _active(self.filterset, ignore={"sort"})
        return context


def _active(filterset, ignore=frozenset()) -> int:
    """How many filters of the request are set (sorting and ordering aside)."""
    data = filterset.data
    if not data:
        return 0
    return sum(
        1
        for name in filterset.filters
        if name not in ignore and any(v.strip() for v in data.getlist(name, []))
    )


# Where the comments go in the rendered thread page: a comment that no content can contain
# (the article's text is escaped, its HTML sanitised without comments; and it is random).
THREAD_MARK = f"<!--thread-{secrets.token_hex(8)}-->"


class ArticleDetailView(DetailView):
    """The comments' markup (megabytes for the largest threads) is spliced into the
    rendered page as UTF-8 bytes, once: through the template it would be copied by every
    nested block's join and again by each SafeString."""

    template_name = "threads/article_detail.html"

    def get_queryset(self):
        return Article.objects.public().select_related("blog", "author", "source")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = "date" if self.request.GET.get("order") == "date" else "tree"
        thread = render_thread(
            Comment.objects.thread(self.object),
            order,
            people_base=reverse("people:detail", args=["x"])[:-2],  # "/people/" or "/en/people/"
            comment_base=reverse("threads:comment", args=[0])[:-2],
        )
        self.thread_html = thread.html
        context.update(
            order=order,
            thread=SafeString(THREAD_MARK) if thread.html else "",
            n_comments=thread.n_comments,
            n_dated=thread.n_dated,
            n_participants=thread.n_participants,
            stance_counts=thread.stance_counts,
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.thread_html:
            response.add_post_render_callback(self._splice)
        return response

    def _splice(self, response) -> None:
        head, mark, tail = response.content.partition(THREAD_MARK.encode())
        if mark:
            response.content = b"".join((head, self.thread_html.encode(response.charset), tail))


class CommentDetailView(DetailView):
    template_name = "threads/comment_detail.html"
    context_object_name = "comment"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Comment.objects.public().select_related("article", "article__blog", "author"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comment = self.object
        ancestors = list(comment.get_ancestors().select_related("author"))
        replies = list(comment.get_children().public().select_related("author"))
        shown = {c.pk: c for c in [*ancestors, comment, *replies]}
        for c in shown.values():
            c.article = comment.article
            c.addressees = []
            c.placeholder = (
                "" if c.is_public else ("deleted" if c.status == "deleted" else "hidden")
            )
        links = AddresseeLink.objects.filter(source__in=list(shown)).select_related(
            "target", "target__author"
        )
        for link in links.order_by("source_id", "target__tree_id", "target__lft"):
            target = link.target
            if target.is_public and not shown[link.source_id].placeholder:
                shown[link.source_id].addressees.append(target)
        context.update(ancestors=ancestors, replies=replies)
        return context


class CommentListView(CheckedFilterView):
    """Paged by number for the first pages, then by keyset cursor (threads.paging): no
    page counts or skips the whole archive."""

    template_name = "threads/comment_list.html"
    filterset_class = CommentFilter
    paginate_by = None  # threads.paging instead
    per_page = 50

    def get_queryset(self):
        return Comment.objects.for_listing()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)  # lazy: rendered only if returned
        if response.status_code == 400 and "participant" in self.filterset.form.errors:
            # ?participant=<someone merged since>: the same list, of the survivor.
            if survivor := Participant.objects.merged_into(request.GET.get("participant", "")):
                query = request.GET.copy()
                query["participant"] = survivor.slug
                return redirect(f"{request.path}?{query.urlencode()}", permanent=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        valid = self.filterset.is_bound and self.filterset.is_valid()
        data = self.filterset.form.cleaned_data if valid else {}
        keys = self.filterset.order_keys() if valid else CommentQuerySet.READING
        queryset = context["object_list"]
        filtered = _active(self.filterset, ignore={"order"})
        page = queryset.listing_page(keys, self.request.GET, self.per_page, filtered=bool(filtered))
        comments = page.object_list
        _attach_answers(comments)
        if data.get("q"):
            search.highlight_page(comments, data["q"])
        count, capped = queryset.listing_count(filtered=bool(filtered))
        context.update(
            comments=comments, page_obj=page, count=count, count_capped=capped, filtered=filtered
        )
        return context


def _attach_answers(comments: list[Comment]) -> None:
    """For each comment of a page, ``answers``: what it replies to (its parent, or else
    the first comment it addresses by name), None when it answers the article."""
    roots = [c.pk for c in comments if c.parent_id is None]
    addressed: dict[int, Comment] = {}
    if roots:
        links = (
            AddresseeLink.objects.filter(source__in=roots, target__is_public=True)
            .select_related("target", "target__author")
            .order_by("source_id", "target__tree_id", "target__lft")
        )
        for link in links:
            addressed.setdefault(link.source_id, link.target)
    for c in comments:
        c.answers = c.parent if c.parent_id else addressed.get(c.pk)


class SearchView(TemplateView):
    template_name = "threads/search.html"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if context["too_long"] else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = " ".join(self.request.GET.get("q", "").split())
        too_long = len(query) > search.MAX_QUERY
        context.update(
            query=query[: search.MAX_QUERY],
            too_long=too_long,
            max_query=search.MAX_QUERY,
            full_text=search.full_text(),
        )
        if not query or too_long:
            return context
        # Ranked among a bounded set of candidates, rows and excerpts for the page shown only.
        public = Article.objects.public()
        articles = search.in_order(
            public.select_related("blog", "author"), search.ranked(public, query)[:10]
        )
        ids = search.ranked(Comment.objects.for_listing().tree_order(), query)
        page = Paginator(ids, self.paginate_by).get_page(self.request.GET.get("page"))
        hits = Comment.objects.attach_display(
            search.in_order(Comment.objects.for_listing(), list(page.object_list))
        )
        search.highlight_page(articles, query)
        search.highlight_page(hits, query)
        _attach_answers(hits)
        context.update(
            articles=articles,
            page_obj=page,
            comments=hits,
            count_capped=len(ids) > search.CANDIDATES,
            candidates=search.CANDIDATES,
        )
        return context
