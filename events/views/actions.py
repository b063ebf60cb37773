"""What members do on an event page: register, cancel, claim or decline a seat, ask and
vote on AMA questions, check in with the code, rate. Each is one service call, then a
redirect to the event page (or the page again with the form's errors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError
from core.http import or_404
from core.ratelimit import check_request_rate
from events import selectors
from events.forms import CheckInForm, QuestionForm, RatingForm
from events.models import Registration
from events.services import attendance, feeds, questions, registrations
from events.views._common import event_url, member_of, refused
from events.views.browse import render_event_page


@login_required
@require_POST
def register(request: HttpRequest, event_id: int) -> HttpResponse:
    """Register in one click (a seat, or the waitlist)."""
    try:
        check_request_rate(request, "register")
        result = or_404(
            lambda: registrations.register_for_event(event_id=event_id, member=member_of(request))
        )
    except DomainError as error:
        return refused(request, error, event_id)
    if result.registration.status == Registration.Status.CONFIRMED:
        messages.success(request, "You're in. The join link is below and in your email.")
    elif result.registration.status == Registration.Status.WAITLISTED:
        messages.info(request, "The event is full: you're on the waitlist.")
    return redirect(event_url(event_id))


@login_required
@require_POST
def cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    """Cancel in one click."""
    try:
        result = or_404(
            lambda: registrations.cancel_registration(event_id=event_id, member=member_of(request))
        )
    except DomainError as error:
        return refused(request, error, event_id)
    if result.changed:
        messages.success(request, "Your registration is cancelled.")
    return redirect(event_url(event_id))


@login_required
@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, event_id: int) -> HttpResponse:
    """GET (the link in the offer email): a page with the claim and decline buttons, so a
    link scanner claims nothing. POST: take the seat."""
    if request.method == "GET":
        screen = or_404(lambda: selectors.get_event_screen(viewer=request.user, event_id=event_id))
        return render(request, "events/claim.html", {"screen": screen, "event": screen.event})
    try:
        or_404(lambda: registrations.claim_offer(event_id=event_id, member=member_of(request)))
    except DomainError as error:
        return refused(request, error, event_id)
    messages.success(request, "The seat is yours. The join link is below and in your email.")
    return redirect(event_url(event_id))


@login_required
@require_POST
def decline(request: HttpRequest, event_id: int) -> HttpResponse:
    """Give the offered seat to the next in line."""
    try:
        or_404(lambda: registrations.decline_offer(event_id=event_id, member=member_of(request)))
    except DomainError as error:
        return refused(request, error, event_id)
    messages.success(request, "Thanks for letting us know: the seat goes to the next in line.")
    return redirect(event_url(event_id))


@login_required
@require_POST
def ask(request: HttpRequest, event_id: int) -> HttpResponse:
    """Ask an AMA question; a refused one comes back with the text kept."""
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = or_404(
                lambda: questions.ask_question(
                    event_id=event_id,
                    member=member_of(request),
                    body=form.cleaned_data["body"],
                    is_anonymous=form.cleaned_data["is_anonymous"],
                )
            )
        except DomainError as error:
            form.add_error("body" if error.field == "body" else None, error.message)
        else:
            messages.success(
                request,
                "Your question is in. A host approves anonymous questions before others see them."
                if question.is_anonymous
                else "Your question is in.",
            )
            return redirect(event_url(event_id) + "#questions")
    return render_event_page(request, event_id, status=400, question_form=form)


@login_required
@require_POST
def vote(request: HttpRequest, event_id: int, question_id: int) -> HttpResponse:
    """Upvote a question (or take the vote back with action=withdraw)."""
    member = member_of(request)
    withdraw = request.POST.get("action") == "withdraw"
    try:
        if withdraw:
            or_404(lambda: questions.withdraw_vote(question_id=question_id, member=member))
        else:
            check_request_rate(request, "vote")
            or_404(lambda: questions.vote_for_question(question_id=question_id, member=member))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(event_url(event_id) + "#questions")


@login_required
@require_POST
def check_in(request: HttpRequest, event_id: int) -> HttpResponse:
    """Check in by typing the event's code."""
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            or_404(
                lambda: attendance.check_in_with_code(
                    event_id=event_id, member=member_of(request), code=form.cleaned_data["code"]
                )
            )
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, "You're checked in. Enjoy the event!")
            return redirect(event_url(event_id))
    return render_event_page(request, event_id, status=400, check_in_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, event_id: int) -> HttpResponse:
    """Rate an event you attended (GET: the link in the recording email)."""
    if request.method == "GET":
        return redirect(event_url(event_id) + "#rating")
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            or_404(
                lambda: attendance.rate_event(
                    event_id=event_id,
                    member=member_of(request),
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Thank you: your rating is saved.")
            return redirect(event_url(event_id))
    return render_event_page(request, event_id, status=400, rating_form=form)


@login_required
@require_POST
def feed_create(request: HttpRequest) -> HttpResponse:
    """Make the member's private calendar feed URL."""
    feeds.create_calendar_feed(member=member_of(request))
    messages.success(request, "Your calendar feed is ready: add its URL to your calendar app.")
    return redirect(reverse("events:mine") + "#calendar")


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    """A new feed URL; the old one stops working."""
    feeds.revoke_calendar_feed(member=member_of(request))
    messages.success(request, "Your old feed URL no longer works. Here is a new one.")
    return redirect(reverse("events:mine") + "#calendar")
