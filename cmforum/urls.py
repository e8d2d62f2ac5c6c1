"""French pages are unprefixed; the same pages in English live under /en/. The admin's
prefix is settings.ADMIN_URL."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    *i18n_patterns(
        path("people/", include("people.urls")),
        path("", include("threads.urls")),
        prefix_default_language=False,
    ),
]
