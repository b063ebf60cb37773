"""Badges: earned automatically from the ledger's summaries, or granted by moderators.

Automatic badges are checked when an activity is recorded (members.loyalty.ledger calls
`award_earned_badges`, a few queries on the summaries) and again each night for everyone
(`award_due_badges`, set-based: one query per badge), which also catches the badges time
alone earns (a year of membership). A badge is held once; a second award is a no-op, so
the two paths and concurrent calls never double-award or double-notify.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Sum

from core.exceptions import DomainError, ForbiddenError
from core.params import without_control_characters
from members import policies
from members.loyalty import periods
from members.loyalty.models import Badge, BadgeAward, MemberVerbTotal, Verb
from members.models import User
from members.notifications.services import Notice, notify_each

#: The verbs whose net count each counter rule reads.
RULE_VERBS: dict[str, tuple[str, ...]] = {
    Badge.Rule.POSTS: (Verb.THREAD_STARTED, Verb.REPLY_POSTED),
    Badge.Rule.ANSWERS_ACCEPTED: (Verb.ANSWER_ACCEPTED,),
    Badge.Rule.LIKES_RECEIVED: (Verb.LIKE_RECEIVED,),
    Badge.Rule.EVENTS_ATTENDED: (Verb.EVENT_ATTENDED,),
    Badge.Rule.REFERRALS_ACTIVATED: (Verb.REFERRAL_ACTIVATED,),
}

#: The most members a moderator grants a badge to at once.
MAX_GRANT_MEMBERS = 50
MAX_REASON_LENGTH = 300
BADGE_NOTIFICATION = "badge_awarded"


class BadgeGrantError(DomainError):
    """A manual grant was refused (not a manual badge, no reason, too many members)."""


@dataclass(frozen=True)
class GrantResult:
    """What a manual grant did: the members who got the badge now, and those who held it."""

    granted: list[int]
    already_held: list[int]


def member_counters(*, member: User, at: datetime) -> dict[str, int]:
    """The values automatic rules compare with their thresholds, for one member (1 query)."""
    counts = dict(MemberVerbTotal.objects.filter(member=member).values_list("verb", "count"))
    values = {
        rule: sum(counts.get(verb, 0) for verb in verbs) for rule, verbs in RULE_VERBS.items()
    }
    values[Badge.Rule.TENURE_DAYS] = max((at - member.date_joined).days, 0)
    return values


def _notify_awarded(awards: Sequence[BadgeAward]) -> None:
    """Tell each new holder (one batch per giver: the giver is never told of their own)."""
    by_giver: dict[int | None, list[BadgeAward]] = {}
    for award in awards:
        by_giver.setdefault(award.granted_by_id, []).append(award)
    for giver_id, given in by_giver.items():
        notify_each(
            kind=BADGE_NOTIFICATION,
            actor_id=giver_id,
            notices=[
                Notice(
                    recipient_id=award.member_id,
                    target_type="badge",
                    target_id=award.badge_id,
                    key=f"badge:{award.badge_id}",
                    excerpt=award.reason,
                )
                for award in given
            ],
        )


def _create_awards(
    *,
    badge: Badge,
    member_ids: Iterable[int],
    at: datetime,
    granted_by: User | None = None,
    reason: str = "",
) -> list[BadgeAward]:
    """Award `badge` to the members who do not hold it yet; tell each of them. Returns the
    new awards. The unique (member, badge) decides under concurrency."""
    wanted = sorted(set(member_ids))
    if not wanted:
        return []
    held = set(
        BadgeAward.objects.filter(badge=badge, member_id__in=wanted).values_list(
            "member_id", flat=True
        )
    )
    rows = [
        BadgeAward(member_id=pk, badge=badge, awarded_at=at, granted_by=granted_by, reason=reason)
        for pk in wanted
        if pk not in held
    ]
    if not rows:
        return []
    try:
        with transaction.atomic():
            created = BadgeAward.objects.bulk_create(rows)
    except IntegrityError:  # a concurrent call awarded one of them: go one by one
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
            created.append(row)
    if created:
        Badge.objects.filter(pk=badge.pk).update(award_count=F("award_count") + len(created))
        _notify_awarded(created)
    return created


def automatic_badges() -> list[Badge]:
    """The active badges that rules award (1 query)."""
    return list(Badge.objects.filter(is_active=True).exclude(rule=Badge.Rule.MANUAL))


def award_earned_badges(*, member: User, at: datetime | None = None) -> list[BadgeAward]:
    """Award the member every active automatic badge whose threshold they reach now (and
    tell them). Called after each change of their ledger; cheap: 3 queries when nothing is
    due. Returns the new awards."""
    at = at or periods.now()
    badges = automatic_badges()
    if not badges:
        return []
    counters = member_counters(member=member, at=at)
    held = set(BadgeAward.objects.filter(member=member).values_list("badge_id", flat=True))
    awards: list[BadgeAward] = []
    for badge in badges:
        if badge.pk not in held and counters[badge.rule] >= badge.threshold:
            awards += _create_awards(badge=badge, member_ids=[member.pk], at=at)
    return awards


def award_earned_badges_many(*, member_ids: Sequence[int], at: datetime) -> list[BadgeAward]:
    """award_earned_badges for many members at once (after record_many): their counters in
    one query, then one award batch per badge that any of them reached. Returns the new
    awards."""
    badges = automatic_badges()
    if not badges or not member_ids:
        return []
    counts: dict[int, dict[str, int]] = {pk: {} for pk in member_ids}
    for member_id, verb, count in MemberVerbTotal.objects.filter(
        member_id__in=member_ids
    ).values_list("member_id", "verb", "count"):
        counts[member_id][verb] = count
    joined = dict(User.objects.filter(pk__in=member_ids).values_list("pk", "date_joined"))
    held = set(
        BadgeAward.objects.filter(member_id__in=member_ids).values_list("member_id", "badge_id")
    )
    awards: list[BadgeAward] = []
    for badge in badges:
        due = []
        for member_id in sorted(member_ids):
            if (member_id, badge.pk) in held or member_id not in joined:
                continue
            if badge.rule == Badge.Rule.TENURE_DAYS:
                value = max((at - joined[member_id]).days, 0)
            else:
                value = sum(counts[member_id].get(verb, 0) for verb in RULE_VERBS[badge.rule])
            if value >= badge.threshold:
                due.append(member_id)
        awards += _create_awards(badge=badge, member_ids=due, at=at)
    return awards


def _due_member_ids(badge: Badge, at: datetime) -> list[int]:
    """Active members who reach `badge`'s threshold and do not hold it (one query)."""
    members = User.objects.filter(is_active=True).exclude(
        Exists(BadgeAward.objects.filter(badge=badge, member=OuterRef("pk")))
    )
    if badge.rule == Badge.Rule.TENURE_DAYS:
        members = members.filter(date_joined__lte=at - timedelta(days=badge.threshold))
    else:
        totals = (
            MemberVerbTotal.objects.filter(member=OuterRef("pk"), verb__in=RULE_VERBS[badge.rule])
            .values("member")
            .annotate(total=Sum("count"))
            .filter(total__gte=badge.threshold)
        )
        members = members.filter(Exists(totals))
    return list(members.values_list("pk", flat=True))


def award_due_badges(*, at: datetime | None = None, chunk: int = 500) -> int:
    """The nightly check: award every automatic badge to every member who reached it and
    does not hold it (time-earned ones included). Set-based; idempotent. Returns how many
    awards it made."""
    at = at or periods.now()
    made = 0
    for badge in automatic_badges():
        due = _due_member_ids(badge, at)
        for start in range(0, len(due), chunk):
            with transaction.atomic():
                made += len(
                    _create_awards(badge=badge, member_ids=due[start : start + chunk], at=at)
                )
    return made


@transaction.atomic
def grant_badge(
    *, moderator: User, badge_id: int, member_ids: Sequence[int], reason: str
) -> GrantResult:
    """A moderator grants a manual badge to one member or up to 50 at once, with a reason;
    each new holder is told. Members who hold it already are reported, not changed.

    Raises ForbiddenError (not a moderator), Badge.DoesNotExist, BadgeGrantError (an
    automatic badge, no reason, no or too many members, an unknown or inactive member).
    """
    if not policies.is_moderator(moderator):
        raise ForbiddenError("Only moderators grant badges.")
    return grant_badge_unchecked(
        moderator=moderator, badge_id=badge_id, member_ids=member_ids, reason=reason
    )


@transaction.atomic
def grant_badge_unchecked(
    *, moderator: User, badge_id: int, member_ids: Sequence[int], reason: str
) -> GrantResult:
    """grant_badge without asking whether `moderator` is forum-wide: for a caller that has
    checked its own rule (a reward, which category moderators give within their
    categories). Raises what grant_badge raises, but ForbiddenError."""
    badge = Badge.objects.get(pk=badge_id, is_active=True)
    if not badge.is_manual:
        raise BadgeGrantError(
            "This badge is earned by its rule; moderators grant the manual ones.", field="badge"
        )
    text = " ".join(without_control_characters(reason).split())
    if not text:
        raise BadgeGrantError("Say why: the member sees the reason.", field="reason")
    if len(text) > MAX_REASON_LENGTH:
        raise BadgeGrantError(
            f"Reasons are limited to {MAX_REASON_LENGTH} characters.", field="reason"
        )
    wanted = sorted(set(member_ids))
    if not wanted:
        raise BadgeGrantError("Choose at least one member.", field="members")
    if len(wanted) > MAX_GRANT_MEMBERS:
        raise BadgeGrantError(
            f"Grant a badge to at most {MAX_GRANT_MEMBERS} members at once.", field="members"
        )
    found = set(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    if found != set(wanted):
        raise BadgeGrantError("Some of these members do not exist.", field="members")
    awards = _create_awards(
        badge=badge, member_ids=wanted, at=periods.now(), granted_by=moderator, reason=text
    )
    granted = sorted(award.member_id for award in awards)
    return GrantResult(granted=granted, already_held=[pk for pk in wanted if pk not in granted])


def forget_awards_of(member: User) -> None:
    """Take a departing member off their badges' holder counts (the awards cascade)."""
    for badge_id in BadgeAward.objects.filter(member=member).values_list("badge_id", flat=True):
        Badge.objects.filter(pk=badge_id, award_count__gt=0).update(
            award_count=F("award_count") - 1
        )
