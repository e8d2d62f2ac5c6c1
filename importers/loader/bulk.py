"""New comment rows written in bulk.

On PostgreSQL the ids are taken from the table's sequence in one query, so every parent
id is known before anything is written, and all the rows go in one COPY (psycopg 3's
``cursor.copy``): no level-by-level inserts, no per-row SQL. Foreign keys are deferred
to commit (Django creates them DEFERRABLE INITIALLY DEFERRED), so row order is free.
Elsewhere (SQLite) rows are inserted level by level with ``bulk_create``, which returns
each row's id for its children."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, router

from threads.models import Comment


def _json_dumper() -> Callable[[Any], Any]:
    from psycopg.types.json import Jsonb

    return Jsonb


def allocate_ids(model: type[models.Model], n: int) -> list[int]:
    """``n`` fresh primary keys from the table's sequence (PostgreSQL)."""
    if n == 0:
        return []
    db = router.db_for_write(model)
    table = model._meta.db_table
    column = model._meta.pk.column
    with connections[db].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, n],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(rows: Sequence[models.Model]) -> None:
    """Write model instances that already have their primary key, in one COPY."""
    if not rows:
        return
    model = type(rows[0])
    db = router.db_for_write(model)
    connection = connections[db]
    fields = model._meta.concrete_fields
    jsonb = _json_dumper()
    # Only JSON needs wrapping: psycopg adapts str, int, float, bool, None and aware
    # datetimes itself (and str subclasses such as TextChoices members).
    wrap = [isinstance(f, models.JSONField) for f in fields]
    attnames = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    connection.ensure_connection()
    with connection.cursor() as wrapper, wrapper.cursor.copy(sql) as copy:
        for row in rows:
            values = row.__dict__
            copy.write_row(
                [
                    jsonb(values[name]) if json else values[name]
                    for name, json in zip(attnames, wrap, strict=True)
                ]
            )
    for row in rows:
        row._state.adding = False
        row._state.db = db


def create_comments(nodes: list[Comment], parents: list[int | None]) -> None:
    """Insert the nodes without a primary key and set every node's ``parent_id`` from
    ``parents`` (indices into ``nodes``). Tree fields must already be set."""
    new = [row for row in nodes if row.pk is None]
    db = router.db_for_write(Comment)
    if connections[db].vendor == "postgresql":
        for row, pk in zip(new, allocate_ids(Comment, len(new)), strict=True):
            row.pk = pk
        for row, parent in zip(nodes, parents, strict=True):
            row.parent_id = nodes[parent].pk if parent is not None else None
        copy_rows(new)
        return
    by_level: dict[int, list[int]] = {}
    for i, row in enumerate(nodes):
        by_level.setdefault(row.level, []).append(i)
    for level in sorted(by_level):
        for i in by_level[level]:
            parent = parents[i]
            nodes[i].parent_id = nodes[parent].pk if parent is not None else None
        created = [nodes[i] for i in by_level[level] if nodes[i].pk is None]
        if created:
            # No batch size: Django splits by the backend's limit on query parameters.
            Comment.objects.bulk_create(created)
