"""Moderator rewards: give (a moderator, within the per-reward cap and their weekly budget)
and reverse (staff). Each reward writes exactly one audit row, the ModeratorReward.

Budget: the points a moderator gave in the last 7 days (reversed rewards give theirs back)
plus this reward stay within MODERATOR_WEEKLY_BUDGET; it is counted under the moderator's
ledger lock, taken with the member's in id order (the order every ledger write uses), so
concurrent rewards cannot pass it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core.exceptions import ConflictError, DomainError, ForbiddenError
from core.params import without_control_characters
from members import policies
from members.loyalty import badges, ledger
from members.loyalty.models import Badge
from members.models import User
from members.notifications.services import notify
from members.rewards import policies as reward_policies
from members.rewards.models import ModeratorReward
from members.rewards.notifications import REWARD_NOTIFICATION

VERB = "moderator_award"
BUDGET_WINDOW = timedelta(days=7)


class RewardError(DomainError):
    """The reward is not valid (no reason, too many points, oneself, nothing given)."""


class RewardBudgetError(ConflictError):
    """The moderator's weekly budget does not cover these points."""


def _clean(text: str) -> str:
    return " ".join(without_control_characters(text).split())


def budget_left(*, moderator_id: int) -> int:
    """The points the moderator may still give this week (rolling 7 days)."""
    given = ModeratorReward.objects.filter(
        moderator_id=moderator_id,
        created_at__gte=timezone.now() - BUDGET_WINDOW,
        reversed_at__isnull=True,
    ).aggregate(total=Sum("points"))["total"]
    budget: int = settings.MODERATOR_WEEKLY_BUDGET
    return max(budget - int(given or 0), 0)


def ensure_may_reward(*, moderator: User, member_id: int, post_id: int | None) -> None:
    """The reward's scope (members.rewards.policies.reward_refusal). Raises RewardError (a
    post that is not the member's) or ForbiddenError (outside the moderator's categories).
    Writes nothing."""
    refusal = reward_policies.reward_refusal(
        moderator=moderator, member_id=member_id, post_id=post_id
    )
    if refusal == "post":
        raise RewardError("That post is not one of this member's.", field="post")
    if refusal:
        raise ForbiddenError(reward_policies.OUT_OF_SCOPE)


@transaction.atomic
def reward_member(
    *,
    moderator: User,
    member_id: int,
    points: int,
    reason: str,
    badge_id: int | None = None,
    thank_you: str = "",
    post_id: int | None = None,
) -> ModeratorReward:
    """A moderator rewards a member: points (at most MODERATOR_REWARD_MAX_POINTS, within the
    weekly budget) as a ledger entry, and/or a manual badge, with a reason (required) and an
    optional public thank-you. Writes one audit row.

    Forum-wide moderators and staff reward anyone; a category moderator only within their
    categories: a post there (`post_id`), or from a profile a member with a visible post
    there (ensure_may_reward). Raises ForbiddenError (not a moderator, or outside their
    categories), RewardError (no reason, too many points, nothing given, oneself, an
    automatic or unknown badge, an unknown member, a post not the member's),
    RewardBudgetError (over the weekly budget). Nothing is written when it raises."""
    if not policies.may_reward(moderator):
        raise ForbiddenError("Only moderators reward members.")
    text = _clean(reason)
    if not text:
        raise RewardError("Say why: the member sees the reason.", field="reason")
    if len(text) > 300:
        raise RewardError("Reasons are limited to 300 characters.", field="reason")
    note = _clean(thank_you)
    if len(note) > 500:
        raise RewardError("A thank-you is limited to 500 characters.", field="thank_you")
    cap = settings.MODERATOR_REWARD_MAX_POINTS
    if points < 0 or points > cap:
        raise RewardError(f"Give between 0 and {cap} points.", field="points")
    if points == 0 and badge_id is None:
        raise RewardError("Give points, a badge, or both.", field="points")
    if member_id == moderator.pk:
        raise RewardError("Moderators cannot reward themselves.", field="member")
    if not User.objects.filter(pk=member_id, is_active=True).exists():
        raise RewardError("No such member.", field="member")
    ensure_may_reward(moderator=moderator, member_id=member_id, post_id=post_id)
    badge = None
    if badge_id is not None:
        badge = Badge.objects.filter(pk=badge_id, is_active=True).first()
        if badge is None or not badge.is_manual:
            raise RewardError("Choose one of the badges moderators grant.", field="badge")
    for locked in sorted({moderator.pk, member_id}):
        ledger.lock_member(locked)
    left = budget_left(moderator_id=moderator.pk)
    if points > left:
        raise RewardBudgetError(f"Your weekly budget has {left} points left.", field="points")
    reward = ModeratorReward.objects.create(
        moderator=moderator,
        member_id=member_id,
        points=points,
        badge=badge,
        post_id=post_id,
        reason=text,
        thank_you=note,
    )
    if points:
        ledger.record(
            member_id=member_id,
            verb=VERB,
            key=reward.ledger_key,
            points=points,
            actor_id=moderator.pk,
            subject_type="post" if post_id is not None else "",
            subject_id=post_id,
            reason=text,
        )
    if badge is not None:
        # the reward's scope is checked above; the badge follows it
        badges.grant_badge_unchecked(
            moderator=moderator, badge_id=badge.pk, member_ids=[member_id], reason=text
        )
    notify(
        recipients=[member_id],
        kind=REWARD_NOTIFICATION,
        actor_id=moderator.pk,
        target_type="reward",
        target_id=reward.pk,
        key=f"reward:{reward.pk}",
        excerpt=text,
    )
    return reward


@transaction.atomic
def reverse_reward(*, staff: User, reward_id: int, reason: str) -> ModeratorReward:
    """Staff reverse a reward: its points come back off with a reversing ledger entry (the
    badge stays: staff take it back in the admin if they must). The audit row records who
    and why. Raises ForbiddenError (not staff), RewardError (no reason), ConflictError
    (reversed already), ModeratorReward.DoesNotExist."""
    if not (staff.is_active and staff.is_staff):
        raise ForbiddenError("Only staff reverse rewards.")
    text = _clean(reason)
    if not text:
        raise RewardError("Say why the reward is reversed.", field="reason")
    reward = ModeratorReward.objects.select_for_update().get(pk=reward_id)
    if reward.reversed_at is not None:
        raise ConflictError("This reward was reversed already.")
    if reward.points:
        ledger.reverse(key=reward.ledger_key, reason=text[:300], actor_id=staff.pk)
    reward.reversed_at = timezone.now()
    reward.reversed_by = staff
    reward.reversal_reason = text[:300]
    reward.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    return reward
