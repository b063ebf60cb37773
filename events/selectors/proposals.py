"""Masterclass proposals: the open list, and one proposal with its dates in the viewer's
zone; staff also see who pledged, their time zones and which date suits most of them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from events import policies
from events.models import Pledge, Proposal, ProposalOption
from events.selectors.lists import topics_prefetch, viewer_zone
from events.times import moment_label, zone_named
from members.models import User
from members.policies import Viewer

#: A time suits a member when it falls between these hours of their own day.
WAKING_HOURS = (9, 21)
PROPOSALS_SHOWN = 50


def suits(moment: datetime, zone_name: str) -> bool:
    """Whether `moment` falls in waking hours (09:00 to 21:00) in the zone."""
    local = moment.astimezone(zone_named(zone_name))
    return WAKING_HOURS[0] <= local.hour < WAKING_HOURS[1]


@dataclass(frozen=True)
class ProposalRow:
    """One proposal in the list."""

    proposal: Proposal
    url: str
    has_pledged: bool
    option_labels: list[str]


@dataclass(frozen=True)
class ProposalListScreen:
    """Open proposals (most pledged first) and the ones recently scheduled."""

    rows: list[ProposalRow]
    can_propose: bool


def _options_prefetch() -> Prefetch[Any]:
    return Prefetch("options", queryset=ProposalOption.objects.order_by("starts_at"))


def _with_pledged(proposals: QuerySet[Proposal], viewer: Viewer) -> QuerySet[Proposal]:
    if not isinstance(viewer, User):
        return proposals
    return proposals.annotate(
        has_pledged=Exists(Pledge.objects.filter(proposal=OuterRef("pk"), member=viewer))
    )


def get_proposal_list_screen(*, viewer: Viewer) -> ProposalListScreen:
    """The proposals page: open proposals, most pledged first. Three queries (proposals
    with proposers and the viewer's pledges, their dates, their topics)."""
    zone = viewer_zone(viewer)
    proposals = list(
        _with_pledged(Proposal.objects.filter(status=Proposal.Status.OPEN), viewer)
        .select_related("proposer")
        .prefetch_related(_options_prefetch(), topics_prefetch())
        .order_by("-pledge_count", "-created_at")[:PROPOSALS_SHOWN]
    )
    return ProposalListScreen(
        rows=[
            ProposalRow(
                proposal=proposal,
                url=proposal.get_absolute_url(),
                has_pledged=bool(getattr(proposal, "has_pledged", False)),
                option_labels=[moment_label(o.starts_at, zone) for o in proposal.options.all()],
            )
            for proposal in proposals
        ],
        can_propose=isinstance(viewer, User) and viewer.is_active,
    )


@dataclass(frozen=True)
class OptionFit:
    """One date of a proposal: in the viewer's zone and the proposer's, and (for staff)
    how many pledgers it falls in waking hours for."""

    option: ProposalOption
    label: str
    proposer_label: str
    suits_count: int
    is_best: bool


@dataclass(frozen=True)
class PledgerRow:
    """A member who pledged, their zone and their local time at each date (staff only)."""

    member: User
    time_zone: str
    local_times: list[str]


@dataclass(frozen=True)
class ProposalScreen:
    """One proposal. Pledgers, zones and fit are filled for staff only."""

    proposal: Proposal
    options: list[OptionFit]
    has_pledged: bool
    can_pledge: bool
    can_decide: bool
    pledgers: list[PledgerRow]
    zones: list[tuple[str, int]]


def get_proposal_screen(*, viewer: Viewer, proposal_id: int) -> ProposalScreen:
    """A proposal's page. Raises Proposal.DoesNotExist. Staff see each pledger's zone and,
    for each date, how many pledgers it suits (09:00-21:00 their time)."""
    proposal = (
        _with_pledged(Proposal.objects.all(), viewer)
        .select_related("proposer", "event")
        .prefetch_related(_options_prefetch(), topics_prefetch())
        .get(pk=proposal_id)
    )
    is_staff = policies.is_staff(viewer)
    zone = viewer_zone(viewer)
    options = list(proposal.options.all())
    pledgers: list[User] = []
    if is_staff:
        pledgers = list(
            User.objects.filter(pk__in=Pledge.objects.filter(proposal=proposal).values("member"))
            .only("id", "handle", "display_name", "time_zone", "avatar_small", "is_active")
            .order_by("handle")
        )
    fits = [sum(1 for m in pledgers if suits(o.starts_at, m.time_zone)) for o in options]
    best = max(fits) if fits else 0
    proposer_zone = zone_named(proposal.proposer.time_zone)
    member = viewer if isinstance(viewer, User) else None
    return ProposalScreen(
        proposal=proposal,
        options=[
            OptionFit(
                option=option,
                label=moment_label(option.starts_at, zone),
                proposer_label=moment_label(option.starts_at, proposer_zone),
                suits_count=fit,
                is_best=is_staff and best > 0 and fit == best,
            )
            for option, fit in zip(options, fits, strict=True)
        ],
        has_pledged=bool(getattr(proposal, "has_pledged", False)),
        can_pledge=member is not None
        and member.is_active
        and proposal.status == Proposal.Status.OPEN
        and proposal.proposer_id != member.pk,
        can_decide=is_staff and proposal.status == Proposal.Status.OPEN,
        pledgers=[
            PledgerRow(
                member=m,
                time_zone=m.time_zone,
                local_times=[moment_label(o.starts_at, zone_named(m.time_zone)) for o in options],
            )
            for m in pledgers
        ],
        zones=Counter(m.time_zone for m in pledgers).most_common(),
    )
