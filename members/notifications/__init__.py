"""Notifications: one channel every capability speaks through.

`kinds` is the registry, `services.notify()` the one entry point that writes them,
`selectors` the inbox and the bell, `emails` the immediate emails and the digest.
"""

from members.notifications.kinds import KINDS, NotificationKind, kind_or_none, register_kind

__all__ = ["KINDS", "NotificationKind", "kind_or_none", "register_kind"]
