"""Re-render stored posts, revisions and bios that embed an image, under the image policy.

Only images Hearth serves itself stay embedded now (core.markdown.images). HTML rendered
earlier kept <img> tags pointing at any https host, and every reader's browser fetched them:
the writer learned who read the post and when. The Markdown source is stored as written, so
rendering it again gives exactly what saving it today gives. Bios live in members, but this
app sits above members and may touch both; one pass keeps the rule in one place.
"""

from django.db import migrations
from django.db.models.functions import Lower

BATCH = 500


def _renderer(User):
    from core.markdown import render_markdown

    def rerender(source):
        # As members.mentions does at save time: link @handles of active members.
        handles = render_markdown(source).mentions
        found = dict(
            User.objects.annotate(handle_lower=Lower("handle"))
            .filter(handle_lower__in=handles, is_active=True)
            .values_list("handle_lower", "handle")
        ) if handles else {}
        url = lambda handle: f"/u/{found[handle]}/" if handle in found else None  # noqa: E731
        return render_markdown(source, mention_url=url).html

    return rerender


def _rerender_rows(model, source_field, html_field, rerender):
    # Ids first: the rows' HTML changes under the filter, so no cursor stays open over it.
    ids = list(
        model.objects.filter(**{f"{html_field}__contains": "<img"}).values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        rows = list(model.objects.filter(pk__in=ids[start : start + BATCH]))
        for row in rows:
            source = getattr(row, source_field)
            setattr(row, html_field, rerender(source) if source else "")
        model.objects.bulk_update(rows, [html_field])


def rerender_embedded_images(apps, schema_editor):
    User = apps.get_model("members", "User")
    rerender = _renderer(User)
    _rerender_rows(apps.get_model("community", "Post"), "source", "html", rerender)
    _rerender_rows(apps.get_model("community", "PostRevision"), "source", "html", rerender)
    _rerender_rows(User, "bio", "bio_html", rerender)


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0005_thread_solved_at'),
        ('members', '0005_user_has_verified_email'),
    ]

    operations = [
        migrations.RunPython(rerender_embedded_images, migrations.RunPython.noop),
    ]
