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


# The member's tier comes from the cache while nothing could have changed it.


@pytest.mark.django_db(transaction=True)
def test_a_members_tier_is_read_once_then_from_the_cache(client, vip) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(vip)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/settings/privacy/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get("/settings/privacy/").status_code == 200
    tier_queries = ['FROM "members_tier"' in q["sql"] for q in first.captured_queries]
    assert tier_queries.count(True) == 1
    assert ['FROM "members_tier"' in q["sql"] for q in second.captured_queries].count(True) == 0
    assert len(second.captured_queries) == 1  # the user behind the session, nothing else


@pytest.mark.django_db(transaction=True)
def test_a_renamed_tier_shows_at_once(client, vip) -> None:
    from members.models import Tier

    client.force_login(vip)
    client.get("/settings/privacy/")
    Tier.objects.filter(pk=vip.tier_id).update(name="Bonfire")
    page = client.get(f"/u/{vip.handle}/").content.decode()
    assert "Bonfire" in page
