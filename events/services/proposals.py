"""Member-led masterclasses: a member proposes one (title, outline, a few dates), others
pledge "I'd attend", staff schedule it as a draft event hosted by the member (then edit
and publish it as any event) or decline it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.markdown import render_markdown
from core.models import Topic
from core.params import without_control_characters
from events import notifications, policies
from events.exceptions import InvalidProposalError, NotAllowedError
from events.models import Event, Pledge, Proposal, ProposalOption
from events.services.publishing import EventDetails, create_event
from members.models import User
from members.notifications.services import notify
from members.policies import ensure_not_suspended

MIN_OPTIONS, MAX_OPTIONS = 1, 3
MIN_TITLE_LENGTH, MAX_TITLE_LENGTH = 5, 200
MAX_OUTLINE_LENGTH = 10_000


@transaction.atomic
def propose_masterclass(
    *,
    member: User,
    title: str,
    outline: str,
    options: Sequence[datetime],
    duration_minutes: int,
    topics: Sequence[Topic] = (),
) -> Proposal:
    """Propose a masterclass with one to three future dates. Open for pledges at once.

    Raises InvalidProposalError naming the field."""
    ensure_not_suspended(member)
    if not member.is_active:
        raise NotAllowedError("Sign in to propose a masterclass.")
    clean_title = " ".join(without_control_characters(title).split())
    if not MIN_TITLE_LENGTH <= len(clean_title) <= MAX_TITLE_LENGTH:
        raise InvalidProposalError(
            f"Give it a title of {MIN_TITLE_LENGTH} to {MAX_TITLE_LENGTH} characters.",
            field="title",
        )
    clean_outline = without_control_characters(outline).strip()
    if not clean_outline or len(clean_outline) > MAX_OUTLINE_LENGTH:
        raise InvalidProposalError(
            f"Outline what you'll teach, in up to {MAX_OUTLINE_LENGTH:,} characters.",
            field="outline",
        )
    dates = sorted(set(options))
    if not MIN_OPTIONS <= len(dates) <= MAX_OPTIONS:
        raise InvalidProposalError("Offer one to three dates.", field="options")
    now = timezone.now()
    if any(moment <= now for moment in dates):
        raise InvalidProposalError("Every date must be in the future.", field="options")
    if not 15 <= duration_minutes <= 480:
        raise InvalidProposalError("A masterclass lasts 15 minutes to 8 hours.", field="duration")
    proposal = Proposal.objects.create(
        proposer=member,
        title=clean_title,
        outline=clean_outline,
        outline_html=render_markdown(clean_outline).html,
        duration_minutes=duration_minutes,
        created_at=now,
    )
    proposal.topics.set(topics)
    ProposalOption.objects.bulk_create(
        [ProposalOption(proposal=proposal, starts_at=moment) for moment in dates]
    )
    return proposal


def _open_proposal(proposal_id: int) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.status != Proposal.Status.OPEN:
        raise InvalidProposalError("This proposal is no longer collecting pledges.")
    return proposal


@transaction.atomic
def pledge(*, proposal_id: int, member: User) -> bool:
    """ "I'd attend": once per member (a unique row). Returns False when already pledged.

    Raises Proposal.DoesNotExist, InvalidProposalError (closed, or one's own proposal)."""
    ensure_not_suspended(member)
    proposal = _open_proposal(proposal_id)
    if proposal.proposer_id == member.pk:
        raise InvalidProposalError("You're the one teaching it: no need to pledge.")
    try:
        with transaction.atomic():
            Pledge.objects.create(proposal=proposal, member=member)
    except IntegrityError:
        return False
    Proposal.objects.filter(pk=proposal.pk).update(pledge_count=F("pledge_count") + 1)
    return True


@transaction.atomic
def withdraw_pledge(*, proposal_id: int, member: User) -> bool:
    """Take back a pledge. Returns False when there was none. Raises Proposal.DoesNotExist,
    InvalidProposalError (closed)."""
    proposal = _open_proposal(proposal_id)
    deleted, _ = Pledge.objects.filter(proposal=proposal, member=member).delete()
    if deleted:
        Proposal.objects.filter(pk=proposal.pk).update(pledge_count=F("pledge_count") - 1)
    return bool(deleted)


@transaction.atomic
def schedule_proposal(
    *, actor: User, proposal_id: int, option_id: int, capacity: int | None
) -> Event:
    """Staff approve a proposal on one of its dates: a draft masterclass hosted by the
    proposer, in the proposer's time zone, with the outline as its description. Staff then
    edit and publish it like any event (publishing tells the backers).

    Raises NotAllowedError, Proposal.DoesNotExist, ProposalOption.DoesNotExist,
    InvalidProposalError, InvalidEventError (from create_event)."""
    if not policies.is_staff(actor):
        raise NotAllowedError("Only staff schedule masterclasses.")
    proposal = _open_proposal(proposal_id)
    option = ProposalOption.objects.get(pk=option_id, proposal=proposal)
    proposer = proposal.proposer
    event = create_event(
        actor=actor,
        details=EventDetails(
            kind=Event.Kind.MASTERCLASS,
            title=proposal.title,
            description=proposal.outline,
            starts_at=option.starts_at,
            ends_at=option.starts_at + timedelta(minutes=proposal.duration_minutes),
            time_zone=proposer.time_zone,
            hosts=[proposer],
            capacity=capacity,
            access=Event.Access.MEMBERS,
            topics=list(proposal.topics.all()),
        ),
    )
    now = timezone.now()
    proposal.status = Proposal.Status.SCHEDULED
    proposal.event = event
    proposal.decided_by = actor
    proposal.decided_at = now
    proposal.save(update_fields=["status", "event", "decided_by", "decided_at"])
    return event


@transaction.atomic
def decline_proposal(*, actor: User, proposal_id: int, note: str) -> Proposal:
    """Staff decline a proposal with a note for the proposer, who is told in the app.

    Raises NotAllowedError, Proposal.DoesNotExist, InvalidProposalError."""
    if not policies.is_staff(actor):
        raise NotAllowedError("Only staff decline proposals.")
    proposal = _open_proposal(proposal_id)
    clean = " ".join(without_control_characters(note).split())[:500]
    if not clean:
        raise InvalidProposalError("Tell the proposer why, in a sentence.", field="note")
    proposal.status = Proposal.Status.DECLINED
    proposal.decision_note = clean
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
    notify(
        recipients=[proposal.proposer_id],
        kind=notifications.PROPOSAL,
        actor_id=actor.pk,
        target_type="proposal",
        target_id=proposal.pk,
        key=f"proposal:{proposal.pk}:declined",
        excerpt=clean,
    )
    return proposal


def forget_pledges_of(member: User) -> None:
    """Account deletion step: take the member's pledges off the proposals' counters (the
    pledge rows go with the account)."""
    pledged = list(Pledge.objects.filter(member=member).values_list("proposal_id", flat=True))
    Proposal.objects.filter(pk__in=pledged).update(pledge_count=F("pledge_count") - 1)
