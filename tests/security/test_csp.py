"""cmforum.security.CSPMiddleware: django-csp's header, built once per process for the
settings' policy; a response with a policy of its own still gets that one."""

from __future__ import annotations

import csp.middleware as django_csp
import pytest
from csp.constants import NONCE
from csp.utils import build_policy
from django.http import HttpResponse

from cmforum.security import CSPMiddleware


def middleware() -> CSPMiddleware:
    return CSPMiddleware(lambda request: HttpResponse())


def respond(rf, response: HttpResponse | None = None) -> HttpResponse:
    mw, request = middleware(), rf.get("/")
    mw.process_request(request)
    return mw.process_response(request, response or HttpResponse())


def test_the_header_is_the_policy_django_csp_builds(rf):
    assert respond(rf)["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in respond(rf)


def test_a_changed_setting_is_seen(rf, settings):
    respond(rf)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    assert respond(rf)["Content-Security-Policy"] == "default-src 'self'"
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    header = respond(rf)["Content-Security-Policy-Report-Only"]
    assert "img-src 'self'" in header and header == build_policy(report_only=True)


def test_a_response_with_its_own_policy_or_a_nonce_gets_what_django_csp_gives(rf, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", NONCE]}}
    for make in (django_csp.CSPMiddleware, CSPMiddleware):
        mw = make(lambda request: HttpResponse())
        response = HttpResponse()
        response._csp_update = {"img-src": ["https://img.example"]}
        request = rf.get("/")
        mw.process_request(request)
        updated = mw.process_response(request, response)["Content-Security-Policy"]
        assert "https://img.example" in updated
        request = rf.get("/")
        mw.process_request(request)
        nonce = str(request.csp_nonce)
        with_nonce = mw.process_response(request, HttpResponse())["Content-Security-Policy"]
        expected = {f"script-src 'self' 'nonce-{nonce}'", "default-src 'self'"}
        assert set(with_nonce.split("; ")) == expected


def test_a_nonce_asked_for_after_the_header_is_an_error(rf):
    from csp.exceptions import CSPNonceError

    mw, request = middleware(), rf.get("/")
    mw.process_request(request)
    mw.process_response(request, HttpResponse())
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_an_exempt_response_or_one_with_its_header_is_left_alone(rf):
    response = HttpResponse()
    response._csp_exempt = True
    assert "Content-Security-Policy" not in respond(rf, response)
    response = HttpResponse()
    response["Content-Security-Policy"] = "default-src 'none'"
    assert respond(rf, response)["Content-Security-Policy"] == "default-src 'none'"
