"""Forum pages render what each viewer may see, escaped (Django test client, no browser)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.text import slugify

from community.models import Category
from community.selectors import threads as thread_selectors
from community.services import engagement, posting
from core.models import Topic
from members.services import delete_account
from tests.members.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db

XSS_TITLE = "<script>alert(1)</script> in my slides"
CODE_BODY = "Why does this fail?\n\n```python\ndef greet(name):\n    return f'hi {name}'\n```\n"


@pytest.fixture
def category():
    return Category.objects.create(
        name="Writing", slug="writing", description="Posts, newsletters, ebooks.", access="public"
    )


@pytest.fixture
def asker():
    return UserFactory(handle="asker", display_name="Ada Asker")


@pytest.fixture
def helper():
    return UserFactory(handle="helper", display_name="Hal Helper")


@pytest.fixture
def question(asker, category):
    return posting.create_thread(
        author=asker,
        category_id=category.pk,
        title="How do I highlight code in a talk",
        body=CODE_BODY,
        kind="question",
    )


def thread_path(thread):
    return reverse("community:thread", args=[thread.pk, slugify(thread.title) or "thread"])


def html(response):
    assert response.status_code == 200
    return response.content.decode()


# --- Latest and categories --------------------------------------------------------------------


def test_latest_lists_a_thread_with_its_category_author_and_counts(client, question, helper):
    posting.reply(author=helper, thread_id=question.pk, body="Use a big font.")

    content = html(client.get(reverse("community:latest")))

    assert f'href="{thread_path(question)}">How do I highlight code in a talk</a>' in content
    assert 'class="category-chip" href="/c/writing/"' in content
    assert "Ada Asker" in content
    assert re.search(r'<span class="visually-hidden">Replies</span></dt><dd>1</dd>', content)
    assert '<span class="badge badge-info">Question</span>' in content


def test_latest_hides_unread_and_new_tabs_when_visitor(client, question):
    content = html(client.get(reverse("community:latest")))

    assert "?filter=unread" not in content
    assert "?filter=new" not in content
    assert 'class="new-marker"' not in content


def test_latest_marks_unopened_threads_new_and_counts_unread_replies_when_member(
    client, category, asker, helper
):
    opened = posting.create_thread(
        author=asker, category_id=category.pk, title="Opened before", body="First."
    )
    engagement.mark_read(member=helper, thread_id=opened.pk, number=1)
    posting.reply(author=asker, thread_id=opened.pk, body="Second.")
    posting.reply(author=asker, thread_id=opened.pk, body="Third.")
    posting.create_thread(author=asker, category_id=category.pk, title="Never opened", body="Hi.")
    client.force_login(helper)

    content = html(client.get(reverse("community:latest")))

    assert "?filter=unread" in content
    assert content.count('<span class="new-marker">New</span>') == 1
    unread_url = reverse("community:thread-unread", args=[opened.pk])
    assert re.search(
        rf'<a class="unread-marker" href="{unread_url}">2'
        r'<span class="visually-hidden"> unread posts',
        content,
    )


def test_latest_shows_a_friendly_empty_state_when_there_are_no_threads(client):
    content = html(client.get(reverse("community:latest")))

    assert "No threads yet" in content
    assert f'href="{reverse("community:thread-create")}"' in content


def test_latest_next_page_link_keeps_the_filter_and_topic(client, monkeypatch, category, asker):
    monkeypatch.setattr(thread_selectors, "THREADS_PER_PAGE", 1)
    topic = Topic.objects.get(slug="python")
    for title in ("First python thread", "Second python thread"):
        posting.create_thread(
            author=asker, category_id=category.pk, title=title, body="Body.", topics=[topic]
        )
    client.force_login(asker)

    content = html(client.get(reverse("community:latest"), {"topic": "python"}))

    assert re.search(r'href="\?topic=python&amp;cursor=[^"]+" rel="next">Next page', content)


def test_category_page_shows_its_description_watch_button_and_new_thread_link(
    client, member, category
):
    client.force_login(member)

    content = html(client.get(reverse("community:category", args=["writing"])))

    assert "<h1>Writing</h1>" in content
    assert "Posts, newsletters, ebooks." in content
    assert f'action="{reverse("community:category-watch", args=["writing"])}"' in content
    assert f'href="{reverse("community:thread-create")}?category=writing"' in content
    assert "No threads in Writing yet" in content


def test_category_page_has_no_watch_button_when_visitor(client, category):
    content = html(client.get(reverse("community:category", args=["writing"])))

    assert reverse("community:category-watch", args=["writing"]) not in content


def test_categories_index_shows_counts_and_access_notes(client, staff, category, asker):
    tier = TierFactory(name="Gold")
    Category.objects.create(name="Lounge", slug="lounge", access="members")
    Category.objects.create(name="VIP room", slug="vip", access="tier", minimum_tier=tier)
    posting.create_thread(author=asker, category_id=category.pk, title="One thread", body="Hi.")
    client.force_login(staff)

    content = html(client.get(reverse("community:categories")))

    assert "1 thread<" in content
    assert "Members only" in content
    assert "Gold members and above" in content


# --- A thread ---------------------------------------------------------------------------------


def test_thread_page_highlights_code_and_anchors_every_post(client, question, helper):
    posting.reply(author=helper, thread_id=question.pk, body="Try a larger font.")

    content = html(client.get(thread_path(question)))

    assert '<h1 id="thread-title">How do I highlight code in a talk</h1>' in content
    assert '<pre class="highlight"><code class="language-python">' in content
    assert 'id="post-1"' in content
    assert 'id="post-2"' in content
    assert "Question, not solved yet" in content


def test_thread_page_shows_the_accepted_answer_under_the_question(client, question, asker, helper):
    answer = posting.reply(author=helper, thread_id=question.pk, body="Use **Pygments** themes.")
    posting.accept_answer(actor=asker, thread_id=question.pk, post_id=answer.pk)

    content = html(client.get(thread_path(question)))

    solution = content.index('id="solution"')
    assert content.index('id="post-1"') < solution < content.index('id="post-2"')
    assert "Accepted answer" in content[solution : content.index('id="post-2"')]
    assert f'href="{answer.get_absolute_url()}">Go to the answer (#2)' in content
    assert '<a class="badge badge-success" href="#solution">' in content


def test_thread_page_offers_accept_to_the_asker_only(client, question, asker, helper):
    posting.reply(author=helper, thread_id=question.pk, body="An answer.")
    accept_url = reverse("community:accept", args=[question.pk])

    client.force_login(helper)
    helper_view = html(client.get(thread_path(question)))
    client.force_login(asker)
    asker_view = html(client.get(thread_path(question)))

    assert accept_url not in helper_view
    assert asker_view.count("Accept as answer") == 1
    assert f'action="{accept_url}"' in asker_view


def test_deleted_post_shows_a_placeholder_instead_of_its_text(client, question, helper):
    reply = posting.reply(author=helper, thread_id=question.pk, body="Embarrassing typo here.")
    posting.delete_post(actor=helper, post_id=reply.pk)

    content = html(client.get(thread_path(question)))

    assert 'id="post-2"' in content
    assert "This post was deleted." in content
    assert "Embarrassing typo here." not in content


def test_post_by_a_deleted_account_is_signed_former_member(client, question, helper):
    posting.reply(author=helper, thread_id=question.pk, body="I'll be gone soon.")
    delete_account(member=helper)

    content = html(client.get(thread_path(question)))

    assert "I'll be gone soon." in content
    assert '<span class="former-member">former member</span>' in content
    assert reverse("members:profile", args=["helper"]) not in content


def test_visitor_sees_reaction_counts_but_no_reaction_buttons(client, question, helper):
    reply = posting.reply(author=helper, thread_id=question.pk, body="Good question.")
    engagement.add_reaction(member=UserFactory(), post_id=reply.pk, kind="like")

    content = html(client.get(thread_path(question)))

    assert reverse("community:post-react", args=[reply.pk]) not in content
    assert '<span class="reaction reaction-static" title="Like">' in content
    assert "Sign in to reply" in content
    assert "data-draft-key" not in content


def test_member_gets_reaction_buttons_on_others_posts_but_not_their_own(
    client, question, asker, helper
):
    reply = posting.reply(author=helper, thread_id=question.pk, body="Good question.")
    client.force_login(helper)

    content = html(client.get(thread_path(question)))

    opening = question.posts.get(number=1)
    assert content.count(f'action="{reverse("community:post-react", args=[opening.pk])}"') == 4
    assert reverse("community:post-react", args=[reply.pk]) not in content


def test_reaction_the_member_gave_is_shown_pressed(client, question, helper):
    opening = question.posts.get(number=1)
    engagement.add_reaction(member=helper, post_id=opening.pk, kind="thanks")
    client.force_login(helper)

    content = html(client.get(thread_path(question)))

    assert content.count('class="reaction" type="submit" aria-pressed="true"') == 1
    assert re.search(
        r'name="action" value="remove">\s*<button class="reaction" type="submit" '
        r'aria-pressed="true" title="Take back your “Thanks”"',
        content,
    )


def test_thread_page_marks_where_the_member_stopped_reading(client, question, helper):
    engagement.mark_read(member=helper, thread_id=question.pk, number=1)
    for text in ("Second.", "Third."):
        posting.reply(author=UserFactory(), thread_id=question.pk, body=text)
    client.force_login(helper)

    content = html(client.get(thread_path(question)))

    divider = content.index("New since your last visit")
    assert content.index('id="post-1"') < divider < content.index('id="post-2"')


def test_reply_box_carries_the_draft_key_and_the_page_clears_a_posted_draft(
    client, question, helper
):
    client.force_login(helper)

    content = html(client.get(thread_path(question), {"posted": f"reply-{question.pk}"}))

    assert f'data-draft-key="reply-{question.pk}"' in content
    assert (
        f'<body class="page-forum page-thread" data-clear-draft="reply-{question.pk}">' in content
    )


def test_unverified_member_is_asked_to_verify_instead_of_a_reply_box(client, question):
    client.force_login(UserFactory(email_address__verified=False))

    content = html(client.get(thread_path(question)))

    assert "Verify your email to post" in content
    assert "data-draft-key" not in content


def test_locked_thread_takes_no_replies_from_members(client, question, staff, helper):
    posting.set_thread_state(moderator=staff, thread_id=question.pk, is_locked=True)
    client.force_login(helper)

    content = html(client.get(thread_path(question)))

    assert "This thread is locked" in content
    assert "data-draft-key" not in content


def test_moderator_controls_show_for_moderators_only(client, question, staff, helper):
    moderate_url = reverse("community:moderate", args=[question.pk])

    client.force_login(helper)
    member_view = html(client.get(thread_path(question)))
    client.force_login(staff)
    moderator_view = html(client.get(thread_path(question)))

    assert moderate_url not in member_view
    assert moderator_view.count(f'action="{moderate_url}"') == 3
    assert "Pin on Latest" in moderator_view


def test_edited_marker_links_to_the_history_for_the_author_only(client, question, asker, helper):
    opening = question.posts.get(number=1)
    posting.edit_post(editor=asker, post_id=opening.pk, body="Clearer question.")
    history_url = reverse("community:post-history", args=[opening.pk])

    client.force_login(helper)
    other_view = html(client.get(thread_path(question)))
    client.force_login(asker)
    author_view = html(client.get(thread_path(question)))

    assert 'class="post-edited"' in other_view
    assert history_url not in other_view
    assert f'<a class="post-edited" href="{history_url}"' in author_view


# --- Forms ------------------------------------------------------------------------------------


def test_new_thread_form_preselects_the_category_and_kind_from_the_link(client, member, category):
    client.force_login(member)

    content = html(
        client.get(reverse("community:thread-create"), {"category": "writing", "kind": "question"})
    )

    assert re.search(rf'<option value="{category.pk}" selected>Writing</option>', content)
    assert re.search(r'value="question"[^>]*checked', content)
    assert 'data-draft-key="new-thread"' in content


def test_new_thread_form_keeps_the_text_and_explains_a_short_title(client, member, category):
    client.force_login(member)

    response = client.post(
        reverse("community:thread-create"),
        {
            "category": category.pk,
            "kind": "discussion",
            "title": "Hi",
            "body": "My <b>long</b> text",
        },
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "Give the thread a title of at least 5 characters." in content
    assert "My &lt;b&gt;long&lt;/b&gt; text</textarea>" in content
    assert 'id="id_title" aria-invalid="true"' in content or 'aria-invalid="true"' in content


def test_reply_page_prefills_a_quote_of_the_post(client, question, helper):
    opening = question.posts.get(number=1)
    client.force_login(helper)

    content = html(
        client.get(reverse("community:reply", args=[question.pk]), {"quote": opening.pk})
    )

    assert "&gt; **@asker** wrote:" in content
    assert f'data-draft-key="reply-{question.pk}"' in content


def test_edit_page_shows_the_post_source(client, question, asker):
    opening = question.posts.get(number=1)
    client.force_login(asker)

    content = html(client.get(reverse("community:post-edit", args=[opening.pk])))

    assert "Why does this fail?" in content
    assert f'data-draft-key="edit-{opening.pk}"' in content


def test_history_lists_the_current_version_then_older_ones_newest_first(client, question, asker):
    opening = question.posts.get(number=1)
    posting.edit_post(editor=asker, post_id=opening.pk, body="Second wording.")
    posting.edit_post(editor=asker, post_id=opening.pk, body="Third wording.")
    client.force_login(asker)

    content = html(client.get(reverse("community:post-history", args=[opening.pk])))

    third, second = content.index("Third wording."), content.index("Second wording.")
    first = content.index("Why does this fail?")
    assert third < second < first
    assert "Original version" in content
    assert "Version 2" in content


# --- Search and For you -----------------------------------------------------------------------


def test_search_finds_a_thread_by_a_title_word_and_marks_the_match(client, question):
    content = html(client.get(reverse("community:search"), {"q": "fail"}))

    assert "How do I highlight code in a talk</a>" in content
    assert "<mark>fail</mark>" in content
    assert "1 result for “fail”" in content


def test_search_without_words_shows_tips_and_no_results(client, question):
    content = html(client.get(reverse("community:search")))

    assert "What are you looking for?" in content
    assert "search-result" not in content


def test_header_has_a_forum_search_box(client):
    content = html(client.get(reverse("core:home")))

    assert f'action="{reverse("community:search")}" role="search"' in content
    assert 'id="header-search-q" type="search" name="q"' in content


@pytest.mark.parametrize("where", ["latest", "thread", "search"])
def test_a_script_in_a_title_is_shown_as_text(client, asker, category, where):
    thread = posting.create_thread(
        author=asker, category_id=category.pk, title=XSS_TITLE, body="slides"
    )
    url = {
        "latest": reverse("community:latest"),
        "thread": thread_path(thread),
        "search": reverse("community:search") + "?q=slides",
    }[where]

    content = html(client.get(url))

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; in my slides" in content


def test_for_you_explains_each_recommendation(client, category, asker, helper):
    topic = Topic.objects.get(slug="python")
    helper.topics.add(topic)
    posting.create_thread(
        author=asker, category_id=category.pk, title="Packaging talk", body="x", topics=[topic]
    )
    client.force_login(helper)

    content = html(client.get(reverse("community:for-you")))

    assert "Packaging talk</a>" in content
    assert f"Because you follow {topic.name}" in content


def test_for_you_points_to_topics_and_latest_when_empty(client, member):
    client.force_login(member)

    content = html(client.get(reverse("community:for-you")))

    assert "Nothing to recommend yet" in content
    assert f'href="{reverse("members:profile-edit")}"' in content


def test_profile_lists_the_members_recent_threads_and_replies(client, question, asker, helper):
    posting.reply(author=helper, thread_id=question.pk, body="A reply worth showing.")

    asker_page = html(client.get(reverse("members:profile", args=["asker"])))
    helper_page = html(client.get(reverse("members:profile", args=["helper"])))

    assert "Recent threads" in asker_page
    assert "How do I highlight code in a talk</a>" in asker_page
    assert "Recent replies" in helper_page
    assert "A reply worth showing." in helper_page
