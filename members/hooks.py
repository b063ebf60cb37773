"""Extension points that higher layers fill: the typed contract of each cross-layer call.

members sits below community and events, so it cannot import their models. Each hook is a
Protocol here; the implementations live in the higher apps, and every registration is made
in one visible place, `config/wiring.py`, when Django starts. To follow a call across the
layers, read the Protocol here, then the line in config/wiring.py that names the function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from members.models import User
    from members.policies import Viewer


class ExportSection(Protocol):
    """Returns JSON-ready data for one section of `member`'s data export (only theirs)."""

    def __call__(self, member: User, /) -> Any: ...


class ProfileSectionLoader(Protocol):
    """Returns the data of one profile block, limited to what `viewer` may see."""

    def __call__(self, member: User, viewer: Viewer, /) -> Any: ...


@dataclass(frozen=True)
class ProfileSection:
    """A block on the profile page: `load(member, viewer)` returns the template's data."""

    name: str
    template: str
    load: ProfileSectionLoader


class DeletionStep(Protocol):
    """Runs inside the account-deletion transaction, before the member's row goes: for
    derived data that a CASCADE alone would leave wrong (counters, for example)."""

    def __call__(self, member: User, /) -> None: ...


@dataclass(frozen=True)
class NotificationTarget:
    """What a notification is about, as the member may see it now: its title, where opening
    it leads, and the scope whose reading marks it read ("thread:12")."""

    title: str
    url: str
    scope: str = ""


class TargetResolver(Protocol):
    """Returns, for the ids of one target type, those `member` may see now (missing ids:
    hidden, deleted or gone), in a fixed number of queries whatever the number of ids."""

    def __call__(self, member: User, ids: Sequence[int], /) -> dict[int, NotificationTarget]: ...


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest section: a title linking somewhere, and a short detail."""

    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class DigestBlock:
    """A section of the email digest: a heading and its lines (never empty)."""

    heading: str
    items: list[DigestItem]


class DigestSection(Protocol):
    """Returns a section of `member`'s digest about what happened since `since` (only what
    they may see, nothing from categories they muted), or None when there is nothing."""

    def __call__(self, member: User, since: datetime, /) -> DigestBlock | None: ...


@dataclass(frozen=True)
class MuteOption:
    """A milder choice offered instead of unsubscribing: mute what the email was about."""

    key: str
    label: str


class ScopeMuter(Protocol):
    """For a scope ("thread:12"), the mute options it offers `member`, and muting one.

    `options(member, scope)` returns the options (empty when the scope is gone or hidden);
    `mute(member, scope, key)` applies one and says whether it did."""

    def options(self, member: User, scope: str, /) -> list[MuteOption]: ...

    def mute(self, member: User, scope: str, key: str, /) -> bool: ...


class BatchTargetResolver(Protocol):
    """Like TargetResolver, for many members at once (emailing a fan-out): returns
    {(member id, target id): target} for the pairs where the member may see the target, in
    a fixed number of queries whatever the number of members."""

    def __call__(
        self, member_ids: Sequence[int], ids: Sequence[int], /
    ) -> dict[tuple[int, int], NotificationTarget]: ...


@dataclass
class _Registry:
    export_sections: dict[str, ExportSection]
    profile_sections: dict[str, ProfileSection]
    deletion_steps: dict[str, DeletionStep]
    target_resolvers: dict[str, TargetResolver]
    batch_target_resolvers: dict[str, BatchTargetResolver]
    digest_sections: dict[str, tuple[int, DigestSection]]
    scope_muters: dict[str, ScopeMuter]


_registry = _Registry(
    export_sections={},
    profile_sections={},
    deletion_steps={},
    target_resolvers={},
    batch_target_resolvers={},
    digest_sections={},
    scope_muters={},
)


def register_export_section(name: str, section: ExportSection) -> None:
    """Add (or replace) the section `name` of every data export."""
    _registry.export_sections[name] = section


def export_sections() -> dict[str, ExportSection]:
    """The registered export sections by name, in registration order."""
    return dict(_registry.export_sections)


def register_profile_section(section: ProfileSection) -> None:
    """Add (or replace) a block of recent activity on profile pages."""
    _registry.profile_sections[section.name] = section


def profile_sections() -> list[ProfileSection]:
    """The registered profile blocks, in registration order."""
    return list(_registry.profile_sections.values())


def register_deletion_step(name: str, step: DeletionStep) -> None:
    """Run `step(member)` inside the account-deletion transaction, before the row goes."""
    _registry.deletion_steps[name] = step


def deletion_steps() -> list[DeletionStep]:
    """The registered deletion steps, in registration order."""
    return list(_registry.deletion_steps.values())


def register_target_resolver(
    target_type: str, resolver: TargetResolver, *, batch: BatchTargetResolver | None = None
) -> None:
    """Let notifications about `target_type` things be shown and emailed (see
    TargetResolver); `batch` answers for many members at once (emails of a fan-out)."""
    _registry.target_resolvers[target_type] = resolver
    if batch is not None:
        _registry.batch_target_resolvers[target_type] = batch


def batch_target_resolver(target_type: str) -> BatchTargetResolver | None:
    """The batch resolver of `target_type`, or None when its app registered none."""
    return _registry.batch_target_resolvers.get(target_type)


def target_resolver(target_type: str) -> TargetResolver | None:
    """The resolver of `target_type`, or None when no app registered one."""
    return _registry.target_resolvers.get(target_type)


def register_digest_section(name: str, section: DigestSection, *, order: int) -> None:
    """Add (or replace) a section of the email digest; lower `order` comes first."""
    _registry.digest_sections[name] = (order, section)


def digest_sections() -> list[DigestSection]:
    """The registered digest sections, in their order."""
    return [
        section for _, section in sorted(_registry.digest_sections.values(), key=lambda x: x[0])
    ]


def register_scope_muter(prefix: str, muter: ScopeMuter) -> None:
    """Let unsubscribe pages offer to mute scopes that start with "<prefix>:"."""
    _registry.scope_muters[prefix] = muter


def scope_muter(scope: str) -> ScopeMuter | None:
    """The muter of a scope ("thread:12" -> the "thread" muter), or None."""
    return _registry.scope_muters.get(scope.partition(":")[0]) if scope else None


class SubjectTopics(Protocol):
    """Returns, for ids of one ledger subject type ("post", "event"), the ids of the topics
    each is about (missing ids: none), in a fixed number of queries whatever the number of
    ids: what the per-topic leaderboards credit points to."""

    def __call__(self, ids: Sequence[int], /) -> dict[int, list[int]]: ...


_subject_topics: dict[str, SubjectTopics] = {}


def register_subject_topics(subject_type: str, resolver: SubjectTopics) -> None:
    """Let ledger entries about `subject_type` count on the topics' leaderboards."""
    _subject_topics[subject_type] = resolver


def subject_topics(subject_type: str) -> SubjectTopics | None:
    """The topic resolver of a ledger subject type, or None when no app registered one."""
    return _subject_topics.get(subject_type)


class RewardScope(Protocol):
    """May `moderator` reward member `member_id`, about post `post_id` when given? Returns
    "" when allowed, else why not: "post" (not a live post of that member) or "scope"
    (outside what the moderator looks after). With a post: its category must be one the
    moderator moderates. Without (from a profile): forum-wide moderators and staff always;
    a category moderator when the member has a visible post in one of their categories.
    At most two queries, none for a forum-wide moderator rewarding from a profile."""

    def __call__(self, moderator: User, member_id: int, post_id: int | None, /) -> str: ...


_reward_scope: list[RewardScope] = []


def register_reward_scope(scope: RewardScope) -> None:
    """Let the app that knows posts and categories decide whom a moderator may reward."""
    _reward_scope[:] = [scope]


def reward_scope() -> RewardScope | None:
    """The registered reward scope, or None (then only forum-wide moderators reward, and
    only from profiles: without it no post can be checked)."""
    return _reward_scope[0] if _reward_scope else None
