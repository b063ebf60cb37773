"""The kinds of message a member can hear about, and their defaults.

One registry, one settings page: a capability that sends a new kind of message adds it
here, and the preferences page and `wants_notification` know it at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    help_text: str
    by_email: bool
    on_site: bool


KINDS: dict[str, NotificationKind] = {
    kind.key: kind
    for kind in [
        NotificationKind(
            "mention", "Mentions", "Someone @mentions you in a thread or reply.", True, True
        ),
        NotificationKind(
            "reply", "Replies", "A new reply in a thread or category you watch.", False, True
        ),
        NotificationKind(
            "answer_accepted",
            "Accepted answers",
            "Your reply is accepted as the answer.",
            True,
            True,
        ),
        NotificationKind(
            "celebration",
            "Celebrations",
            "Your membership anniversary and birthday wishes.",
            True,
            True,
        ),
    ]
}


def kind_or_none(key: str) -> NotificationKind | None:
    return KINDS.get(key)
