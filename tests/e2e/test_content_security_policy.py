"""Every page a person uses runs under the enforced Content-Security-Policy without a single
violation, for a visitor, a member and staff (a real browser: Chromium enforces the policy).

A violation is caught three ways: the `securitypolicyviolation` event in any frame (an init
script turns it into a console error), Chromium's own "Content Security Policy" console
errors, and the report the browser posts to /csp-report/ (logged by core.violation_reports).
"""

from __future__ import annotations

import copy
import io
import logging
import time
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from community.models import Category
from community.services import engagement, posting
from community.services.flags import flag_post
from community.services.posting import set_thread_state
from members.notifications.emails import unsubscribe_token
from members.notifications.services import notify
from members.services import set_avatar, update_profile
from tests.core.factories import DeliveryFactory
from tests.events.factories import EventFactory, ProposalFactory
from tests.members.factories import UserFactory
from tests.members.images import jpeg_with_gps
from tests.members.referrals.factories import ReferralLinkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.effectiveDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""

BODY = """Deploying email on a budget, with code:

```python
def send(to):
    return smtp.send(to)
```

Our logo: ![logo](/static/img/favicon.svg) and a chart from elsewhere:
![chart](https://tracker.example/chart.png)
"""


@pytest.fixture
def forum(settings):
    """Content on every page: categories, a thread with replies, reactions, an avatar, a bio,
    a members-only thread, an edited post (history) and an email in the outbox."""
    settings.EMAIL_OUTBOX_SHOWS_BODIES = True
    member = UserFactory(handle="reader", display_name="Rae Reader", email="reader@example.com")
    author = UserFactory(handle="author", display_name="Ari Author")
    staff = UserFactory(handle="staffer", email="staff@example.com", is_staff=True)
    set_avatar(member=author, upload=io.BytesIO(jpeg_with_gps()), size=None)
    update_profile(
        member=author, fields={"bio": "I write about **email**. ![me](/static/img/favicon.svg)"}
    )
    general = Category.objects.create(name="General", slug="general", colour="#c2410c")
    lounge = Category.objects.create(
        name="Lounge", slug="lounge", access=Category.Access.MEMBERS, colour="#2563eb"
    )
    thread = posting.create_thread(
        author=author, category_id=general.pk, title="Deploying email cheaply", body=BODY
    )
    reply = posting.reply(author=member, thread_id=thread.pk, body="Thanks, @author!")
    posting.edit_post(editor=member, post_id=reply.pk, body="Thanks a lot, @author!")
    engagement.add_reaction(member=member, post_id=thread.posts.get(number=1).pk, kind="like")
    posting.create_thread(author=author, category_id=lounge.pk, title="Members chat", body="Hi")
    delivery = DeliveryFactory(
        to_email=member.email,
        subject="Confirm your email",
        html_body=render_to_string(
            "account/email/email_confirmation_signup_message.html",
            {"activate_url": "https://hearth.example/confirm/k/", "user": member},
        ),
    )
    event = EventFactory(kind="ama", title="Ask the editors anything", hosts=[staff])
    ProposalFactory(title="A masterclass on conference talks")
    flag_post(member=member, post_id=thread.posts.get(number=1).pk, reason="other", text="Odd")
    set_thread_state(moderator=staff, thread_id=thread.pk, is_pinned=True, reason="Useful")
    ReferralLinkFactory(member=author, code="authorcode")
    notify(
        recipients=[member.pk],
        kind="mention",
        actor_id=author.pk,
        target_type="post",
        target_id=thread.posts.get(number=1).pk,
        key="csp-test",
    )
    return {
        "member": member,
        "staff": staff,
        "event": event.get_absolute_url(),
        "event_id": event.pk,
        "unsubscribe": reverse(
            "members:unsubscribe",
            args=[unsubscribe_token(member_id=member.pk, kind="mention", scope="")],
        ),
        "thread": f"/t/{thread.pk}/{slugify(thread.title)}/",
        "reply": reply,
        "thread_post_id": thread.posts.get(number=1).pk,
        "delivery": delivery,
    }


def visitor_pages(forum) -> list[tuple[str, int]]:
    return [
        ("/", 200),
        ("/forum/", 200),
        ("/forum/categories/", 200),
        ("/c/general/", 200),
        (forum["thread"], 200),
        ("/forum/search/?q=email", 200),
        ("/members/", 200),
        ("/u/author/", 200),
        ("/u/nobody_here/", 404),
        ("/no-such-page/", 404),
        ("/accounts/login/", 200),
        ("/accounts/signup/", 200),
        ("/accounts/password/reset/", 200),
        ("/admin/login/", 200),
        ("/api/docs/", 200),
        ("/events/", 200),
        ("/events/past/", 200),
        ("/events/proposals/", 200),
        ("/join/authorcode/", 200),
        (forum["event"], 200),
        (forum["unsubscribe"], 200),
        ("/badges/", 200),
        ("/badges/first-post/", 200),
        ("/loyalty/tiers/", 200),
    ]


def member_pages(forum) -> list[tuple[str, int]]:
    reply = forum["reply"]
    return [
        ("/", 200),
        ("/?filter=for-you", 200),
        ("/forum/", 200),
        ("/c/general/", 200),
        ("/c/lounge/", 200),
        (forum["thread"], 200),
        (f"/t/{reply.thread_id}/reply/", 200),
        (f"/p/{reply.pk}/edit/", 200),
        (f"/p/{reply.pk}/history/", 200),
        ("/forum/new/", 200),
        ("/forum/search/?q=email", 200),
        ("/forum/for-you/", 200),
        ("/members/", 200),
        ("/u/reader/", 200),
        ("/u/author/", 200),
        ("/welcome/", 200),
        ("/settings/profile/", 200),
        ("/settings/notifications/", 200),
        ("/settings/privacy/", 200),
        ("/settings/privacy/delete/", 200),
        ("/settings/api-token/", 200),
        ("/settings/referrals/", 200),
        ("/leaderboards/", 200),
        ("/leaderboards/helpers/", 200),
        ("/leaderboards/topics/python/", 200),
        ("/join/authorcode/", 200),
        ("/accounts/email/", 200),
        ("/accounts/password/change/", 200),
        ("/accounts/logout/", 200),
        ("/api/docs/", 200),
        ("/notifications/", 200),
        ("/events/", 200),
        ("/events/mine/", 200),
        ("/events/proposals/new/", 200),
        (f"/moderation/flag/post/{forum['thread_post_id']}/", 200),
        ("/moderation/notices/", 200),
        (forum["event"], 200),
        ("/loyalty/points/", 200),
        ("/loyalty/tiers/", 200),
        ("/badges/", 200),
        ("/badges/first-post/", 200),
    ]


def staff_pages(forum) -> list[tuple[str, int]]:
    return [
        ("/admin/", 200),
        ("/events/new/", 200),
        (f"/events/{forum['event_id']}/edit/", 200),
        (f"/events/{forum['event_id']}/host/", 200),
        ("/moderation/moderators/", 200),
        ("/moderation/queue/", 200),
        ("/moderation/audit/", 200),
        ("/staff/outbox/", 200),
        ("/badges/thank-you/", 200),  # with the moderators' grant form
        ("/u/author/", 200),  # with the moderators' reward menu
        ("/u/author/reward/", 200),
        (f"/staff/outbox/{forum['delivery'].pk}/", 200),  # last: the test reads its frame
    ]


@pytest.fixture
def watched(new_page):
    """A page that records every CSP violation of every frame in `violations`."""

    def open_page() -> tuple[Any, list[str]]:
        page = new_page()
        page.context.add_init_script(RECORD_VIOLATIONS)
        violations: list[str] = []

        def on_console(message) -> None:
            text = message.text
            if message.type == "error" and (
                "Content Security Policy" in text or "CSP violation" in text
            ):
                violations.append(f"{page.url}: {text}")

        page.on("console", on_console)
        return page, violations

    return open_page


def visit(page, pages: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Open each path, let its scripts settle, and return (path, status) as answered."""
    answered = []
    for path, _expected in pages:
        response = page.goto(path, wait_until="networkidle")
        answered.append((path, response.status))
    return answered


def csp_log_records(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hearth.csp"]


def test_visitor_pages_run_without_a_csp_violation(watched, forum, caplog):
    page, violations = watched()

    answered = visit(page, visitor_pages(forum))

    assert answered == visitor_pages(forum)
    assert violations == []
    assert csp_log_records(caplog) == []


def test_member_pages_run_without_a_csp_violation(watched, sign_in, forum, caplog):
    page, violations = watched()
    sign_in(page, forum["member"].email)

    answered = visit(page, member_pages(forum))
    page.goto(forum["thread"], wait_until="networkidle")
    page.get_by_role("link", name="Quote").first.click()  # fetches the quote in place
    page.get_by_role("button", name="Theme: system").click()
    page.wait_for_load_state("networkidle")

    assert answered == member_pages(forum)
    assert violations == []
    assert csp_log_records(caplog) == []


def test_staff_pages_run_without_a_csp_violation(watched, sign_in, forum, caplog):
    page, violations = watched()
    sign_in(page, forum["staff"].email)

    answered = visit(page, staff_pages(forum))

    assert answered == staff_pages(forum)
    email = page.frame_locator("iframe.email-preview")
    assert email.get_by_role("link", name="https://hearth.example/confirm/k/").is_visible()
    assert violations == []
    assert csp_log_records(caplog) == []


@pytest.fixture
def report_uri_only(settings):
    """The policy without report-to. Chromium then posts the report to report-uri at once;
    through the Reporting API (report-to) it batches reports for a minute or more, and the
    headless browser here never sent them. Both body shapes are tested in
    tests/core/test_security_headers.py."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    del policy["DIRECTIVES"]["report-to"]
    settings.CONTENT_SECURITY_POLICY = policy


def test_an_injected_inline_script_is_blocked_reported_and_logged(
    watched, forum, caplog, report_uri_only
):
    caplog.set_level(logging.WARNING, logger="hearth.csp")
    page, violations = watched()
    page.goto("/", wait_until="networkidle")

    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true;";
          document.body.appendChild(script);
        }"""
    )
    deadline = time.monotonic() + 10
    while not csp_log_records(caplog) and time.monotonic() < deadline:
        page.wait_for_timeout(100)

    assert page.evaluate("() => window.injected") is None
    assert len(violations) == 2  # the event, and Chromium's own console error
    (logged,) = csp_log_records(caplog)
    assert logged.startswith("CSP violation: directive=script-src-elem blocked=inline document=")
