"""French pages are unprefixed; the same pages in English live under /en/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    *i18n_patterns(
        path("people/", include("people.urls")),
        path("", include("threads.urls")),
        prefix_default_language=False,
    ),
]
