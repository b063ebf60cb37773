from django.db import migrations

TABLE = "community_post_fts"
BATCH = 2000


def create_table(apps, schema_editor):
    """SQLite only: an FTS5 table of each post's title (opening posts) and plain text,
    filled from the posts already written (PostgreSQL has its tsvector column)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    from community.search import plain_text

    schema_editor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
        "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    Post = apps.get_model("community", "Post")
    rows = (
        Post.objects.filter(is_deleted=False)
        .order_by("pk")
        .values_list("pk", "number", "html", "thread__title")
    )
    batch = []
    with schema_editor.connection.cursor() as cursor:
        for pk, number, rendered, title in rows.iterator(chunk_size=BATCH):
            batch.append((pk, title if number == 1 else "", plain_text(rendered)))
            if len(batch) == BATCH:
                cursor.executemany(
                    f"INSERT INTO {TABLE} (rowid, title, body) VALUES (%s, %s, %s)", batch
                )
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {TABLE} (rowid, title, body) VALUES (%s, %s, %s)", batch)


def drop_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    """Full-text search for the embedded default: SQLite's FTS5 (ranked, stemmed)."""

    dependencies = [("community", "0006_rerender_embedded_images")]

    operations = [migrations.RunPython(create_table, drop_table)]
