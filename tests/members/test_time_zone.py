import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from members.middleware import MemberTimeZoneMiddleware, without_member_time_zone
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def zone_seen_by_view(user):
    seen = []

    def view(request):
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user

    def handler(request):  # what Django does between middleware and view
        middleware.process_view(request, view, (), {})
        return view(request)

    middleware = MemberTimeZoneMiddleware(handler)
    middleware(request)
    return seen[0]


def test_a_view_that_shows_no_times_never_loads_the_user():
    loaded = []

    @without_member_time_zone
    def view(request):
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = SimpleLazyObject(lambda: loaded.append(1) or UserFactory())
    middleware = MemberTimeZoneMiddleware(view)

    middleware.process_view(request, view, (), {})

    assert loaded == []


def test_pages_render_times_in_the_members_time_zone():
    assert zone_seen_by_view(UserFactory(time_zone="Asia/Tokyo")) == "Asia/Tokyo"


def test_visitors_see_utc_and_nothing_leaks_between_requests():
    zone_seen_by_view(UserFactory(time_zone="Asia/Tokyo"))

    assert zone_seen_by_view(AnonymousUser()) == "UTC"
    assert timezone.get_current_timezone_name() == "UTC"


def test_thread_page_shows_post_times_in_the_members_zone(client):
    from datetime import UTC, datetime

    from community.models import Post
    from community.services import posting
    from tests.community.factories import CategoryFactory

    author = UserFactory()
    thread = posting.create_thread(
        author=author, category_id=CategoryFactory().pk, title="Times and zones", body="When?"
    )
    Post.objects.filter(thread=thread).update(created_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    client.force_login(UserFactory(time_zone="Asia/Tokyo"))

    body = client.get(thread.get_absolute_url()).content.decode()

    assert 'title="2 Mar 2026, 08:30"' in body  # 23:30 UTC is 08:30 next morning in Tokyo
