"""Resolving @handles in a text to members, in one query."""

from __future__ import annotations

import re

from django.db.models.functions import Lower

from core.markdown import RenderedMarkdown, render_markdown
from members.models import User

MENTION_CANDIDATE = re.compile(r"@([A-Za-z0-9_]{2,30})")


class MentionResolver:
    """Looks up every @handle a text might mention at once, then answers the renderer.

    The renderer asks per handle; without this, a post with 50 mentions costs 50 queries.
    """

    def __init__(self, source: str) -> None:
        candidates = {m.lower() for m in MENTION_CANDIDATE.findall(source)}
        self.members: dict[str, User] = {}
        if candidates:
            found = (
                User.objects.annotate(handle_lower=Lower("handle"))
                .filter(handle_lower__in=candidates, is_active=True)
                .only("id", "handle")
            )
            self.members = {member.handle.lower(): member for member in found}

    def url(self, handle: str) -> str | None:
        member = self.members.get(handle.lower())
        return f"/u/{member.handle}/" if member else None

    def mentioned(self, handles: tuple[str, ...]) -> list[User]:
        """The members among `handles` (as returned by the renderer), in order."""
        return [self.members[h] for h in handles if h in self.members]


def render_with_mentions(source: str) -> tuple[RenderedMarkdown, list[User]]:
    """Render Markdown linking @mentions of existing members; return them too."""
    resolver = MentionResolver(source)
    rendered = render_markdown(source, mention_url=resolver.url)
    return rendered, resolver.mentioned(rendered.mentions)
