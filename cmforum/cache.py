"""Caching of public pages, invalidated by version keys.

Every public page depends on the whole archive (lists, counts, participants' names in every
thread), so one **archive version** is the invalidation key: a token in the cache, replaced
after every commit that changes public data. Cached pages are keyed by that version; a new
version makes every old entry unreachable at once (they then expire by their timeout).

Who bumps it, always with ``transaction.on_commit`` (a rolled-back import or curation
changes nothing, and no request can cache old data under the new version):

* ``bump_archive_version()``, called by the loader after a file that changed something,
  by the admin's curations, by merges and merge-candidate decisions, by ``classify_stance``
  (the paths that write with ``update()`` / ``bulk_update()``, which send no signals);
* a ``post_save`` / ``post_delete`` receiver on every public model (``threads``, ``people``),
  a safety net for any other ``.save()`` (admin forms, the shell), registered once per
  transaction.

The token is random, not a counter: replacing it is a single ``set`` on every backend, so
two processes bumping at once cannot lose an update. A missing token (evicted, or a fresh
cache) is created on first read, which also invalidates everything.

Other code may key fragments on ``archive_version()`` or ``article_version(article_id)``.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import secrets
import zlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "cmforum:archive-version"
PAGE_PREFIX = "cmforum:page"
# Apps whose rows are shown on public pages; ImportLock is bookkeeping of every import.
PUBLIC_APPS = frozenset({"threads", "people"})
NOT_PUBLIC = frozenset({"threads.importlock"})
# Response Vary headers the page key already accounts for: the language is in the key
# (cmforum's language comes from the URL prefix) and only anonymous requests are cached.
VARY_COVERED = frozenset({"accept-language", "cookie"})


# --- versions ---------------------------------------------------------------------------------


def archive_version() -> str:
    """The current archive version: changes after every commit that changes public data."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # add(): if two processes race, one token wins and both read it back.
        cache.add(VERSION_KEY, secrets.token_hex(8), None)
        version = cache.get(VERSION_KEY) or "unversioned"
    return version


def article_version(article_id: int) -> str:
    """The version of one article's rendered thread. Today it follows the archive version:
    a thread shows participants' names and links that a merge changes anywhere, so only the
    global key is always right. Callers use this so that a finer key can come later."""
    return f"{archive_version()}:{article_id}"


def _set_new_version() -> None:
    cache.set(VERSION_KEY, secrets.token_hex(8), None)


def bump_archive_version(using: str | None = None) -> None:
    """Invalidate every cached public page once the current transaction commits (at once
    outside a transaction). Registered once per transaction, however often it is called."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
        func is _set_new_version for _sids, func, _robust in connection.run_on_commit
    ):
        return
    # robust: a cache that is down must not turn a committed import into an error.
    transaction.on_commit(_set_new_version, using=using, robust=True)


def _public(sender) -> bool:
    meta = sender._meta
    return meta.app_label in PUBLIC_APPS and meta.label_lower not in NOT_PUBLIC


def _on_write(sender, using=None, **kwargs) -> None:
    if _public(sender):
        bump_archive_version(using)


def connect_signals() -> None:
    """Called by cmforum.apps.CmforumConfig.ready(), in every process (server, commands)."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"cmforum.cache.{signal!r}")


# --- page cache -------------------------------------------------------------------------------


def page_key(request: HttpRequest, version: str) -> str:
    """Full URL (scheme, host, path, query) + language + archive version, hashed to a
    fixed length (URLs may be 2 kB)."""
    url = request.build_absolute_uri()
    digest = hashlib.sha256(f"{get_language()}|{url}".encode()).hexdigest()
    return f"{PAGE_PREFIX}:{version}:{digest}"


def _cacheable_request(request: HttpRequest, admin_prefix: str) -> bool:
    if request.method not in ("GET", "HEAD") or request.path_info.startswith(admin_prefix):
        return False
    user = getattr(request, "user", None)
    # Staff (any logged-in user) see the live site and never fill the cache.
    return not (user is not None and user.is_authenticated)


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or getattr(request, "_csp_nonce", None):
        # A Set-Cookie (CSRF, session, messages) or a CSP nonce is per visitor.
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h.strip()}
    return vary <= VARY_COVERED


class PageCacheMiddleware:
    """Serves anonymous GET/HEAD requests of public pages from the cache, keyed by
    page_key(). Placed after AuthenticationMiddleware (it needs request.user) and after
    LocaleMiddleware (the language); outer middlewares (CSP, security headers, whitenoise)
    still run on a cached response, so its headers are as fresh as an uncached one's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.PAGE_CACHE_SECONDS  # read per request: tests turn it on and off
        if not timeout or not _cacheable_request(request, self.admin_prefix):
            return self.get_response(request)
        try:
            # The version is read before the page is rendered: a commit during the render
            # bumps it, so what this render stores is never served as the new version.
            key = page_key(request, archive_version())
            entry = cache.get(key)
        except Exception:  # a cache that is down: serve the page uncached
            logger.exception("page cache unavailable")
            return self.get_response(request)
        if entry is not None:
            status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _cacheable_response(request, response):
            headers = {k: v for k, v in response.items() if k.lower() != "x-cache"}
            try:
                cache.set(key, (response.status_code, headers, response.content), timeout)
            except Exception:
                logger.exception("page cache unavailable")
            response["X-Cache"] = "miss"
        return response


# --- the file cache ---------------------------------------------------------------------------


def _loads(data: bytes):
    # A pickle starts with PROTO (0x80); an entry that Django's FileBasedCache wrote (before
    # this backend, or by another process) is a zlib stream, which starts with 0x78.
    if data[:1] == b"\x78":
        data = zlib.decompress(data)
    return pickle.loads(data)


class FileCache(FileBasedCache):
    """Django's file cache, its entries not compressed: a page cache hit decompressed the
    whole page (half a millisecond for a 160 kB thread, more than the rest of the hit),
    and a miss compressed it (about a second for the 8 MB of a 10,000-comment thread).
    Entries take more disk (MAX_ENTRIES bounds how many); compressed ones are still read."""

    def get(self, key, default=None, version=None):
        fname = self._key_to_file(key, version)
        try:
            with open(fname, "rb") as f:
                if not self._is_expired(f):
                    return _loads(f.read())
        except FileNotFoundError:
            pass
        return default

    def _write_content(self, file, timeout, value):
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            with open(self._key_to_file(key, version), "r+b") as f:
                try:
                    locks.lock(f, locks.LOCK_EX)
                    if self._is_expired(f):
                        return False
                    previous_value = _loads(f.read())
                    f.seek(0)
                    self._write_content(f, timeout, previous_value)
                    f.truncate()
                    return True
                finally:
                    locks.unlock(f)
        except FileNotFoundError:
            return False
