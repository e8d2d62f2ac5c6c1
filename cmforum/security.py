"""What the public site refuses: weak secret keys in production, and requests it has no
business answering (writes, oversized or control-character query strings); and the
Content-Security-Policy header, built once."""

from __future__ import annotations

import re
from collections.abc import Callable

import csp.middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
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


# --- Content-Security-Policy, built once -----------------------------------------------------

_RESPONSE_POLICY_ATTRS = (
    "_csp_config", "_csp_update", "_csp_replace",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro",
)  # fmt: skip
_policies: dict[bool, str] = {}  # report_only -> header value, for the settings' policy


@receiver(setting_changed)
def _forget_policies(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policies.clear()


def _policy(report_only: bool) -> str:
    policy = _policies.get(report_only)
    if policy is None:
        policy = _policies[report_only] = build_policy(report_only=report_only)
    return policy


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, but the settings' policy is built once per process, not
    for every response (copies of the settings, then a join: a tenth of a cached page's
    time). A response with a policy of its own (csp decorators) or a request that used a
    nonce still gets its header built by django-csp."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, attr, None) is not None for attr in _RESPONSE_POLICY_ATTRS
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, report_only, exempt, name in (
            (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = _policy(report_only)
            if not policy or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
