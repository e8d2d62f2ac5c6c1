from django.db.models import Count
from django.views.generic import DetailView, ListView

from people.models import Participant


class ParticipantListView(ListView):
    template_name = "people/participant_list.html"
    paginate_by = 100

    def get_queryset(self):
        return Participant.objects.annotate(n_comments=Count("comments")).order_by(
            "-n_comments", "name"
        )


class ParticipantDetailView(DetailView):
    template_name = "people/participant_detail.html"

    def get_queryset(self):
        return Participant.objects.prefetch_related("aliases")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["comments"] = (
            self.object.comments.public()
            .select_related("article", "article__blog")
            .order_by("article__published_at", "article_id", "tree_id", "lft")
        )
        context["articles"] = self.object.articles.public().select_related("blog")
        return context
