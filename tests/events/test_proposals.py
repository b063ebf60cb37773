"""Member-led masterclasses: propose, pledge once, staff see who pledged and where, then
schedule (a draft hosted by the member) or decline."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.exceptions import InvalidProposalError, NotAllowedError
from events.models import Event, Pledge, Proposal
from events.selectors import get_proposal_screen
from events.services import proposals
from members.models import Notification
from tests.events.factories import PledgeFactory, ProposalFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_proposes_with_a_few_dates(member):
    dates = [timezone.now() + timedelta(days=d) for d in (10, 12)]

    proposal = proposals.propose_masterclass(
        member=member,
        title="Editing video on a budget",
        outline="Cuts, **audio**, captions.",
        options=dates,
        duration_minutes=90,
    )

    assert (proposal.status, proposal.outline_html) == (
        "open",
        "<p>Cuts, <strong>audio</strong>, captions.</p>\n",
    )
    assert list(proposal.options.values_list("starts_at", flat=True)) == dates


@pytest.mark.parametrize(
    ("options", "field"),
    [([], "options"), ([timezone.now() - timedelta(days=1)], "options")],
    ids=["no-date", "past-date"],
)
def test_a_proposal_needs_future_dates(member, options, field):
    with pytest.raises(InvalidProposalError) as refused:
        proposals.propose_masterclass(
            member=member,
            title="Editing video",
            outline="Cuts.",
            options=options,
            duration_minutes=60,
        )

    assert refused.value.field == field
    assert Proposal.objects.count() == 0


def test_members_pledge_once_and_not_for_their_own(member):
    proposal = ProposalFactory()

    first = proposals.pledge(proposal_id=proposal.pk, member=member)
    second = proposals.pledge(proposal_id=proposal.pk, member=member)
    with pytest.raises(InvalidProposalError):
        proposals.pledge(proposal_id=proposal.pk, member=proposal.proposer)

    proposal.refresh_from_db()
    assert (first, second, proposal.pledge_count, Pledge.objects.count()) == (True, False, 1, 1)


def test_a_pledge_can_be_withdrawn(member):
    proposal = ProposalFactory()
    proposals.pledge(proposal_id=proposal.pk, member=member)

    withdrawn = proposals.withdraw_pledge(proposal_id=proposal.pk, member=member)

    proposal.refresh_from_db()
    assert (withdrawn, proposal.pledge_count) == (True, 0)


def test_staff_see_the_pledgers_zones_and_which_date_suits_most(staff):
    # 09:00 UTC is 18:00 in Tokyo and 09:00 in London, but 01:00 in Los Angeles.
    early = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
    late = datetime(2027, 1, 12, 18, 0, tzinfo=UTC)
    proposal = ProposalFactory(options=[early, late])
    for zone in ("Asia/Tokyo", "Europe/London", "America/Los_Angeles", "America/New_York"):
        PledgeFactory(proposal=proposal, member=UserFactory(time_zone=zone))

    screen = get_proposal_screen(viewer=staff, proposal_id=proposal.pk)

    # 18:00 UTC: 03:00 Tokyo, 18:00 London, 10:00 LA, 13:00 New York.
    assert [(fit.suits_count, fit.is_best) for fit in screen.options] == [(2, False), (3, True)]
    assert sorted(screen.zones) == [
        ("America/Los_Angeles", 1),
        ("America/New_York", 1),
        ("Asia/Tokyo", 1),
        ("Europe/London", 1),
    ]


def test_members_do_not_see_who_pledged(client, member):
    proposal = ProposalFactory()
    PledgeFactory(proposal=proposal, member=UserFactory(handle="secret_backer"))

    screen = get_proposal_screen(viewer=member, proposal_id=proposal.pk)
    client.force_login(member)
    page = client.get(proposal.get_absolute_url()).content.decode()

    assert (screen.pledgers, screen.zones, screen.can_decide) == ([], [], False)
    assert "secret_backer" not in page


def test_scheduling_makes_a_draft_masterclass_hosted_by_the_proposer(staff):
    proposer = UserFactory(time_zone="America/Sao_Paulo")
    proposal = ProposalFactory(proposer=proposer, duration_minutes=90)
    option = proposal.options.first()

    event = proposals.schedule_proposal(
        actor=staff, proposal_id=proposal.pk, option_id=option.pk, capacity=30
    )

    proposal.refresh_from_db()
    assert (event.kind, event.status, event.time_zone, event.capacity) == (
        "masterclass",
        "draft",
        "America/Sao_Paulo",
        30,
    )
    assert (event.starts_at, event.ends_at - event.starts_at) == (
        option.starts_at,
        timedelta(minutes=90),
    )
    assert list(event.hosts.all()) == [proposer]
    assert (proposal.status, proposal.event_id) == ("scheduled", event.pk)


def test_members_do_not_schedule(member):
    proposal = ProposalFactory()

    with pytest.raises(NotAllowedError):
        proposals.schedule_proposal(
            actor=member,
            proposal_id=proposal.pk,
            option_id=proposal.options.first().pk,
            capacity=None,
        )

    assert (Event.objects.count(), Proposal.objects.get().status) == (0, "open")


def test_declining_tells_the_proposer(staff):
    proposal = ProposalFactory()

    proposals.decline_proposal(actor=staff, proposal_id=proposal.pk, note="Covered last month.")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == ("declined", "Covered last month.")
    assert list(Notification.objects.values_list("recipient_id", "kind", "target_type")) == [
        (proposal.proposer_id, "event_proposal", "proposal")
    ]


def test_staff_schedule_from_the_page_and_land_on_the_draft(client, staff):
    proposal = ProposalFactory()
    option = proposal.options.last()
    client.force_login(staff)

    response = client.post(
        reverse("events:proposal-schedule", args=[proposal.pk]),
        {"option": option.pk, "capacity": "12"},
    )

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:edit", args=[event.pk])


def test_a_proposal_page_form_with_a_bad_date_keeps_what_was_typed(client, member):
    client.force_login(member)

    response = client.post(
        reverse("events:propose"),
        {
            "title": "Podcasting for engineers",
            "outline": "Mics, editing, publishing.",
            "duration_minutes": "60",
            "option_1": "2020-01-01T10:00",
        },
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"option_1": ["Every date must be in the future."]}
    assert form["outline"].value() == "Mics, editing, publishing."
    assert Proposal.objects.count() == 0
