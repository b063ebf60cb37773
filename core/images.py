"""Uploaded images, checked before anything trusts them: size, format, pixel count (a
decompression bomb is refused from its header), damage; then decoded at a bounded size,
turned upright and re-encoded, so only the pixels survive (no EXIF, GPS, ICC or comments).

members.avatars applies the same rules to avatars; event covers use this helper.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from core.exceptions import DomainError

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class ImageUploadError(DomainError):
    """The upload is not an image we can use; the message says why."""

    code = "invalid_image"


def open_checked_image(
    upload: IO[bytes],
    *,
    size: int | None,
    field: str,
    max_bytes: int,
    max_pixels: int,
    max_side: int,
    working_size: tuple[int, int],
) -> Image.Image:
    """The upload decoded, shrunk to fit `working_size`, upright, in RGB or RGBA.

    Raises ImageUploadError (naming `field`) for files over `max_bytes`, empty ones,
    formats other than JPEG/PNG/WebP/GIF, more than `max_pixels` pixels (read from the
    header, before decoding), more than `max_side` on a side, and truncated or corrupt
    files."""
    megabytes = max_bytes // (1024 * 1024)
    if size is not None and size > max_bytes:
        raise ImageUploadError(f"The image is larger than {megabytes} MB.", field=field)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageUploadError(f"The image is larger than {megabytes} MB.", field=field)
    if not data:
        raise ImageUploadError("The file is empty.", field=field)
    with warnings.catch_warnings():
        # Pillow only warns between 1x and 2x its own limit; a warning is a bomb too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise ImageUploadError("Use a JPEG, PNG, WebP or GIF image.", field=field)
                width, height = image.size
                if width * height > max_pixels:
                    raise Image.DecompressionBombError(f"{width}x{height}")
                if width > max_side or height > max_side:
                    raise ImageUploadError(
                        f"The image is {width}×{height} pixels; "
                        f"the most we take is {max_side}×{max_side}.",
                        field=field,
                    )
                image.seek(0)  # the first frame of an animation
                if image.format == "JPEG":
                    image.draft("RGB", working_size)  # decode at a reduced scale: less memory
                image.load()
                image.thumbnail(working_size)
                upright = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageUploadError("The image has far too many pixels.", field=field) from exc
        except UnidentifiedImageError as exc:
            raise ImageUploadError("That file is not an image we can read.", field=field) from exc
        except ImageUploadError:
            raise
        except Exception as exc:
            # The bytes are untrusted and Pillow's decoders, EXIF parser and transposer fail
            # in many ways (OSError, SyntaxError, struct.error for a truncated EXIF block,
            # IndexError...): whatever they raise, the file is not an image we can use.
            logger.info("image refused: %s: %s", type(exc).__name__, exc)
            raise ImageUploadError(
                "The image is damaged or incomplete; try another file.", field=field
            ) from exc
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    return upright.convert("RGBA" if has_alpha else "RGB")


def fitted_webp(image: Image.Image, size: tuple[int, int]) -> bytes:
    """The image cropped to `size`'s proportions around its centre, resized to it, as WebP
    with no metadata (a fresh image carries none unless asked)."""
    fitted = ImageOps.fit(image, size, method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    fitted.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()


def webp_bytes(image: Image.Image) -> bytes:
    """The image as it is (no crop), as WebP with no metadata."""
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()
