"""Profiles: privacy choices, onboarding, editing, notification preferences."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from community.services import posting
from members.models import NotificationSetting, ProfileVisibility
from members.notifications import KINDS
from tests.community.factories import CategoryFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"


# --- Privacy -----------------------------------------------------------------------------------


@pytest.fixture
def private_birthday():
    return UserFactory(handle="quiet", birthday_month=4, birthday_day=17, shows_birthday=False)


def test_hidden_birthday_is_absent_from_page_and_api_for_others(
    client, api, member, private_birthday
):
    client.force_login(member)
    api.force_authenticate(member)

    page = client.get(reverse("members:profile", args=["quiet"]))
    data = api.get("/api/v1/members/quiet/").json()

    assert page.status_code == 200
    assert "@quiet" in page.content.decode()
    assert "Birthday" not in page.content.decode()
    assert "April" not in page.content.decode()
    assert (data["handle"], data["birthday"]) == ("quiet", None)


def test_shown_birthday_appears_as_month_and_day_only(client, api):
    UserFactory(handle="party", birthday_month=4, birthday_day=17, shows_birthday=True)

    page = client.get(reverse("members:profile", args=["party"]))
    data = api.get("/api/v1/members/party/").json()

    assert re.findall(r"</svg>\s*(Birthday [^<\n]*)\s*</li>", page.content.decode()) == [
        "Birthday 17 April"
    ]
    assert data["birthday"] == {"month": 4, "day": 17}


def test_member_sees_own_hidden_birthday_in_the_api(api, private_birthday):
    api.force_authenticate(private_birthday)

    assert api.get("/api/v1/me/").json()["birthday"] == {"month": 4, "day": 17}


@pytest.fixture
def members_only():
    return UserFactory(
        handle="insider",
        headline="Secret headline about Rust",
        profile_visibility=ProfileVisibility.MEMBERS,
    )


def test_members_only_profile_is_a_404_for_visitors_with_a_sign_in_link(client, members_only):
    response = client.get(reverse("members:profile", args=["insider"]))

    assert response.status_code == 404
    body = response.content.decode()
    assert "Secret headline" not in body
    assert f'href="{reverse("account_login")}?next=/u/insider/"' in body


@pytest.mark.parametrize("asked", ["insider", "INSIDER"])
def test_visitors_get_the_same_answer_for_a_hidden_profile_and_an_unknown_handle(
    client, members_only, asked
):
    hidden = client.get(reverse("members:profile", args=[asked]))
    unknown = client.get(reverse("members:profile", args=["nobody_here"]))

    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content.decode().replace(asked, "HANDLE") == unknown.content.decode().replace(
        "nobody_here", "HANDLE"
    )


def test_api_gives_visitors_the_same_answer_for_a_hidden_profile_and_an_unknown_handle(
    members_only,
):
    api = APIClient()

    hidden = api.get("/api/v1/members/insider/")
    unknown = api.get("/api/v1/members/nobody_here/")

    assert (hidden.status_code, hidden.json()) == (unknown.status_code, unknown.json())
    assert hidden.status_code == 404


def test_members_only_profile_is_404_in_the_api_and_absent_from_lists_for_visitors(
    api, members_only
):
    UserFactory(handle="open_book")

    detail = api.get("/api/v1/members/insider/")
    listing = api.get("/api/v1/members/")

    assert detail.status_code == 404
    assert [m["handle"] for m in listing.json()["results"]] == ["open_book"]


def test_members_only_profile_is_visible_to_members(client, member, members_only):
    client.force_login(member)

    response = client.get(reverse("members:profile", args=["insider"]))

    assert response.status_code == 200
    assert "Secret headline about Rust" in response.content.decode()


def test_public_api_never_shows_email_or_time_zone(api, member):
    UserFactory(handle="open", email="open@example.com", time_zone="Asia/Tokyo")
    api.force_authenticate(member)

    response = api.get("/api/v1/members/open/")

    assert response.status_code == 200
    data = response.json()
    assert data["handle"] == "open"
    assert "email" not in data
    assert "time_zone" not in data
    assert "open@example.com" not in str(data)


def test_unknown_handle_is_404(client):
    assert client.get(reverse("members:profile", args=["nobody_here"])).status_code == 404


def test_handle_in_other_case_redirects_to_the_canonical_profile(client):
    UserFactory(handle="CamelCase")

    response = client.get(reverse("members:profile", args=["camelcase"]))

    assert response.status_code == 301
    assert response["Location"] == reverse("members:profile", args=["CamelCase"])


def activity(response, section):
    """(title, excerpt) of each entry in a profile's "recent threads" or "recent posts"."""
    content = response.content.decode()
    marker = f'aria-labelledby="recent-{section}-title"'
    if marker not in content:
        return None
    block = content.split(marker, 1)[1].split("</section>", 1)[0]
    return [
        (title, excerpt or None)
        for title, excerpt in re.findall(
            r'class="activity-title" href="[^"]*">([^<]*)</a>\s*'
            r'(?:<span class="activity-excerpt">([^<]*)</span>)?',
            block,
        )
    ]


def test_profile_lists_the_members_recent_threads_and_replies(client):
    asker, helper = UserFactory(handle="asker"), UserFactory(handle="helper")
    thread = posting.create_thread(
        author=asker, category_id=CategoryFactory().pk, title="Highlighting code", body="How?"
    )
    posting.reply(author=helper, thread_id=thread.pk, body="A reply worth showing.")

    asker_page = client.get(reverse("members:profile", args=["asker"]))
    helper_page = client.get(reverse("members:profile", args=["helper"]))

    assert (asker_page.status_code, helper_page.status_code) == (200, 200)
    assert activity(asker_page, "threads") == [("Highlighting code", None)]
    assert activity(asker_page, "posts") is None
    assert activity(helper_page, "threads") is None
    assert activity(helper_page, "posts") == [("Highlighting code", "A reply worth showing.")]


# --- Onboarding -------------------------------------------------------------------------------


def test_first_verified_login_leads_to_onboarding(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "new@example.com",
                "username": "newbie",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    link = re.search(r"(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)

    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == reverse("members:onboarding")


def test_onboarding_answers_are_saved_and_not_asked_again(client):
    newbie = UserFactory(onboarded_at=None, time_zone="UTC")
    client.force_login(newbie)

    response = client.post(
        reverse("members:onboarding"),
        {
            "skill_level": "intermediate",
            "topics": ["python", "devops"],
            "goals": ["video", "blog"],
            "time_zone": "Europe/Berlin",
        },
    )

    assert response.status_code == 302
    newbie.refresh_from_db()
    assert newbie.skill_level == "intermediate"
    assert newbie.time_zone == "Europe/Berlin"
    # the crafts of the goals are followed in step (one vocabulary)
    assert sorted(newbie.topics.values_list("slug", flat=True)) == [
        "devops",
        "python",
        "technical-writing",
        "video",
    ]
    assert sorted(newbie.goals.values_list("goal", flat=True)) == ["blog", "video"]
    assert newbie.onboarded_at is not None
    client.logout()
    login = client.post(
        reverse("account_login"),
        {"login": newbie.email, "password": "correct-horse-battery-staple"},
    )
    assert login["Location"] == reverse("core:home")


def test_onboarding_can_be_skipped(client):
    newbie = UserFactory(onboarded_at=None)
    client.force_login(newbie)

    response = client.post(reverse("members:onboarding"), {"skip": "1"})

    assert response.status_code == 302
    newbie.refresh_from_db()
    assert newbie.onboarded_at is not None
    assert newbie.skill_level == ""


def test_onboarding_refuses_an_unknown_time_zone_and_keeps_the_answers(client):
    newbie = UserFactory(onboarded_at=None)
    client.force_login(newbie)

    response = client.post(
        reverse("members:onboarding"),
        {"skill_level": "expert", "topics": ["python"], "time_zone": "Mars/Olympus_Mons"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "time_zone": [
            "Select a valid choice. Mars/Olympus_Mons is not one of the available choices."
        ]
    }
    assert response.context["form"]["skill_level"].value() == "expert"
    newbie.refresh_from_db()
    assert (newbie.onboarded_at, newbie.skill_level, newbie.topics.count()) == (None, "", 0)


# --- Editing ----------------------------------------------------------------------------------


def profile_post(**overrides):
    data = {
        "display_name": "Ada L",
        "headline": "Writes about compilers",
        "bio": "Hello **world**",
        "skill_level": "expert",
        "topics": ["python"],
        "goals": ["blog"],
        "website_url": "",
        "blog_url": "https://ada.dev/blog",
        "youtube_url": "",
        "github_url": "https://github.com/ada",
        "social_url": "",
        "linkedin_url": "",
        "time_zone": "Europe/London",
        "birthday_month": "12",
        "birthday_day": "10",
        "shows_birthday": "on",
        "profile_visibility": "everyone",
    }
    return data | overrides


def test_member_edits_the_profile_and_the_bio_is_rendered_safely(client, member):
    client.force_login(member)

    response = client.post(
        reverse("members:profile-edit"),
        profile_post(bio="Hi <script>alert(1)</script> **bold** [x](javascript:alert(1))"),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.headline == "Writes about compilers"
    assert (member.birthday_month, member.birthday_day) == (12, 10)
    assert "<strong>bold</strong>" in member.bio_html
    assert "<script" not in member.bio_html
    assert 'href="javascript' not in member.bio_html
    assert list(member.goals.values_list("goal", flat=True)) == ["blog"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"github_url": "https://gitlab.com/ada"},
            "github_url",
            "Use a GitHub link (github.com/…).",
        ),
        (
            {"youtube_url": "ftp://youtube.com/x"},
            "youtube_url",
            "Use a link that starts with https://.",
        ),
        (
            {"birthday_month": "2", "birthday_day": "31"},
            "birthday_day",
            "That day does not exist in that month.",
        ),
        (
            {"birthday_month": "5", "birthday_day": ""},
            "birthday_day",
            "Give both a month and a day, or neither.",
        ),
        (
            {"time_zone": "Nowhere/Land"},
            "time_zone",
            "Select a valid choice. Nowhere/Land is not one of the available choices.",
        ),
    ],
)
def test_invalid_profile_input_gets_a_field_message_and_nothing_is_saved(
    client, member, overrides, field, message
):
    client.force_login(member)
    before = (member.headline, member.birthday_month, member.time_zone, member.github_url)

    response = client.post(reverse("members:profile-edit"), profile_post(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert response.context["form"]["headline"].value() == "Writes about compilers"
    member.refresh_from_db()
    assert (member.headline, member.birthday_month, member.time_zone, member.github_url) == before


def test_member_cannot_change_another_members_profile_through_the_api(api, member):
    other = UserFactory(handle="other", headline="Mine")
    api.force_authenticate(member)

    response = api.patch("/api/v1/members/other/", {"headline": "Hacked"}, format="json")

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.headline == "Mine"


def test_member_updates_own_profile_through_the_api(api, member):
    api.force_authenticate(member)

    response = api.patch(
        "/api/v1/me/",
        {
            "headline": "Now on video",
            "topics": ["video", "python"],
            "content_goals": ["video"],
            "birthday": {"month": 2, "day": 29},
            "time_zone": "Asia/Kolkata",
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["headline"] == "Now on video"
    assert sorted(body["topics"]) == ["python", "video"]
    assert body["content_goals"] == ["video"]
    assert body["birthday"] == {"month": 2, "day": 29}
    assert body["time_zone"] == "Asia/Kolkata"
    member.refresh_from_db()
    assert (member.headline, member.birthday_month, member.birthday_day) == ("Now on video", 2, 29)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {"birthday": {"month": 4, "day": 31}},
            {"birthday": ["That day does not exist in that month."]},
        ),
        (
            {"time_zone": "Atlantis/Capital"},
            {"time_zone": ["Unknown time zone; use an IANA name like Europe/Berlin."]},
        ),
        (
            {"topics": ["no-such-topic"]},
            {"topics": ["Object with slug=no-such-topic does not exist."]},
        ),
        ({"content_goals": ["fame"]}, {"content_goals": {"0": ['"fame" is not a valid choice.']}}),
        (
            {"github_url": "https://example.com/ada"},
            {"github_url": ["Use a GitHub link (github.com/…)."]},
        ),
        ({"shows_birthday": "true"}, {"shows_birthday": ["Must be a valid boolean."]}),
        ({"topics": [7]}, {"topics": {"0": ["Not a valid string."]}}),
        (
            {"birthday": {"month": "4", "day": 1}},
            {"birthday": {"month": ["A valid integer is required."]}},
        ),
    ],
)
def test_api_refuses_bad_profile_input_with_field_messages_and_saves_nothing(
    api, member, payload, expected
):
    api.force_authenticate(member)
    # Each bad value comes with a good one, which must not be saved either.
    payload = {"headline": "Changed?", **payload}

    response = api.patch("/api/v1/me/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == expected
    member.refresh_from_db()
    assert member.headline == ""
    assert (member.birthday_month, member.time_zone, member.github_url) == (None, "UTC", "")
    assert (member.topics.count(), member.goals.count()) == (0, 0)


# --- Notification preferences -------------------------------------------------------------------


def test_notification_preferences_start_at_defaults(client, member):
    client.force_login(member)

    page = client.get(reverse("members:notification-settings"))

    form = page.context["form"]
    assert (form["mention__email"].value(), form["reaction__email"].value()) == (
        "immediately",
        "never",
    )
    assert (form["digest_frequency"].value(), form["digest_weekday"].value()) == ("weekly", 0)
    assert NotificationSetting.objects.filter(member=member).count() == 0


def test_notification_preferences_are_saved(client, member):
    client.force_login(member)
    choices = {f"{kind}__email": "never" for kind in KINDS}

    response = client.post(
        reverse("members:notification-settings"),
        {
            **choices,
            "mention__email": "digest",
            "mention__site": "on",
            "reply__email": "immediately",
            "digest_frequency": "daily",
            "digest_weekday": "3",
        },
    )

    assert response.status_code == 302
    settings_rows = {
        s.kind: (s.email, s.on_site) for s in NotificationSetting.objects.filter(member=member)
    }
    assert (settings_rows["mention"], settings_rows["reply"]) == (
        ("digest", True),
        ("immediately", False),
    )
    member.refresh_from_db()
    assert (member.digest_frequency, member.digest_weekday) == ("daily", 3)


def test_notification_preferences_refuse_an_unknown_email_mode_and_save_nothing(client, member):
    client.force_login(member)

    response = client.post(
        reverse("members:notification-settings"),
        {"mention__email": "hourly", "digest_frequency": "weekly", "digest_weekday": "0"},
    )

    assert response.status_code == 400
    assert "mention__email" in response.context["form"].errors
    assert NotificationSetting.objects.filter(member=member).count() == 0
