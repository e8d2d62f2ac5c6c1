"""The page cache (cmforum.cache): anonymous public pages are served from the cache, and
every path that writes public data (import, admin curation, merge, merge-candidate decision,
classify_stance, any ORM save) makes the next request show the new data. On LocMem (the
test default) and on the Redis server of the machine."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from cmforum import cache as page_cache
from people.merge import merge_participants
from people.models import MergeCandidate
from tests.conftest import TESTDATA, import_texts
from threads.models import Article, Comment, Stance, StanceSource
from threads.stance import classify

REDIS_URL = "redis://127.0.0.1:6379/0"
COMMENTS_ADMIN = reverse("admin:threads_comment_changelist")


@pytest.fixture
def cached(settings):
    """The page cache on, as in production (it is off for the rest of the suite, whose
    tests count a view's queries on repeated requests)."""
    settings.PAGE_CACHE_SECONDS = 600
    return settings


def get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def fresh(client, settings, url: str) -> bytes:
    """What the page shows when rendered now, bypassing the cache."""
    timeout, settings.PAGE_CACHE_SECONDS = settings.PAGE_CACHE_SECONDS, 0
    try:
        return get(client, url).content
    finally:
        settings.PAGE_CACHE_SECONDS = timeout


def thread_url() -> str:
    return Comment.objects.order_by("-level", "pk").first().article.get_absolute_url()


def assert_shows_new_data(client, settings, url: str, before: bytes) -> None:
    after = get(client, url)
    assert after["X-Cache"] == "miss"
    assert after.content != before
    assert after.content == fresh(client, settings, url)


# --- served from the cache ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_is_served_from_the_cache(texts, cached, client, django_assert_num_queries):
    url = thread_url()
    first = get(client, url)
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = get(client, url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert client.head(url)["X-Cache"] == "hit"  # HEAD is answered from the GET entry


@pytest.mark.django_db
def test_a_cached_page_keeps_every_security_header(texts, cached, client):
    first, second = get(client, "/"), get(client, "/")
    assert second["X-Cache"] == "hit"
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Content-Type",
    ):
        assert second[header] == first[header], header
    assert "nonce-" not in second["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_key_is_the_full_url_and_the_language(texts, cached, client):
    pages = ["/", "/en/", "/comments/", "/comments/?stance=disagree", "/people/"]
    first = {url: get(client, url) for url in pages}
    assert {r["X-Cache"] for r in first.values()} == {"miss"}
    assert first["/"].content != first["/en/"].content
    assert first["/comments/"].content != first["/comments/?stance=disagree"].content
    for url in pages:
        again = get(client, url)
        assert again["X-Cache"] == "hit" and again.content == first[url].content


@pytest.mark.django_db
def test_errors_are_never_cached(texts, cached, client):
    for url, status in [("/articles/nope/", 404), ("/comments/?year=1800", 400)]:
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == status
            assert "X-Cache" not in response
    assert client.post("/").status_code == 405


@pytest.mark.django_db
def test_staff_never_fill_nor_read_the_cache(texts, cached, staff_client, curator):
    url = thread_url()
    for _ in range(2):
        assert "X-Cache" not in get(staff_client, url)
    staff_client.logout()
    assert get(staff_client, url)["X-Cache"] == "miss"  # staff filled nothing
    staff_client.force_login(curator)
    assert "X-Cache" not in get(staff_client, url)  # and read nothing


@pytest.mark.django_db
def test_the_admin_is_never_cached(texts, cached, client):
    for _ in range(2):
        assert "X-Cache" not in client.get(reverse("admin:login"))


@pytest.mark.django_db
def test_a_cache_that_is_down_serves_pages_uncached(texts, cached, client, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    response = get(client, "/")
    assert "X-Cache" not in response


# --- invalidation ---------------------------------------------------------------------------
# transaction=True: the version is replaced on commit, and a test wrapped in one transaction
# never commits.


@pytest.mark.django_db(transaction=True)
def test_an_import_shows_on_the_next_request(texts, cached, client, settings):
    before = get(client, "/").content
    assert get(client, "/")["X-Cache"] == "hit"
    call_command("import_dump", str(TESTDATA / "realworld" / "wxr-isso-wordpress.xml"), verbosity=0)
    assert_shows_new_data(client, settings, "/", before)


@pytest.mark.django_db(transaction=True)
def test_an_unchanged_reimport_keeps_the_cache(texts, cached, client):
    get(client, "/")
    version = page_cache.archive_version()
    import_texts()
    assert page_cache.archive_version() == version
    assert get(client, "/")["X-Cache"] == "hit"


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_keeps_the_cache(texts, cached, client):
    version = page_cache.archive_version()
    call_command(
        "import_dump",
        str(TESTDATA / "realworld" / "wxr-isso-wordpress.xml"),
        "--dry-run",
        stdout=io.StringIO(),
    )
    assert page_cache.archive_version() == version


@pytest.mark.django_db(transaction=True)
def test_a_bulk_stance_curation_shows_on_the_next_request(
    texts, cached, client, staff_client, settings
):
    comment = Comment.objects.exclude(stance=Stance.DISAGREE).filter(is_public=True).first()
    url = reverse("threads:comment", args=[comment.pk])
    anonymous = client.__class__()
    before = get(anonymous, url).content
    assert get(anonymous, url)["X-Cache"] == "hit"
    staff_client.post(
        COMMENTS_ADMIN, {"action": "stance_disagree", "_selected_action": [comment.pk]}
    )
    assert Comment.objects.get(pk=comment.pk).stance == Stance.DISAGREE
    assert_shows_new_data(anonymous, settings, url, before)


@pytest.mark.django_db(transaction=True)
def test_a_stance_change_form_shows_on_the_next_request(texts, cached, staff_client, settings):
    comment = Comment.objects.exclude(stance=Stance.NUANCED).filter(is_public=True).first()
    url = reverse("threads:comment", args=[comment.pk])
    anonymous = staff_client.__class__()
    before = get(anonymous, url).content
    change = reverse("admin:threads_comment_change", args=[comment.pk])
    response = staff_client.post(change, {"stance": "nuanced", "stance_cue": "d’accord, mais"})
    assert response.status_code == 302
    assert_shows_new_data(anonymous, settings, url, before)


@pytest.mark.django_db(transaction=True)
def test_an_article_position_curation_shows_on_the_next_request(
    texts, cached, staff_client, settings
):
    article = Article.objects.filter(is_public=True).exclude(position="defends").first()
    anonymous = staff_client.__class__()
    before = get(anonymous, "/").content
    change = reverse("admin:threads_article_change", args=[article.pk])
    response = staff_client.post(change, {"position": "defends", "position_cue": "je défends"})
    assert response.status_code == 302
    assert_shows_new_data(anonymous, settings, "/", before)


@pytest.mark.django_db(transaction=True)
def test_a_merge_shows_on_the_next_request(texts, cached, client, settings, curator):
    from tests.people.test_merge import named

    flavien = named("Flavien Chantrel")
    url = flavien.get_absolute_url()
    before = get(client, url).content
    assert get(client, url)["X-Cache"] == "hit"
    merge_participants(flavien, [named("Flav"), named("Flavien")], curator)
    assert_shows_new_data(client, settings, url, before)


@pytest.mark.django_db(transaction=True)
def test_a_merge_candidate_decision_bumps_the_version(texts, cached, staff_client):
    candidate = MergeCandidate.objects.filter(status=MergeCandidate.Status.PENDING).first()
    if candidate is None:
        pytest.skip("the five texts propose no merge candidate")
    version = page_cache.archive_version()
    staff_client.post(
        reverse("admin:people_mergecandidate_changelist"),
        {"action": "reject", "_selected_action": [candidate.pk]},
    )
    assert MergeCandidate.objects.get(pk=candidate.pk).status == MergeCandidate.Status.REJECTED
    assert page_cache.archive_version() != version


@pytest.mark.django_db(transaction=True)
def test_classify_stance_shows_on_the_next_request(texts, cached, client, settings):
    comment = Comment.objects.filter(is_public=True).first()
    url = reverse("threads:comment", args=[comment.pk])
    label = classify(comment.body, comment.kind).label
    wrong = Stance.DISAGREE if label != Stance.DISAGREE else Stance.AGREE
    # An uncurated comment with a wrong label, written without a signal (no bump).
    Comment.objects.filter(pk=comment.pk).update(stance=wrong, stance_source=StanceSource.AUTO)
    before = get(client, url).content
    call_command("classify_stance", stdout=io.StringIO())
    assert Comment.objects.get(pk=comment.pk).stance == label
    assert_shows_new_data(client, settings, url, before)


@pytest.mark.django_db(transaction=True)
def test_any_save_of_public_data_bumps_once_on_commit_and_never_on_rollback(texts, cached):
    version = page_cache.archive_version()
    article = Article.objects.first()
    with transaction.atomic():
        article.title = "Un autre titre"
        article.save()
        Comment.objects.first().save()
        assert page_cache.archive_version() == version  # not before the commit
        callbacks = transaction.get_connection().run_on_commit
        assert sum(f is page_cache._set_new_version for _, f, _ in callbacks) == 1
    assert page_cache.archive_version() != version

    version = page_cache.archive_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        article.save()
        raise RuntimeError
    assert page_cache.archive_version() == version


@pytest.mark.django_db(transaction=True)
def test_article_version_follows_the_archive_version():
    before = page_cache.article_version(1)
    assert before != page_cache.article_version(2)
    page_cache.bump_archive_version()
    assert page_cache.article_version(1) != before


# --- Redis --------------------------------------------------------------------------------


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture
def on_redis(cached):
    if not _redis_up():
        pytest.skip("no Redis server on 127.0.0.1:6379 (.ci/run starts one)")
    import redis

    # A private prefix: the server is shared, and cache.clear() would flush all of it.
    prefix = f"cmforum-test-{uuid.uuid4().hex}"
    cached.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield cached
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.mark.django_db(transaction=True)
def test_on_redis_a_page_is_served_from_the_cache_and_an_import_invalidates_it(
    texts, on_redis, client
):
    assert type(caches["default"]).__name__ == "RedisCache"
    first = get(client, "/")
    assert first["X-Cache"] == "miss"
    assert get(client, "/")["X-Cache"] == "hit"
    call_command("import_dump", str(TESTDATA / "realworld" / "wxr-isso-wordpress.xml"), verbosity=0)
    assert_shows_new_data(client, on_redis, "/", first.content)
    assert get(client, "/")["X-Cache"] == "hit"


@pytest.mark.django_db(transaction=True)
def test_on_redis_a_curation_and_a_merge_invalidate(texts, on_redis, client, curator):
    from tests.people.test_merge import named

    flavien = named("Flavien Chantrel")
    url = flavien.get_absolute_url()
    before = get(client, url).content
    assert get(client, url)["X-Cache"] == "hit"
    merge_participants(flavien, [named("Flav"), named("Flavien")], curator)
    assert_shows_new_data(client, on_redis, url, before)

    comment = Comment.objects.filter(is_public=True, author=flavien).first()
    before = get(client, url).content
    staff = client.__class__()
    staff.force_login(curator)
    new = Stance.NEUTRAL if comment.stance != Stance.NEUTRAL else Stance.AGREE
    staff.post(COMMENTS_ADMIN, {"action": f"stance_{new}", "_selected_action": [comment.pk]})
    assert_shows_new_data(client, on_redis, url, before)


# --- the file cache (the default without REDIS_URL) ---------------------------------------------


@pytest.fixture
def on_files(cached, tmp_path):
    cached.CACHES = {"default": {"BACKEND": "cmforum.cache.FileCache", "LOCATION": str(tmp_path)}}
    return cached


@pytest.mark.django_db
def test_on_files_a_page_is_served_from_the_cache_and_stored_uncompressed(
    texts, on_files, client, tmp_path
):
    assert type(caches["default"]).__name__ == "FileCache"
    url = thread_url()
    first = get(client, url)
    assert first["X-Cache"] == "miss"
    second = get(client, url)
    assert second["X-Cache"] == "hit" and second.content == first.content
    # The page is in a file as it is: a hit decompresses nothing.
    assert any(first.content in f.read_bytes() for f in tmp_path.glob("*.djcache"))


def test_the_file_cache_reads_what_django_s_file_cache_wrote(tmp_path):
    from django.core.cache.backends.filebased import FileBasedCache

    django_cache = FileBasedCache(str(tmp_path), {})
    files = page_cache.FileCache(str(tmp_path), {})
    value = (200, {"Content-Type": "text/html"}, b"<p>page</p>" * 100)
    django_cache.set("old", value, 60)
    assert files.get("old") == value
    assert files.touch("old", 120) and files.get("old") == value
    files.set("new", value, 60)
    assert files.get("new") == value and files.get("missing", "none") == "none"
    files.set("gone", value, -1)
    assert files.get("gone") is None
