"""Avatar images: checked, squared, resized and stripped of metadata with Pillow.

Only the pixels survive: EXIF (camera, GPS location), ICC profiles and comments are not
copied into the stored files, which are re-encoded as WebP.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from core.exceptions import DomainError

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
LARGE_SIZE = 256
SMALL_SIZE = 64
#: Images are shrunk to at most this on a side before cropping, to bound memory per upload.
WORKING_SIZE = 1024


class AvatarError(DomainError):
    """The upload is not an image we can use; the message says why."""

    code = "invalid_avatar"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="avatar")


@dataclass(frozen=True)
class ProcessedAvatar:
    large: bytes
    small: bytes


def process_avatar(upload: IO[bytes], *, size: int | None) -> ProcessedAvatar:
    """Validate an uploaded image and return square WebP renditions without metadata.

    Raises AvatarError for files that are too big, not JPEG/PNG/WebP/GIF, truncated or
    corrupt (pixels or metadata), decompression bombs, or larger than AVATAR_MAX_DIMENSION
    on a side: any error while Pillow decodes, transposes or re-encodes the upload.
    """
    max_bytes: int = settings.AVATAR_MAX_BYTES
    if size is not None and size > max_bytes:
        raise AvatarError(f"The image is larger than {max_bytes // (1024 * 1024)} MB.")
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise AvatarError(f"The image is larger than {max_bytes // (1024 * 1024)} MB.")
    if not data:
        raise AvatarError("The file is empty.")

    with warnings.catch_warnings():
        # Pillow only warns between 1x and 2x its pixel limit; treat that as a bomb too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _render(data)
        except AvatarError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise AvatarError("The image has far too many pixels to be an avatar.") from exc
        except UnidentifiedImageError as exc:
            raise AvatarError("That file is not an image we can read.") from exc
        except Exception as exc:
            # The bytes are untrusted and Pillow's decoders, EXIF/ICC parsers and transposer
            # fail in many ways besides OSError: struct.error for a truncated EXIF block,
            # SyntaxError, ValueError, EOFError, IndexError, ZeroDivisionError... Whatever
            # they raise, the file is not an image we can use; the log keeps the detail.
            logger.info("avatar refused: %s: %s", type(exc).__name__, exc)
            raise AvatarError("The image is damaged or incomplete; try another file.") from exc


def _render(data: bytes) -> ProcessedAvatar:
    """Decode, check, turn upright and square. Every Pillow step runs here, inside the guard."""
    max_side: int = settings.AVATAR_MAX_DIMENSION
    with Image.open(io.BytesIO(data)) as image:
        if image.format not in ACCEPTED_FORMATS:
            raise AvatarError("Use a JPEG, PNG, WebP or GIF image.")
        width, height = image.size
        if width * height > settings.AVATAR_MAX_PIXELS:
            raise Image.DecompressionBombError(f"{width}x{height}")
        if width > max_side or height > max_side:
            raise AvatarError(
                f"The image is {width}×{height} pixels; the most we take is {max_side}×{max_side}."
            )
        image.seek(0)  # the first frame of an animation
        if image.format == "JPEG":
            # Decode a JPEG at a reduced scale straight away: far less memory.
            image.draft("RGB", (WORKING_SIZE, WORKING_SIZE))
        image.load()
        # Shrink before any copy (rotation, mode change) is made.
        image.thumbnail((WORKING_SIZE, WORKING_SIZE))
        upright = ImageOps.exif_transpose(image)
    mode = (
        "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info else "RGB"
    )
    pixels = upright.convert(mode)
    return ProcessedAvatar(large=_square(pixels, LARGE_SIZE), small=_square(pixels, SMALL_SIZE))


def _square(image: Image.Image, side: int) -> bytes:
    squared = ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh image carries no EXIF/ICC unless asked; pass none.
    squared.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()
