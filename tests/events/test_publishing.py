"""Staff create, edit, publish and cancel events; covers are checked as avatars are."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image

from community.models import Category, Thread
from core.images import ImageUploadError
from core.models import Topic
from events.exceptions import InvalidEventError, NotAllowedError
from events.models import Event, Pledge, Registration
from events.services import covers, endings, publishing
from events.services.publishing import EventDetails
from members.models import Notification
from tests.events.factories import EventFactory, PledgeFactory, ProposalFactory, RegistrationFactory
from tests.members.factories import UserFactory
from tests.members.images import image_bytes, jpeg_with_gps, png_claiming_size, upload

pytestmark = pytest.mark.django_db


def details(host, **changes):
    start = changes.pop("starts_at", timezone.now() + timedelta(days=10))
    fields = {
        "kind": Event.Kind.WEBINAR,
        "title": "Writing your first conference talk",
        "description": "From **abstract** to stage.",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "time_zone": "Europe/Berlin",
        "hosts": [host],
        "capacity": 100,
        "join_url": "https://meet.example.com/talks",
    }
    return EventDetails(**{**fields, **changes})


def test_staff_create_a_draft_with_rendered_markdown(staff, host):
    topics = list(Topic.objects.all()[:2])

    event = publishing.create_event(actor=staff, details=details(host, topics=topics))

    assert (event.status, event.description_html) == (
        "draft",
        "<p>From <strong>abstract</strong> to stage.</p>\n",
    )
    assert list(event.hosts.all()) == [host]
    assert list(event.topics.all()) == topics


def test_members_do_not_create_events(member, host):
    with pytest.raises(NotAllowedError):
        publishing.create_event(actor=member, details=details(host))

    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "Hi"}, "title"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"starts_at": timezone.now() - timedelta(hours=1)}, "starts_at"),
        ({"ends_at": timezone.now() + timedelta(days=9)}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"access": "tier"}, "minimum_tier"),
        ({"hosts": []}, "hosts"),
        (
            {"registration_closes_at": timezone.now() + timedelta(days=11)},
            "registration_closes_at",
        ),
        (
            {"early_access_opens_at": timezone.now() + timedelta(days=1)},
            "early_access_opens_at",
        ),
    ],
    ids=[
        "short-title",
        "zone",
        "past",
        "ends-before-start",
        "no-seats",
        "tier-without-tier",
        "no-host",
        "closes-after-start",
        "early-without-tier",
    ],
)
def test_inconsistent_details_are_refused_naming_the_field(staff, host, changes, field):
    with pytest.raises(InvalidEventError) as refused:
        publishing.create_event(actor=staff, details=details(host, **changes))

    assert refused.value.field == field
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("access", "tier_rank", "category", "author"),
    [
        ("public", None, ("events", "public"), "host"),
        ("members", None, ("events-members", "members"), "host"),
        # The host is below the tier: the publishing staff member starts the discussion.
        ("tier", 5, ("events-flame", "tier"), "staffer"),
    ],
)
def test_publishing_starts_the_discussion_in_a_category_with_the_events_access(
    staff, host, flame, access, tier_rank, category, author
):
    event = publishing.create_event(
        actor=staff,
        details=details(host, access=access, minimum_tier=flame if tier_rank else None),
    )

    published = publishing.publish_event(actor=staff, event_id=event.pk)

    thread = Thread.objects.select_related("category").get(pk=published.thread_id)
    assert published.status == "published"
    assert (thread.category.slug, thread.category.access) == category
    assert (thread.title, thread.author.handle) == ("Writing your first conference talk", author)
    assert Category.objects.filter(slug__startswith="events").count() == 1


def test_publishing_twice_is_refused(staff, host):
    event = publishing.create_event(actor=staff, details=details(host))
    publishing.publish_event(actor=staff, event_id=event.pk)

    with pytest.raises(InvalidEventError):
        publishing.publish_event(actor=staff, event_id=event.pk)

    assert Thread.objects.count() == 1


def test_publishing_a_scheduled_proposal_tells_its_backers(staff):
    proposal = ProposalFactory()
    backers = [PledgeFactory(proposal=proposal).member for _ in range(2)]
    event = EventFactory(draft=True, hosts=[proposal.proposer], kind="masterclass")
    proposal.event = event
    proposal.save(update_fields=["event"])

    publishing.publish_event(actor=staff, event_id=event.pk)

    assert sorted(
        Notification.objects.filter(kind="event_proposal").values_list("recipient_id", flat=True)
    ) == sorted([b.pk for b in backers] + [proposal.proposer_id])
    assert Pledge.objects.count() == 2


def test_access_cannot_change_once_published(staff, webinar, host, flame):
    with pytest.raises(InvalidEventError) as refused:
        publishing.update_event(
            actor=staff,
            event_id=webinar.pk,
            details=details(host, access="tier", minimum_tier=flame),
        )

    webinar.refresh_from_db()
    assert refused.value.field == "access"
    assert (webinar.access, webinar.sequence) == ("public", 0)


def test_fewer_seats_than_are_taken_is_refused(staff, webinar, host):
    RegistrationFactory(event=webinar)
    RegistrationFactory(event=webinar)

    with pytest.raises(InvalidEventError) as refused:
        publishing.update_event(
            actor=staff,
            event_id=webinar.pk,
            details=details(host, starts_at=webinar.starts_at, capacity=1),
        )

    webinar.refresh_from_db()
    assert (refused.value.field, webinar.capacity) == ("capacity", 2)


def test_more_seats_go_to_the_waitlist_at_once(staff, webinar, host):
    for _ in range(2):
        RegistrationFactory(event=webinar)
    waiting = [RegistrationFactory(event=webinar, waitlisted=True) for _ in range(3)]

    publishing.update_event(
        actor=staff,
        event_id=webinar.pk,
        details=details(host, starts_at=webinar.starts_at, capacity=4),
    )

    webinar.refresh_from_db()
    assert webinar.held_seat_count == 4
    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == [
        "offered",
        "offered",
        "waitlisted",
    ]


def test_a_new_time_is_emailed_to_seats_and_the_waitlist(
    staff, webinar, host, django_capture_on_commit_callbacks
):
    for address in ("seat@example.com", "also@example.com"):
        RegistrationFactory(event=webinar, member=UserFactory(email=address))
    waiting = UserFactory(email="wait@example.com")
    RegistrationFactory(event=webinar, member=waiting, waitlisted=True)
    RegistrationFactory(event=webinar, member=UserFactory(email="gone@example.com"), cancelled=True)
    later = webinar.starts_at + timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        publishing.update_event(
            actor=staff,
            event_id=webinar.pk,
            details=details(
                host, title=webinar.title, starts_at=later, join_url=webinar.join_url, capacity=2
            ),
        )

    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["also@example.com", "seat@example.com", "wait@example.com"]
    assert {m.subject for m in mail.outbox} == {"[Hearth] New time: Shipping a newsletter"}
    assert webinar.join_url in by_address["seat@example.com"].body
    assert webinar.join_url not in by_address["wait@example.com"].body
    assert Notification.objects.filter(kind="event_changed").count() == 3
    assert Notification.objects.filter(kind="event_changed", recipient=waiting).count() == 1


def test_cancelling_tells_everyone_registered_or_waiting(
    staff, webinar, django_capture_on_commit_callbacks
):
    RegistrationFactory(event=webinar, member=UserFactory(email="seat@example.com"))
    RegistrationFactory(
        event=webinar, member=UserFactory(email="wait@example.com"), waitlisted=True
    )

    with django_capture_on_commit_callbacks(execute=True):
        publishing.cancel_event(actor=staff, event_id=webinar.pk)

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("seat@example.com", "[Hearth] Cancelled: Shipping a newsletter"),
        ("wait@example.com", "[Hearth] Cancelled: Shipping a newsletter"),
    ]


def test_a_cover_is_stored_as_webp_without_its_metadata(staff, webinar):
    covers.set_event_cover(
        actor=staff, event_id=webinar.pk, upload=io.BytesIO(jpeg_with_gps(2000, 1500)), size=None
    )

    webinar.refresh_from_db()
    with webinar.cover.open("rb") as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("WEBP", (1200, 630))
        assert image.getexif() == {}
        assert "exif" not in image.info


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"not an image at all", "That file is not an image we can read."),
        (image_bytes("BMP"), "Use a JPEG, PNG, WebP or GIF image."),
        (png_claiming_size(50_000, 50_000), "The image has far too many pixels."),
    ],
    ids=["empty", "text", "bmp", "bomb"],
)
def test_an_unusable_cover_is_refused_and_nothing_is_stored(staff, webinar, content, message):
    with pytest.raises(ImageUploadError, match=message) as refused:
        covers.set_event_cover(
            actor=staff, event_id=webinar.pk, upload=upload("cover.jpg", content), size=None
        )

    webinar.refresh_from_db()
    assert (refused.value.field, webinar.cover.name) == ("cover", "")


def test_events_finish_once_they_end(webinar):
    Event.objects.filter(pk=webinar.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )

    first, second = endings.finish_due_events(), endings.finish_due_events()

    webinar.refresh_from_db()
    assert (first, second, webinar.status) == (1, 0, "finished")
