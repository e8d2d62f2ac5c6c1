"""The public site is read-only: the admin is the only place where data changes. Writes
to every public URL, anonymous or logged in as staff, are refused (405) and change
nothing; GET and HEAD are answered, feeds included."""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.core import serializers
from django.test import Client

from tests.security.test_bad_requests import public_urls

pytestmark = pytest.mark.django_db

WRITES = ["post", "put", "patch", "delete", "options"]
# What a write might try: a curation edit, a new comment, an admin-like action.
BODIES = [
    {"stance": "agree", "stance_source": "curated"},
    {"body": "<script>alert(1)</script>", "author_as_written": "intrus", "parent": "1"},
    {"action": "delete_selected", "_selected_action": "1", "post": "yes"},
]


def fingerprint() -> str:
    """A digest of every row of the project's apps and of the users."""
    digest = hashlib.sha256()
    for label in ("threads", "people", "importers", "auth"):
        for model in apps.get_app_config(label).get_models():
            rows = model._default_manager.order_by("pk")
            digest.update(serializers.serialize("json", rows).encode())
    return digest.hexdigest()


def urls() -> list[str]:
    return [*public_urls(), "/comments/?stance=agree", "/nexiste-pas/", "/static/css/cmforum.css"]


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_writes_to_public_urls_are_refused_and_change_nothing(hostile, curator, who):
    client = Client(HTTP_HOST="127.0.0.1")
    if who == "staff":
        client.force_login(curator)
    before = fingerprint()
    refused = 0
    for url in urls():
        for method in WRITES:
            for body in BODIES:
                response = getattr(client, method)(url, body)
                assert response.status_code == 405, (method, url, response.status_code)
                assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
                refused += 1
    assert fingerprint() == before
    assert refused == len(urls()) * len(WRITES) * len(BODIES)


def test_public_pages_and_feeds_answer_get_and_head(hostile, client):
    for url in public_urls():
        assert client.get(url).status_code == 200, url
        head = client.head(url)
        assert head.status_code == 200 and head.content == b"", url


def test_the_admin_still_accepts_writes(hostile, staff_client):
    """The guard stops at the admin prefix: a curator's edit goes through."""
    from django.conf import settings

    from threads.models import Comment

    comment = Comment.objects.filter(is_public=True).first()
    url = f"/{settings.ADMIN_URL}threads/comment/{comment.pk}/change/"
    stance = "neutral" if comment.stance != "neutral" else "agree"
    response = staff_client.post(url, {"stance": stance, "stance_cue": "", "_save": "1"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.stance == stance and comment.stance_source == "curated"
