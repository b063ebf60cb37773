"""The forum's sections of the email digest (members.hooks.DigestSection).

Each reads only what the member may see, never from categories they muted, and returns
None when it has nothing, so a digest with nothing to say is not sent.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Q

from community import policies
from community.models import Post, Reaction, Thread
from community.selectors.threads import muted_category_ids
from members.hooks import DigestBlock, DigestItem
from members.models import SkillLevel, User

SECTION_SIZE = 5


def _url(path: str) -> str:
    site: str = settings.SITE_URL
    return site.rstrip("/") + path


def your_posts(member: User, since: datetime) -> DigestBlock | None:
    """Replies to the member's threads, reactions to their posts and their answers
    accepted, since `since`."""
    threads = policies.visible_threads(member).exclude(category_id__in=muted_category_ids(member))
    items: list[DigestItem] = []
    replied = (
        Post.objects.filter(
            thread__in=threads.filter(author=member),
            created_at__gt=since,
            number__gt=1,
            is_deleted=False,
        )
        .exclude(author=member)
        .values("thread_id", "thread__title")
        .annotate(replies=Count("id"), latest=Max("created_at"))
        .order_by("-latest")[:SECTION_SIZE]
    )
    for row in replied:
        thread = Thread(pk=row["thread_id"], title=row["thread__title"])
        count = row["replies"]
        items.append(
            DigestItem(
                title=f"{count} new repl{'y' if count == 1 else 'ies'} in “{thread.title}”",
                url=_url(thread.get_absolute_url()),
            )
        )
    for thread in threads.filter(solution__author=member, solved_at__gt=since).order_by(
        "-solved_at"
    )[:SECTION_SIZE]:
        items.append(
            DigestItem(
                title=f"Your answer was accepted in “{thread.title}”",
                url=_url(thread.get_absolute_url()),
            )
        )
    reactions = Reaction.objects.filter(
        post__author=member, post__thread__in=threads, created_at__gt=since
    ).exclude(member=member)
    total = reactions.count()
    if total:
        items.append(
            DigestItem(
                title=f"{total} reaction{'' if total == 1 else 's'} to your posts",
                url=_url(f"/u/{member.handle}/"),
            )
        )
    return DigestBlock(heading="Your posts", items=items) if items else None


def new_in_your_topics(member: User, since: datetime) -> DigestBlock | None:
    """The busiest new threads in the member's topics and watched categories."""
    topic_ids = list(member.topics.values_list("id", flat=True))
    watched = member.subscriptions.filter(category__isnull=False, level="watching").values(
        "category_id"
    )
    threads = (
        policies.visible_threads(member)
        .exclude(category_id__in=muted_category_ids(member))
        .filter(Q(topics__in=topic_ids) | Q(category_id__in=watched), created_at__gt=since)
        .exclude(author=member)
        .distinct()
        .order_by("-post_count", "-created_at")[:SECTION_SIZE]
    )
    items = [
        DigestItem(
            title=thread.title,
            url=_url(thread.get_absolute_url()),
            detail=f"{thread.reply_count} repl{'y' if thread.reply_count == 1 else 'ies'}",
        )
        for thread in threads
    ]
    return DigestBlock(heading="New in your topics", items=items) if items else None


def questions_you_could_answer(member: User, since: datetime) -> DigestBlock | None:
    """Open questions nobody answered yet: in the member's topics, or any for advanced
    and expert members; none for beginners (they get help, not homework)."""
    if member.skill_level in ("", SkillLevel.BEGINNER):
        return None
    questions = (
        policies.visible_threads(member)
        .exclude(category_id__in=muted_category_ids(member))
        .filter(
            kind=Thread.Kind.QUESTION,
            solution__isnull=True,
            post_count=1,
            created_at__gt=since,
        )
        .exclude(author=member)
    )
    if member.skill_level == SkillLevel.INTERMEDIATE:
        questions = questions.filter(topics__in=member.topics.all()).distinct()
    items = [
        DigestItem(title=question.title, url=_url(question.get_absolute_url()))
        for question in questions.order_by("-created_at")[:SECTION_SIZE]
    ]
    return DigestBlock(heading="Questions you could answer", items=items) if items else None
