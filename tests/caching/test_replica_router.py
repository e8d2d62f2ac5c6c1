"""The read-replica router (cmforum.db_router), with a "replica" alias that mirrors the
primary in tests (TEST MIRROR): anonymous reads of public pages go to the replica; staff,
the admin, writes and anything in a transaction go to the primary."""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmforum.db_router import ReplicaRouter, replica_reads
from threads.models import Article, Comment

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = ["replica"]
    return settings


def queries(client, url: str) -> tuple[int, int, bytes]:
    """(queries on the primary, queries on the replica, the page)."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(url)
    assert response.status_code == 200, url
    return len(primary), len(replica), response.content


def test_the_replica_mirrors_the_primary_in_tests(texts):
    assert connections["replica"].settings_dict["TEST"]["MIRROR"] == "default"
    assert Article.objects.using("replica").count() == Article.objects.count() > 0


def test_anonymous_public_pages_read_from_the_replica(texts, replicas, client):
    thread = Comment.objects.order_by("-level", "pk").first().article.get_absolute_url()
    urls = ["/", thread, "/comments/", "/people/", "/search/?q=community"]
    if connections["default"].vendor == "sqlite":
        # threads.search registers its SQLite function on the default connection only;
        # replicas are a PostgreSQL deployment (docs/scaling.md).
        urls.remove("/search/?q=community")
    for url in urls:
        on_primary, on_replica, _ = queries(client, url)
        assert on_replica > 0 and on_primary == 0, url


def test_without_replicas_everything_reads_from_the_primary(texts, client):
    on_primary, on_replica, _ = queries(client, "/")
    assert on_primary > 0 and on_replica == 0


def test_replica_and_primary_render_the_same_page(texts, settings, client):
    *_, primary = queries(client, "/comments/")
    settings.DATABASE_REPLICAS = ["replica"]
    *_, replica = queries(client, "/comments/")
    assert replica == primary


def test_staff_and_the_admin_read_from_the_primary(texts, replicas, staff_client):
    for url in ["/", reverse("admin:threads_comment_changelist")]:
        on_primary, on_replica, _ = queries(staff_client, url)
        assert on_primary > 0 and on_replica == 0, url


def test_writes_and_transactions_use_the_primary(texts, replicas):
    router = ReplicaRouter()
    assert router.db_for_read(Article) == "default"  # outside a public request
    with replica_reads():
        assert router.db_for_read(Article) == "replica"
        assert router.db_for_write(Article) == "default"
        with transaction.atomic():
            # Read-your-writes inside a transaction, and select_for_update needs the primary.
            assert router.db_for_read(Article) == "default"
    assert router.allow_migrate("default", "threads")
    assert not router.allow_migrate("replica", "threads")
