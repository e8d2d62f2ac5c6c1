from django.urls import path

from threads import feeds, views

app_name = "threads"
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("articles/<slug:slug>/feed/", feeds.ThreadCommentsFeed(), name="article_feed"),
    path("comments/", views.CommentListView.as_view(), name="comments"),
    path("comments/<int:pk>/", views.CommentDetailView.as_view(), name="comment"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/articles/", feeds.LatestArticlesFeed(), name="articles_feed"),
]
