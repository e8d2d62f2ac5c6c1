"""Reading pages: article list, thread, one comment in context, comment search with
filters, full-text search. Views stay thin: queries live in the QuerySet methods of
threads.models and people.models, filters in threads.filters, search in threads.search."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import ngettext
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from threads import paging, search
from threads.filters import ArticleFilter, CommentFilter
from threads.models import AddresseeLink, Article, Comment, CommentQuerySet
from threads.templatetags.cmforum import MAX_INDENT, CommentMeta, display_name, render_body

MENTION_KINDS = frozenset({"pingback", "trackback", "tweet"})
MIN_MENTION_GROUP = 2  # consecutive leaf mentions folded together from this many
# Markup around the comments of threads/article_detail.html, see finish().
GROUP_START = '<li class="mention-group"><details><summary>{label}</summary><ol class="mentions">'
GROUP_END = "</ol></details></li>"
REPLIES_END = "</ol></details></li>"


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


def layout_thread(comments: list[dict]) -> list[dict]:
    """Prepare one flat loop over a thread in tree order to produce nested markup:
    ``opens`` (this comment's replies start a folding <details>), ``n_replies``,
    ``closes`` (how many reply lists end after it), ``deep`` (beyond MAX_INDENT),
    ``flat_replies``, and ``group_start``/``group_end``/``group_label`` around runs of
    leaf pingbacks and tweets, folded together."""
    n = len(comments)
    descendants = [0] * n
    stack: list[int] = []  # indexes of the open ancestors
    for i, c in enumerate(comments):
        level = c["level"]
        while stack and comments[stack[-1]]["level"] >= level:
            stack.pop()
        for j in stack:
            descendants[j] += 1
        stack.append(i)
    no_close = range(0)
    for i, c in enumerate(comments):
        level = c["level"]
        next_level = comments[i + 1]["level"] if i + 1 < n else 0
        c["opens"] = opens = next_level > level
        c["n_replies"] = descendants[i]
        c["closes"] = no_close if opens else range(max(0, level - next_level))
        c["deep"] = level > MAX_INDENT
        c["flat_replies"] = level >= MAX_INDENT
        c["group_start"] = c["group_end"] = False
        c["answers"] = None
    i = 0
    while i < n:
        j = i
        while j < n and _is_mention(comments[j]) and _same_run(comments[i], comments[j]):
            j += 1
        if j - i >= MIN_MENTION_GROUP:
            comments[i]["group_start"] = True
            comments[j - 1]["group_end"] = True
            comments[i]["group_label"] = _mention_label(comments[i:j])
            i = j
        else:
            i = max(j, i + 1)
    return comments


def _is_mention(c: dict) -> bool:
    return c["kind"] in MENTION_KINDS and not c["opens"] and not c["placeholder"]


def _same_run(first: dict, c: dict) -> bool:
    return c["parent_id"] == first["parent_id"] and c["level"] == first["level"]


def _mention_label(run: list[dict]) -> str:
    kinds: dict[str, int] = {}
    for c in run:
        kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
    words = {
        "tweet": lambda n: ngettext("%(n)s tweet", "%(n)s tweets", n),
        "pingback": lambda n: ngettext("%(n)s pingback", "%(n)s pingbacks", n),
        "trackback": lambda n: ngettext("%(n)s trackback", "%(n)s trackbacks", n),
    }
    return ", ".join(words[k](n) % {"n": n} for k, n in kinds.items())


def date_order(comments: list[dict]) -> list[dict]:
    """The same comments by date (undated ones last, in source order), without
    placeholders; each keeps ``answers``, the comment it replies to in the tree."""
    by_id = {c["id"]: c for c in comments}
    rows = [c for c in comments if not c["placeholder"]]
    for c in rows:
        parent = by_id.get(c["parent_id"])
        c["answers"] = parent if parent is not None and not parent["placeholder"] else None
        c["opens"] = c["deep"] = c["group_start"] = c["group_end"] = False
        c["closes"] = range(0)
    rows.sort(key=lambda c: (c["posted_at"] is None, c["posted_at"] or 0, c["position"]))
    return rows


def decorate(comments: list[dict], meta: CommentMeta) -> list[dict]:
    """What each row shows, computed once in Python rather than looked up piece by
    piece in the template (a lookup costs a few µs, too much for 10,000 comments):
    anchor, CSS classes, the author's name, the body as HTML."""
    for c in comments:
        c["anchor"] = SafeString(f"c{c['id']}")
        classes = f"comment kind-{c['kind']}"
        if c["placeholder"]:
            classes += " placeholder"
        if c["level"] > MAX_INDENT:
            classes += " deep"
        c["css"] = SafeString(classes)
        if c["placeholder"]:
            c["who"] = ""
            c["placeholder_label"] = meta.placeholder_label(c["placeholder"])
            continue
        c["who"] = display_name(c["author__name"], c["author_as_written"], c["flags"])
        c["html"] = render_body(c["body"], c["body_html"])
    return comments


def finish(comments: list[dict], meta: CommentMeta) -> None:
    """Header lines (CommentMeta), the tags around each comment and the labels of folded
    replies, once the order (and so ``answers``) is known."""
    for number, c in enumerate(comments, 1):
        if not c["placeholder"]:
            c["meta"] = meta(c, number)
        # The structural tags around a comment: the start of a folded group of tweets,
        # then, after it, the end of that group and of the reply lists it closes.
        c["before"] = (
            SafeString(GROUP_START.format(label=escape(c["group_label"])))
            if c["group_start"]
            else ""
        )
        after = GROUP_END if c["group_end"] else ""
        c["after"] = SafeString(after + REPLIES_END * len(c["closes"]))
        if c["opens"]:
            n = c["n_replies"]
            if c["placeholder"]:
                label = ngettext("%(n)s réponse", "%(n)s réponses", n) % {"n": n}
            else:
                label = ngettext("%(n)s réponse à %(name)s", "%(n)s réponses à %(name)s", n) % {
                    "n": n,
                    "name": c["who"],
                }
            c["replies_label"] = label
            c["replies_css"] = "replies flat" if c["flat_replies"] else "replies"


class ArticleDetailView(DetailView):
    template_name = "threads/article_detail.html"

    def get_queryset(self):
        return Article.objects.public().select_related("blog", "author", "source")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = "date" if self.request.GET.get("order") == "date" else "tree"
        meta = CommentMeta(
            people_base=reverse("people:detail", args=["x"])[:-2],  # "/people/" or "/en/people/"
            comment_base=reverse("threads:comment", args=[0])[:-2],
        )
        comments = decorate(Comment.objects.thread(self.object), meta)
        live = [c for c in comments if not c["placeholder"]]
        counts: dict[str, int] = {}
        for c in live:
            counts[c["stance"]] = counts.get(c["stance"], 0) + 1
        rows = layout_thread(comments) if order == "tree" else date_order(comments)
        finish(rows, meta)
        context.update(
            order=order,
            comments=rows,
            n_comments=len(live),
            n_dated=sum(1 for c in live if c["posted_at"]),
            n_participants=len({c["author_id"] for c in live if c["author_id"]}),
            stance_counts=counts,
        )
        return context


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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        valid = self.filterset.is_bound and self.filterset.is_valid()
        data = self.filterset.form.cleaned_data if valid else {}
        keys = self.filterset.order_keys() if valid else CommentQuerySet.READING
        queryset = context["object_list"]
        page = paging.paginate(queryset, keys, self.request.GET, self.per_page)
        comments = page.object_list
        _attach_answers(comments)
        if data.get("q"):
            search.highlight_page(comments, data["q"])
        filtered = _active(self.filterset, ignore={"order"})
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
        articles = list(
            search.matching(
                Article.objects.public().select_related("blog", "author"), query, rank=True
            )[:10]
        )
        comments = search.matching(Comment.objects.for_listing().tree_order(), query, rank=True)
        page = Paginator(comments, self.paginate_by).get_page(self.request.GET.get("page"))
        hits = list(page.object_list)
        search.highlight_page(articles, query)
        search.highlight_page(hits, query)
        _attach_answers(hits)
        context.update(articles=articles, page_obj=page, comments=hits)
        return context
