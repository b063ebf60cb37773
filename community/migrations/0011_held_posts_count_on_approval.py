"""A held post counts for everyone only from its approval (issue 11): posts remember when
they first counted (published_at), and threads keep apart what everyone sees counted
(post_count, last_published_number) from the numbers given (last_number, held included).
Existing rows are backfilled from the posts themselves."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Post = apps.get_model("community", "Post")
    Thread = apps.get_model("community", "Thread")
    ModerationAction = apps.get_model("community", "ModerationAction")
    Post.objects.update(published_at=models.F("created_at"))
    # Never published: held, or hidden straight from being held (and never approved since).
    hidden_when_held = ModerationAction.objects.filter(
        action="hide_post", before__status="held"
    ).values("post_id")
    approved = ModerationAction.objects.filter(action="approve_post").values("post_id")
    Post.objects.filter(
        Q(status="held") | Q(status="hidden", pk__in=hidden_when_held) & ~Q(pk__in=approved)
    ).update(published_at=None)

    def per_thread(aggregate):
        return Coalesce(
            Subquery(
                Post.objects.filter(thread=OuterRef("pk"))
                .values("thread")
                .annotate(value=aggregate)
                .values("value")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    published = Q(published_at__isnull=False)
    Thread.objects.update(
        post_count=per_thread(Count("pk", filter=published)),
        last_published_number=per_thread(Max("number", filter=published)),
        last_number=per_thread(Max("number")),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0010_thread_merge_tombstone'),
    ]

    operations = [
        migrations.AddField(
            model_name='post',
            name='published_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
        migrations.AddField(
            model_name='thread',
            name='last_number',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='thread',
            name='last_published_number',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
