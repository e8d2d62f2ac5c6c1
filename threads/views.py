from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from threads.models import Article, Comment


class ArticleListView(ListView):
    template_name = "threads/article_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            Article.objects.public()
            .select_related("blog", "author")
            .annotate(n_comments=Count("comments", filter=Q(comments__is_public=True)))
        )


class ArticleDetailView(DetailView):
    template_name = "threads/article_detail.html"

    def get_queryset(self):
        return Article.objects.public().select_related("blog", "author", "source")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["comments"] = (
            self.object.comments.filter(is_public=True).select_related("author").tree_order()
        )
        return context


class CommentDetailView(DetailView):
    template_name = "threads/comment_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Comment.objects.public().select_related("article", "author"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comment = self.object
        context["ancestors"] = (
            comment.get_ancestors().filter(is_public=True).select_related("author")
        )
        context["replies"] = comment.get_children().filter(is_public=True).select_related("author")
        return context
