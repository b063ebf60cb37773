"""Extension points that higher layers fill.

members sits below community and events, so it cannot import their models. Each higher
app registers what it knows about a member in its AppConfig.ready(): a section of the
member's data export, and a section of recent activity on the profile page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from members.models import User
    from members.policies import Viewer

ExportSection = Callable[["User"], Any]


@dataclass(frozen=True)
class ProfileSection:
    """A block on the profile page: `load(member, viewer)` returns the template's data."""

    name: str
    template: str
    load: Callable[[User, Viewer], Any]


DeletionStep = Callable[["User"], None]

_EXPORT_SECTIONS: dict[str, ExportSection] = {}
_DELETION_STEPS: dict[str, DeletionStep] = {}
_PROFILE_SECTIONS: dict[str, ProfileSection] = {}


def register_export_section(name: str, section: ExportSection) -> None:
    """Add (or replace) the section `name` of every data export."""
    _EXPORT_SECTIONS[name] = section


def export_sections() -> dict[str, ExportSection]:
    return dict(_EXPORT_SECTIONS)


def register_profile_section(section: ProfileSection) -> None:
    """Add (or replace) a block of recent activity on profile pages."""
    _PROFILE_SECTIONS[section.name] = section


def profile_sections() -> list[ProfileSection]:
    return list(_PROFILE_SECTIONS.values())


def register_deletion_step(name: str, step: DeletionStep) -> None:
    """Run `step(member)` inside the account-deletion transaction, before the row goes:
    for derived data that a CASCADE alone would leave wrong (counters, for example)."""
    _DELETION_STEPS[name] = step


def deletion_steps() -> list[DeletionStep]:
    return list(_DELETION_STEPS.values())
