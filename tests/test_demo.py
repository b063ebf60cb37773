import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.utils import timezone

from community.models import Category, Post, Thread
from core.models import Delivery
from events.models import Event, Proposal, Question, Rating, Registration
from members.models import Tier, User

pytestmark = pytest.mark.django_db


def test_demo_data_makes_a_believable_community_and_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Thread.objects.count(), Post.objects.count())

    call_command("seed_demo")

    # The demo is seeded (random.Random(2026)), so every number below is fixed. Five event
    # discussions join the sixty forum threads; the past AMA's recap is a reply; one reply
    # is held for review (moderation's demo).
    assert counts == (50, 65, 155)
    assert (User.objects.count(), Thread.objects.count(), Post.objects.count()) == counts
    assert EmailAddress.objects.filter(verified=True).count() == 50
    assert User.objects.filter(is_staff=True).count() == 1
    assert len({u.date_joined.date() for u in User.objects.all()}) == 49
    assert User.objects.exclude(headline="").count() == 40
    assert Thread.objects.filter(kind="question", solution__isnull=False).count() == 22
    assert Thread.objects.filter(kind="question", solution__isnull=True).count() == 9
    assert Post.objects.filter(html__contains='class="highlight').count() == 8
    assert Category.objects.filter(access="tier").count() == 1
    assert "0 new members, 0 new threads, 0 new events and proposals" in capsys.readouterr().out


def test_demo_threads_fill_the_categories_and_their_times_agree():
    call_command("seed_demo")

    per_category = dict(Category.objects.annotate(n=Count("threads")).values_list("slug", "n"))
    assert per_category == {
        "announcements": 3,
        "help": 31,
        "feedback": 8,
        "showcase": 9,
        "career": 6,
        "vip-lounge": 3,
        "events": 4,
        "events-members": 1,
    }
    # A thread starts with its opening post and its last activity is its last post.
    threads = Thread.objects.annotate(first=Min("posts__created_at"), last=Max("posts__created_at"))
    assert [
        t.title for t in threads if (t.first, t.last) != (t.created_at, t.last_activity_at)
    ] == []
    solved = Thread.objects.filter(solution__isnull=False).select_related("solution")
    assert [
        t.title for t in solved if not t.solution.created_at <= t.solved_at <= timezone.now()
    ] == []
    assert Thread.objects.filter(last_activity_at__gt=timezone.now()).count() == 0


def test_demo_members_are_unequally_active():
    call_command("seed_demo")

    posts = sorted(
        User.objects.annotate(n=Count("posts")).values_list("n", flat=True), reverse=True
    )
    # A few write most, many now and then, a third only read.
    assert (posts[0], posts[1], posts[10], posts.count(0)) == (35, 18, 3, 24)


def test_demo_events_show_every_state_of_an_event():
    call_command("seed_demo")

    assert sorted(Event.objects.values_list("kind", "status")) == [
        ("ama", "finished"),
        ("ama", "published"),
        ("meetup", "published"),
        ("webinar", "finished"),
        ("webinar", "published"),
    ]
    full = Event.objects.get(kind="ama", status="published")
    line = Registration.objects.filter(event=full, status="waitlisted")
    assert (full.capacity, full.held_seat_count, line.count()) == (12, 12, 4)
    assert list(line.order_by("waitlist_position").values_list("waitlist_position", flat=True)) == [
        1,
        2,
        3,
        4,
    ]
    early = Event.objects.get(early_access_tier__slug="flame")
    assert early.early_access_opens_at < early.registration_opens_at
    assert sorted(
        Event.objects.filter(status="finished").values_list("recording_url", flat=True)
    ) == [
        "https://video.example.com/hearth/course-ama",
        "https://video.example.com/hearth/screencasts",
    ]
    assert Question.objects.filter(event__status="finished", status="answered").count() == 4
    assert Question.objects.filter(status="pending", is_anonymous=True).count() == 1
    assert Event.objects.filter(recap_post__isnull=False).count() == 1
    assert Rating.objects.count() == 21  # attendees of the two past events, most of them
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.pledge_count, proposal.options.count()) == ("open", 9, 3)
    # Seeding sends nobody an email about events.
    assert Delivery.objects.filter(kind__startswith="member:event").count() == 0


def test_demo_moderation_has_moderators_flags_a_held_post_and_a_suspension():
    from community.models import CategoryModerator, Flag, ModerationAction

    call_command("seed_demo")

    assert CategoryModerator.objects.values("category").distinct().count() == (
        Category.objects.count()
    )
    assert Flag.objects.filter(status="open").count() == 4
    assert list(Post.objects.filter(status="held").values_list("status_reason", flat=True)) == [
        "links to cheap-followers.example, a blocked domain"
    ]
    assert User.objects.filter(suspended_until__gt=timezone.now()).count() == 1
    assert ModerationAction.objects.filter(action="suspend").count() == 1


def test_demo_loyalty_has_tiers_points_badges_and_a_granted_vip():
    from members.loyalty import replay
    from members.loyalty.models import Activity, BadgeAward, TierGrant

    call_command("seed_demo")
    entries = Activity.objects.count()
    call_command("seed_demo")

    assert Activity.objects.count() == entries == 533  # 2: the activated referral, once
    assert list(Tier.objects.order_by("rank").values_list("slug", "points_threshold")) == [
        ("spark", 30),
        ("flame", 120),
        ("blaze", 400),
    ]
    assert sorted(set(Activity.objects.values_list("verb", flat=True))) == [
        "answer_accepted",
        "event_attended",
        "like_received",
        "moderator_award",
        "referral_activated",
        "referral_joined",
        "reply_posted",
        "thread_started",
    ]
    grant = TierGrant.objects.get()
    assert (grant.tier.slug, grant.member.tier.slug) == ("blaze", "blaze")
    assert BadgeAward.objects.filter(badge__slug="community-hero").count() == 2
    assert BadgeAward.objects.filter(badge__slug="first-post").count() == 25
    dana = User.objects.get(handle="demo_member")
    assert dana.tier.slug == "flame"
    from members.referrals.models import Referral

    assert sorted(
        Referral.objects.filter(referrer=dana).values_list("status", "is_referrer_rewarded")
    ) == [("activated", True), ("pending", False)]
    assert replay.replay().tier_changes == 0
