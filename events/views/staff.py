"""Staff create, edit, publish and cancel events in the product (not only in the admin),
and set their cover images."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError
from core.http import or_404
from events import policies, selectors
from events.forms import CoverForm, EventForm
from events.services import covers, publishing
from events.views._common import event_url, member_of, refused


def _staff(request: HttpRequest) -> None:
    if not policies.is_staff(request.user):
        raise Http404


def _save_form(request: HttpRequest, form: EventForm, event_id: int | None) -> HttpResponse | None:
    """Create or update from a valid form; None (errors on the form) when refused."""
    member = member_of(request)
    try:
        if event_id is None:
            event = publishing.create_event(actor=member, details=form.details())
            messages.success(request, "The draft is saved. Publish it when it's ready.")
        else:
            event = or_404(
                lambda: publishing.update_event(
                    actor=member, event_id=event_id, details=form.details()
                )
            )
            messages.success(request, "The event is saved.")
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None
    return redirect(event.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    """A new event (a draft) by staff."""
    _staff(request)
    form = EventForm(
        request.POST or None,
        initial={"kind": "webinar", "access": "public", "time_zone": member_of(request).time_zone},
    )
    if request.method == "POST" and form.is_valid():
        response = _save_form(request, form, None)
        if response is not None:
            return response
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    """Edit an event; registrants are emailed what changed."""
    _staff(request)
    event = or_404(lambda: selectors.get_event(viewer=request.user, event_id=event_id))
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        response = _save_form(request, form, event.pk)
        if response is not None:
            return response
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": event, "cover_form": CoverForm()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def event_publish(request: HttpRequest, event_id: int) -> HttpResponse:
    _staff(request)
    try:
        or_404(lambda: publishing.publish_event(actor=member_of(request), event_id=event_id))
    except DomainError as error:
        return refused(request, error, event_id)
    messages.success(request, "Published: the event is open and its discussion has started.")
    return redirect(event_url(event_id))


@login_required
@require_POST
def event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    _staff(request)
    try:
        or_404(lambda: publishing.cancel_event(actor=member_of(request), event_id=event_id))
    except DomainError as error:
        return refused(request, error, event_id)
    messages.success(request, "The event is cancelled. Everyone registered is being told.")
    return redirect(event_url(event_id))


@login_required
@require_POST
def event_cover(request: HttpRequest, event_id: int) -> HttpResponse:
    """Upload a cover (or remove it with action=remove)."""
    _staff(request)
    member = member_of(request)
    if request.POST.get("action") == "remove":
        or_404(lambda: covers.remove_event_cover(actor=member, event_id=event_id))
        messages.success(request, "The cover image is removed.")
        return redirect("events:edit", event_id)
    form = CoverForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["cover"]
        try:
            or_404(
                lambda: covers.set_event_cover(
                    actor=member, event_id=event_id, upload=upload, size=upload.size
                )
            )
        except DomainError as error:
            form.add_error("cover", error.message)
        else:
            messages.success(request, "The cover image is saved.")
            return redirect("events:edit", event_id)
    event = or_404(lambda: selectors.get_event(viewer=request.user, event_id=event_id))
    return render(
        request,
        "events/event_form.html",
        {
            "form": EventForm(initial=EventForm.initial_for(event)),
            "event": event,
            "cover_form": form,
        },
        status=400,
    )
