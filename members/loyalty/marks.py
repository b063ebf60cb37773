"""Badges beside names: a member's most notable badges, as the small marks a page shows
next to their name (a thread's posts), for every member of a page in one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from members.loyalty.models import Badge, BadgeAward

#: How many badges go beside a name.
MARKS_PER_MEMBER = 3
#: Gold first, then silver, bronze, and badges without a grade.
_GRADE_RANK: dict[str, int] = {
    Badge.Grade.GOLD.value: 0,
    Badge.Grade.SILVER.value: 1,
    Badge.Grade.BRONZE.value: 2,
    Badge.Grade.NONE.value: 3,
}
_GRADE_LABELS = dict(Badge.Grade.choices)


@dataclass(frozen=True)
class BadgeMark:
    """One badge beside a name: what the mark shows and names (plain values, so a cached
    rendering's key changes whenever the mark does)."""

    slug: str
    name: str
    grade: str

    @property
    def title(self) -> str:
        """The tooltip: the badge's name and grade."""
        label = _GRADE_LABELS.get(self.grade, "") if self.grade else ""
        return f"{self.name} badge ({label.lower()})" if label else f"{self.name} badge"


def notable_badges(member_ids: Iterable[int]) -> dict[int, tuple[BadgeMark, ...]]:
    """member id -> up to MARKS_PER_MEMBER of their active badges, highest grade first
    (ties: the most recently awarded). One query (none for no members); members without a
    badge are absent."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    awards = (
        BadgeAward.objects.filter(member_id__in=ids, badge__is_active=True)
        .order_by("member_id", "-awarded_at", "-id")
        .values_list("member_id", "badge__slug", "badge__name", "badge__grade")
    )
    held: dict[int, list[BadgeMark]] = {}
    for member_id, slug, name, grade in awards:
        held.setdefault(member_id, []).append(BadgeMark(slug=slug, name=name, grade=grade))
    return {
        member_id: tuple(
            sorted(marks, key=lambda mark: _GRADE_RANK.get(mark.grade, 3))[:MARKS_PER_MEMBER]
        )
        for member_id, marks in held.items()
    }
