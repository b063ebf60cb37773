"""The default point rules and badges. Staff change them in the admin afterwards; this only
adds what is missing, so running it again (or after staff edits) changes nothing."""

from django.db import migrations

#: verb, points, daily cap, weekly cap per giver, description
RULES = [
    ("thread_started", 5, 15, None, "Starting a thread"),
    ("reply_posted", 2, 20, None, "Replying in a thread"),
    ("like_received", 10, 100, 30, "Someone liked your post"),
    ("answer_accepted", 25, 100, 50, "Your reply was accepted as the answer"),
    ("event_attended", 20, 40, None, "Attending an event"),
    ("referral_activated", 50, None, None, "A member you referred became active"),
    ("moderator_award", 0, None, None, "A moderator rewarded you (points they chose)"),
]

#: slug, name, how to earn it, grade, rule, threshold
BADGES = [
    ("first-post", "First post", "Write your first thread or reply.", "", "posts", 1),
    ("first-answer", "First answer", "Have one of your replies accepted as the answer.",
     "bronze", "answers_accepted", 1),
    ("trusted-answerer", "Trusted answerer", "Have 10 of your replies accepted as answers.",
     "silver", "answers_accepted", 10),
    ("guru", "Guru", "Have 50 of your replies accepted as answers.",
     "gold", "answers_accepted", 50),
    ("helpful", "Helpful", "Receive 25 likes on your posts.", "bronze", "likes_received", 25),
    ("very-helpful", "Very helpful", "Receive 100 likes on your posts.",
     "silver", "likes_received", 100),
    ("beloved", "Beloved", "Receive 500 likes on your posts.", "gold", "likes_received", 500),
    ("event-regular", "Event regular", "Attend 5 events.", "bronze", "events_attended", 5),
    ("event-devotee", "Event devotee", "Attend 20 events.", "silver", "events_attended", 20),
    ("one-year", "One year at Hearth", "Be a member for a year.", "bronze", "tenure_days", 365),
    ("five-years", "Five years at Hearth", "Be a member for five years.",
     "gold", "tenure_days", 1826),
    ("ambassador", "Ambassador", "Refer three peers who become active members.",
     "silver", "referrals_activated", 3),
    ("community-hero", "Community hero",
     "Granted by the moderators for help beyond the call of duty.", "gold", "manual", 0),
    ("thank-you", "Thank you", "Granted by the moderators to say thanks.", "", "manual", 0),
]


def seed(apps, schema_editor):
    PointRule = apps.get_model("members", "PointRule")
    Badge = apps.get_model("members", "Badge")
    for verb, points, daily_cap, pair_cap, description in RULES:
        PointRule.objects.get_or_create(
            verb=verb,
            defaults={
                "points": points,
                "daily_cap": daily_cap,
                "weekly_cap_per_giver": pair_cap,
                "description": description,
            },
        )
    for position, (slug, name, description, grade, rule, threshold) in enumerate(BADGES):
        Badge.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "grade": grade,
                "rule": rule,
                "threshold": threshold,
                "position": position * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0006_loyalty")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
