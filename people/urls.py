from django.urls import path

from people import views

app_name = "people"
urlpatterns = [
    path("", views.ParticipantListView.as_view(), name="list"),
    path("<slug:slug>/", views.ParticipantDetailView.as_view(), name="detail"),
]
