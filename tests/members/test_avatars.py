"""Avatars: a usable image is squared, resized and stripped; anything else is refused."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from members.avatars import AvatarError
from members.services import remove_avatar, set_avatar
from tests.members.images import (
    GPS_IFD,
    image_bytes,
    jpeg_with_gps,
    jpeg_with_mistyped_exif,
    png_claiming_size,
    png_with_truncated_exif,
    truncated,
    upload,
    webp_with_truncated_exif,
    with_garbage_icc_profile,
)

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_valid_image_is_squared_resized_and_stripped_of_exif(member, settings):
    original = Image.open(io.BytesIO(jpeg_with_gps()))
    assert original.getexif().get_ifd(GPS_IFD)  # the fixture really carries a location

    set_avatar(member=member, upload=io.BytesIO(jpeg_with_gps()), size=None)

    member.refresh_from_db()
    large = Image.open(member.avatar.path)
    small = Image.open(member.avatar_small.path)
    assert (large.format, large.size) == ("WEBP", (256, 256))
    assert (small.format, small.size) == ("WEBP", (64, 64))
    for image in (large, small):
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert "icc_profile" not in image.info
    assert len(stored_files(settings)) == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "notes.png",
            b"just some text, honestly not a picture\n" * 20,
            "That file is not an image we can read.",
        ),
        (
            "cut.jpg",
            jpeg_with_gps()[:2500],
            "The image is damaged or incomplete; try another file.",
        ),
        (
            "bomb.png",
            png_claiming_size(40_000, 40_000),
            "The image has far too many pixels to be an avatar.",
        ),
        (
            "banner.png",
            image_bytes("PNG", (7000, 10)),
            "The image is 7000×10 pixels; the most we take is 6000×6000.",
        ),
        ("icon.bmp", image_bytes("BMP", (32, 32)), "Use a JPEG, PNG, WebP or GIF image."),
        ("empty.png", b"", "The file is empty."),
    ],
)
def test_unusable_upload_is_refused_with_a_message_and_nothing_is_stored(
    member, settings, name, content, message
):
    with pytest.raises(AvatarError) as error:
        set_avatar(member=member, upload=io.BytesIO(content), size=len(content))

    assert error.value.message == message
    member.refresh_from_db()
    assert member.avatar.name == ""
    assert stored_files(settings) == []


def test_upload_over_the_size_limit_is_refused(member, settings):
    settings.AVATAR_MAX_BYTES = 1024
    content = image_bytes("PNG", (400, 400))

    with pytest.raises(AvatarError, match="larger than 0 MB") as error:
        set_avatar(member=member, upload=io.BytesIO(content), size=len(content))

    assert error.value.field == "avatar"
    member.refresh_from_db()
    assert member.avatar.name == ""
    assert stored_files(settings) == []


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGBA"), ("GIF", "P"), ("WEBP", "RGB")])
def test_each_accepted_format_becomes_a_square_webp(member, fmt, mode):
    set_avatar(member=member, upload=io.BytesIO(image_bytes(fmt, (120, 300), mode)), size=None)

    member.refresh_from_db()
    large, small = Image.open(member.avatar.path), Image.open(member.avatar_small.path)
    assert (large.format, large.size) == ("WEBP", (256, 256))
    assert (small.format, small.size) == ("WEBP", (64, 64))


def test_replacing_the_avatar_deletes_the_old_files(
    member, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_avatar(member=member, upload=io.BytesIO(jpeg_with_gps()), size=None)
    first = stored_files(settings)

    with django_capture_on_commit_callbacks(execute=True):
        set_avatar(member=member, upload=io.BytesIO(image_bytes("PNG")), size=None)

    after = stored_files(settings)
    assert len(after) == 2
    assert not set(first) & set(after)


def test_removing_the_avatar_returns_to_initials(
    member, settings, django_capture_on_commit_callbacks
):
    set_avatar(member=member, upload=io.BytesIO(jpeg_with_gps()), size=None)

    with django_capture_on_commit_callbacks(execute=True):
        remove_avatar(member=member)

    member.refresh_from_db()
    assert member.avatar.name == ""
    assert stored_files(settings) == []


def test_settings_page_shows_the_refusal_and_keeps_the_old_avatar(client, member, settings):
    set_avatar(member=member, upload=io.BytesIO(jpeg_with_gps()), size=None)
    member.refresh_from_db()
    before = member.avatar.name
    client.force_login(member)

    response = client.post(
        reverse("members:avatar"), {"avatar": upload("evil.png", b"<?php echo 1; ?>", "image/png")}
    )

    assert response.status_code == 400
    assert "That file is not an image we can read." in response.content.decode()
    member.refresh_from_db()
    assert member.avatar.name == before
    assert len(stored_files(settings)) == 2


def test_api_avatar_upload_stores_both_sizes(api, member, settings):
    api.force_authenticate(member)

    response = api.put(
        "/api/v1/me/avatar/", {"avatar": upload("a.jpg", jpeg_with_gps())}, format="multipart"
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert response.json()["avatar_url"] == f"http://testserver/media/{member.avatar.name}"
    assert (
        response.json()["avatar_small_url"] == f"http://testserver/media/{member.avatar_small.name}"
    )
    assert member.avatar.name.endswith("-256.webp")
    assert member.avatar_small.name.endswith("-64.webp")
    assert len(stored_files(settings)) == 2


def test_api_avatar_refusal_is_a_400_and_stores_nothing(api, member, settings):
    api.force_authenticate(member)

    response = api.put(
        "/api/v1/me/avatar/", {"avatar": upload("a.png", b"nope", "image/png")}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {
        "avatar": ["That file is not an image we can read."],
        "code": "invalid_avatar",
    }
    member.refresh_from_db()
    assert member.avatar.name == ""
    assert stored_files(settings) == []


def test_a_rotated_phone_photo_is_stored_upright(member):
    photo = Image.new("RGB", (400, 400), (255, 0, 0))
    photo.paste((0, 0, 255), (200, 0, 400, 400))  # left red, right blue, as the sensor saw it
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    raw = io.BytesIO()
    photo.save(raw, format="JPEG", exif=exif)

    set_avatar(member=member, upload=io.BytesIO(raw.getvalue()), size=None)

    member.refresh_from_db()
    stored = Image.open(member.avatar.path).convert("RGB")
    top, bottom = stored.getpixel((128, 10)), stored.getpixel((128, 245))
    assert top[0] > 200 > top[2]  # red on top once turned upright
    assert bottom[2] > 200 > bottom[0]


DAMAGED = "The image is damaged or incomplete; try another file."

#: Files Pillow opens but fails on later, each in a different way (the exception classes are
#: those Pillow 13 raises): the refusal must hold for the class, not for one sample.
DAMAGED_IMAGES = [
    pytest.param("exif.png", png_with_truncated_exif(), "image/png", id="png-truncated-exif"),
    pytest.param("exif.webp", webp_with_truncated_exif(), "image/webp", id="webp-truncated-exif"),
    pytest.param("exif.jpg", jpeg_with_mistyped_exif(), "image/jpeg", id="jpeg-mistyped-exif"),
    pytest.param("cut.png", truncated("PNG", 80), "image/png", id="png-truncated-pixels"),
    pytest.param("cut.webp", truncated("WEBP", 60), "image/webp", id="webp-truncated"),
    pytest.param("cut.gif", truncated("GIF", 40), "image/gif", id="gif-truncated"),
    pytest.param("cut.jpg", truncated("JPEG", 400), "image/jpeg", id="jpeg-truncated"),
]


@pytest.fixture
def member_with_avatar(member, settings):
    set_avatar(member=member, upload=io.BytesIO(jpeg_with_gps()), size=None)
    member.refresh_from_db()
    return member


def avatar_names(member) -> tuple[str, str]:
    member.refresh_from_db()
    return member.avatar.name, member.avatar_small.name


@pytest.mark.parametrize(("name", "content", "content_type"), DAMAGED_IMAGES)
def test_damaged_image_is_refused_by_the_service_and_nothing_is_stored(
    member, settings, name, content, content_type
):
    with pytest.raises(AvatarError) as error:
        set_avatar(member=member, upload=io.BytesIO(content), size=len(content))

    assert error.value.message == DAMAGED
    assert avatar_names(member) == ("", "")
    assert stored_files(settings) == []


@pytest.mark.parametrize(("name", "content", "content_type"), DAMAGED_IMAGES)
def test_damaged_image_on_the_settings_page_answers_400_with_the_message(
    client, member_with_avatar, settings, name, content, content_type
):
    before_names, before_files = avatar_names(member_with_avatar), stored_files(settings)
    client.force_login(member_with_avatar)

    response = client.post(
        reverse("members:avatar"), {"avatar": upload(name, content, content_type)}
    )

    assert response.status_code == 400
    assert DAMAGED in response.content.decode()
    assert avatar_names(member_with_avatar) == before_names
    assert stored_files(settings) == before_files


@pytest.mark.parametrize(("name", "content", "content_type"), DAMAGED_IMAGES)
def test_damaged_image_through_the_api_answers_400_with_the_message(
    member_with_avatar, settings, name, content, content_type
):
    before_names, before_files = avatar_names(member_with_avatar), stored_files(settings)
    api = APIClient()
    api.force_authenticate(member_with_avatar)

    response = api.put(
        "/api/v1/me/avatar/", {"avatar": upload(name, content, content_type)}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {"avatar": [DAMAGED], "code": "invalid_avatar"}
    assert avatar_names(member_with_avatar) == before_names
    assert stored_files(settings) == before_files


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "JPEG"])
def test_a_garbage_colour_profile_is_dropped_and_the_pixels_are_kept(member, settings, fmt):
    content = with_garbage_icc_profile(fmt)
    assert Image.open(io.BytesIO(content)).info["icc_profile"].startswith(b"not a colour")

    set_avatar(member=member, upload=io.BytesIO(content), size=len(content))

    member.refresh_from_db()
    stored = Image.open(member.avatar.path)
    assert (stored.format, stored.size) == ("WEBP", (256, 256))
    assert "icc_profile" not in stored.info
    assert len(stored_files(settings)) == 2


BROKEN_MULTIPART = (
    b'--X\r\nContent-Disposition: form-data; name="avatar"; filename="a.png"\r\n'
    b"Content-Type: image/png\r\n\r\nabc"
)


def test_an_unreadable_upload_body_on_the_settings_page_answers_400_with_a_message(
    client, member_with_avatar, settings
):
    before_names, before_files = avatar_names(member_with_avatar), stored_files(settings)
    client.force_login(member_with_avatar)

    response = client.generic(
        "POST", reverse("members:avatar"), BROKEN_MULTIPART, content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert "We couldn't read what your browser sent" in response.content.decode()
    assert avatar_names(member_with_avatar) == before_names
    assert stored_files(settings) == before_files


def test_an_unreadable_upload_body_through_the_api_answers_400_with_a_message(
    member_with_avatar, settings
):
    before_names, before_files = avatar_names(member_with_avatar), stored_files(settings)
    api = APIClient()
    api.force_authenticate(member_with_avatar)

    response = api.generic(
        "PUT", "/api/v1/me/avatar/", BROKEN_MULTIPART, content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Multipart form parse error - Invalid boundary in multipart: None"
    }
    assert avatar_names(member_with_avatar) == before_names
    assert stored_files(settings) == before_files
