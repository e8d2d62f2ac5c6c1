from django.urls import path

from threads import views

app_name = "threads"
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("comments/<int:pk>/", views.CommentDetailView.as_view(), name="comment"),
]
