"""In-memory images for avatar tests."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825


def jpeg_with_gps(width: int = 640, height: int = 480) -> bytes:
    image = Image.new("RGB", (width, height), (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "Hearth Test Camera"  # Make
    exif[GPS_IFD] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=90)
    return out.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (300, 200), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 200) if mode == "RGB" else None).save(out, format=fmt)
    return out.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: a decompression bomb's shape."""
    data = image_bytes("PNG", (1, 1))
    ihdr_start = 8 + 8  # signature, then length + type of the IHDR chunk
    fields = struct.pack(">II", width, height) + data[ihdr_start + 8 : ihdr_start + 13]
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + fields) & 0xFFFFFFFF)
    return data[:ihdr_start] + fields + crc + data[ihdr_start + 13 + 4 :]


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _saved(fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 80, 40)).save(out, format=fmt, **options)
    return out.getvalue()


#: An EXIF block cut off after its header: Pillow's parser raises struct.error on it.
TRUNCATED_EXIF_BIG_ENDIAN = b"Exif\x00\x00MM\x00*"
TRUNCATED_EXIF_LITTLE_ENDIAN = b"Exif\x00\x00II*\x00"
#: Orientation 6 plus a ColorMap tag (numbers only) that holds text: turning the image upright
#: rewrites the EXIF block, and packing the text as numbers raises struct.error.
MISTYPED_EXIF = (
    b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x02"
    + b"\x01\x40\x00\x02\x00\x00\x00\x04cam\x00"
    + b"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00"
    + b"\x00\x00\x00\x00"
)


def png_with_truncated_exif() -> bytes:
    return _saved("PNG", exif=TRUNCATED_EXIF_BIG_ENDIAN)


def webp_with_truncated_exif() -> bytes:
    return _saved("WEBP", exif=TRUNCATED_EXIF_LITTLE_ENDIAN)


def jpeg_with_mistyped_exif() -> bytes:
    return _saved("JPEG", exif=MISTYPED_EXIF)


def truncated(fmt: str, keep: int) -> bytes:
    """A valid image of `fmt` cut after `keep` bytes."""
    return _saved(fmt)[:keep]


def with_garbage_icc_profile(fmt: str) -> bytes:
    """Decodable pixels carrying an ICC profile that is not one."""
    return _saved(fmt, icc_profile=b"not a colour profile " * 8)
