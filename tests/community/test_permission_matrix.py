"""The permission matrix (permission_matrix.toml beside this file): every action x persona,
checked through the HTML pages and through the API. A cell is "ok" (the action happens) or
the API's refusal status; on a refusal nothing is written, whatever the channel.

The actions act on someone else's objects by their ids (another member's post, a thread in a
category the category moderator does not moderate): changing an id never gets past a rule.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from community.models import Category, Flag, ModerationAction, Post, Reaction, Thread
from events.models import QuestionVote, Registration
from members.loyalty.models import Activity
from members.models import User
from members.rewards.models import ModeratorReward
from tests.community.factories import CategoryFactory, CategoryModeratorFactory
from tests.community.steps import start_thread
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

MATRIX = tomllib.loads((Path(__file__).parent / "permission_matrix.toml").read_text())
PERSONAS: list[str] = MATRIX["personas"]
ACTIONS: dict[str, dict[str, Any]] = MATRIX["actions"]


@dataclass
class World:
    """Everyone's objects: the actor acts on these by id."""

    room: Category  # the category moderator moderates this one
    elsewhere: Category  # ...and not this one
    thread: Thread  # someone else's, in room
    post: Post  # someone else's reply, in room
    far_post: Post  # someone else's reply, elsewhere
    victim: User  # a member to suspend
    event_id: int  # an AMA the members are registered for (to vote)
    question_id: int
    open_event_id: int  # a webinar to register for
    merged_id: int  # a thread merged into `thread` (a tombstone only staff may unmerge)
    merge_id: int  # ...and that merge's audit row


@pytest.fixture
def world(settings) -> World:
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "1000/60")
    room = CategoryFactory(slug="room", name="Room")
    elsewhere = CategoryFactory(slug="elsewhere", name="Elsewhere")
    owner = UserFactory(handle="owner")
    thread = start_thread(owner, room, title="Someone else's thread")
    from community.services import posting

    post = posting.reply(author=owner, thread_id=thread.pk, body="Someone else's reply")
    far = start_thread(owner, elsewhere, title="Far away thread")
    far_post = posting.reply(author=owner, thread_id=far.pk, body="Far away reply")
    event = EventFactory(ama=True)
    question = QuestionFactory(event=event, author=owner)
    from community.services import moderation

    merged = start_thread(owner, room, title="A duplicate thread")
    moderation.merge_threads(
        moderator=UserFactory(handle="merger", is_moderator=True),
        thread_id=merged.pk,
        into_thread_id=thread.pk,
    )
    return World(
        room,
        elsewhere,
        thread,
        post,
        far_post,
        UserFactory(handle="victim"),
        event.pk,
        question.pk,
        EventFactory().pk,
        merged.pk,
        ModerationAction.objects.get(action="merge_threads").pk,
    )


def persona(name: str, world: World) -> User | AnonymousUser:
    if name == "visitor":
        return AnonymousUser()
    made = {
        "unverified": lambda: UserFactory(handle="unverified", unverified=True),
        "new_member": lambda: UserFactory(handle="newbie", new_member=True),
        "member": lambda: UserFactory(handle="member"),
        "vip": lambda: UserFactory(handle="vip", vip=True),
        "suspended": lambda: UserFactory(handle="suspended", suspended=True),
        "category_moderator": lambda: UserFactory(handle="catmod"),
        "moderator": lambda: UserFactory(handle="moderator", is_moderator=True),
        "staff": lambda: UserFactory(handle="staffer", staff=True),
    }[name]()
    if name == "category_moderator":
        CategoryModeratorFactory(member=made, category=world.room)
    if name != "unverified":  # an unverified account cannot register
        # registered for the AMA, so only the rule under test can refuse a vote
        RegistrationFactory(event_id=world.event_id, member=made)
    return made


# --- Each action: its effect (what must change iff allowed), its page and its API call ----------

Effect = Callable[[World], Any]


@dataclass(frozen=True)
class Action:
    effect: Effect
    html: Callable[[Client, World], Any]
    api: Callable[[APIClient, World], Any]
    api_ok: int


def act_form(kind: str, pk: int, action: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "id": pk, "action": action, "reason": "Matrix", **extra}


RUN: dict[str, Action] = {
    "start_thread": Action(
        effect=lambda w: Thread.objects.count(),
        html=lambda c, w: c.post(
            reverse("community:thread-create"),
            {
                "category": w.room.pk,
                "kind": "discussion",
                "title": "A brand new thread",
                "body": "Hello all",
            },
        ),
        api=lambda a, w: a.post(
            "/api/v1/threads/",
            {
                "category": "room",
                "kind": "discussion",
                "title": "A brand new thread",
                "body": "Hello all",
            },
            format="json",
        ),
        api_ok=201,
    ),
    "reply": Action(
        effect=lambda w: Post.objects.count(),
        html=lambda c, w: c.post(reverse("community:reply", args=[w.thread.pk]), {"body": "Hi"}),
        api=lambda a, w: a.post(
            f"/api/v1/threads/{w.thread.pk}/posts/", {"body": "Hi"}, format="json"
        ),
        api_ok=201,
    ),
    "react": Action(
        effect=lambda w: Reaction.objects.count(),
        html=lambda c, w: c.post(
            reverse("community:post-react", args=[w.post.pk]), {"kind": "like"}
        ),
        api=lambda a, w: a.post(f"/api/v1/posts/{w.post.pk}/reactions/like/"),
        api_ok=201,
    ),
    "flag_post": Action(
        effect=lambda w: Flag.objects.count(),
        html=lambda c, w: c.post(
            reverse("moderation:flag-post", args=[w.post.pk]), {"reason": "spam"}
        ),
        api=lambda a, w: a.post(
            "/api/v1/flags/", {"target": "post", "id": w.post.pk, "reason": "spam"}, format="json"
        ),
        api_ok=201,
    ),
    "edit_others_post": Action(
        effect=lambda w: Post.objects.get(pk=w.post.pk).source,
        html=lambda c, w: c.post(
            reverse("community:post-edit", args=[w.post.pk]), {"body": "Changed by someone"}
        ),
        api=lambda a, w: a.patch(
            f"/api/v1/posts/{w.post.pk}/", {"body": "Changed by someone"}, format="json"
        ),
        api_ok=200,
    ),
    "delete_others_post": Action(
        effect=lambda w: Post.objects.get(pk=w.post.pk).is_deleted,
        html=lambda c, w: c.post(reverse("community:post-delete", args=[w.post.pk])),
        api=lambda a, w: a.delete(f"/api/v1/posts/{w.post.pk}/"),
        api_ok=204,
    ),
    "lock_thread": Action(
        effect=lambda w: Thread.objects.get(pk=w.thread.pk).is_locked,
        html=lambda c, w: c.post(
            reverse("community:moderate", args=[w.thread.pk]),
            {"flag": "is_locked", "value": "on"},
        ),
        api=lambda a, w: a.post(
            "/api/v1/moderation/actions/", act_form("thread", w.thread.pk, "lock"), format="json"
        ),
        api_ok=201,
    ),
    "hide_post": Action(
        effect=lambda w: Post.objects.get(pk=w.post.pk).status,
        html=lambda c, w: c.post(reverse("moderation:act"), act_form("post", w.post.pk, "hide")),
        api=lambda a, w: a.post(
            "/api/v1/moderation/actions/", act_form("post", w.post.pk, "hide"), format="json"
        ),
        api_ok=201,
    ),
    "hide_post_elsewhere": Action(
        effect=lambda w: Post.objects.get(pk=w.far_post.pk).status,
        html=lambda c, w: c.post(
            reverse("moderation:act"), act_form("post", w.far_post.pk, "hide")
        ),
        api=lambda a, w: a.post(
            "/api/v1/moderation/actions/", act_form("post", w.far_post.pk, "hide"), format="json"
        ),
        api_ok=201,
    ),
    "suspend_member": Action(
        effect=lambda w: User.objects.get(pk=w.victim.pk).is_suspended,
        html=lambda c, w: c.post(
            reverse("moderation:act"), act_form("member", w.victim.pk, "suspend", days="3")
        ),
        api=lambda a, w: a.post(
            "/api/v1/moderation/actions/",
            act_form("member", w.victim.pk, "suspend", days=3),
            format="json",
        ),
        api_ok=201,
    ),
    "unmerge_threads": Action(
        effect=lambda w: Thread.objects.get(pk=w.merged_id).merged_into_id,
        html=lambda c, w: c.post(
            reverse("moderation:act"), act_form("audit", w.merge_id, "unmerge")
        ),
        api=lambda a, w: a.post(
            "/api/v1/moderation/actions/", act_form("audit", w.merge_id, "unmerge"), format="json"
        ),
        api_ok=201,
    ),
    "review_queue": Action(
        effect=lambda w: None,  # a read: the status says it all
        html=lambda c, w: c.get(reverse("moderation:queue")),
        api=lambda a, w: a.get("/api/v1/moderation/queue/"),
        api_ok=200,
    ),
    "audit_log": Action(
        effect=lambda w: None,
        html=lambda c, w: c.get(reverse("moderation:audit")),
        api=lambda a, w: a.get("/api/v1/moderation/audit/"),
        api_ok=200,
    ),
    "register_for_event": Action(
        effect=lambda w: Registration.objects.filter(event_id=w.open_event_id).count(),
        html=lambda c, w: c.post(reverse("events:register", args=[w.open_event_id])),
        api=lambda a, w: a.post(f"/api/v1/events/{w.open_event_id}/registration/"),
        api_ok=201,
    ),
    "vote_question": Action(
        effect=lambda w: QuestionVote.objects.count(),
        html=lambda c, w: c.post(reverse("events:vote", args=[w.event_id, w.question_id])),
        api=lambda a, w: a.post(f"/api/v1/event-questions/{w.question_id}/vote/"),
        api_ok=200,
    ),
}


def reward_form(post: Post) -> dict[str, Any]:
    return {"points": "5", "reason": "Matrix", "thank_you": "Thanks", "post": str(post.pk)}


def reward_body(post: Post) -> dict[str, Any]:
    return {"member": "owner", "points": 5, "reason": "Matrix", "post": post.pk}


def rewards_of(post: Post) -> tuple[int, int]:
    """Audit rows and ledger entries of rewards for this post."""
    return (
        ModeratorReward.objects.filter(post_id=post.pk).count(),
        Activity.objects.filter(verb="moderator_award", subject_id=post.pk).count(),
    )


RUN.update(
    {
        "reward_post": Action(
            effect=lambda w: rewards_of(w.post),
            html=lambda c, w: c.post(
                reverse("members:reward", args=["owner"]), reward_form(w.post)
            ),
            api=lambda a, w: a.post("/api/v1/rewards/", reward_body(w.post), format="json"),
            api_ok=201,
        ),
        "reward_post_elsewhere": Action(
            effect=lambda w: rewards_of(w.far_post),
            html=lambda c, w: c.post(
                reverse("members:reward", args=["owner"]), reward_form(w.far_post)
            ),
            api=lambda a, w: a.post("/api/v1/rewards/", reward_body(w.far_post), format="json"),
            api_ok=201,
        ),
    }
)

READS = {"review_queue", "audit_log"}
HTML_READ_OK = 200


def cells() -> list[Any]:
    return [
        pytest.param(action, name, ACTIONS[action][name], id=f"{action}-{name}")
        for action in ACTIONS
        for name in PERSONAS
    ]


def test_the_matrix_names_every_action_and_persona():
    assert sorted(ACTIONS) == sorted(RUN)
    assert [sorted(row) for row in ACTIONS.values()] == [sorted(PERSONAS)] * len(ACTIONS)


@pytest.mark.parametrize(("action", "name", "expected"), cells())
def test_html(client, world, action, name, expected):
    actor = persona(name, world)
    if isinstance(actor, User):
        client.force_login(actor)
    run = RUN[action]
    before = run.effect(world)

    response = run.html(client, world)

    changed = run.effect(world) != before
    if action in READS:
        assert (response.status_code == HTML_READ_OK) == (expected == "ok")
    else:
        assert (changed, response.status_code < 500) == (expected == "ok", True)


@pytest.mark.parametrize(("action", "name", "expected"), cells())
def test_api(api, world, action, name, expected):
    actor = persona(name, world)
    if isinstance(actor, User):
        api.force_authenticate(actor)
    run = RUN[action]
    before = run.effect(world)

    response = run.api(api, world)

    changed = run.effect(world) != before
    wanted = run.api_ok if expected == "ok" else expected
    assert (response.status_code, changed) == (wanted, expected == "ok" and action not in READS)


def test_no_refusal_wrote_an_audit_row(world, client):
    client.force_login(persona("member", world))
    written = ModerationAction.objects.count()  # the world's merge

    for action in ("hide_post", "suspend_member", "lock_thread", "unmerge_threads"):
        RUN[action].html(client, world)

    assert ModerationAction.objects.count() == written
