"""Posts under /api/v1/: reply, list and page, edit with history, delete, react."""

import pytest

from community.models import Post, PostRevision, Reaction
from community.services import engagement, posting
from tests.community.steps import iso, opening_post, start_thread

pytestmark = pytest.mark.django_db

NO_REACTIONS = {"like": 0, "thanks": 0, "insightful": 0, "laugh": 0}


# --- Reply and list ----------------------------------------------------------------------------


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
        "status": "published",
        "created_at": iso(reply.created_at),
        "edited_at": None,
        "edit_count": 0,
        "reactions": NO_REACTIONS,
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

    assert response.status_code == 200
    assert [(p["number"], p["author"]) for p in response.json()["results"]] == [(1, None)]


# --- Edit, history, delete --------------------------------------------------------------------


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
    assert edited.json()["edited_at"] == iso(Post.objects.get(pk=post.pk).edited_at)
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


def test_moderator_edits_someone_elses_post(api, question, moderator):
    post = opening_post(question)
    api.force_authenticate(moderator)

    response = api.patch(f"/api/v1/posts/{post.pk}/", {"body": "Tidied up."})

    assert response.status_code == 200
    assert Post.objects.get(pk=post.pk).source == "Tidied up."
    assert PostRevision.objects.get(post=post).edited_by == moderator


@pytest.mark.parametrize(("persona", "status"), [("member", 404), ("moderator", 200)])
def test_only_the_author_and_moderators_see_a_posts_history(
    request, api, question, persona, status
):
    post = opening_post(question)
    api.force_authenticate(request.getfixturevalue(persona))

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
    assert Post.objects.get(pk=reply.pk).is_deleted is True


def test_member_cannot_delete_someone_elses_post(api, question, member):
    post = opening_post(question)
    api.force_authenticate(member)

    response = api.delete(f"/api/v1/posts/{post.pk}/")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the author or a moderator can delete this post.",
        "code": "forbidden",
    }
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
    assert Post.objects.get(pk=post.pk).like_count == 0


def test_reacting_twice_counts_once(api, question, member):
    post = opening_post(question)
    api.force_authenticate(member)

    first = api.post(f"/api/v1/posts/{post.pk}/reactions/like/")
    second = api.post(f"/api/v1/posts/{post.pk}/reactions/like/")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["reactions"] == {**NO_REACTIONS, "like": 1}
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


def test_unknown_reaction_is_a_400_and_records_nothing(api, question, member):
    api.force_authenticate(member)

    response = api.post(f"/api/v1/posts/{opening_post(question).pk}/reactions/love/")

    assert response.status_code == 400
    assert response.json() == {"kind": ["Unknown reaction."], "code": "reaction_not_allowed"}
    assert Reaction.objects.count() == 0


def test_reacting_to_a_hidden_post_is_a_404_and_records_nothing(api, vip_room, vip, member):
    post = opening_post(start_thread(vip, vip_room))
    api.force_authenticate(member)

    response = api.post(f"/api/v1/posts/{post.pk}/reactions/like/")

    assert response.status_code == 404
    assert Reaction.objects.count() == 0
    assert Post.objects.get(pk=post.pk).like_count == 0


def test_taking_back_a_reaction_on_a_post_no_longer_visible_is_a_404_and_keeps_it(
    api, vip_room, vip, member
):
    post = opening_post(start_thread(vip, vip_room))
    member.tier = vip.tier  # the member reacted while in the tier, then left it
    member.save(update_fields=["tier"])
    engagement.add_reaction(member=member, post_id=post.pk, kind="like")
    member.tier = None
    member.save(update_fields=["tier"])
    api.force_authenticate(member)

    response = api.delete(f"/api/v1/posts/{post.pk}/reactions/like/")

    assert response.status_code == 404
    assert Reaction.objects.filter(member=member, post=post).count() == 1
    assert Post.objects.get(pk=post.pk).like_count == 1
