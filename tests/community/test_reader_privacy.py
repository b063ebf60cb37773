"""Reading a post or a profile never makes the reader's browser, or Hearth, contact a host the
writer chose: images from elsewhere are shown as links, and nothing is fetched."""

import importlib
import re
import socket

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.text import slugify
from rest_framework.test import APIClient

from community.models import Post, PostRevision
from community.services import posting
from members.models import User
from members.services import update_profile
from tests.community.factories import CategoryFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

TRACKER = "https://tracker.example/pixel.png?reader=1"
REL = "nofollow ugc noopener"


def resource_urls(markup: str) -> list[str]:
    """Every URL the browser would load by itself (src, srcset, poster, data, CSS url())."""
    attributes = re.findall(r'\s(?:src|srcset|poster|data)="([^"]*)"', markup)
    return attributes + re.findall(r"url\(([^)]*)\)", markup)


@pytest.fixture
def thread(member):
    return posting.create_thread(
        author=member,
        category_id=CategoryFactory().pk,
        title="Look at my chart",
        body=f"Here: ![the chart]({TRACKER}) and ![logo](/static/img/favicon.svg)",
    )


def test_a_post_with_a_remote_image_shows_a_link_and_loads_nothing_from_that_host(client, thread):
    response = client.get(reverse("community:thread", args=[thread.pk, slugify(thread.title)]))

    content = response.content.decode()
    assert response.status_code == 200
    assert [url for url in resource_urls(content) if "tracker.example" in url] == []
    assert f'<a href="{TRACKER.replace("&", "&amp;")}" rel="{REL}">the chart</a>' in content
    assert '<img src="/static/img/favicon.svg" alt="logo" loading="lazy">' in content


def test_the_api_serves_the_same_link_instead_of_the_remote_image(thread):
    posts = APIClient().get(f"/api/v1/threads/{thread.pk}/posts/").json()["results"]

    assert posts[0]["html"] == (
        f'<p>Here: <a href="{TRACKER}" rel="{REL}">the chart</a> and '
        '<img src="/static/img/favicon.svg" alt="logo" loading="lazy"></p>\n'
    )


def test_a_bio_with_a_remote_image_shows_a_link_on_the_profile(client, member):
    update_profile(member=member, fields={"bio": f"![me]({TRACKER})"})

    response = client.get(reverse("members:profile", args=[member.handle]))

    content = response.content.decode()
    assert [url for url in resource_urls(content) if "tracker.example" in url] == []
    assert f'<a href="{TRACKER.replace("&", "&amp;")}" rel="{REL}">me</a>' in content


PRIVATE_TARGETS = [
    ("http://127.0.0.1:9/admin.png", "127.0.0.1"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("http://[::1]:9/x.png", "::1"),
    ("http://10.0.0.1/x.png", "10.0.0.1"),
    ("https://internal.localhost/x.png", "internal.localhost"),
]


@pytest.fixture
def outgoing(monkeypatch) -> list[str]:
    """Every host this process resolves or connects to from now on."""
    seen: list[str] = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(self, address):
        seen.append(str(address[0]) if isinstance(address, tuple) else str(address))
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        seen.append(str(host))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return seen


@pytest.mark.parametrize(("url", "host"), PRIVATE_TARGETS)
def test_an_image_aimed_at_a_private_address_is_never_fetched_or_embedded(
    client, member, outgoing, url, host
):
    thread = posting.create_thread(
        author=member,
        category_id=CategoryFactory().pk,
        title="Internal picture",
        body=f"![inside]({url})",
    )

    page = client.get(reverse("community:thread", args=[thread.pk, slugify(thread.title)]))

    assert [seen for seen in outgoing if seen == host] == []
    assert resource_urls(Post.objects.get(thread=thread).html) == []
    assert page.status_code == 200


# --- Posts and bios rendered before the image policy --------------------------------------------


def old_render(alt: str, url: str) -> str:
    """What the renderer stored for an https image before: an embedded <img>."""
    return f'<p><img src="{url}" alt="{alt}" loading="lazy"></p>\n'


def test_the_migration_re_renders_stored_html_that_embeds_remote_images(member):
    UserFactory(handle="ada")
    thread = posting.create_thread(
        author=member, category_id=CategoryFactory().pk, title="Old post", body="x"
    )
    post = Post.objects.get(thread=thread)
    source = f"@ada look: ![chart]({TRACKER})"
    Post.objects.filter(pk=post.pk).update(source=source, html=old_render("chart", TRACKER))
    PostRevision.objects.create(post=post, source=source, html=old_render("chart", TRACKER))
    User.objects.filter(pk=member.pk).update(
        bio=f"![me]({TRACKER})", bio_html=old_render("me", TRACKER)
    )
    untouched = posting.create_thread(
        author=member, category_id=CategoryFactory().pk, title="No image here", body="plain"
    )
    Post.objects.filter(thread=untouched).update(html="<p>kept as stored</p>\n")
    migration = importlib.import_module("community.migrations.0006_rerender_embedded_images")

    migration.rerender_embedded_images(apps, None)

    expected = (
        f'<p><a href="/u/ada/" class="mention" rel="{REL}">@ada</a> look: '
        f'<a href="{TRACKER}" rel="{REL}">chart</a></p>\n'
    )
    assert Post.objects.get(pk=post.pk).html == expected
    assert list(PostRevision.objects.values_list("html", flat=True)) == [expected]
    assert User.objects.get(pk=member.pk).bio_html == (
        f'<p><a href="{TRACKER}" rel="{REL}">me</a></p>\n'
    )
    assert Post.objects.get(thread=untouched).html == "<p>kept as stored</p>\n"
