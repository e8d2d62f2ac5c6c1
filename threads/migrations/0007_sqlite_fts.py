"""Full-text search on SQLite: FTS5 tables over articles (title, body) and comments (body,
author as written), tokenizer unicode61 with remove_diacritics 2, kept in sync by
triggers. Nothing happens on PostgreSQL, which has its tsvector columns (0002_search).
threads.search.ensure_fts checks the triggers again after every migrate."""

from django.db import migrations

TABLES = {
    "threads_article": ("title", "body"),
    "threads_comment": ("body", "author_as_written"),
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from threads.search import fts_statements

    for table, columns in TABLES.items():
        for statement in fts_statements(table, columns):
            schema_editor.execute(statement)
        schema_editor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        for suffix in ("_insert", "_delete", "_update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fts{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")


class Migration(migrations.Migration):
    dependencies = [("threads", "0006_aggregates_and_list_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
