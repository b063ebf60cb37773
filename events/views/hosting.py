"""The host's dashboard and what hosts do there: check people in, run the AMA's questions,
share the recording, post the recap."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError
from core.http import or_404
from core.params import text_param
from events import selectors
from events.forms import HostQuestionForm, RecordingForm
from events.services import attendance, endings, questions
from events.views._common import event_url, member_of


def _dashboard_url(event_id: int, query: str = "") -> str:
    url = reverse("events:host", args=[event_id])
    return f"{url}?q={query}" if query else url


@login_required
@require_GET
def host_dashboard(request: HttpRequest, event_id: int) -> HttpResponse:
    """Registrants (searchable, with check-in), the waitlist, the questions, the code."""
    screen = or_404(
        lambda: selectors.get_host_screen(
            viewer=request.user,
            event_id=event_id,
            query=text_param(request.GET, "q", max_length=60),
        )
    )
    return render(
        request,
        "events/host_dashboard.html",
        {
            "screen": screen,
            "event": screen.event,
            "recording_form": RecordingForm(
                initial={"recording_url": screen.event.recording_url or None}
            ),
        },
    )


@login_required
@require_POST
def set_attendance(request: HttpRequest, event_id: int, registration_id: int) -> HttpResponse:
    """Check a registrant in (attended=1) or take it back (attended=0)."""
    attended = request.POST.get("attended") == "1"
    try:
        registration = or_404(
            lambda: attendance.set_attendance(
                actor=member_of(request),
                event_id=event_id,
                registration_id=registration_id,
                attended=attended,
            )
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        name = registration.member.name
        messages.success(
            request, f"{name} is checked in." if attended else f"{name} is no longer checked in."
        )
    query = text_param(request.POST, "q", max_length=60)
    return redirect(_dashboard_url(event_id, query))


@login_required
@require_POST
def question_action(request: HttpRequest, event_id: int, question_id: int) -> HttpResponse:
    """A host's action on a question; back to the dashboard (or the event page)."""
    form = HostQuestionForm(request.POST)
    back = (
        _dashboard_url(event_id)
        if request.POST.get("next") == "host"
        else event_url(event_id) + "#questions"
    )
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        or_404(
            lambda: questions.moderate_question(
                question_id=question_id,
                actor=member_of(request),
                action=form.cleaned_data["action"],
                answer_url=form.cleaned_data["answer_url"],
                answer_at_seconds=form.cleaned_data["answer_at"],
            )
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(back)


@login_required
@require_POST
def share_recording(request: HttpRequest, event_id: int) -> HttpResponse:
    form = RecordingForm(request.POST)
    if form.is_valid():
        try:
            or_404(
                lambda: endings.share_recording(
                    actor=member_of(request),
                    event_id=event_id,
                    recording_url=form.cleaned_data["recording_url"],
                )
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The recording is shared with everyone who registered.")
    else:
        messages.error(request, "Enter the recording's link (https://…).")
    return redirect(_dashboard_url(event_id))


@login_required
@require_POST
def post_recap(request: HttpRequest, event_id: int) -> HttpResponse:
    """Post the AMA recap now (it is posted on its own when the AMA ends)."""
    or_404(lambda: selectors.get_host_screen(viewer=request.user, event_id=event_id))
    post = questions.post_recap(event_id=event_id)
    if post is None:
        messages.error(request, "There is no recap to post: no answered questions, or done.")
    else:
        messages.success(request, "The recap is posted in the discussion.")
    return redirect(_dashboard_url(event_id))
