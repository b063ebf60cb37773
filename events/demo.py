"""Demo events for `make run`: upcoming AMAs and webinars (one full with a waitlist, one
with VIP early access open), a member's masterclass proposal with pledges, and past events
with recordings, answered questions, a recap and ratings. Idempotent (by title).

Events are made and published through the services (so each has its discussion thread);
registrations, votes and ratings are written directly with consistent counters, so seeding
sends no email.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.markdown import render_markdown
from core.models import Topic
from events.models import (
    Event,
    Pledge,
    Proposal,
    ProposalOption,
    Question,
    QuestionVote,
    Rating,
    Registration,
)
from events.services import attendance, publishing, questions
from events.services.publishing import EventDetails
from members.models import Tier, User

FULL_AMA = "Ask the Hearth team anything: growing a newsletter"
EARLY_WEBINAR = "Conference talk abstracts that get accepted"
MEMBERS_MEETUP = "Berlin creators' breakfast"
PAST_AMA = "AMA: from side project to paid course"
PAST_WEBINAR = "Recording screencasts that people finish"
PROPOSAL_TITLE = "Editing technical videos in half the time"
TITLES = (FULL_AMA, EARLY_WEBINAR, MEMBERS_MEETUP, PAST_AMA, PAST_WEBINAR)

QUESTIONS = [
    ("How did you get your first 100 subscribers?", False, 14),
    ("What do you do when an issue is late?", False, 9),
    ("Paid tiers: when is it too early?", True, 6),
    ("Which platform would you pick today?", False, 4),
    ("How long does one issue take you to write?", False, 2),
]


def _at(days: float, hour: int, zone_now: datetime) -> datetime:
    moment = zone_now + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _seat(event: Event, member: User, *, at: datetime, attended: bool = False) -> None:
    registration = Registration.objects.create(
        event=event,
        member=member,
        status=Registration.Status.ATTENDED if attended else Registration.Status.CONFIRMED,
        registered_at=at,
        confirmed_at=at,
        attended_at=at if attended else None,
    )
    Event.objects.filter(pk=event.pk).update(held_seat_count=F("held_seat_count") + 1)
    if attended:  # attendance earns points and counts toward badges, as a check-in does
        attendance._credit_attendance(registration)


def _wait(event: Event, member: User, *, at: datetime) -> None:
    Event.objects.filter(pk=event.pk).update(waitlist_sequence=F("waitlist_sequence") + 1)
    position = Event.objects.values_list("waitlist_sequence", flat=True).get(pk=event.pk)
    Registration.objects.create(
        event=event,
        member=member,
        status=Registration.Status.WAITLISTED,
        registered_at=at,
        waitlisted_at=at,
        waitlist_position=position,
    )


def _published(staff: User, details: EventDetails) -> Event:
    event = publishing.create_event(actor=staff, details=details)
    return publishing.publish_event(actor=staff, event_id=event.pk)


def _move_to_past(event: Event, *, days_ago: int, hours: float) -> Event:
    ends = timezone.now() - timedelta(days=days_ago)
    Event.objects.filter(pk=event.pk).update(
        starts_at=ends - timedelta(hours=hours),
        ends_at=ends,
        status=Event.Status.FINISHED,
        finished_at=ends,
    )
    event.refresh_from_db()
    return event


def _questions(event: Event, askers: list[User], voters: list[User], *, answered: bool) -> None:
    for index, (body, anonymous, votes) in enumerate(QUESTIONS):
        question = Question.objects.create(
            event=event,
            author=askers[index % len(askers)],
            body=body,
            is_anonymous=anonymous,
            status=Question.Status.ANSWERED if answered and index < 4 else Question.Status.OPEN,
            answer_at_seconds=(index + 1) * 431 if answered and index < 4 else None,
            answered_at=timezone.now() if answered and index < 4 else None,
            is_starred=not answered and index == 1,
        )
        fans = [v for v in voters if v.pk != question.author_id][:votes]
        QuestionVote.objects.bulk_create([QuestionVote(question=question, member=f) for f in fans])
        Question.objects.filter(pk=question.pk).update(vote_count=len(fans))
    if not answered:
        Question.objects.create(
            event=event,
            author=askers[-1],
            body="Is it fine to write about the same topic every week?",
            is_anonymous=True,
            status=Question.Status.PENDING,
        )
    Event.objects.filter(pk=event.pk).update(questions_version=F("questions_version") + 1)


@transaction.atomic
def seed_events(progress: Callable[[int], object] = lambda _: None) -> int:
    """Create the demo events and the proposal that do not exist yet. Returns how many."""
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    members = list(
        User.objects.filter(is_active=True, is_staff=False, emailaddress__verified=True)
        .select_related("tier")
        .distinct()
        .order_by("pk")
    )
    if staff is None or len(members) < 30:
        return 0
    tiers = {tier.slug: tier for tier in Tier.objects.all()}
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    rng = random.Random(31)  # noqa: S311  # demo data, not security
    now = timezone.now()
    demo_member = next((m for m in members if m.handle == "demo_member"), members[0])
    others = [m for m in members if m.pk != demo_member.pk]
    created = 0

    def topic_list(*slugs: str) -> list[Topic]:
        return [topics[slug] for slug in slugs if slug in topics]

    if not Event.objects.filter(title=FULL_AMA).exists():
        event = _published(
            staff,
            EventDetails(
                kind=Event.Kind.AMA,
                title=FULL_AMA,
                description="Three of us grew newsletters past 10,000 readers. Ask us how: "
                "topics, cadence, sponsors, burnout. Questions open now; vote for the ones "
                "you want answered first.",
                starts_at=_at(3, 17, now),
                ends_at=_at(3, 18, now),
                time_zone="Europe/London",
                hosts=[staff],
                capacity=12,
                join_url="https://meet.example.com/hearth-newsletter-ama",
                topics=topic_list("newsletters", "technical-writing"),
            ),
        )
        for index, member in enumerate(others[:12]):
            _seat(event, member, at=now - timedelta(hours=40 - index))
        for index, member in enumerate([demo_member, *others[12:15]]):
            _wait(event, member, at=now - timedelta(hours=20 - index))
        _questions(event, others[:6], others[:12], answered=False)
        created += 1
    progress(1)

    if not Event.objects.filter(title=EARLY_WEBINAR).exists():
        flame = tiers.get("flame")
        event = _published(
            staff,
            EventDetails(
                kind=Event.Kind.WEBINAR,
                title=EARLY_WEBINAR,
                description="What program committees look for, with five real abstracts "
                "taken apart. Flame and Blaze members register early.",
                starts_at=_at(12, 16, now),
                ends_at=_at(12, 17, now) + timedelta(minutes=30),
                time_zone="America/New_York",
                hosts=[staff, others[20]],
                capacity=80,
                early_access_tier=flame,
                early_access_opens_at=now - timedelta(days=1) if flame else None,
                registration_opens_at=now + timedelta(days=2),
                join_url="https://meet.example.com/hearth-abstracts",
                topics=topic_list("public-speaking", "technical-writing"),
            ),
        )
        for member in [m for m in others if m.tier and flame and m.tier.rank >= flame.rank][:5]:
            _seat(event, member, at=now - timedelta(hours=rng.randint(1, 20)))
        created += 1
    progress(1)

    if not Event.objects.filter(title=MEMBERS_MEETUP).exists():
        event = _published(
            staff,
            EventDetails(
                kind=Event.Kind.MEETUP,
                title=MEMBERS_MEETUP,
                description="Coffee and croissants with members who live nearby.",
                starts_at=_at(20, 8, now),
                ends_at=_at(20, 10, now),
                time_zone="Europe/Berlin",
                hosts=[others[5]],
                capacity=20,
                access=Event.Access.MEMBERS,
                place="Café Einstein, Kurfürstenstraße 58, Berlin",
            ),
        )
        _seat(event, demo_member, at=now - timedelta(hours=3))
        created += 1
    progress(1)

    if not Event.objects.filter(title=PAST_AMA).exists():
        event = _published(
            staff,
            EventDetails(
                kind=Event.Kind.AMA,
                title=PAST_AMA,
                description="A member who launched a paid course answered your questions.",
                starts_at=now + timedelta(days=1),
                ends_at=now + timedelta(days=1, hours=1),
                time_zone="UTC",
                hosts=[others[2]],
                capacity=None,
                join_url="https://meet.example.com/hearth-course-ama",
                topics=topic_list("courses"),
            ),
        )
        event = _move_to_past(event, days_ago=9, hours=1)
        for index, member in enumerate([demo_member, *others[:14]]):
            _seat(event, member, at=event.starts_at - timedelta(days=2), attended=index % 4 != 3)
        _questions(event, others[:6], others[:14], answered=True)
        Event.objects.filter(pk=event.pk).update(
            recording_url="https://video.example.com/hearth/course-ama",
            recording_shared_at=event.ends_at + timedelta(hours=5),
        )
        questions.post_recap(event_id=event.pk)
        _ratings(event, rng)
        created += 1
    progress(1)

    if not Event.objects.filter(title=PAST_WEBINAR).exists():
        event = _published(
            staff,
            EventDetails(
                kind=Event.Kind.WEBINAR,
                title=PAST_WEBINAR,
                description="Pacing, chapters and the first thirty seconds.",
                starts_at=now + timedelta(days=1),
                ends_at=now + timedelta(days=1, hours=1),
                time_zone="Asia/Kolkata",
                hosts=[staff],
                capacity=40,
                join_url="https://meet.example.com/hearth-screencasts",
                topics=topic_list("video"),
            ),
        )
        event = _move_to_past(event, days_ago=30, hours=1)
        for index, member in enumerate(others[10:30]):
            _seat(event, member, at=event.starts_at - timedelta(days=3), attended=index % 3 != 0)
        Event.objects.filter(pk=event.pk).update(
            recording_url="https://video.example.com/hearth/screencasts",
            recording_shared_at=event.ends_at + timedelta(hours=2),
        )
        _ratings(event, rng)
        created += 1
    progress(1)

    if not Proposal.objects.filter(title=PROPOSAL_TITLE).exists():
        proposer = others[7]
        outline = (
            "A live edit of a 20-minute tutorial: **rough cut**, audio clean-up, captions "
            "and chapters, with the keyboard shortcuts that save hours."
        )
        proposal = Proposal.objects.create(
            proposer=proposer,
            title=PROPOSAL_TITLE,
            outline=outline,
            outline_html=render_markdown(outline).html,
            duration_minutes=90,
        )
        proposal.topics.set(topic_list("video"))
        ProposalOption.objects.bulk_create(
            [
                ProposalOption(proposal=proposal, starts_at=_at(days, hour, now))
                for days, hour in ((18, 9), (18, 17), (25, 14))
            ]
        )
        backers = [m for m in others if m.pk != proposer.pk][20:29]
        Pledge.objects.bulk_create([Pledge(proposal=proposal, member=m) for m in backers])
        Proposal.objects.filter(pk=proposal.pk).update(pledge_count=len(backers))
        created += 1
    progress(1)
    return created


def _ratings(event: Event, rng: random.Random) -> None:
    attendees = Registration.objects.filter(
        event=event, status=Registration.Status.ATTENDED
    ).values_list("member_id", flat=True)
    comments = ["Loved the examples.", "", "More time for questions, please!", "", "Great."]
    Rating.objects.bulk_create(
        [
            Rating(
                event=event,
                member_id=member_id,
                score=rng.choice([3, 4, 4, 5, 5, 5]),
                comment=comments[index % len(comments)],
            )
            for index, member_id in enumerate(attendees)
            if index % 5 != 4
        ]
    )


def demo_count() -> int:
    """How many things seed_events creates (for the progress bar)."""
    return len(TITLES) + 1
