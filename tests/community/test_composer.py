"""The composer: a preview that is exactly the saved post, images checked and stripped like
avatars, @mention suggestions, similar threads, and the kind a category starts with; each
also without JavaScript."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from community import search
from community.models import Post, Thread, UploadedImage
from community.services import images, posting
from tests.community.factories import CategoryFactory, ThreadFactory
from tests.members.factories import UserFactory
from tests.members.images import GPS_IFD, jpeg_with_gps, png_claiming_size, upload

pytestmark = pytest.mark.django_db

PREVIEW_URL = reverse("community:compose-preview")
IMAGE_URL = reverse("community:compose-image")
MENTIONS_URL = reverse("community:compose-mentions")
SIMILAR_URL = reverse("community:compose-similar")

TRICKY_BODY = (
    "Hi @ada, see `code` and this:\n\n```python\nprint('<b>')\n```\n\n"
    "<script>alert(1)</script> [a link](https://example.com) "
    "![own](/media/posts/1/x.webp) ![tracker](https://evil.example/pixel.png)\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |"
)


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def ada():
    return UserFactory(handle="ada", display_name="Ada Lovelace")


# --- Preview ----------------------------------------------------------------------------------


def test_preview_renders_exactly_what_saving_stores(client, member, ada):
    thread = ThreadFactory()
    client.force_login(member)

    preview = client.post(PREVIEW_URL, {"body": TRICKY_BODY})
    client.post(reverse("community:reply", args=[thread.pk]), {"body": TRICKY_BODY})

    saved = Post.objects.get(thread=thread, number=2)
    assert preview.status_code == 200
    assert preview.json()["html"] == saved.html
    assert '<a href="/u/ada/" class="mention"' in saved.html
    assert "<script>" not in saved.html
    assert 'src="/media/posts/1/x.webp"' in saved.html
    assert '<a href="https://evil.example/pixel.png"' in saved.html
    assert 'src="https://evil.example' not in saved.html


def test_preview_of_an_empty_text_says_so(client, member):
    client.force_login(member)

    response = client.post(PREVIEW_URL, {"body": "   "})

    assert response.status_code == 400
    assert response.json() == {"detail": "Write something before posting."}


def test_preview_needs_a_member_who_may_post(client):
    client.force_login(UserFactory(unverified=True))

    response = client.post(PREVIEW_URL, {"body": "Hello"})

    assert response.status_code == 403


def test_preview_without_javascript_shows_the_form_again_and_posts_nothing(client, member, ada):
    thread = ThreadFactory()
    client.force_login(member)

    response = client.post(
        reverse("community:reply", args=[thread.pk]), {"body": TRICKY_BODY, "preview": "1"}
    )

    _, expected_html, _ = posting.render_post(TRICKY_BODY)
    assert response.status_code == 200
    assert response.context["preview_html"] == expected_html
    assert expected_html in response.content.decode()
    assert response.context["form"]["body"].value() == TRICKY_BODY
    assert Post.objects.filter(thread=thread).count() == 1


# --- Images -----------------------------------------------------------------------------------


def test_an_uploaded_image_is_reencoded_without_exif_and_owned_by_the_member(
    client, member, settings
):
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get_ifd(GPS_IFD)
    client.force_login(member)

    response = client.post(IMAGE_URL, {"image": upload("Holiday photo.jpg", jpeg_with_gps())})

    image = UploadedImage.objects.get()
    stored = Image.open(image.file.path)
    assert response.status_code == 201
    assert response.json() == {
        "markdown": f"![Holiday photo]({image.file.url})",
        "url": image.file.url,
    }
    assert image.file.url.startswith("/media/posts/")
    assert (image.owner, image.width, image.height) == (member, 640, 480)
    assert stored.format == "WEBP"
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert len(stored_files(settings)) == 1


def test_a_large_image_is_scaled_down_not_cropped(client, member):
    client.force_login(member)
    big = io.BytesIO()
    Image.new("RGB", (3200, 1600), (1, 2, 3)).save(big, format="PNG")

    client.post(IMAGE_URL, {"image": upload("wide.png", big.getvalue(), "image/png")})

    image = UploadedImage.objects.get()
    assert (image.width, image.height) == (1600, 800)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bomb.png", png_claiming_size(50_000, 50_000), "The image has far too many pixels."),
        (
            "notes.png",
            b"just some text, honestly not a picture\n" * 20,
            "That file is not an image we can read.",
        ),
        ("empty.png", b"", "The file is empty."),
    ],
    ids=["bomb", "renamed-text", "empty"],
)
def test_a_bad_image_is_refused_with_a_message_and_nothing_stored(
    client, member, settings, name, content, message
):
    client.force_login(member)

    response = client.post(IMAGE_URL, {"image": upload(name, content, "image/png")})

    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert UploadedImage.objects.count() == 0
    assert stored_files(settings) == []


def test_an_unverified_member_cannot_upload(client, settings):
    client.force_login(UserFactory(unverified=True))

    response = client.post(IMAGE_URL, {"image": upload("a.jpg", jpeg_with_gps())})

    assert response.status_code == 403
    assert UploadedImage.objects.count() == 0
    assert stored_files(settings) == []


def test_uploads_stop_at_the_hourly_limit(client, member, settings, monkeypatch):
    monkeypatch.setattr(images, "UPLOADS_PER_HOUR", 2)
    client.force_login(member)
    for _ in range(2):
        client.post(IMAGE_URL, {"image": upload("a.jpg", jpeg_with_gps(40, 30))})

    response = client.post(IMAGE_URL, {"image": upload("a.jpg", jpeg_with_gps(40, 30))})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "You have added 2 images in the last hour; try again later."
    }
    assert UploadedImage.objects.count() == 2
    assert len(stored_files(settings)) == 2


def test_an_image_attached_without_javascript_goes_into_the_reply(client, member):
    thread = ThreadFactory()
    client.force_login(member)

    response = client.post(
        reverse("community:reply", args=[thread.pk]),
        {"body": "Here is the screen:", "image": upload("screen.jpg", jpeg_with_gps())},
    )

    image = UploadedImage.objects.get()
    post = Post.objects.get(thread=thread, number=2)
    assert response.status_code == 302
    assert post.source == f"Here is the screen:\n\n![screen]({image.file.url})"
    assert f'<img src="{image.file.url}" alt="screen"' in post.html


def test_a_refused_image_without_javascript_keeps_the_text_and_posts_nothing(
    client, member, settings
):
    thread = ThreadFactory()
    client.force_login(member)

    response = client.post(
        reverse("community:reply", args=[thread.pk]),
        {"body": "My words", "image": upload("x.png", b"not an image at all", "image/png")},
    )

    assert response.status_code == 400
    assert "That file is not an image we can read." in response.content.decode()
    assert response.context["form"]["body"].value() == "My words"
    assert Post.objects.filter(thread=thread).count() == 1
    assert UploadedImage.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("filename", "alt"),
    [("My screen [1].png", "My screen 1"), ("image.png", "screenshot"), ("", "screenshot")],
)
def test_alt_text_comes_from_the_file_name_without_markdown_syntax(filename, alt):
    assert images.alt_text_from(filename) == alt


# --- Mentions ---------------------------------------------------------------------------------


def test_mention_suggestions_list_members_the_writer_may_mention(
    client, member, django_assert_num_queries
):
    UserFactory(handle="adam", display_name="Adam Smith")
    UserFactory(handle="ada", display_name="Ada Lovelace")
    UserFactory(handle="adagone", inactive=True)
    UserFactory(handle="bob", display_name="Adalbert Bob")
    writer = UserFactory(handle="adawriter")
    client.force_login(writer)

    # the user (the session comes from the cache), the suggestions
    with django_assert_num_queries(2):
        response = client.get(MENTIONS_URL, {"q": "ada"})

    assert response.status_code == 200
    assert sorted(person["handle"] for person in response.json()["results"]) == [
        "ada",
        "adam",
        "bob",
    ]
    assert "private" in response["Cache-Control"]


def test_mention_suggestions_are_at_most_eight(client, member):
    UserFactory.create_batch(10, display_name="Zed")
    client.force_login(member)

    response = client.get(MENTIONS_URL, {"q": "Zed"})

    assert len(response.json()["results"]) == 8


def test_mention_suggestions_need_a_signed_in_member(client):
    UserFactory(handle="ada")

    response = client.get(MENTIONS_URL, {"q": "ada"})

    assert response.status_code == 401


@pytest.mark.parametrize("prefix", ["", "a b", "x" * 31, "<script>"])
def test_mention_suggestions_ignore_what_cannot_start_a_handle(client, member, prefix):
    UserFactory(handle="ada")
    client.force_login(member)

    response = client.get(MENTIONS_URL, {"q": prefix})

    assert response.json() == {"results": []}


# --- Similar threads --------------------------------------------------------------------------


def test_similar_threads_match_the_title_being_typed_as_the_viewer_may_see_them(client, member):
    ThreadFactory(title="Deploying Django with Docker in production")
    ThreadFactory(title="Docker and Django deploy notes", category=CategoryFactory(tier_only=True))
    ThreadFactory(title="Podcast microphones")
    # Factories write posts around the services that keep the search index: index them.
    search.index_posts(list(Post.objects.values_list("pk", flat=True)))
    client.force_login(member)

    response = client.get(SIMILAR_URL, {"title": "How do I deploy Django with Docker?"})

    assert [item["title"] for item in response.json()["results"]] == [
        "Deploying Django with Docker in production"
    ]


def test_similar_threads_need_distinctive_words(client, member):
    ThreadFactory(title="How do I do this?")
    client.force_login(member)

    response = client.get(SIMILAR_URL, {"title": "How do I do it?"})

    assert response.json() == {"results": []}


# --- The kind a category starts with ------------------------------------------------------------


@pytest.mark.parametrize(
    ("default_kind", "expected"),
    [(Thread.Kind.QUESTION, "question"), (Thread.Kind.DISCUSSION, "discussion")],
)
def test_a_category_meant_for_questions_preselects_the_question_kind(
    client, member, default_kind, expected
):
    category = CategoryFactory(slug="help", default_kind=default_kind)
    client.force_login(member)

    response = client.get(reverse("community:thread-create"), {"category": "help"})

    form = response.context["form"]
    assert form["kind"].value() == expected
    assert response.context["screen"].question_category_ids == (
        [category.pk] if expected == "question" else []
    )


def test_the_kind_asked_for_wins_over_the_categorys(client, member):
    CategoryFactory(slug="help", default_kind=Thread.Kind.QUESTION)
    client.force_login(member)

    response = client.get(
        reverse("community:thread-create"), {"category": "help", "kind": "discussion"}
    )

    assert response.context["form"]["kind"].value() == "discussion"


def test_the_data_export_lists_the_members_uploaded_images_and_nobody_elses(client, member):
    from community.selectors import export_images

    client.force_login(member)
    client.post(IMAGE_URL, {"image": upload("mine.jpg", jpeg_with_gps(40, 30))})
    client.force_login(UserFactory())
    client.post(IMAGE_URL, {"image": upload("theirs.jpg", jpeg_with_gps(40, 30))})

    exported = export_images(member)

    mine = UploadedImage.objects.get(owner=member)
    assert [(row["url"], row["width"], row["height"]) for row in exported] == [
        (mine.file.url, 40, 30)
    ]
