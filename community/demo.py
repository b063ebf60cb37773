"""Demo forum: categories, discussions and Q&A with code, some solved. Idempotent."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from community.demo_threads import MORE_THREADS
from community.models import Category, Post, Thread
from community.services import engagement, posting
from core.models import Topic
from members.models import Tier, User

CATEGORIES = [
    ("announcements", "Announcements", "News from the Hearth team.", "#b45309", "public", None),
    (
        "help",
        "Help & questions",
        "Stuck? Ask here; mark the answer that solved it.",
        "#2563eb",
        "public",
        None,
    ),
    (
        "feedback",
        "Draft feedback",
        "Share a draft post, talk abstract or video script.",
        "#059669",
        "members",
        None,
    ),
    (
        "showcase",
        "Show & tell",
        "You shipped something: tell us about it.",
        "#7c3aed",
        "public",
        None,
    ),
    (
        "career",
        "Career & growth",
        "Talks, promotions, going independent.",
        "#db2777",
        "members",
        None,
    ),
    ("vip-lounge", "VIP lounge", "For Flame and Blaze members.", "#ca8a04", "tier", "flame"),
]

CODE_PY = """```python
from celery import shared_task

@shared_task(acks_late=True, autoretry_for=(TimeoutError,), max_retries=5)
def send_digest(member_id: int) -> None:
    ...
```"""
CODE_SH = """```console
$ hugo new posts/my-first-post.md
$ hugo server -D
```"""
CODE_JS = """```javascript
const observer = new IntersectionObserver((entries) => {
  entries.forEach((e) => e.isIntersecting && e.target.classList.add("seen"));
});
```"""

QUESTIONS = [
    (
        "help",
        "Why does my Celery task run twice after a deploy?",
        ["python", "devops"],
        "After every deploy some tasks run twice. Settings:\n\n"
        + CODE_PY
        + "\n\nWhat am I missing?",
        [
            "With `acks_late` a task whose worker dies mid-run is redelivered. Make the task "
            "idempotent: record what it did in a table with a unique key.",
            "Also check the Redis `visibility_timeout`: long ETA tasks get redelivered past it.",
        ],
        0,
    ),
    (
        "help",
        "Static site generator for a developer blog in 2026?",
        ["technical-writing"],
        "I want Markdown, code highlighting and RSS. Hugo or Astro?\n\n" + CODE_SH,
        [
            "Hugo if you never want to touch JavaScript; Astro if you want components.",
            "I moved from Jekyll to Hugo: build went from 40 s to 0.8 s.",
        ],
        0,
    ),
    (
        "help",
        "How do you record crisp screencasts on Linux?",
        ["video"],
        "OBS gives me blurry text at 1080p. Settings?",
        ["Record at the canvas size you display, 1:1, and use CQP 18 with x264."],
        None,
    ),
    (
        "help",
        "Lazy-loading images without a framework",
        ["frontend", "javascript"],
        "Is this enough, or do I still need a library?\n\n" + CODE_JS,
        ['`loading="lazy"` on `<img>` is enough for most blogs today.'],
        0,
    ),
    (
        "help",
        "CFP rejected three times: what do reviewers look for?",
        ["public-speaking"],
        "My abstracts keep getting rejected. Happy to share them.",
        [],
        None,
    ),
]
WELCOME_TITLE = "Welcome to Hearth: start here"
DISCUSSIONS = [
    (
        "announcements",
        WELCOME_TITLE,
        ["career"],
        "This is the place for engineers who write, record and speak. Introduce yourself below: "
        "what do you create, and what would help you most this year?",
        [
            "Hi all! I write about Postgres internals and want to start a newsletter.",
            "Hello from Lagos. Recording my first course on Go concurrency.",
            "Staff engineer here, trying to give my first conference talk.",
        ],
    ),
    (
        "feedback",
        "Feedback wanted: outline for a talk on idempotent background jobs",
        ["python", "public-speaking"],
        "1. Why jobs run twice\n2. Keys and ledgers\n3. Testing retries\n\nToo much for 30 min?",
        [
            "Cut section 3 into a live demo; it is the most memorable part.",
            "Love it. Open with a real outage story.",
        ],
    ),
    (
        "showcase",
        "I published my 50th blog post!",
        ["technical-writing"],
        "Two years, one post every two weeks. Lessons in the thread.",
        ["Congrats! How do you pick topics?", "Huge milestone. Which post did best?"],
    ),
    (
        "career",
        "Going independent as a developer educator: numbers from year one",
        ["career", "courses"],
        "Revenue by source: courses 55%, sponsorships 30%, workshops 15%.",
        ["Thanks for sharing real numbers, that's rare."],
    ),
    (
        "vip-lounge",
        "VIP AMA wishlist for next quarter",
        ["career"],
        "Who should we invite? Reply with names and why.",
        ["Someone who grew a newsletter past 10k subscribers."],
    ),
]

#: Categories whose new threads start as questions (Category.default_kind).
QUESTION_CATEGORIES = {"help"}


def _categories() -> dict[str, Category]:
    tiers = {tier.slug: tier for tier in Tier.objects.all()}
    categories = {}
    for position, (slug, name, description, colour, access, tier) in enumerate(CATEGORIES):
        categories[slug], _ = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "colour": colour,
                "position": position,
                "access": access,
                "minimum_tier": tiers.get(tier or ""),
                # The help category is meant for questions: its new threads start as one.
                "default_kind": (
                    Thread.Kind.QUESTION if slug in QUESTION_CATEGORIES else Thread.Kind.DISCUSSION
                ),
            },
        )
    return categories


def _items() -> list[tuple[str, str, list[str], str, list[str], int | None, str]]:
    """Every demo thread as (category, title, topics, body, replies, accepted, kind)."""
    items: list[Any] = [(*q[:5], q[5], "question") for q in QUESTIONS]
    items += [(*d[:5], None, "discussion") for d in DISCUSSIONS]
    return [*items, *MORE_THREADS]


def _timeline(rng: random.Random, replies: int) -> list[timedelta]:
    """How long ago the opening post and each reply were written, oldest first: a thread
    started up to 60 days ago, replies minutes to days apart, none in the future."""
    started = timedelta(days=rng.uniform(0.2, 60))
    ages = [started]
    for _ in range(replies):
        gap = timedelta(
            minutes=rng.choice([8, 25, 70, 180, 600, 1500, 3000]) * rng.uniform(0.5, 1.5)
        )
        ages.append(max(ages[-1] - gap, timedelta(minutes=rng.randint(3, 50))))
    return ages


@transaction.atomic
def seed_forum(progress: Callable[[int], object] = lambda _: None) -> int:
    """Create the demo categories and threads that do not exist yet. Returns new threads.

    Members are unequally active, as in a real community: a few write most posts, many
    write now and then, some only read. Every post's time falls inside its thread's life
    (the opening post when the thread started, the last reply its last activity)."""
    categories = _categories()
    members = list(  # only members who may post: a verified email address
        User.objects.filter(is_active=True, emailaddress__verified=True)
        .exclude(is_staff=True)
        .select_related("tier")
        .distinct()
        .order_by("pk")[:40]
    )
    staff = User.objects.filter(is_staff=True).first()
    if not members or staff is None:
        return 0
    rng = random.Random(11)  # noqa: S311  # demo data, not security
    # Activity falls off with rank: the first few members write most; the last third reads.
    writers = members[: max(len(members) * 2 // 3, 1)]
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(writers))]
    now = timezone.now()
    created = 0
    items = _items()
    existing = set(
        Thread.objects.filter(title__in=[i[1] for i in items]).values_list("title", flat=True)
    )
    for slug, title, topic_slugs, body, replies, accepted, kind in items:
        progress(1)
        if title in existing:
            continue
        category = categories[slug]
        pool = writers
        if category.minimum_tier is not None:
            pool = [m for m in members if m.tier and m.tier.rank >= category.minimum_tier.rank]
            pool = pool or [staff]
        pool_weights = [weights[writers.index(m)] if m in writers else 0.3 for m in pool]
        author = staff if slug == "announcements" else rng.choices(pool, pool_weights)[0]
        thread = posting.create_thread(
            author=author,
            category_id=category.pk,
            title=title,
            body=body,
            kind=kind,
            topics=Topic.objects.filter(slug__in=topic_slugs),
        )
        posts = []
        for text in replies:
            helper = rng.choices(pool, pool_weights)[0]
            if helper.pk == author.pk:
                helper = staff if author.pk != staff.pk else pool[0]
            posts.append(posting.reply(author=helper, thread_id=thread.pk, body=text))
        if accepted is not None and posts:
            posting.accept_answer(actor=author, thread_id=thread.pk, post_id=posts[accepted].pk)
        ages = _timeline(rng, len(posts))
        written = Post.objects.filter(thread=thread).order_by("number")
        for post, age in zip(written, ages, strict=True):
            Post.objects.filter(pk=post.pk).update(created_at=now - age)
            for fan in rng.sample(pool, k=min(len(pool), rng.randint(0, 4))):
                if fan.pk != post.author_id:
                    engagement.add_reaction(member=fan, post_id=post.pk, kind="like")
        solved_at = None
        if accepted is not None and posts:
            solved_at = now - ages[accepted + 1] + (ages[accepted + 1] - ages[-1]) / 2
        Thread.objects.filter(pk=thread.pk).update(
            created_at=now - ages[0],
            last_activity_at=now - ages[-1],
            view_count=rng.randint(20, 900),
            **({"solved_at": solved_at} if solved_at else {}),
        )
        if title == WELCOME_TITLE:
            Thread.objects.filter(pk=thread.pk).update(is_pinned_globally=True, is_pinned=True)
        created += 1
    return created


def demo_count() -> int:
    return len(_items())


#: A domain the demo's staff keep out: the demo's held post links to it.
DEMO_BLOCKED_DOMAIN = "cheap-followers.example"
DEMO_HELD_TEXT = "Grow your channel overnight: https://cheap-followers.example/offer"
DEMO_FLAGS = [  # (post number in the n-th help thread, reason, text)
    (0, "spam", ""),
    (0, "off_topic", ""),
    (1, "abusive", ""),
    (2, "other", "Reads like an advert for a paid course."),
]


def seed_moderation() -> dict[str, int]:
    """A moderator per category, flags in the queue, a held post and a suspended member.
    Idempotent: what exists already is left as it is. Returns what it added."""
    from community.exceptions import AlreadyFlaggedError
    from community.models import BlockedDomain, CategoryModerator
    from community.services import flags, moderation, roles

    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    members = list(
        User.objects.filter(is_active=True, is_staff=False, has_verified_email=True)
        .exclude(email="member@hearth.test")
        .order_by("pk")[:40]
    )
    if staff is None or len(members) < 12:
        return {}
    added = {"moderators": 0, "flags": 0, "held": 0, "suspended": 0}
    for index, category in enumerate(Category.objects.order_by("position", "name")):
        if not CategoryModerator.objects.filter(category=category).exists():
            added["moderators"] += roles.appoint_moderator(
                actor=staff, member_id=members[index % 6].pk, category_id=category.pk
            )
    replies = list(
        Post.objects.filter(
            thread__category__slug="help", number__gt=1, is_deleted=False, status="published"
        ).order_by("thread_id", "number")[:3]
    )
    for (which, reason, text), flagger in zip(DEMO_FLAGS, members[20:], strict=False):
        if which >= len(replies) or replies[which].author_id == flagger.pk:
            continue
        try:
            flags.flag_post(member=flagger, post_id=replies[which].pk, reason=reason, text=text)
            added["flags"] += 1
        except AlreadyFlaggedError:
            pass
    BlockedDomain.objects.get_or_create(
        domain=DEMO_BLOCKED_DOMAIN, defaults={"note": "Sells fake followers"}
    )
    if replies and not Post.objects.filter(source=DEMO_HELD_TEXT).exists():
        held = posting.reply(
            author=members[30], thread_id=replies[0].thread_id, body=DEMO_HELD_TEXT
        )
        # Written as the thread's last activity (held posts do not move it): times agree.
        last = Thread.objects.values_list("last_activity_at", flat=True).get(pk=held.thread_id)
        Post.objects.filter(pk=held.pk).update(created_at=last)
        added["held"] += 1
    suspended = members[31]
    if not suspended.is_suspended:
        moderation.suspend_member(
            moderator=staff,
            member_id=suspended.pk,
            reason="Posted the same advert in five threads",
            until=timezone.now() + timedelta(days=7),
        )
        added["suspended"] += 1
    return added
