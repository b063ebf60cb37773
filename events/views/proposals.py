"""Member-led masterclasses: propose, pledge, and staff schedule or decline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from core.http import or_404
from events import selectors
from events.forms import DeclineForm, ProposalForm, ScheduleForm
from events.services import proposals
from events.views._common import member_of


@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Open masterclass proposals, most pledged first."""
    screen = selectors.get_proposal_list_screen(viewer=request.user)
    return render(request, "events/proposal_list.html", {"screen": screen})


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    """Propose a masterclass: title, outline, one to three dates."""
    member = member_of(request)
    form = ProposalForm(request.POST or None, zone=member.zone)
    if request.method == "POST" and form.is_valid():
        options = form.options()
        if not form.errors:
            try:
                proposal = proposals.propose_masterclass(
                    member=member,
                    title=form.cleaned_data["title"],
                    outline=form.cleaned_data["outline"],
                    options=options,
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    topics=list(form.cleaned_data["topics"]),
                )
            except DomainError as error:
                field = {"options": "option_1", "duration": "duration_minutes"}.get(
                    error.field or "", error.field
                )
                form.add_error(field if field in form.fields else None, error.message)
            else:
                messages.success(request, "Your proposal is up: members can now pledge for it.")
                return redirect(proposal.get_absolute_url())
    return render(
        request,
        "events/proposal_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _proposal_page(
    request: HttpRequest, proposal_id: int, status: int = 200, **forms: object
) -> HttpResponse:
    screen = or_404(
        lambda: selectors.get_proposal_screen(viewer=request.user, proposal_id=proposal_id)
    )
    context = {
        "screen": screen,
        "proposal": screen.proposal,
        "schedule_form": forms.get("schedule_form") or ScheduleForm(proposal_id=proposal_id),
        "decline_form": forms.get("decline_form") or DeclineForm(),
    }
    return render(request, "events/proposal_detail.html", context, status=status)


@require_GET
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """A proposal, its dates in the viewer's zone; for staff the pledgers and their zones."""
    return _proposal_page(request, proposal_id)


@login_required
@require_POST
def pledge(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """ "I'd attend" (or take it back with action=withdraw)."""
    member = member_of(request)
    try:
        if request.POST.get("action") == "withdraw":
            or_404(lambda: proposals.withdraw_pledge(proposal_id=proposal_id, member=member))
            messages.success(request, "Your pledge is withdrawn.")
        else:
            or_404(lambda: proposals.pledge(proposal_id=proposal_id, member=member))
            messages.success(request, "Thanks: we'll tell you if it's scheduled.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("events:proposal", proposal_id)


@login_required
@require_POST
def schedule(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Staff: approve on one date; a draft masterclass to edit and publish."""
    form = ScheduleForm(request.POST, proposal_id=proposal_id)
    if form.is_valid():
        try:
            event = or_404(
                lambda: proposals.schedule_proposal(
                    actor=member_of(request),
                    proposal_id=proposal_id,
                    option_id=form.cleaned_data["option"].pk,
                    capacity=form.cleaned_data["capacity"],
                )
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Scheduled as a draft: check the details, then publish.")
            return redirect("events:edit", event.pk)
    return _proposal_page(request, proposal_id, status=400, schedule_form=form)


@login_required
@require_POST
def decline(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Staff: decline with a note for the proposer."""
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            or_404(
                lambda: proposals.decline_proposal(
                    actor=member_of(request),
                    proposal_id=proposal_id,
                    note=form.cleaned_data["note"],
                )
            )
        except DomainError as error:
            form.add_error("note", error.message)
        else:
            messages.success(request, "The proposal is declined; the proposer is told.")
            return redirect("events:proposal", proposal_id)
    return _proposal_page(request, proposal_id, status=400, decline_form=form)
