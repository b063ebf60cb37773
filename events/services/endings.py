"""After an event: it finishes on its own when it ends (an AMA's recap is posted then), and
its hosts share the recording, emailed once to everyone who registered and kept a place."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from events import policies
from events.exceptions import InvalidEventError, NotAllowedError
from events.models import Event
from events.services.messages import Message
from events.services.publishing import fan_out, is_web_link
from events.services.questions import post_recap
from members.models import User


def finish_due_events(*, now: datetime | None = None) -> int:
    """Beat, every minute: mark published events that have ended as finished and, for
    AMAs, post the recap of answered questions in their discussion thread. Returns how
    many finished. Idempotent: a conditional UPDATE finishes each event once."""
    now = now or timezone.now()
    due = list(
        Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    finished = 0
    for event_id in due:
        with transaction.atomic():
            taken = Event.objects.filter(pk=event_id, status=Event.Status.PUBLISHED).update(
                status=Event.Status.FINISHED, finished_at=now
            )
            if taken:
                finished += 1
                post_recap(event_id=event_id)
    return finished


@transaction.atomic
def share_recording(*, actor: User, event_id: int, recording_url: str) -> Event:
    """Set the recording link after the event. The first time, everyone who registered
    and kept a place gets it by email after commit: attendees with thanks and the rating
    question, the others with what they missed. Changing the link later emails nobody.

    Raises Event.DoesNotExist (invisible), NotAllowedError (not a host or staff),
    InvalidEventError (before the end, or cancelled)."""
    event = _locked_visible(actor, event_id)
    if not policies.can_run_event(actor, event):
        raise NotAllowedError("Only the event's hosts and staff share its recording.")
    now = timezone.now()
    if event.status == Event.Status.CANCELLED or (
        event.status != Event.Status.FINISHED and now < event.ends_at
    ):
        raise InvalidEventError(
            "Share the recording once the event is over.", field="recording_url"
        )
    url = recording_url.strip()
    if not is_web_link(url):
        raise InvalidEventError("Use a link that starts with https://.", field="recording_url")
    first_time = event.recording_shared_at is None
    event.recording_url = url
    if first_time and event.recording_url:
        event.recording_shared_at = now
    event.save(update_fields=["recording_url", "recording_shared_at"])
    if first_time and event.recording_url:
        fan_out(event, Message.RECORDING, "1")
    return event


def _locked_visible(viewer: User, event_id: int) -> Event:
    visible = policies.visible_events(viewer).filter(pk=event_id)
    return (
        Event.objects.select_for_update().prefetch_related("hosts").get(pk__in=visible.values("pk"))
    )
