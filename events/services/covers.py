"""Event covers, checked as avatars are (size, format, pixels, damage) and re-encoded without
metadata."""

from __future__ import annotations

import uuid
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from core.images import fitted_webp, open_checked_image
from events.models import Event
from events.services.publishing import ensure_staff
from members.models import User

#: The cover's stored size (the proportions social cards use).
COVER_SIZE = (1200, 630)


@transaction.atomic
def set_event_cover(*, actor: User, event_id: int, upload: IO[bytes], size: int | None) -> Event:
    """Store a cover image, checked as avatars are (size, format, pixels, damage) and
    re-encoded at 1200 by 630 without metadata; the old file goes after commit.

    Raises NotAllowedError, Event.DoesNotExist, ImageUploadError (field "cover")."""
    ensure_staff(actor)
    event = Event.objects.select_for_update().get(pk=event_id)
    image = open_checked_image(
        upload,
        size=size,
        field="cover",
        max_bytes=settings.AVATAR_MAX_BYTES,
        max_pixels=settings.AVATAR_MAX_PIXELS,
        max_side=settings.AVATAR_MAX_DIMENSION,
        working_size=(COVER_SIZE[0] * 2, COVER_SIZE[1] * 2),
    )
    name = default_storage.save(
        f"events/{event.pk}/{uuid.uuid4().hex}.webp", ContentFile(fitted_webp(image, COVER_SIZE))
    )
    old = event.cover.name
    event.cover.name = name
    event.save(update_fields=["cover"])
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return event


@transaction.atomic
def remove_event_cover(*, actor: User, event_id: int) -> Event:
    """Go back to the event without a cover image."""
    ensure_staff(actor)
    event = Event.objects.select_for_update().get(pk=event_id)
    old = event.cover.name
    event.cover.name = ""
    event.save(update_fields=["cover"])
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return event
