"""One event: its page (and API twin) with the viewer's registration and permissions, its
AMA questions, and its calendar entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from events import ical, policies
from events.models import Event, Question, QuestionVote, Rating, Registration
from events.selectors.lists import hosts_prefetch, topics_prefetch, viewer_zone
from events.times import moment_label, time_range_label, until_label, zone_named
from members.models import User
from members.policies import Viewer

#: The AMA page refreshes itself from this long before the start until the end.
LIVE_BEFORE = timedelta(minutes=30)
MAX_QUESTIONS_SHOWN = 500


class QuestionSort:
    """How an AMA's questions are ordered: most votes first, or newest first."""

    VOTES = "votes"
    NEWEST = "newest"
    values = (VOTES, NEWEST)


def get_event(*, viewer: Viewer, event_id: int) -> Event:
    """The event with what its page shows loaded. Raises Event.DoesNotExist for an event
    the viewer may not see (a 404)."""
    return (
        policies.visible_events(viewer)
        .select_related("minimum_tier", "early_access_tier", "thread")
        .prefetch_related(hosts_prefetch(), topics_prefetch())
        .get(pk=event_id)
    )


def get_registration(*, viewer: Viewer, event: Event) -> Registration | None:
    """The viewer's registration for the event (any status), or None. One query."""
    if not isinstance(viewer, User):
        return None
    return Registration.objects.filter(event=event, member=viewer).first()


def waitlist_place(registration: Registration | None) -> int | None:
    """The member's place in the line (1 is next), or None when not waiting. One query."""
    if registration is None or registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        status=Registration.Status.WAITLISTED,
        waitlist_position__lt=registration.waitlist_position,
    ).count()
    return ahead + 1


@dataclass(frozen=True)
class QuestionRow:
    """One AMA question as the viewer sees it: the author only when they may know it."""

    question: Question
    author: User | None
    is_mine: bool
    has_voted: bool
    can_vote: bool
    shows_author: bool

    @property
    def is_anonymous_to_viewer(self) -> bool:
        return self.question.is_anonymous and not self.shows_author


@dataclass(frozen=True)
class QuestionList:
    """An AMA's questions for one viewer, sorted, with the one being answered first."""

    rows: list[QuestionRow]
    sort: str
    version: int
    can_ask: bool
    can_moderate: bool
    pending_count: int

    @property
    def answering(self) -> QuestionRow | None:
        return next(
            (row for row in self.rows if row.question.status == Question.Status.ANSWERING), None
        )


def _visible_questions(viewer: Viewer, event: Event, can_moderate: bool) -> QuerySet[Question]:
    questions = Question.objects.filter(event=event)
    if can_moderate:
        return questions
    shown = questions.filter(
        status__in=[Question.Status.OPEN, Question.Status.ANSWERING, Question.Status.ANSWERED]
    )
    if isinstance(viewer, User):
        shown = shown | questions.filter(author=viewer, status=Question.Status.PENDING)
    return shown


def question_list(
    *,
    viewer: Viewer,
    event: Event,
    registration: Registration | None,
    sort: str = QuestionSort.VOTES,
    now: datetime | None = None,
) -> QuestionList:
    """The questions of an AMA the viewer may see: everything for hosts and moderators;
    for others the approved ones and their own waiting ones, authors of anonymous
    questions hidden. Two queries (questions with authors; the member's votes)."""
    now = now or timezone.now()
    can_moderate = policies.can_moderate_questions(viewer, event)
    can_vote = policies.can_vote(viewer, event, registration, now)
    order = ("-vote_count", "-id") if sort == QuestionSort.VOTES else ("-id",)
    questions = list(
        _visible_questions(viewer, event, can_moderate)
        .select_related("author")
        .order_by(*order)[:MAX_QUESTIONS_SHOWN]
    )
    voted: set[int] = set()
    if isinstance(viewer, User) and questions:
        voted = set(
            QuestionVote.objects.filter(
                member=viewer, question_id__in=[q.pk for q in questions]
            ).values_list("question_id", flat=True)
        )
    rows = []
    for question in questions:
        is_mine = isinstance(viewer, User) and question.author_id == viewer.pk
        shows_author = not question.is_anonymous or can_moderate or is_mine
        rows.append(
            QuestionRow(
                question=question,
                author=question.author if shows_author else None,
                is_mine=is_mine,
                has_voted=question.pk in voted,
                can_vote=can_vote and policies.can_vote_on(viewer, question),
                shows_author=shows_author,
            )
        )
    return QuestionList(
        rows=rows,
        sort=sort,
        version=event.questions_version,
        can_ask=policies.can_ask_questions(viewer, event, registration, now),
        can_moderate=can_moderate,
        pending_count=sum(1 for q in questions if q.status == Question.Status.PENDING),
    )


@dataclass(frozen=True)
class EventPermissions:
    """What the viewer may do on the event page, decided once by events.policies."""

    can_register: bool
    can_cancel: bool
    can_claim: bool
    can_decline: bool
    can_ask: bool
    can_moderate: bool
    can_run: bool
    can_manage: bool
    can_publish: bool
    can_check_in: bool
    can_rate: bool
    sees_join_link: bool


@dataclass(frozen=True)
class EventScreen:
    """Everything the event page and its API twin show, permissions included."""

    event: Event
    url: str
    registration: Registration | None
    permissions: EventPermissions
    registration_note: str
    join_url: str
    when: str
    when_event_zone: str
    shows_event_zone: bool
    starts_in: str
    waitlist_place: int | None
    offer_deadline: str
    seats_left: int | None
    is_full: bool
    has_early_access: bool
    early_access_label: str
    opens_label: str
    closes_label: str
    calendar_url: str
    google_url: str
    outlook_url: str
    thread_url: str
    questions: QuestionList | None
    is_live: bool
    live_url: str
    my_rating: Rating | None

    @property
    def hosts(self) -> list[User]:
        return list(self.event.hosts.all())

    @property
    def is_past(self) -> bool:
        return self.event.status == Event.Status.FINISHED or (
            self.event.status == Event.Status.PUBLISHED and self.event.ends_at <= timezone.now()
        )


def _registration_note(
    viewer: Viewer, event: Event, registration: Registration | None, now: datetime
) -> tuple[bool, str]:
    """Whether the viewer may register now, and the sentence the page shows about it."""
    if registration is not None and registration.is_active:
        return False, ""
    if not isinstance(viewer, User):
        is_open, why = policies.registration_window_open(viewer, event, now)
        return False, "Sign in to register." if is_open else why
    if policies.is_host(viewer, event):
        return False, "You're hosting this event."
    return policies.registration_window_open(viewer, event, now)


def get_event_screen(
    *,
    viewer: Viewer,
    event_id: int,
    sort: str = QuestionSort.VOTES,
    now: datetime | None = None,
) -> EventScreen:
    """The event screen: the event, the viewer's registration and what they may do, times
    in their zone and the event's, calendar links, and for an AMA its questions. Raises
    Event.DoesNotExist (a 404) for an event the viewer may not see.

    Costs a fixed number of queries: the event with its tiers and thread, hosts, topics;
    for a member their registration (and their place when waiting, their rating when they
    attended); for an AMA its questions and the member's votes."""
    now = now or timezone.now()
    event = get_event(viewer=viewer, event_id=event_id)
    registration = get_registration(viewer=viewer, event=event)
    zone = viewer_zone(viewer)
    can_register, note = _registration_note(viewer, event, registration, now)
    status = registration.status if registration else ""
    sees_join_link = policies.can_see_join_link(viewer, event, registration)
    join_url = event.join_url if sees_join_link else ""
    offered = status == Registration.Status.OFFERED
    open_event = event.status == Event.Status.PUBLISHED and now < event.starts_at
    permissions = EventPermissions(
        can_register=can_register,
        can_cancel=bool(registration and registration.is_active)
        and status != Registration.Status.ATTENDED
        and open_event,
        can_claim=offered and open_event,
        can_decline=offered and open_event,
        can_ask=policies.can_ask_questions(viewer, event, registration, now),
        can_moderate=policies.can_moderate_questions(viewer, event),
        can_run=policies.can_run_event(viewer, event),
        can_manage=policies.can_manage_event(viewer, event),
        can_publish=policies.can_manage_event(viewer, event) and event.status == Event.Status.DRAFT,
        can_check_in=policies.can_check_in_with_code(event, registration, now),
        can_rate=policies.can_rate(event, registration, now),
        sees_join_link=sees_join_link,
    )
    event_zone = zone_named(event.time_zone)
    has_early = policies.has_early_access(viewer, event, now)
    opens_at = event.registration_opens_at
    early_label = ""
    if event.early_access_tier is not None and opens_at is not None and now < opens_at:
        early_label = (
            f"Early access for {event.early_access_tier.name} members and above from "
            f"{moment_label(event.early_access_opens_at or opens_at, zone)}"
        )
    closes_at = event.registration_closes_at
    questions = (
        question_list(viewer=viewer, event=event, registration=registration, sort=sort, now=now)
        if event.is_ama
        else None
    )
    my_rating = (
        Rating.objects.filter(event=event, member=viewer).first()
        if isinstance(viewer, User) and status == Registration.Status.ATTENDED
        else None
    )
    return EventScreen(
        event=event,
        url=event.get_absolute_url(),
        registration=registration,
        permissions=permissions,
        registration_note=note,
        join_url=join_url,
        when=time_range_label(event.starts_at, event.ends_at, zone),
        when_event_zone=time_range_label(event.starts_at, event.ends_at, event_zone),
        shows_event_zone=event_zone.key != getattr(zone, "key", "UTC"),
        starts_in=until_label(event.starts_at, now) if now < event.starts_at else "",
        waitlist_place=waitlist_place(registration),
        offer_deadline=(
            moment_label(registration.offer_expires_at, zone)
            if registration and offered and registration.offer_expires_at
            else ""
        ),
        seats_left=event.seats_left,
        is_full=event.capacity is not None and event.held_seat_count >= event.capacity,
        has_early_access=has_early and opens_at is not None and now < opens_at,
        early_access_label=early_label,
        opens_label=moment_label(opens_at, zone) if opens_at and now < opens_at else "",
        closes_label=moment_label(closes_at, zone) if closes_at and now < closes_at else "",
        calendar_url=reverse("events:ics", args=[event.pk]),
        google_url=ical.google_calendar_url(event, join_url=join_url),
        outlook_url=ical.outlook_calendar_url(event, join_url=join_url),
        thread_url=event.thread.get_absolute_url() if event.thread else "",
        questions=questions,
        is_live=event.is_ama
        and event.status == Event.Status.PUBLISHED
        and event.starts_at - LIVE_BEFORE <= now < event.ends_at,
        live_url=reverse("events:questions-live", args=[event.pk]),
        my_rating=my_rating,
    )


@dataclass(frozen=True)
class QuestionsScreen:
    """An AMA's questions alone (the live refresh and the API's question list)."""

    event: Event
    questions: QuestionList


def get_questions_screen(
    *, viewer: Viewer, event_id: int, sort: str = QuestionSort.VOTES
) -> QuestionsScreen:
    """The questions of an AMA as the viewer may see them. Raises Event.DoesNotExist for an
    invisible event or one that is not an AMA."""
    event = get_event(viewer=viewer, event_id=event_id)
    if not event.is_ama:
        raise Event.DoesNotExist
    registration = get_registration(viewer=viewer, event=event)
    return QuestionsScreen(
        event=event,
        questions=question_list(viewer=viewer, event=event, registration=registration, sort=sort),
    )


def questions_version(*, viewer: Viewer, event_id: int) -> int:
    """The AMA's questions version, for the live page's ETag. Raises Event.DoesNotExist for
    an invisible event. One query."""
    return int(
        policies.visible_events(viewer)
        .filter(kind=Event.Kind.AMA)
        .values_list("questions_version", flat=True)
        .get(pk=event_id)
    )


def event_calendar_for(*, viewer: Viewer, event_id: int) -> bytes:
    """The event's .ics as the viewer may see it: the join link only for a seat holder (or
    host), tentative while waiting, cancelled when cancelled. Raises Event.DoesNotExist."""
    event = get_event(viewer=viewer, event_id=event_id)
    registration = get_registration(viewer=viewer, event=event)
    join_url = event.join_url if policies.can_see_join_link(viewer, event, registration) else ""
    waiting = registration is not None and registration.status in (
        Registration.Status.WAITLISTED,
        Registration.Status.OFFERED,
    )
    return ical.event_calendar(event, join_url=join_url, tentative=waiting)
