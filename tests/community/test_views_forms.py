"""Forum forms: a new thread, a reply with a quote, an edit and a post's history
(Django test client, no browser)."""

import re

import pytest
from django.urls import reverse

from community.models import Thread
from community.services import posting
from tests.community.pages import page_html

pytestmark = pytest.mark.django_db


def test_new_thread_form_preselects_the_category_and_kind_from_the_link(client, member, writing):
    client.force_login(member)

    content = page_html(
        client.get(reverse("community:thread-create"), {"category": "writing", "kind": "question"})
    )

    assert re.search(rf'<option value="{writing.pk}" selected>Writing</option>', content)
    assert re.search(r'value="question"[^>]*checked', content)
    assert 'data-draft-key="new-thread"' in content


def test_new_thread_form_keeps_the_text_and_explains_a_short_title(client, member, writing):
    client.force_login(member)

    response = client.post(
        reverse("community:thread-create"),
        {
            "category": writing.pk,
            "kind": "discussion",
            "title": "Hi",
            "body": "My <b>long</b> text",
        },
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "Give the thread a title of at least 5 characters." in content
    assert "My &lt;b&gt;long&lt;/b&gt; text</textarea>" in content
    assert (
        '<input type="text" name="title" value="Hi" data-similar-title="" autocomplete="off" '
        'maxlength="200" required '
        'aria-invalid="true" aria-describedby="id_title_error" id="id_title">'
    ) in content
    assert Thread.objects.count() == 0


def test_reply_page_prefills_a_quote_of_the_post(client, code_question, helper):
    opening = code_question.posts.get(number=1)
    client.force_login(helper)

    content = page_html(
        client.get(reverse("community:reply", args=[code_question.pk]), {"quote": opening.pk})
    )

    assert "&gt; **@asker** wrote:" in content
    assert f'data-draft-key="reply-{code_question.pk}"' in content


def test_edit_page_shows_the_post_source(client, code_question, asker):
    opening = code_question.posts.get(number=1)
    client.force_login(asker)

    content = page_html(client.get(reverse("community:post-edit", args=[opening.pk])))

    assert "Why does this fail?" in content
    assert f'data-draft-key="edit-{opening.pk}"' in content


def test_history_lists_the_current_version_then_older_ones_newest_first(
    client, code_question, asker
):
    opening = code_question.posts.get(number=1)
    posting.edit_post(editor=asker, post_id=opening.pk, body="Second wording.")
    posting.edit_post(editor=asker, post_id=opening.pk, body="Third wording.")
    client.force_login(asker)

    content = page_html(client.get(reverse("community:post-history", args=[opening.pk])))

    third, second = content.index("Third wording."), content.index("Second wording.")
    first = content.index("Why does this fail?")
    assert third < second < first
    assert "Original version" in content
    assert "Version 2" in content
