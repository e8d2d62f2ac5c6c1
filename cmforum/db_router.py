"""Reads of public pages on read replicas; everything else on the primary.

settings.DATABASE_REPLICAS lists the replica aliases (from DATABASE_REPLICA_URLS). A read
goes to a replica only inside ``replica_reads()``, which ReplicaReadsMiddleware opens for an
anonymous GET/HEAD of a public page, and only outside a transaction. Writes, transactions,
the admin, staff (who must see their own curations at once, whatever the replication lag),
imports and every management command use the primary: they never enter replica_reads().
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

_replica_reads: ContextVar[bool] = ContextVar("cmforum_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        replicas = settings.DATABASE_REPLICAS
        if replicas and _replica_reads.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # Replicas are interchangeable; a random pick spreads the load without state.
            return random.choice(replicas)
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Every alias holds the same data (replicas are copies of the primary).
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        # Replicas get the schema by replication, never by migrate.
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """After AuthenticationMiddleware: anonymous GET/HEAD outside the admin read from a
    replica. Nothing to do without replicas."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            not settings.DATABASE_REPLICAS
            or request.method not in ("GET", "HEAD")
            or request.path_info.startswith(self.admin_prefix)
            or (user is not None and user.is_authenticated)
        ):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)
