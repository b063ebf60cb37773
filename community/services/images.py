"""Images members put into posts: checked like avatars, re-encoded without metadata, stored
as an UploadedImage row the member owns, and embedded by Hearth's own URL."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from community import policies
from community.exceptions import PostingNotAllowedError, UploadLimitError
from community.models import UploadedImage
from core.images import open_checked_image, webp_bytes
from members.models import User
from members.policies import ensure_not_suspended

#: The longest side an image is stored at (larger ones are scaled down, never cropped).
POST_IMAGE_SIDE = 1600
#: Images one member may upload in an hour.
UPLOADS_PER_HOUR = 30
_ALT_UNSAFE = re.compile(r"[\[\]\(\)\\`*_<>!#|\x00-\x1f]")


def image_markdown(image: UploadedImage, *, alt: str) -> str:
    """The Markdown that embeds `image` (its own URL: the only kind posts embed)."""
    return f"![{alt}]({image.file.url})"


def alt_text_from(filename: str) -> str:
    """A short alt text from an upload's file name ("screenshot" for pasted ones), with no
    character that Markdown would read as syntax."""
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    cleaned = " ".join(_ALT_UNSAFE.sub(" ", stem).replace("-", " ").split())[:80]
    return cleaned if cleaned and cleaned.lower() not in ("image", "blob") else "screenshot"


@transaction.atomic
def upload_post_image(*, member: User, upload: IO[bytes], size: int | None) -> UploadedImage:
    """Check an uploaded image as avatars are (size, format, pixel count read from the
    header, damage), scale it to fit POST_IMAGE_SIDE, re-encode it as WebP with no EXIF,
    GPS or ICC data, and store it as the member's.

    Raises PostingNotAllowedError (may not post), UploadLimitError (UPLOADS_PER_HOUR
    reached), ImageUploadError (field "image"). Nothing is stored when it raises. The
    hourly count is read under a lock on the member's row, so parallel uploads cannot
    pass it together.
    """
    ensure_not_suspended(member)
    if not policies.can_post(member):
        raise PostingNotAllowedError("Verify your email address before you add images.")
    User.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True).get()
    since = timezone.now() - timedelta(hours=1)
    if UploadedImage.objects.filter(owner=member, created_at__gte=since).count() >= (
        UPLOADS_PER_HOUR
    ):
        raise UploadLimitError(
            f"You have added {UPLOADS_PER_HOUR} images in the last hour; try again later.",
            field="image",
        )
    image = open_checked_image(
        upload,
        size=size,
        field="image",
        max_bytes=settings.AVATAR_MAX_BYTES,
        max_pixels=settings.AVATAR_MAX_PIXELS,
        max_side=settings.AVATAR_MAX_DIMENSION,
        working_size=(POST_IMAGE_SIDE, POST_IMAGE_SIDE),
    )
    data = webp_bytes(image)
    name = default_storage.save(f"posts/{member.pk}/{uuid.uuid4().hex}.webp", ContentFile(data))
    try:
        return UploadedImage.objects.create(
            owner=member,
            file=name,
            width=image.width,
            height=image.height,
            byte_size=len(data),
        )
    except Exception:
        default_storage.delete(name)
        raise
