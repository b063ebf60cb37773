"""The digest: in each member's morning, on their day, once, only with news."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from community.services import posting
from members.models import User
from members.notifications import digest
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

#: Monday 2 March 2026, 19:00 UTC: 08:00 on Tuesday in Auckland (UTC+13).
AUCKLAND_MORNING = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
#: Tuesday 3 March 2026, 16:00 UTC: 08:00 on Tuesday in Los Angeles (UTC-8).
LOS_ANGELES_MORNING = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)


def away_member(*, zone="UTC", frequency="weekly", weekday=1, **extra):
    """A member who last visited long enough ago to be due a digest, with news waiting."""
    return UserFactory(
        time_zone=zone,
        digest_frequency=frequency,
        digest_weekday=weekday,
        last_active_at=datetime(2026, 2, 1, tzinfo=UTC),
        **extra,
    )


@pytest.fixture
def news(db):
    """A thread by someone else, started on 1 March, in a category the member watches."""
    author = UserFactory()
    category = CategoryFactory()
    thread = start_thread(author, category, title="My first conference talk")
    for text in ("Congrats!", "Well done."):
        posting.reply(author=UserFactory(), thread_id=thread.pk, body=text)
    thread.__class__.objects.filter(pk=thread.pk).update(
        created_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    return category


def watch(member, category):
    from community.services import engagement

    engagement.set_category_level(member=member, category_id=category.pk, level="watching")


def run(now, capture):
    with capture(execute=True):
        return digest.sweep_due_digests(now=now)


def test_members_get_theirs_in_their_own_morning(news, django_capture_on_commit_callbacks):
    kiwi = away_member(zone="Pacific/Auckland", handle="kiwi")
    angeleno = away_member(zone="America/Los_Angeles", handle="angeleno")
    for member in (kiwi, angeleno):
        watch(member, news)

    at_auckland_morning = run(AUCKLAND_MORNING, django_capture_on_commit_callbacks)
    recipients_then = [m.to[0] for m in mail.outbox]
    at_la_morning = run(LOS_ANGELES_MORNING, django_capture_on_commit_callbacks)

    assert (at_auckland_morning, at_la_morning) == (1, 1)
    assert recipients_then == [kiwi.email]
    assert [m.to[0] for m in mail.outbox] == [kiwi.email, angeleno.email]


def test_running_the_sweep_many_times_in_a_week_sends_one_digest(
    news, django_capture_on_commit_callbacks
):
    member = away_member(zone="America/Los_Angeles")
    watch(member, news)

    for hours in (0, 0.25, 0.5, 24 * 7 - 0.1):
        run(LOS_ANGELES_MORNING + timedelta(hours=hours), django_capture_on_commit_callbacks)
    digest.send_digests(member_ids=[member.pk], period_start="2026-03-03", now=LOS_ANGELES_MORNING)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Hearth] Your weekly digest: what you missed"
    assert "My first conference talk" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_member_who_visited_since_the_last_digest_gets_none(
    news, django_capture_on_commit_callbacks
):
    member = away_member(zone="America/Los_Angeles")
    watch(member, news)
    User.objects.filter(pk=member.pk).update(
        last_active_at=LOS_ANGELES_MORNING - timedelta(hours=3)
    )

    run(LOS_ANGELES_MORNING, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_no_digest_when_there_is_nothing_new(django_capture_on_commit_callbacks):
    away_member(zone="America/Los_Angeles")

    run(LOS_ANGELES_MORNING, django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert User.objects.filter(last_digest_at__isnull=False).count() == 0


def test_digests_stop_after_a_year_away(news, django_capture_on_commit_callbacks):
    member = away_member(zone="America/Los_Angeles")
    watch(member, news)
    User.objects.filter(pk=member.pk).update(last_active_at=datetime(2025, 2, 1, tzinfo=UTC))

    handed = run(LOS_ANGELES_MORNING, django_capture_on_commit_callbacks)

    assert (handed, mail.outbox) == (0, [])


def test_weekly_digests_wait_for_the_members_day_and_daily_ones_do_not(
    news, django_capture_on_commit_callbacks
):
    wednesday_weekly = away_member(zone="America/Los_Angeles", weekday=2, handle="weekly")
    daily = away_member(zone="America/Los_Angeles", frequency="daily", handle="daily")
    for member in (wednesday_weekly, daily):
        watch(member, news)
    # News from the last day, so the daily digest has something too.
    news.threads.update(created_at=LOS_ANGELES_MORNING - timedelta(hours=6))

    run(LOS_ANGELES_MORNING, django_capture_on_commit_callbacks)  # a Tuesday there

    assert [m.to[0] for m in mail.outbox] == [daily.email]


def test_a_muted_category_leaves_the_digest(news, django_capture_on_commit_callbacks):
    member = away_member(zone="America/Los_Angeles")
    member.topics.set([])
    from community.services import engagement

    engagement.set_category_level(member=member, category_id=news.pk, level="muted")

    run(LOS_ANGELES_MORNING, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_the_digest_leads_with_what_happened_to_the_members_posts(
    django_capture_on_commit_callbacks,
):
    member = away_member(zone="America/Los_Angeles")
    thread = start_thread(member, CategoryFactory(), title="Feedback on my draft post")
    User.objects.filter(pk=member.pk).update(last_active_at=datetime(2026, 2, 1, tzinfo=UTC))
    posting.reply(author=UserFactory(), thread_id=thread.pk, body="Shorter intro?")

    run(LOS_ANGELES_MORNING, django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert "Your posts\n- 1 new reply in “Feedback on my draft post”" in email.body
