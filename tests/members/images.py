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
