"""Production settings, run as a deployment would run them (a fresh process with its own
environment): check --deploy clean with the documented variables, no start without a real
SECRET_KEY, the admin prefix settable; and the security headers on every response."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from tests.conftest import ROOT

# The variables README "Deploying" documents for a site behind a TLS proxy.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "archive.example.org",
    "HTTPS": "1",
    "BEHIND_PROXY": "1",
}


def run(args: list[str], env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "HTTPS")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "PYTHONWARNINGS": "ignore", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_check_deploy_is_clean_with_the_documented_variables():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    print(result.stdout + result.stderr)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_without_https_variables_check_deploy_names_what_is_missing():
    env = {**PRODUCTION, "HTTPS": "0"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):
        assert f"security.{warning}" in result.stderr


WEAK_KEYS = [None, "", "change-me", "cmforum-local-only-insecure-key", "x" * 60, "short"]


@pytest.mark.parametrize("key", WEAK_KEYS)
def test_with_debug_off_the_site_refuses_a_missing_or_weak_key(key):
    env = {"DEBUG": "0"} if key is None else {"DEBUG": "0", "SECRET_KEY": key}
    result = run(["-c", "import cmforum.wsgi"], env)
    assert result.returncode != 0
    assert "SECRET_KEY is missing or weak" in result.stderr


def test_the_site_starts_with_a_real_key_or_in_debug():
    assert run(["-c", "import cmforum.wsgi"], PRODUCTION).returncode == 0
    assert run(["-c", "import cmforum.asgi"], {"DEBUG": "1"}).returncode == 0


def test_the_admin_prefix_is_settable():
    code = (
        "import django; django.setup(); from django.urls import reverse; "
        "from django.test import Client; c = Client(HTTP_HOST='127.0.0.1'); "
        "print(reverse('admin:index'), c.get('/gestion-7f3a/login/').status_code, "
        "c.get('/admin/login/').status_code, c.post('/gestion-7f3a/login/').status_code)"
    )
    # DEBUG serves static files by name: no collected manifest needed for this check.
    env = {"DJANGO_SETTINGS_MODULE": "cmforum.settings", "ADMIN_URL": "/gestion-7f3a/",
           "DEBUG": "1"}  # fmt: skip
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    # The new prefix serves the admin, whose login form takes a POST (200: the form's
    # errors, not the public site's 405); /admin/ is now a public 404.
    assert result.stdout.split() == ["/gestion-7f3a/", "200", "404", "200"]


@pytest.mark.django_db
def test_security_headers_on_pages(client):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    for url in ("/", "/nexiste-pas/", "/feeds/articles/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if " " in d.strip())
        assert directives["default-src"] == "'none'"
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'none'"
        assert "unsafe" not in policy and "http" not in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
