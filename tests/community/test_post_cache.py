"""A thread page's posts come from the cache of rendered posts (community/templatetags/
forum.py, {% rendered_posts %}): rendered once per kind of reader, never stale, never
another reader's, and always with the reader's own CSRF token."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from community.models import Post, Thread
from community.services import engagement, posting
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def thread(question: Thread, helper) -> Thread:
    posting.reply(author=helper, thread_id=question.pk, body="Try a bigger font.")
    posting.reply(author=helper, thread_id=question.pk, body="And high contrast.")
    # Days old, so "3 days ago" reads the same in both requests a test compares.
    days_ago = timezone.now() - timedelta(days=3)
    Post.objects.update(created_at=days_ago)
    Thread.objects.update(created_at=days_ago, last_activity_at=days_ago)
    return question


def _post_renders(response) -> int:
    return [t.name for t in response.templates].count("community/_post.html")


def _page(client: Client, thread: Thread) -> str:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_an_unchanged_post_is_not_rendered_again(client: Client, thread: Thread, member) -> None:
    client.force_login(member)
    first = client.get(thread.get_absolute_url())
    second = client.get(thread.get_absolute_url())
    assert (_post_renders(first), _post_renders(second)) == (3, 0)


def test_the_cached_page_is_the_page_rendered_afresh(
    client: Client, thread: Thread, member
) -> None:
    client.force_login(member)
    cold = _page(client, thread)
    warm = _page(client, thread)
    cache.clear()
    fresh = _page(client, thread)
    assert _TOKEN.sub("", warm) == _TOKEN.sub("", cold) == _TOKEN.sub("", fresh)


def test_an_edit_and_a_reaction_show_at_once(
    client: Client, thread: Thread, member, helper
) -> None:
    client.force_login(member)
    _page(client, thread)
    reply = Post.objects.get(thread=thread, number=2)
    posting.edit_post(editor=helper, post_id=reply.pk, body="Try a 28pt font.")
    engagement.add_reaction(member=UserFactory(), post_id=reply.pk, kind="like")
    page = _page(client, thread)
    assert "Try a 28pt font." in page
    assert "Try a bigger font." not in page
    assert '<span class="reaction-count">1</span>' in page


def test_each_reader_sees_their_own_rights_and_reactions(
    client: Client, thread: Thread, member, helper
) -> None:
    reply = Post.objects.get(thread=thread, number=2)
    engagement.add_reaction(member=member, post_id=reply.pk, kind="like")
    client.force_login(member)
    members_page = _page(client, thread)
    client.force_login(helper)
    helpers_page = _page(client, thread)
    edit_url = f"/p/{reply.pk}/edit/"
    taken_back = "Take back your “Like”"
    assert (edit_url in members_page, taken_back in members_page) == (False, True)
    assert (edit_url in helpers_page, taken_back in helpers_page) == (True, False)


def test_forms_in_a_cached_post_carry_the_readers_own_working_token(thread: Thread, member) -> None:
    reply = Post.objects.get(thread=thread, number=2)
    other = Client()
    other.force_login(UserFactory())
    _page(other, thread)  # fills the cache with another reader's render
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    page = _page(client, thread)
    action = f'action="/p/{reply.pk}/react/"'
    form = page[page.index(action) :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    response = client.post(
        f"/p/{reply.pk}/react/", {"kind": "like", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=reply.pk).like_count == 1


def test_a_visitors_posts_ask_for_no_token(client: Client, thread: Thread) -> None:
    response = client.get(thread.get_absolute_url())
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert response.wsgi_request.META.get("CSRF_COOKIE_NEEDS_UPDATE") is None


def test_a_badge_earned_shows_beside_the_name_at_once(
    client: Client, thread: Thread, member, helper
) -> None:
    from members.loyalty.models import Badge, BadgeAward

    client.force_login(member)
    before = _page(client, thread)
    BadgeAward.objects.create(member=helper, badge=Badge.objects.get(slug="community-hero"))
    after = _page(client, thread)

    mark = (
        '<a class="badge-mark grade-gold" href="/badges/community-hero/" '
        'title="Community hero badge (gold)">'
    )
    assert (mark in before, after.count(mark)) == (False, 2)  # helper's two replies


def test_a_new_thank_you_shows_under_the_post_at_once(
    client: Client, thread: Thread, member, moderator, helper
) -> None:
    from members.rewards import services as rewards

    reply = Post.objects.get(thread=thread, number=2)
    client.force_login(member)
    before = _page(client, thread)
    rewards.reward_member(
        moderator=moderator,
        member_id=helper.pk,
        points=5,
        reason="Clear answer",
        thank_you="Thanks for the font tip!",
        post_id=reply.pk,
    )
    after = _page(client, thread)

    line = "<strong>@moderator</strong> thanked helper: Thanks for the font tip!"
    assert (line in before, after.count(line)) == (False, 1)


def test_a_deploy_that_changes_how_posts_are_drawn_draws_them_afresh(
    client: Client, thread: Thread, member, monkeypatch
) -> None:
    from community.templatetags import forum

    client.force_login(member)
    first = client.get(thread.get_absolute_url())
    monkeypatch.setattr(forum, "templates_version", lambda: "the-next-deploy")
    second = client.get(thread.get_absolute_url())
    third = client.get(thread.get_absolute_url())
    assert (_post_renders(first), _post_renders(second), _post_renders(third)) == (3, 3, 0)


def test_the_templates_version_follows_the_templates(settings, tmp_path) -> None:
    from core.template_loaders import templates_version

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>One</p>")
    settings.BASE_DIR = tmp_path
    templates_version.cache_clear()
    try:
        before = templates_version()
        page.write_text("<p>Two</p>")
        templates_version.cache_clear()
        assert templates_version() != before
    finally:
        templates_version.cache_clear()
