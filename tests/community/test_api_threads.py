"""/api/v1/threads/: start, read, rename, list (filters, cursor pages), accept answers,
watch and mark read."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import ReadState, Subscription, Thread
from community.services import engagement, posting
from core.models import Topic
from tests.community.steps import iso, opening_post, start_thread
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- Create, read, edit -----------------------------------------------------------------------


def test_member_starts_a_thread_and_reads_it_back(api, member, help_desk):
    api.force_authenticate(member)

    created = api.post(
        "/api/v1/threads/",
        {
            "category": "help",
            "kind": "question",
            "title": "  How do I record a   screencast?  ",
            "body": "Which **tools**?",
            "topics": ["video", "python"],
        },
    )

    assert created.status_code == 201
    thread = Thread.objects.get()
    assert created.json() == {
        "id": thread.pk,
        "title": "How do I record a screencast?",
        "kind": "question",
        "category": {"id": help_desk.pk, "slug": "help", "name": "Help", "colour": "#b45309"},
        "topics": ["python", "video"],
        "author": "member",
        "last_poster": "member",
        "created_at": iso(thread.created_at),
        "last_activity_at": iso(thread.last_activity_at),
        "post_count": 1,
        "reply_count": 0,
        "view_count": 0,
        "is_pinned": False,
        "is_pinned_globally": False,
        "is_locked": False,
        "is_solved": False,
        "solution_post_id": None,
        "last_read_number": 1,
        "is_watching": True,
        "notification_level": "watching",
        "permissions": {
            "can_reply": True,
            "can_post": True,
            "can_accept": True,
            "can_edit": True,
            "can_moderate": False,
            "can_watch": True,
        },
    }
    posts = api.get(f"/api/v1/threads/{thread.pk}/posts/").json()["results"]
    assert [(p["number"], p["author"], p["source"], p["html"]) for p in posts] == [
        (1, "member", "Which **tools**?", "<p>Which <strong>tools</strong>?</p>\n")
    ]


def test_thread_can_name_its_category_by_id(api, member, help_desk):
    api.force_authenticate(member)

    response = api.post(
        "/api/v1/threads/", {"category": help_desk.pk, "title": "Hello everyone", "body": "Hi"}
    )

    assert response.status_code == 201
    assert Thread.objects.get().category_id == help_desk.pk


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"title": "Hi"},
            {
                "title": ["Give the thread a title of at least 5 characters."],
                "code": "invalid_post",
            },
        ),
        ({"body": "   "}, {"body": ["Write something before posting."], "code": "invalid_post"}),
        ({"body": None}, {"body": ["This field may not be null."]}),
        ({"category": "nowhere"}, {"category": ["No such category."]}),
        ({"category": "vip"}, {"category": ["No such category."]}),
        ({"kind": "poll"}, {"kind": ['"poll" is not a valid choice.']}),
        ({"topics": ["knitting"]}, {"topics": ["Object with slug=knitting does not exist."]}),
        ({"title": "x" * 201}, {"title": ["Ensure this field has no more than 200 characters."]}),
        ({"title": "Hello\x00 you"}, {"title": ["Null characters are not allowed."]}),
        ({"title": 2026}, {"title": ["Not a valid string."]}),
        ({"category": 1.5}, {"category": ["Give an id (a number) or a slug."]}),
        ({"category": True}, {"category": ["Give an id (a number) or a slug."]}),
        ({"topics": ["python", 3]}, {"topics": {"1": ["Not a valid string."]}}),
    ],
)
def test_bad_thread_input_gets_a_field_message_and_creates_nothing(
    api, member, help_desk, vip_room, changes, expected
):
    api.force_authenticate(member)
    data = {"category": "help", "title": "A proper title", "body": "Text", **changes}

    response = api.post("/api/v1/threads/", data)

    assert response.status_code == 400
    assert response.json() == expected
    assert Thread.objects.count() == 0


def test_author_renames_a_thread_and_changes_its_topics(api, question, asker):
    api.force_authenticate(asker)

    response = api.patch(
        f"/api/v1/threads/{question.pk}/", {"title": "Celery runs twice", "topics": ["devops"]}
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["topics"]) == (
        "Celery runs twice",
        ["devops"],
    )
    question.refresh_from_db()
    assert question.title == "Celery runs twice"
    assert list(question.topics.values_list("slug", flat=True)) == ["devops"]


def test_patching_topics_alone_keeps_the_title(api, question, asker):
    api.force_authenticate(asker)

    response = api.patch(f"/api/v1/threads/{question.pk}/", {"topics": ["devops"]})

    assert response.status_code == 200
    question.refresh_from_db()
    assert question.title == "Why does Celery run my task twice?"
    assert list(question.topics.values_list("slug", flat=True)) == ["devops"]


def test_member_cannot_rename_someone_elses_thread(api, question, member):
    api.force_authenticate(member)

    response = api.patch(
        f"/api/v1/threads/{question.pk}/", {"title": "Mine now, all mine", "topics": ["devops"]}
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the author (while it is open) or a moderator can edit this.",
        "code": "forbidden",
    }
    question.refresh_from_db()
    assert question.title == "Why does Celery run my task twice?"
    assert question.topics.count() == 0


def test_thread_detail_counts_views_in_the_cache(api, question):
    for _ in range(engagement.VIEW_FLUSH_EVERY):
        api.get(f"/api/v1/threads/{question.pk}/")

    assert Thread.objects.get(pk=question.pk).view_count == engagement.VIEW_FLUSH_EVERY


# --- List: filters and cursor pagination -------------------------------------------------------


def test_cursor_pagination_walks_every_thread_once_newest_first(api, asker, help_desk):
    threads = [start_thread(asker, help_desk, title=f"Thread number {i}") for i in range(35)]
    base = timezone.now() - timedelta(days=1)
    for minutes, thread in enumerate(threads):  # distinct, and not in creation order
        Thread.objects.filter(pk=thread.pk).update(
            last_activity_at=base + timedelta(minutes=(minutes * 7) % 35)
        )
    expected = list(
        Thread.objects.order_by("-last_activity_at", "-id").values_list("pk", flat=True)
    )

    first = api.get("/api/v1/threads/").json()
    second = api.get(first["next"]).json()

    assert [t["id"] for t in first["results"]] == expected[:30]
    assert [t["id"] for t in second["results"]] == expected[30:]
    assert (second["next"], second["next_cursor"]) == (None, None)


def test_cursor_pagination_does_not_skip_threads_with_the_same_activity_time(api, asker, help_desk):
    threads = [start_thread(asker, help_desk, title=f"Thread number {i}") for i in range(32)]
    moment = timezone.now() - timedelta(hours=1)
    Thread.objects.update(last_activity_at=moment)

    first = api.get("/api/v1/threads/").json()
    second = api.get("/api/v1/threads/", {"cursor": first["next_cursor"]}).json()

    ids = [t["id"] for t in first["results"] + second["results"]]
    assert ids == sorted((t.pk for t in threads), reverse=True)
    assert second["next"] is None


def test_a_form_encoded_body_is_a_415_and_creates_nothing(api, member, help_desk):
    api.force_authenticate(member)

    response = api.post(
        "/api/v1/threads/",
        "category=help&title=A+proper+title&body=Text",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "application/x-www-form-urlencoded" in request.'
    }
    assert Thread.objects.count() == 0


@pytest.mark.parametrize("value", ["", "maybe"])
def test_solved_filter_takes_true_or_false_only(api, value):
    response = api.get("/api/v1/threads/", {"solved": value})

    assert response.status_code == 400
    assert response.json() == {"solved": ["Must be a valid boolean."]}


def test_tampered_cursor_is_a_400(api):
    response = api.get("/api/v1/threads/", {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert response.json() == {"cursor": ["Invalid cursor."]}


@pytest.mark.parametrize(
    ("params", "expected_titles"),
    [
        ({"kind": "question"}, ["Open question here", "Solved question here"]),
        ({"solved": "true"}, ["Solved question here"]),
        ({"solved": "false"}, ["Open question here"]),
        ({"author": "@other"}, ["Chat by someone else"]),
        ({"category": "lounge"}, ["Chat by someone else"]),
        ({"topic": "python"}, ["Open question here"]),
        ({}, ["Chat by someone else", "Solved question here", "Open question here"]),
    ],
)
def test_thread_list_filters(api, member, asker, help_desk, lounge, params, expected_titles):
    other = UserFactory(handle="other")
    python = Topic.objects.filter(slug="python")
    start_thread(asker, help_desk, kind="question", title="Open question here", topics=python)
    solved = start_thread(asker, help_desk, kind="question", title="Solved question here")
    answer = posting.reply(author=member, thread_id=solved.pk, body="Try this")
    posting.accept_answer(actor=asker, thread_id=solved.pk, post_id=answer.pk)
    start_thread(other, lounge, title="Chat by someone else")
    api.force_authenticate(member)

    response = api.get("/api/v1/threads/", params)

    assert response.status_code == 200
    assert sorted(t["title"] for t in response.json()["results"]) == sorted(expected_titles)


def test_unread_filter_lists_threads_with_posts_the_member_has_not_read(
    api, member, asker, help_desk
):
    read = start_thread(asker, help_desk, title="Already read thread")
    unread = start_thread(asker, help_desk, title="Has new replies")
    engagement.mark_read(member=member, thread_id=read.pk, number=1)
    engagement.mark_read(member=member, thread_id=unread.pk, number=1)
    posting.reply(author=asker, thread_id=unread.pk, body="Update: more")
    api.force_authenticate(member)

    response = api.get("/api/v1/threads/", {"filter": "unread"})

    assert [
        (t["id"], t["post_count"], t["last_read_number"]) for t in response.json()["results"]
    ] == [(unread.pk, 2, 1)]


# --- Accepted answers --------------------------------------------------------------------------


@pytest.fixture
def answers(question, member):
    return [
        posting.reply(author=member, thread_id=question.pk, body="Set acks_late."),
        posting.reply(author=UserFactory(), thread_id=question.pk, body="Use a lock."),
    ]


def test_asker_accepts_an_answer(api, question, asker, answers):
    api.force_authenticate(asker)

    response = api.post(f"/api/v1/threads/{question.pk}/accept/", {"post": answers[0].pk})

    assert response.status_code == 200
    assert (response.json()["solution_post_id"], response.json()["is_solved"]) == (
        answers[0].pk,
        True,
    )
    assert Thread.objects.get(pk=question.pk).solution_id == answers[0].pk


def test_member_who_did_not_ask_cannot_accept(api, question, answers, member):
    api.force_authenticate(member)

    response = api.post(f"/api/v1/threads/{question.pk}/accept/", {"post": answers[1].pk})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the person who asked, or a moderator, can accept an answer.",
        "code": "forbidden",
    }
    assert Thread.objects.get(pk=question.pk).solution_id is None


def test_moderator_accepts_an_answer_on_someone_elses_question(api, question, answers, moderator):
    api.force_authenticate(moderator)

    response = api.post(f"/api/v1/threads/{question.pk}/accept/", {"post": answers[1].pk})

    assert response.status_code == 200
    assert Thread.objects.get(pk=question.pk).solution_id == answers[1].pk


def test_one_answer_is_accepted_at_a_time(api, question, asker, answers):
    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=answers[0].pk)
    api.force_authenticate(asker)

    response = api.post(f"/api/v1/threads/{question.pk}/accept/", {"post": answers[1].pk})

    assert response.status_code == 200
    assert response.json()["solution_post_id"] == answers[1].pk
    assert Thread.objects.get(pk=question.pk).solution_id == answers[1].pk


def test_the_question_itself_cannot_be_the_answer(api, question, asker):
    api.force_authenticate(asker)

    response = api.post(
        f"/api/v1/threads/{question.pk}/accept/", {"post": opening_post(question).pk}
    )

    assert response.status_code == 400
    assert response.json() == {
        "post": ["Choose one of the replies as the answer."],
        "code": "answer_not_acceptable",
    }
    assert Thread.objects.get(pk=question.pk).solution_id is None


def test_asker_unaccepts_the_answer(api, question, asker, answers):
    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=answers[0].pk)
    api.force_authenticate(asker)

    response = api.delete(f"/api/v1/threads/{question.pk}/accept/")

    assert response.status_code == 204
    assert Thread.objects.get(pk=question.pk).solution_id is None


# --- Watching and reading ----------------------------------------------------------------------


def test_member_watches_and_unwatches_a_thread(api, question, member):
    api.force_authenticate(member)

    watched = api.post(f"/api/v1/threads/{question.pk}/watch/")
    shown = api.get(f"/api/v1/threads/{question.pk}/").json()
    unwatched = api.delete(f"/api/v1/threads/{question.pk}/watch/")

    assert (watched.status_code, watched.json()) == (200, {"is_watching": True})
    assert shown["is_watching"] is True
    assert unwatched.status_code == 204
    assert not Subscription.objects.filter(member=member, thread=question).exists()


@pytest.mark.parametrize("method", ["post", "delete"])
def test_watching_a_hidden_category_or_thread_is_a_404(api, vip_room, vip, member, method):
    thread = start_thread(vip, vip_room)
    api.force_authenticate(member)

    responses = [
        getattr(api, method)("/api/v1/categories/vip/watch/"),
        getattr(api, method)(f"/api/v1/threads/{thread.pk}/watch/"),
    ]

    assert [r.status_code for r in responses] == [404, 404]
    assert Subscription.objects.filter(member=member).count() == 0


def test_marking_read_moves_the_marker_and_stops_at_the_last_post(api, question, member):
    posting.reply(author=UserFactory(), thread_id=question.pk, body="A reply")
    api.force_authenticate(member)

    response = api.post(f"/api/v1/threads/{question.pk}/read/", {"number": 99})

    assert response.status_code == 204
    assert ReadState.objects.get(member=member, thread=question).last_read_number == 2
    assert api.get(f"/api/v1/threads/{question.pk}/").json()["last_read_number"] == 2


def test_marking_a_hidden_thread_read_is_a_404(api, vip_room, vip, member):
    thread = start_thread(vip, vip_room)
    api.force_authenticate(member)

    response = api.post(f"/api/v1/threads/{thread.pk}/read/", {"number": 1})

    assert response.status_code == 404
    assert ReadState.objects.filter(member=member).count() == 0
