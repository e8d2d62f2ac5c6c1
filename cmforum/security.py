"""What the public site refuses: weak secret keys in production, and requests it has no
business answering (writes, oversized or control-character query strings)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Keys that are public: the settings' fallback and the placeholder of .env.example.
PUBLIC_KEYS = frozenset({"cmforum-local-only-insecure-key", "change-me"})
SAFE_METHODS = frozenset({"GET", "HEAD"})
# C0 controls and DEL, tab and line breaks aside (a pasted search may hold those).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def weak_secret_key(key: str) -> bool:
    """The rule of Django's check security.W009: long, varied and not a known value."""
    return (
        key in PUBLIC_KEYS
        or key.startswith("django-insecure")
        or len(key) < 50
        or len(set(key)) < 5
    )


def refuse_weak_secret_key() -> None:
    """Called by cmforum.wsgi and cmforum.asgi: with DEBUG off, the site does not start
    on a key anyone can read in the repository."""
    if not settings.DEBUG and weak_secret_key(settings.SECRET_KEY):
        raise ImproperlyConfigured(
            "DEBUG is off and SECRET_KEY is missing or weak: set SECRET_KEY to at least 50 "
            "random characters, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )


class PublicRequestGuard:
    """The public site is read-only: outside the admin, only GET and HEAD are answered
    (405 otherwise, so a write never reaches a view). Query strings are bounded in length
    (414) and may not carry control characters (400): PostgreSQL refuses NUL in any
    string, and nothing legitimate sends them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(self.admin_prefix):
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            response = render(request, "405.html", status=405)
            response["Allow"] = ", ".join(sorted(SAFE_METHODS))
            return response
        if len(request.META.get("QUERY_STRING", "")) > settings.MAX_QUERY_STRING:
            return render(request, "414.html", status=414)
        if any(
            _CONTROL.search(key) or any(_CONTROL.search(v) for v in values)
            for key, values in request.GET.lists()
        ):
            return render(request, "400.html", status=400)
        return self.get_response(request)
