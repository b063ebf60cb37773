"""One vocabulary: a content goal and its craft's topic are one interest (GOAL_TOPICS in
members.models). Members who followed a craft topic get the goal; members with a goal
follow its topic. Streamed in batches of 1,000 rows, whatever the member count."""

from django.db import migrations

#: A copy of members.models.GOAL_TOPICS as it was when this migration was written.
GOAL_TOPICS = {
    "blog": "technical-writing",
    "video": "video",
    "talks": "public-speaking",
    "newsletter": "newsletters",
    "course": "courses",
    "open_source": "open-source",
}


def forward(apps, schema_editor):
    Topic = apps.get_model("core", "Topic")
    User = apps.get_model("members", "User")
    MemberGoal = apps.get_model("members", "MemberGoal")
    Follow = User.topics.through
    topics = dict(Topic.objects.filter(slug__in=GOAL_TOPICS.values()).values_list("slug", "pk"))
    for goal, slug in GOAL_TOPICS.items():
        topic_id = topics.get(slug)
        if topic_id is None:
            continue
        followers = Follow.objects.filter(topic_id=topic_id).values_list("user_id", flat=True)
        have_goal = MemberGoal.objects.filter(goal=goal).values_list("member_id", flat=True)
        MemberGoal.objects.bulk_create(
            [
                MemberGoal(member_id=member_id, goal=goal)
                for member_id in followers.exclude(user_id__in=have_goal).iterator()
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        Follow.objects.bulk_create(
            [
                Follow(user_id=member_id, topic_id=topic_id)
                for member_id in have_goal.exclude(
                    member_id__in=Follow.objects.filter(topic_id=topic_id).values("user_id")
                ).iterator()
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_merge_moderation_loyalty"),
        ("core", "0004_seed_topics"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
