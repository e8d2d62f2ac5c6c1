"""Reading pages: article list, thread, one comment in context, comment search with
filters, full-text search. Views stay thin: queries live in the QuerySet methods of
threads.models and people.models, filters in threads.filters, search in threads.search."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from threads import search
from threads.filters import ArticleFilter, CommentFilter
from threads.models import AddresseeLink, Article, Comment

MAX_INDENT = 6  # deeper replies are not indented further; a marker shows the depth
MENTION_KINDS = frozenset({"pingback", "trackback", "tweet"})
MIN_MENTION_GROUP = 2  # consecutive leaf mentions folded together from this many


class ArticleListView(FilterView):
    template_name = "threads/article_list.html"
    filterset_class = ArticleFilter
    paginate_by = 30

    def get_queryset(self):
        return Article.objects.listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        activity = Comment.objects.public().filter(article__in=page).monthly_activity()
        for article in page:
            article.activity = activity.get(article.pk, [])
        context["articles"] = page
        context["filtered"] = _active(self.filterset, ignore={"sort"})
        return context


def _active(filterset, ignore=frozenset()) -> bool:
    data = filterset.data or {}
    return any(v for k, v in data.items() if k in filterset.filters and k not in ignore)


def layout_thread(comments: list[Comment]) -> list[Comment]:
    """Prepare one flat loop over a thread in tree order to produce nested markup:
    ``opens`` (this comment's replies start a folding <details>), ``n_replies``,
    ``closes`` (how many reply lists end after it), ``deep`` (beyond MAX_INDENT), and
    ``group_start``/``group_end``/``group_label`` around runs of leaf pingbacks and
    tweets, folded together."""
    n = len(comments)
    descendants = [0] * n
    stack: list[int] = []  # indexes of open ancestors
    for i, c in enumerate(comments):
        while stack and comments[stack[-1]].level >= c.level:
            stack.pop()
        for j in stack:
            descendants[j] += 1
        stack.append(i)
    for i, c in enumerate(comments):
        next_level = comments[i + 1].level if i + 1 < n else 0
        c.opens = next_level > c.level
        c.n_replies = descendants[i]
        c.closes = range(max(0, c.level - next_level)) if not c.opens else range(0)
        c.deep = c.level > MAX_INDENT
        c.flat_replies = c.level >= MAX_INDENT
        c.is_mention = c.kind in MENTION_KINDS and not c.opens
        c.group_start = c.group_end = False
    i = 0
    while i < n:
        j = i
        while (
            j < n
            and comments[j].is_mention
            and not comments[j].placeholder
            and comments[j].parent_id == comments[i].parent_id
            and (j == i or comments[j].level == comments[i].level)
        ):
            j += 1
        if j - i >= MIN_MENTION_GROUP:
            comments[i].group_start = True
            comments[j - 1].group_end = True
            comments[i].group_label = _mention_label(comments[i:j])
            # only the last of the run closes the ancestors' lists
            for c in comments[i : j - 1]:
                c.closes = range(0)
            i = j
        else:
            i = max(j, i + 1)
    return comments


def _mention_label(run: list[Comment]) -> str:
    kinds: dict[str, int] = {}
    for c in run:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    words = {
        "tweet": lambda n: ngettext("%(n)s tweet", "%(n)s tweets", n),
        "pingback": lambda n: ngettext("%(n)s pingback", "%(n)s pingbacks", n),
        "trackback": lambda n: ngettext("%(n)s trackback", "%(n)s trackbacks", n),
    }
    return ", ".join(words[k](n) % {"n": n} for k, n in kinds.items())


def date_order(comments: list[Comment]) -> list[Comment]:
    """The same comments by date (undated ones last, in source order), without
    placeholders; each keeps ``answers``, the comment it replies to in the tree."""
    by_id = {c.pk: c for c in comments}
    rows = [c for c in comments if not c.placeholder]
    for c in rows:
        parent = by_id.get(c.parent_id)
        c.answers = parent if parent is not None and not parent.placeholder else None
        c.opens, c.closes, c.deep, c.group_start, c.group_end = False, range(0), False, False, False
    rows.sort(key=lambda c: (c.posted_at is None, c.posted_at or 0, c.position, c.pk))
    return rows


class ArticleDetailView(DetailView):
    template_name = "threads/article_detail.html"

    def get_queryset(self):
        return Article.objects.public().select_related("blog", "author", "source")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = "date" if self.request.GET.get("order") == "date" else "tree"
        comments = Comment.objects.thread(self.object)
        live = [c for c in comments if not c.placeholder]
        counts = {}
        for c in live:
            counts[c.stance] = counts.get(c.stance, 0) + 1
        context.update(
            order=order,
            comments=layout_thread(comments) if order == "tree" else date_order(comments),
            n_comments=len(live),
            n_dated=sum(1 for c in live if c.posted_at),
            n_participants=len({c.author_id for c in live if c.author_id}),
            n_mentions=sum(1 for c in live if c.kind in MENTION_KINDS),
            stance_counts=counts,
            comment_base=reverse("threads:comment", args=[0])[:-2],
            people_base=reverse("people:detail", args=["x"])[:-2],
        )
        return context


class CommentDetailView(DetailView):
    template_name = "threads/comment_detail.html"
    context_object_name = "comment"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Comment.objects.public().select_related(
                "article", "article__blog", "author", "parent"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comment = self.object
        ancestors = list(comment.get_ancestors().select_related("author"))
        replies = list(comment.get_children().public().select_related("author"))
        shown = {c.pk: c for c in [*ancestors, comment, *replies]}
        for c in shown.values():
            c.addressees = []
            c.placeholder = "" if c.is_public else ("deleted" if c.status == "deleted" else "hidden")
        links = AddresseeLink.objects.filter(source__in=list(shown)).select_related(
            "target", "target__author"
        )
        for link in links.order_by("source_id", "target__tree_id", "target__lft"):
            target = link.target
            if target.is_public and not shown[link.source_id].placeholder:
                shown[link.source_id].addressees.append(target)
        context.update(ancestors=ancestors, replies=replies)
        return context


class CommentListView(FilterView):
    template_name = "threads/comment_list.html"
    filterset_class = CommentFilter
    paginate_by = 50

    def get_queryset(self):
        return Comment.objects.for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        _attach_answers(page)
        query = self.filterset.form.cleaned_data.get("q") if self.filterset.is_bound else ""
        if query and self.filterset.is_valid():
            search.highlight_page(page, query)
        context["comments"] = page
        context["filtered"] = _active(self.filterset, ignore={"order"})
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = " ".join(self.request.GET.get("q", "").split())[:300]
        context.update(query=query, full_text=search.full_text())
        if not query:
            return context
        articles = list(
            search.matching(
                Article.objects.public().select_related("blog", "author"), query, rank=True
            )[:10]
        )
        comments = search.matching(
            Comment.objects.for_listing().tree_order(), query, rank=True
        )
        page = Paginator(comments, self.paginate_by).get_page(self.request.GET.get("page"))
        hits = list(page.object_list)
        search.highlight_page(articles, query)
        search.highlight_page(hits, query)
        _attach_answers(hits)
        context.update(articles=articles, page_obj=page, comments=hits)
        return context
