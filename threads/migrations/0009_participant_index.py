from django.db import migrations

# A participant's page: their public comments in order (ids first, threads.paging narrow),
# counted per article and by stance, from the index alone. PostgreSQL carries id and
# stance as INCLUDE columns; SQLite has no INCLUDE (its indexes carry the rowid anyway).
STATEMENTS = {
    "postgresql": "CREATE INDEX comment_public_author ON threads_comment "
    "(author_id, article_id, tree_id, lft) INCLUDE (id, stance) WHERE is_public",
    "sqlite": "CREATE INDEX comment_public_author ON threads_comment "
    "(author_id, article_id, tree_id, lft, stance) WHERE is_public",
}


def create(apps, schema_editor):
    statement = STATEMENTS.get(schema_editor.connection.vendor)
    if statement:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS comment_public_author")


class Migration(migrations.Migration):
    dependencies = [("threads", "0008_public_list_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
