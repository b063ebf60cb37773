"""The forum API under /api/v1/: access, round trips, pagination and query budgets."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from community.models import Category, Post, PostRevision, Reaction, ReadState, Subscription, Thread
from community.services import engagement, posting
from core.models import Topic
from tests.community.factories import CategoryFactory
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def start_thread(author, category, *, title="How do I ship my first talk?", body="Help!", **kw):
    return posting.create_thread(
        author=author, category_id=category.pk, title=title, body=body, **kw
    )


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def help_desk():
    return CategoryFactory(slug="help", name="Help", description="Ask anything.")


@pytest.fixture
def lounge():
    return CategoryFactory(slug="lounge", name="Lounge", access=Category.Access.MEMBERS)


@pytest.fixture
def vip_room():
    return CategoryFactory(
        slug="vip", name="VIP room", access=Category.Access.TIER, minimum_tier=TierFactory(rank=5)
    )


@pytest.fixture
def asker():
    return UserFactory(handle="asker")


@pytest.fixture
def question(asker, help_desk):
    return start_thread(
        asker,
        help_desk,
        kind="question",
        title="Why does Celery run my task twice?",
        body="It runs twice after each deploy.",
    )


def opening_post(thread):
    return Post.objects.get(thread=thread, number=1)


# --- Access: invisible is 404 and absent, never 403 -------------------------------------------


@pytest.fixture(params=["lounge-visitor", "vip-visitor", "vip-member"])
def hidden_case(request, api, member):
    room_name, persona = request.param.split("-")
    room = (
        CategoryFactory(slug="lounge", access=Category.Access.MEMBERS)
        if room_name == "lounge"
        else CategoryFactory(
            slug="vip", access=Category.Access.TIER, minimum_tier=TierFactory(rank=5)
        )
    )
    insider = UserFactory(tier=TierFactory(rank=9), handle="insider")
    thread = start_thread(insider, room, title="Secret plans for Celery", body="Celery secrets")
    if persona == "member":
        api.force_authenticate(member)
    return api, thread


@pytest.mark.parametrize("path", ["/api/v1/threads/{}/", "/api/v1/threads/{}/posts/"])
def test_thread_is_404_when_viewer_lacks_access(hidden_case, path):
    api, thread = hidden_case

    response = api.get(path.format(thread.pk))

    assert response.status_code == 404


def test_post_and_its_revisions_are_404_when_viewer_lacks_access(hidden_case):
    api, thread = hidden_case
    post = opening_post(thread)

    responses = [
        api.get(f"/api/v1/posts/{post.pk}/"),
        api.get(f"/api/v1/posts/{post.pk}/revisions/"),
    ]

    assert [r.status_code for r in responses] == [404, 404]


def test_thread_is_absent_from_list_search_and_categories_when_viewer_lacks_access(
    hidden_case, help_desk, asker
):
    api, _hidden = hidden_case
    visible = start_thread(asker, help_desk, title="Public Celery question", body="Celery too")

    listed = api.get("/api/v1/threads/").json()
    found = api.get("/api/v1/search/", {"q": "celery"}).json()
    categories = api.get("/api/v1/categories/").json()

    assert [t["id"] for t in listed["results"]] == [visible.pk]
    assert [r["thread_id"] for r in found["results"]] == [visible.pk]
    assert [c["slug"] for c in categories["results"]] == ["help"]


@pytest.mark.parametrize("persona", ["insider", "staff"])
def test_member_of_the_tier_or_staff_sees_the_tier_only_thread(api, vip_room, staff, persona):
    insider = UserFactory(tier=vip_room.minimum_tier, handle="insider")
    thread = start_thread(insider, vip_room, title="Secret plans for Celery", body="Celery")
    api.force_authenticate(insider if persona == "insider" else staff)

    detail = api.get(f"/api/v1/threads/{thread.pk}/")
    posts = api.get(f"/api/v1/threads/{thread.pk}/posts/")
    listed = api.get("/api/v1/threads/", {"category": "vip"}).json()
    found = api.get("/api/v1/search/", {"q": "celery"}).json()

    assert (detail.status_code, posts.status_code) == (200, 200)
    assert [t["id"] for t in listed["results"]] == [thread.pk]
    assert [r["thread_id"] for r in found["results"]] == [thread.pk]


def test_categories_list_what_the_viewer_may_see_with_their_fields(api, help_desk, vip_room):
    vip = UserFactory(tier=vip_room.minimum_tier)
    api.force_authenticate(vip)

    response = api.get("/api/v1/categories/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": help_desk.pk,
            "slug": "help",
            "name": "Help",
            "description": "Ask anything.",
            "colour": "#b45309",
            "access": "public",
            "minimum_tier": None,
            "thread_count": 0,
        },
        {
            "id": vip_room.pk,
            "slug": "vip",
            "name": "VIP room",
            "description": "",
            "colour": "#b45309",
            "access": "tier",
            "minimum_tier": vip_room.minimum_tier.slug,
            "thread_count": 0,
        },
    ]


# --- Writes need a signed-in, verified member -------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/threads/"),
        ("patch", "/api/v1/threads/{thread}/"),
        ("post", "/api/v1/threads/{thread}/posts/"),
        ("patch", "/api/v1/posts/{post}/"),
        ("delete", "/api/v1/posts/{post}/"),
        ("post", "/api/v1/posts/{post}/reactions/like/"),
        ("post", "/api/v1/threads/{thread}/accept/"),
        ("post", "/api/v1/threads/{thread}/watch/"),
        ("post", "/api/v1/threads/{thread}/read/"),
        ("post", "/api/v1/categories/help/watch/"),
    ],
)
def test_visitor_gets_401_and_writes_nothing(api, question, method, path):
    post = opening_post(question)

    response = getattr(api, method)(
        path.format(thread=question.pk, post=post.pk), {"body": "Hello there", "post": post.pk}
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert (Thread.objects.count(), Post.objects.count(), Reaction.objects.count()) == (1, 1, 0)
    assert Post.objects.get(pk=post.pk).is_deleted is False


def test_unverified_member_cannot_start_a_thread(api, help_desk):
    api.force_authenticate(UserFactory(email_address__verified=False))

    response = api.post(
        "/api/v1/threads/", {"category": "help", "title": "Hello everyone", "body": "Hi"}
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Verify your email address before you post.",
        "code": "posting_not_allowed",
    }
    assert Thread.objects.count() == 0


def test_unverified_member_cannot_reply(api, question):
    api.force_authenticate(UserFactory(email_address__verified=False))

    response = api.post(f"/api/v1/threads/{question.pk}/posts/", {"body": "Me too"})

    assert response.status_code == 403
    assert response.json()["code"] == "posting_not_allowed"
    assert Post.objects.filter(thread=question).count() == 1


# --- Threads: create, read, edit --------------------------------------------------------------


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
        ({"title": "Hi"}, {"title": ["Give the thread a title of at least 5 characters."]}),
        ({"body": "   "}, {"body": ["Write something before posting."]}),
        ({"body": None}, {"body": ["This field may not be null."]}),
        ({"category": "nowhere"}, {"category": ["No such category."]}),
        ({"category": "vip"}, {"category": ["No such category."]}),
        ({"kind": "poll"}, {"kind": ['"poll" is not a valid choice.']}),
        ({"topics": ["knitting"]}, {"topics": ["Object with slug=knitting does not exist."]}),
        ({"title": "x" * 201}, {"title": ["Ensure this field has no more than 200 characters."]}),
    ],
)
def test_bad_thread_input_gets_a_field_message_and_creates_nothing(
    api, member, help_desk, vip_room, changes, expected
):
    api.force_authenticate(member)
    data = {"category": "help", "title": "A proper title", "body": "Text", **changes}

    response = api.post("/api/v1/threads/", data)

    assert response.status_code == 400
    body = response.json()
    body.pop("code", None)
    assert body == expected
    assert Thread.objects.count() == 0


def test_nul_characters_are_refused(api, member, help_desk):
    api.force_authenticate(member)

    response = api.post(
        "/api/v1/threads/", {"category": "help", "title": "Hello\x00 you", "body": "x"}
    )

    assert response.status_code == 400
    assert response.json() == {"title": ["Null characters are not allowed."]}
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


def test_patching_topics_alone_keeps_the_title(api, question, asker):
    api.force_authenticate(asker)

    response = api.patch(f"/api/v1/threads/{question.pk}/", {"topics": []})

    assert response.status_code == 200
    assert Thread.objects.get(pk=question.pk).title == "Why does Celery run my task twice?"


def test_member_cannot_rename_someone_elses_thread(api, question, member):
    api.force_authenticate(member)

    response = api.patch(f"/api/v1/threads/{question.pk}/", {"title": "Mine now, all mine"})

    assert response.status_code == 403
    assert Thread.objects.get(pk=question.pk).title == "Why does Celery run my task twice?"


def test_thread_detail_counts_views_in_the_cache(api, question):
    for _ in range(engagement.VIEW_FLUSH_EVERY):
        api.get(f"/api/v1/threads/{question.pk}/")

    assert Thread.objects.get(pk=question.pk).view_count == engagement.VIEW_FLUSH_EVERY


# --- Thread list: filters and cursor pagination ------------------------------------------------


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

    pages, url = [], "/api/v1/threads/"
    while url:
        body = api.get(url).json()
        pages.append([t["id"] for t in body["results"]])
        url = body["next"]

    assert [len(page) for page in pages] == [30, 5]
    assert [pk for page in pages for pk in page] == expected


def test_cursor_pagination_does_not_skip_threads_with_the_same_activity_time(api, asker, help_desk):
    threads = [start_thread(asker, help_desk, title=f"Thread number {i}") for i in range(32)]
    moment = timezone.now() - timedelta(hours=1)
    Thread.objects.update(last_activity_at=moment)

    first = api.get("/api/v1/threads/").json()
    second = api.get("/api/v1/threads/", {"cursor": first["next_cursor"]}).json()

    ids = [t["id"] for t in first["results"] + second["results"]]
    assert ids == sorted((t.pk for t in threads), reverse=True)
    assert second["next"] is None


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


# --- Posts: reply, list, edit, delete, history ------------------------------------------------


def test_member_replies_and_the_reply_is_listed_after_the_opening_post(api, member, question):
    api.force_authenticate(member)

    created = api.post(f"/api/v1/threads/{question.pk}/posts/", {"body": "Use `acks_late`."})

    assert created.status_code == 201
    reply = Post.objects.get(thread=question, number=2)
    assert created.json() == {
        "id": reply.pk,
        "thread_id": question.pk,
        "number": 2,
        "author": "member",
        "html": "<p>Use <code>acks_late</code>.</p>\n",
        "source": "Use `acks_late`.",
        "is_deleted": False,
        "created_at": iso(reply.created_at),
        "edited_at": None,
        "edit_count": 0,
        "reactions": {"like": 0, "thanks": 0, "insightful": 0, "laugh": 0},
        "my_reactions": [],
    }
    listed = api.get(f"/api/v1/threads/{question.pk}/posts/").json()
    assert [p["number"] for p in listed["results"]] == [1, 2]
    assert (listed["count"], listed["page"], listed["page_count"]) == (2, 1, 1)
    assert (listed["next"], listed["previous"]) == (None, None)


def test_posts_are_paged_by_number(api, member, question):
    for i in range(20):
        posting.reply(author=member, thread_id=question.pk, body=f"Reply {i}")

    first = api.get(f"/api/v1/threads/{question.pk}/posts/").json()
    second = api.get(first["next"]).json()

    assert [p["number"] for p in first["results"]] == list(range(1, 21))
    assert [p["number"] for p in second["results"]] == [21]
    assert (second["page"], second["next"]) == (2, None)
    assert second["previous"].endswith(f"/api/v1/threads/{question.pk}/posts/?page=1")


def test_a_page_past_the_end_is_a_404(api, question):
    response = api.get(f"/api/v1/threads/{question.pk}/posts/", {"page": 2})

    assert response.status_code == 404


def test_former_members_posts_have_no_author(api, question, asker):
    asker.delete()

    response = api.get(f"/api/v1/threads/{question.pk}/posts/")

    assert response.json()["results"][0]["author"] is None


def test_author_edits_a_post_and_the_history_keeps_the_old_text(api, question, asker):
    post = opening_post(question)
    api.force_authenticate(asker)

    edited = api.patch(f"/api/v1/posts/{post.pk}/", {"body": "It runs *three* times now."})
    history = api.get(f"/api/v1/posts/{post.pk}/revisions/")

    assert edited.status_code == 200
    assert (edited.json()["source"], edited.json()["edit_count"]) == (
        "It runs *three* times now.",
        1,
    )
    assert edited.json()["edited_at"] is not None
    assert history.status_code == 200
    assert [(r["source"], r["edited_by"]) for r in history.json()["results"]] == [
        ("It runs twice after each deploy.", "asker")
    ]


def test_member_cannot_edit_someone_elses_post(api, question, member):
    post = opening_post(question)
    api.force_authenticate(member)

    response = api.patch(f"/api/v1/posts/{post.pk}/", {"body": "Vandalised"})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the author or a moderator can edit this post.",
        "code": "forbidden",
    }
    assert Post.objects.get(pk=post.pk).source == "It runs twice after each deploy."
    assert PostRevision.objects.count() == 0


def test_moderator_edits_someone_elses_post(api, question, staff):
    post = opening_post(question)
    api.force_authenticate(staff)

    response = api.patch(f"/api/v1/posts/{post.pk}/", {"body": "Tidied up."})

    assert response.status_code == 200
    assert Post.objects.get(pk=post.pk).source == "Tidied up."


@pytest.mark.parametrize(("persona", "status"), [("member", 404), ("staff", 200)])
def test_only_the_author_and_moderators_see_a_posts_history(
    api, question, member, staff, persona, status
):
    post = opening_post(question)
    api.force_authenticate(member if persona == "member" else staff)

    response = api.get(f"/api/v1/posts/{post.pk}/revisions/")

    assert response.status_code == status


def test_author_deletes_a_post_which_keeps_its_place_without_text(api, question, member):
    reply = posting.reply(author=member, thread_id=question.pk, body="Oops, wrong thread")
    api.force_authenticate(member)

    deleted = api.delete(f"/api/v1/posts/{reply.pk}/")
    shown = api.get(f"/api/v1/posts/{reply.pk}/").json()

    assert deleted.status_code == 204
    assert (shown["number"], shown["is_deleted"], shown["source"], shown["html"]) == (
        2,
        True,
        None,
        None,
    )


def test_member_cannot_delete_someone_elses_post(api, question, member):
    post = opening_post(question)
    api.force_authenticate(member)

    response = api.delete(f"/api/v1/posts/{post.pk}/")

    assert response.status_code == 403
    assert Post.objects.get(pk=post.pk).is_deleted is False


# --- Reactions ---------------------------------------------------------------------------------


def test_member_cannot_react_to_own_post(api, question, asker):
    post = opening_post(question)
    api.force_authenticate(asker)

    response = api.post(f"/api/v1/posts/{post.pk}/reactions/like/")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "You can't react to your own post.",
        "code": "reaction_not_allowed",
    }
    assert Reaction.objects.count() == 0


def test_reacting_twice_counts_once(api, question, member):
    post = opening_post(question)
    api.force_authenticate(member)

    first = api.post(f"/api/v1/posts/{post.pk}/reactions/like/")
    second = api.post(f"/api/v1/posts/{post.pk}/reactions/like/")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["reactions"] == {"like": 1, "thanks": 0, "insightful": 0, "laugh": 0}
    assert second.json()["my_reactions"] == ["like"]
    assert Reaction.objects.count() == 1


def test_taking_a_reaction_back(api, question, member):
    post = opening_post(question)
    engagement.add_reaction(member=member, post_id=post.pk, kind="thanks")
    api.force_authenticate(member)

    response = api.delete(f"/api/v1/posts/{post.pk}/reactions/thanks/")

    assert response.status_code == 204
    assert Post.objects.get(pk=post.pk).thanks_count == 0
    assert Reaction.objects.count() == 0


def test_unknown_reaction_is_a_400(api, question, member):
    api.force_authenticate(member)

    response = api.post(f"/api/v1/posts/{opening_post(question).pk}/reactions/love/")

    assert response.status_code == 400
    assert response.json() == {"kind": ["Unknown reaction."], "code": "reaction_not_allowed"}


@pytest.mark.parametrize("method", ["post", "delete"])
def test_reacting_to_a_hidden_post_is_a_404(api, vip_room, member, method):
    thread = start_thread(UserFactory(tier=vip_room.minimum_tier), vip_room)
    api.force_authenticate(member)

    response = getattr(api, method)(f"/api/v1/posts/{opening_post(thread).pk}/reactions/like/")

    assert response.status_code == 404
    assert Reaction.objects.count() == 0


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


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("staff", 200)])
def test_only_the_asker_or_a_moderator_accepts(
    api, question, answers, member, staff, persona, status
):
    api.force_authenticate(member if persona == "member" else staff)

    response = api.post(f"/api/v1/threads/{question.pk}/accept/", {"post": answers[1].pk})

    assert response.status_code == status
    expected = answers[1].pk if status == 200 else None
    assert Thread.objects.get(pk=question.pk).solution_id == expected


def test_one_answer_is_accepted_at_a_time(api, question, asker, answers):
    api.force_authenticate(asker)
    api.post(f"/api/v1/threads/{question.pk}/accept/", {"post": answers[0].pk})

    response = api.post(f"/api/v1/threads/{question.pk}/accept/", {"post": answers[1].pk})

    assert response.json()["solution_post_id"] == answers[1].pk
    assert Thread.objects.get(pk=question.pk).solution_id == answers[1].pk


def test_the_question_itself_cannot_be_the_answer(api, question, asker):
    api.force_authenticate(asker)

    response = api.post(
        f"/api/v1/threads/{question.pk}/accept/", {"post": opening_post(question).pk}
    )

    assert response.status_code == 400
    assert response.json()["post"] == ["Choose one of the replies as the answer."]
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


def test_member_watches_a_category(api, help_desk, member):
    api.force_authenticate(member)

    response = api.post("/api/v1/categories/help/watch/")

    assert response.status_code == 200
    assert Subscription.objects.filter(member=member, category=help_desk).count() == 1


@pytest.mark.parametrize("method", ["post", "delete"])
def test_watching_a_hidden_category_or_thread_is_a_404(api, vip_room, member, method):
    thread = start_thread(UserFactory(tier=vip_room.minimum_tier), vip_room)
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


def test_marking_a_hidden_thread_read_is_a_404(api, vip_room, member):
    thread = start_thread(UserFactory(tier=vip_room.minimum_tier), vip_room)
    api.force_authenticate(member)

    response = api.post(f"/api/v1/threads/{thread.pk}/read/", {"number": 1})

    assert response.status_code == 404
    assert ReadState.objects.filter(member=member).count() == 0


# --- Search and For you ------------------------------------------------------------------------


def test_search_returns_matching_posts_with_a_marked_snippet(api, question, member):
    reply = posting.reply(author=member, thread_id=question.pk, body="Pin <b>celery</b> to 5.4")

    response = api.get("/api/v1/search/", {"q": "celery", "author": "member"})

    assert response.status_code == 200
    [result] = response.json()["results"]
    assert {k: v for k, v in result.items() if k != "snippet"} == {
        "id": reply.pk,
        "number": 2,
        "thread_id": question.pk,
        "thread_title": "Why does Celery run my task twice?",
        "category": "help",
        "author": "member",
        "created_at": iso(reply.created_at),
        "is_accepted_answer": False,
    }
    assert "<mark>celery</mark>" in result["snippet"]
    assert "<b>" not in result["snippet"]


def test_search_needs_words_and_caps_pages(api):
    responses = [api.get("/api/v1/search/"), api.get("/api/v1/search/", {"q": "x", "page": 21})]

    assert [r.json() for r in responses] == [
        {"q": ["This field is required."]},
        {"page": ["Ensure this value is less than or equal to 20."]},
    ]


def test_for_you_needs_a_member(api):
    response = api.get("/api/v1/for-you/")

    assert response.status_code == 401


def test_for_you_explains_each_pick(api, member, asker, help_desk):
    member.topics.set(Topic.objects.filter(slug="python"))
    thread = start_thread(asker, help_desk, topics=Topic.objects.filter(slug="python"))
    api.force_authenticate(member)

    response = api.get("/api/v1/for-you/")

    assert response.status_code == 200
    assert [(r["thread"]["id"], r["reason"]) for r in response.json()["results"]] == [
        (thread.pk, "Because you follow Python")
    ]


# --- Query budgets: 1 row or many cost the same -------------------------------------------------


def grow_forum(size, *, author, category, member):
    """`size` threads with a topic and a reply the member reacted to and read."""
    python = Topic.objects.filter(slug="python")
    for i in range(size):
        thread = start_thread(author, category, title=f"Thread number {i}", topics=python)
        reply = posting.reply(author=author, thread_id=thread.pk, body=f"Celery reply {i}")
        engagement.add_reaction(member=member, post_id=reply.pk, kind="like")
        engagement.mark_read(member=member, thread_id=thread.pk, number=1)


@pytest.mark.parametrize("size", [1, 12])
@pytest.mark.parametrize(("persona", "queries"), [("visitor", 3), ("member", 4)])
def test_thread_list_query_count_is_constant(
    api, django_assert_num_queries, asker, help_desk, member, size, persona, queries
):
    grow_forum(size, author=asker, category=help_desk, member=member)
    if persona == "member":
        api.force_authenticate(member)

    # threads, their topics, pinned threads (+ read states)
    with django_assert_num_queries(queries):
        response = api.get("/api/v1/threads/")

    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [1, 19])
@pytest.mark.parametrize(("persona", "queries"), [("visitor", 3), ("member", 7)])
def test_post_list_query_count_is_constant(
    api, django_assert_num_queries, asker, help_desk, member, size, persona, queries
):
    thread = start_thread(asker, help_desk)
    for i in range(size):
        reply = posting.reply(author=UserFactory(), thread_id=thread.pk, body=f"Reply {i}")
        engagement.add_reaction(member=member, post_id=reply.pk, kind="like")
    if persona == "member":
        api.force_authenticate(member)

    # thread, its topics, posts (+ verified email, read marker, watching, my reactions)
    with django_assert_num_queries(queries):
        response = api.get(f"/api/v1/threads/{thread.pk}/posts/")

    assert len(response.json()["results"]) == size + 1


@pytest.mark.parametrize("size", [1, 12])
@pytest.mark.parametrize("persona", ["visitor", "member"])
def test_search_query_count_is_constant(
    api, django_assert_num_queries, asker, help_desk, member, size, persona
):
    grow_forum(size, author=asker, category=help_desk, member=member)
    if persona == "member":
        api.force_authenticate(member)

    with django_assert_num_queries(1):  # the page of posts with thread, category, author
        response = api.get("/api/v1/search/", {"q": "celery"})

    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [1, 12])
def test_for_you_query_count_is_constant(
    api, django_assert_num_queries, asker, help_desk, member, size
):
    member.topics.set(Topic.objects.filter(slug="python"))
    grow_forum(size, author=asker, category=help_desk, member=member)
    api.force_authenticate(member)

    # topics, watched, posted-in, candidates, their topics, read states
    with django_assert_num_queries(6):
        response = api.get("/api/v1/for-you/")

    assert len(response.json()["results"]) == size
