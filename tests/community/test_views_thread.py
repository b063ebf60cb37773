"""The thread page: posts, the accepted answer, reactions, read markers and what each
viewer may do there (Django test client, no browser)."""

import re

import pytest
from django.urls import reverse

from community.models import Reaction
from community.services import engagement, posting
from tests.community.pages import page_html
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_thread_page_highlights_code_and_anchors_every_post(client, code_question, helper):
    posting.reply(author=helper, thread_id=code_question.pk, body="Try a larger font.")

    content = page_html(client.get(code_question.get_absolute_url()))

    assert '<h1 id="thread-title">How do I highlight code in a talk</h1>' in content
    assert (
        '<pre class="highlight" tabindex="0" role="region" aria-label="Code">'
        '<code class="language-python">'
    ) in content
    assert 'id="post-1"' in content
    assert 'id="post-2"' in content
    assert "Question, not solved yet" in content


def test_thread_page_shows_the_accepted_answer_under_the_question(
    client, code_question, asker, helper
):
    posting.reply(author=helper, thread_id=code_question.pk, body="First try.")
    answer = posting.reply(
        author=helper, thread_id=code_question.pk, body="Use **Pygments** themes."
    )
    posting.accept_answer(actor=asker, thread_id=code_question.pk, post_id=answer.pk)

    content = page_html(client.get(code_question.get_absolute_url()))

    solution = content.index('id="solution"')
    assert content.index('id="post-1"') < solution < content.index('id="post-2"')
    assert "Accepted answer" in content[solution : content.index('id="post-2"')]
    assert f'href="{answer.get_absolute_url()}">Go to the answer (#3)' in content
    assert '<a class="badge badge-success" href="#solution">' in content


def test_an_accepted_answer_right_after_the_question_is_shown_once_marked(
    client, code_question, asker, helper
):
    answer = posting.reply(
        author=helper, thread_id=code_question.pk, body="Use **Pygments** themes."
    )
    posting.accept_answer(actor=asker, thread_id=code_question.pk, post_id=answer.pk)

    content = page_html(client.get(code_question.get_absolute_url()))

    assert 'id="solution"' not in content
    assert content.count("<strong>Pygments</strong>") == 1
    post = content[content.index('id="post-2"') :]
    assert "Accepted answer</span>" in post[: post.index("</header>")]
    assert f'<a class="badge badge-success" href="{answer.get_absolute_url()}">' in content


def test_thread_page_offers_accept_to_the_asker_only(client, code_question, asker, helper):
    posting.reply(author=helper, thread_id=code_question.pk, body="An answer.")
    accept_url = reverse("community:accept", args=[code_question.pk])

    client.force_login(helper)
    helper_view = page_html(client.get(code_question.get_absolute_url()))
    client.force_login(asker)
    asker_view = page_html(client.get(code_question.get_absolute_url()))

    assert accept_url not in helper_view
    assert asker_view.count("Accept as answer") == 1
    assert f'action="{accept_url}"' in asker_view


def test_deleted_post_shows_a_placeholder_instead_of_its_text(client, code_question, helper):
    reply = posting.reply(author=helper, thread_id=code_question.pk, body="Embarrassing typo here.")
    posting.delete_post(actor=helper, post_id=reply.pk)

    content = page_html(client.get(code_question.get_absolute_url()))

    assert 'id="post-2"' in content
    assert "This post was deleted." in content
    assert "Embarrassing typo here." not in content


def test_visitor_sees_reaction_counts_but_no_reaction_buttons(client, code_question, helper):
    reply = posting.reply(author=helper, thread_id=code_question.pk, body="Good question.")
    engagement.add_reaction(member=UserFactory(), post_id=reply.pk, kind="like")

    content = page_html(client.get(code_question.get_absolute_url()))

    assert reverse("community:post-react", args=[reply.pk]) not in content
    assert '<span class="reaction reaction-static" title="Like">' in content
    assert "Sign in to reply" in content
    assert "data-draft-key" not in content


def test_member_gets_reaction_buttons_on_others_posts_but_not_their_own(
    client, code_question, asker, helper
):
    reply = posting.reply(author=helper, thread_id=code_question.pk, body="Good question.")
    client.force_login(helper)

    content = page_html(client.get(code_question.get_absolute_url()))

    opening = code_question.posts.get(number=1)
    assert content.count(f'action="{reverse("community:post-react", args=[opening.pk])}"') == 1
    form = content.split(f'action="{reverse("community:post-react", args=[opening.pk])}"')[1]
    form = form.split("</form>")[0]
    kinds = re.findall(r'name="kind" value="(\w+)"', form)
    assert kinds == ["like", "thanks", "insightful", "laugh"]
    assert form.count("csrfmiddlewaretoken") == 1
    assert reverse("community:post-react", args=[reply.pk]) not in content


def test_reaction_the_member_gave_is_shown_pressed(client, code_question, helper):
    opening = code_question.posts.get(number=1)
    engagement.add_reaction(member=helper, post_id=opening.pk, kind="thanks")
    client.force_login(helper)

    content = page_html(client.get(code_question.get_absolute_url()))

    assert content.count('name="remove"') == 1
    assert re.search(
        r'<button class="reaction" type="submit" name="remove" value="thanks" '
        r'aria-pressed="true" title="Take back your “Thanks”"',
        content,
    )


def test_a_reaction_is_taken_back_with_its_remove_button(client, code_question, helper):
    opening = code_question.posts.get(number=1)
    engagement.add_reaction(member=helper, post_id=opening.pk, kind="thanks")
    client.force_login(helper)

    response = client.post(reverse("community:post-react", args=[opening.pk]), {"remove": "thanks"})

    assert response.status_code == 302
    assert not Reaction.objects.filter(member=helper, post=opening).exists()
    opening.refresh_from_db()
    assert opening.thanks_count == 0


def test_thread_page_marks_where_the_member_stopped_reading(client, code_question, helper):
    engagement.mark_read(member=helper, thread_id=code_question.pk, number=1)
    for text in ("Second.", "Third."):
        posting.reply(author=UserFactory(), thread_id=code_question.pk, body=text)
    client.force_login(helper)

    content = page_html(client.get(code_question.get_absolute_url()))

    divider = content.index("New since your last visit")
    assert content.index('id="post-1"') < divider < content.index('id="post-2"')


def test_reply_box_carries_the_draft_key_and_the_page_clears_a_posted_draft(
    client, code_question, helper
):
    client.force_login(helper)

    content = page_html(
        client.get(code_question.get_absolute_url(), {"posted": f"reply-{code_question.pk}"})
    )

    assert f'data-draft-key="reply-{code_question.pk}"' in content
    assert (
        f'<body class="page-forum page-thread" data-clear-draft="reply-{code_question.pk}">'
        in content
    )


def test_unverified_member_is_asked_to_verify_instead_of_a_reply_box(client, code_question):
    client.force_login(UserFactory(email_address__verified=False))

    content = page_html(client.get(code_question.get_absolute_url()))

    assert "Verify your email to post" in content
    assert "data-draft-key" not in content


def test_locked_thread_takes_no_replies_from_members(client, code_question, moderator, helper):
    posting.set_thread_state(moderator=moderator, thread_id=code_question.pk, is_locked=True)
    client.force_login(helper)

    content = page_html(client.get(code_question.get_absolute_url()))

    assert "This thread is locked" in content
    assert "data-draft-key" not in content


def test_moderator_controls_show_for_moderators_only(client, code_question, moderator, helper):
    moderate_url = reverse("community:moderate", args=[code_question.pk])

    client.force_login(helper)
    member_view = page_html(client.get(code_question.get_absolute_url()))
    client.force_login(moderator)
    moderator_view = page_html(client.get(code_question.get_absolute_url()))

    assert moderate_url not in member_view
    assert moderator_view.count(f'action="{moderate_url}"') == 3
    assert "Pin on Latest" in moderator_view


def test_edited_marker_links_to_the_history_for_the_author_only(
    client, code_question, asker, helper
):
    opening = code_question.posts.get(number=1)
    posting.edit_post(editor=asker, post_id=opening.pk, body="Clearer question.")
    history_url = reverse("community:post-history", args=[opening.pk])

    client.force_login(helper)
    other_view = page_html(client.get(code_question.get_absolute_url()))
    client.force_login(asker)
    author_view = page_html(client.get(code_question.get_absolute_url()))

    assert 'class="post-edited"' in other_view
    assert history_url not in other_view
    assert f'<a class="post-edited" href="{history_url}"' in author_view


def test_answers_sorted_by_likes_come_most_liked_first_after_the_question(
    client, code_question, helper
):
    fans = UserFactory.create_batch(2)
    plain = posting.reply(author=helper, thread_id=code_question.pk, body="Plain answer.")
    loved = posting.reply(author=helper, thread_id=code_question.pk, body="Loved answer.")
    liked = posting.reply(author=helper, thread_id=code_question.pk, body="Liked answer.")
    for fan in fans:
        engagement.add_reaction(member=fan, post_id=loved.pk, kind="like")
    engagement.add_reaction(member=fans[0], post_id=liked.pk, kind="like")

    by_likes = client.get(code_question.get_absolute_url(), {"sort": "likes"})
    by_time = client.get(code_question.get_absolute_url())

    assert [post.number for post in by_likes.context["screen"].posts] == [
        1,
        loved.number,
        liked.number,
        plain.number,
    ]
    assert [post.number for post in by_time.context["screen"].posts] == [1, 2, 3, 4]
    assert 'aria-current="page">Most liked first</a>' in by_likes.content.decode()


def test_a_discussion_keeps_time_order_and_offers_no_sort(client, writing, asker, helper):
    thread = posting.create_thread(
        author=asker, category_id=writing.pk, title="Chatting about fonts", body="Hi"
    )
    reply = posting.reply(author=helper, thread_id=thread.pk, body="Hello.")
    engagement.add_reaction(member=asker, post_id=reply.pk, kind="like")

    response = client.get(thread.get_absolute_url(), {"sort": "likes"})

    assert response.context["screen"].sort == ""
    assert [post.number for post in response.context["screen"].posts] == [1, 2]
    assert "Most liked first" not in response.content.decode()


def test_code_blocks_can_take_the_keyboard_focus_to_scroll(client, code_question):
    content = page_html(client.get(code_question.get_absolute_url()))

    assert content.count('tabindex="0" role="region" aria-label="Code"') == 1
