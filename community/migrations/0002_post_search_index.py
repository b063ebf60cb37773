from django.db import migrations

INDEX = "community_post_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON community_post USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    """A GIN index for full-text search, on PostgreSQL only (SQLite uses a fallback)."""

    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
