"""The moderation pages and their API twins: flag form, queue, one-click actions, audit log
and its filters, notices."""

import pytest
from django.urls import reverse

from community.models import Flag, ModerationAction, Post
from community.services import flags, moderation, posting
from tests.community.factories import CategoryFactory
from tests.community.steps import start_thread
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply():
    thread = start_thread(UserFactory(), CategoryFactory(slug="room"), title="Which camera?")
    return posting.reply(author=UserFactory(handle="seller"), thread_id=thread.pk, body="Buy")


def test_the_flag_form_keeps_the_words_when_the_reason_is_missing(client, member, reply):
    client.force_login(member)

    response = client.post(
        reverse("moderation:flag-post", args=[reply.pk]), {"text": "Looks like an advert"}
    )

    assert response.status_code == 400
    assert "Looks like an advert" in response.content.decode()
    assert Flag.objects.count() == 0


def test_flagging_twice_on_the_page_says_so_and_writes_one(client, member, reply):
    client.force_login(member)
    url = reverse("moderation:flag-post", args=[reply.pk])
    client.post(url, {"reason": "spam"})

    response = client.post(url, {"reason": "spam"})

    assert "You already flagged this" in response.content.decode()
    assert Flag.objects.count() == 1


def test_the_queue_page_lists_the_flag_with_its_reason_and_author_history(
    client, moderator, member, reply
):
    flags.flag_post(member=member, post_id=reply.pk, reason="other", text="An advert")
    moderation.warn_member(moderator=moderator, member_id=reply.author_id, reason="Earlier")
    client.force_login(moderator)

    page = client.get(reverse("moderation:queue")).content.decode()

    assert "An advert" in page
    assert "Warned a member, “Earlier”" in page
    assert 'data-key="h"' in page


def test_an_action_never_redirects_off_site(client, moderator, member, reply):
    flags.flag_post(member=member, post_id=reply.pk, reason="spam")
    client.force_login(moderator)

    response = client.post(
        reverse("moderation:act"),
        {"kind": "post", "id": reply.pk, "action": "hide", "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("moderation:queue")
    assert Post.objects.get(pk=reply.pk).status == "hidden"


def test_an_unknown_action_changes_nothing(client, moderator, reply):
    client.force_login(moderator)

    client.post(reverse("moderation:act"), {"kind": "post", "id": reply.pk, "action": "burn"})

    assert ModerationAction.objects.count() == 0


def test_the_audit_log_filters_by_action_and_member(client, staff, moderator, reply):
    moderation.hide_post(moderator=moderator, post_id=reply.pk, reason="Advert")
    moderation.warn_member(moderator=moderator, member_id=reply.author_id, reason="Stop")
    client.force_login(staff)

    page = client.get(reverse("moderation:audit"), {"action": "warn", "member": "seller"})

    rows = page.content.decode().count("data-audit-row")
    assert (page.status_code, rows) == (200, 1)


@pytest.mark.parametrize("n_actions", [1, 5])
def test_the_audit_log_costs_the_same_for_1_and_5_rows(
    client, staff, moderator, django_assert_num_queries, n_actions
):
    for _ in range(n_actions):
        moderation.warn_member(moderator=moderator, member_id=UserFactory().pk, reason="Hey")
    client.force_login(staff)

    # user, actions (with their people), categories; the header's unread count and email health
    with django_assert_num_queries(5):
        response = client.get(reverse("moderation:audit"))

    assert response.content.decode().count("data-audit-row") == n_actions


def test_the_audit_api_pages_and_filters(api, staff, moderator, reply):
    moderation.hide_post(moderator=moderator, post_id=reply.pk, reason="Advert")
    api.force_authenticate(staff)

    response = api.get("/api/v1/moderation/audit/", {"action": "hide_post"})

    body = response.json()
    assert (body["next"], body["previous"]) == (None, None)
    assert [(r["action"], r["actor"], r["member"], r["reason"]) for r in body["results"]] == [
        ("hide_post", "moderator", "seller", "Advert")
    ]
    assert body["results"][0]["before"] == {"status": "published"}


def test_the_queue_api_lists_items_with_their_flags(api, moderator, member, reply):
    flags.flag_post(member=member, post_id=reply.pk, reason="spam")
    api.force_authenticate(moderator)

    items = api.get("/api/v1/moderation/queue/").json()

    assert [
        (i["kind"], i["id"], i["author"], [f["reason"] for f in i["flags"]]) for i in items
    ] == [("post", reply.pk, "seller", ["spam"])]


def test_a_moderation_action_through_the_api_that_does_not_apply_is_a_400(api, moderator, reply):
    api.force_authenticate(moderator)

    response = api.post(
        "/api/v1/moderation/actions/",
        {"kind": "post", "id": reply.pk, "action": "approve"},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "moderation_invalid")
    assert ModerationAction.objects.count() == 0


def test_a_flag_through_the_api_twice_is_a_409(api, member, reply):
    api.force_authenticate(member)
    body = {"target": "post", "id": reply.pk, "reason": "spam"}
    api.post("/api/v1/flags/", body, format="json")

    response = api.post("/api/v1/flags/", body, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "already_flagged")
    assert Flag.objects.count() == 1


def test_notices_show_the_flag_outcome(client, moderator, member, reply):
    flags.flag_post(member=member, post_id=reply.pk, reason="spam")
    moderation.hide_post(moderator=moderator, post_id=reply.pk)
    client.force_login(member)

    page = client.get(reverse("moderation:notices")).content.decode()

    assert "Thanks: moderators acted on your flag of post #2 in “Which camera?”" in page


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/flags/", {"target": "post", "id": 2147483646, "reason": "spam"}),
        ("/api/v1/moderation/actions/", {"kind": "post", "id": 2147483646, "action": "hide"}),
    ],
)
def test_an_id_in_the_body_that_names_nothing_is_a_400_on_id(api, moderator, path, body):
    api.force_authenticate(moderator)

    response = api.post(path, body, format="json")

    assert (response.status_code, list(response.json())) == (400, ["id"])
    assert (Flag.objects.count(), ModerationAction.objects.count()) == (0, 0)
