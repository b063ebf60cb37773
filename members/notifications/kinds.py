"""The kinds of notification a member can hear about, and their defaults.

One registry: a capability that sends a new kind registers it (config/wiring.py lists every
registration), and the preferences page, the inbox, the emails and the API know it at once.
Texts are plain strings with {actor}, {title}, {count} and {others}; pages escape them.
"""

from __future__ import annotations

from dataclasses import dataclass

from members.models import EmailMode


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification: how it reads, and what a member gets by default.

    `text` reads one notification ("{actor} replied in {title}"); `group_text` reads several
    unread ones about the same thing ("{count} new replies in {title}"). A critical kind
    (an event moved or cancelled) is exempt from the daily email cap.
    """

    key: str
    label: str
    help_text: str
    email_default: str
    text: str
    group_text: str
    on_site_default: bool = True
    is_critical: bool = False
    icon: str = "bell"

    def describe(self, *, actor: str, title: str, count: int, actors: int) -> str:
        """The inbox line for `count` notifications (from `actors` people) of this kind.

        In `group_text`, {others} reads "1 other" or "6 others"; a group whose text names
        others but has a single actor reads as one notification."""
        if count <= 1 or ("{others}" in self.group_text and actors <= 1):
            return self.text.format(actor=actor, title=title, count=count, others="")
        others = actors - 1
        return self.group_text.format(
            actor=actor,
            title=title,
            count=count,
            others=f"{others} other{'s' if others != 1 else ''}",
        )


KINDS: dict[str, NotificationKind] = {}


def register_kind(kind: NotificationKind) -> None:
    """Add (or replace) a kind. Its email default must be one of EmailMode."""
    if kind.email_default not in EmailMode.values:
        raise ValueError(f"{kind.key}: unknown email default {kind.email_default!r}")
    KINDS[kind.key] = kind


def kind_or_none(key: str) -> NotificationKind | None:
    """The registered kind with this key, or None."""
    return KINDS.get(key)


#: Members' own kinds; the forum's, loyalty's and events' register through config/wiring.py.
register_kind(
    NotificationKind(
        "celebration",
        "Celebrations",
        "Your membership anniversary and birthday wishes.",
        EmailMode.IMMEDIATELY,
        text="{title}",
        group_text="{title}",
        icon="cake",
    )
)
