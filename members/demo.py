"""Demo members: a believable, varied community for `make run`. Idempotent."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from core.models import Topic
from members.models import ContentGoal, MemberGoal, ProfileVisibility, SkillLevel, Tier, User

DEMO_PASSWORD = "hearth-demo-2026"  # noqa: S105  # printed to the person running the demo
DEMO_STAFF_EMAIL = "demo@hearth.test"
DEMO_MEMBER_EMAIL = "member@hearth.test"

FIRST_NAMES = [
    "Ada",
    "Grace",
    "Linus",
    "Margaret",
    "Guido",
    "Katherine",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Tim",
    "Radia",
    "Bjarne",
    "Sophie",
    "Yukihiro",
    "Hedy",
    "Anders",
    "Evelyn",
    "Rasmus",
    "Joan",
    "Brendan",
    "Mary",
    "Jeff",
    "Shafi",
    "Leslie",
    "Priya",
    "Kwame",
    "Lucia",
    "Mateo",
    "Aiko",
    "Olu",
    "Ingrid",
    "Tariq",
    "Mei",
    "Santiago",
    "Nadia",
    "Emeka",
    "Freya",
    "Ravi",
    "Chen",
    "Amara",
    "Jonas",
    "Zara",
    "Diego",
    "Hana",
    "Kofi",
    "Elena",
    "Arjun",
    "Noor",
    "Wei",
]
LAST_NAMES = [
    "Lovelace",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "van Rossum",
    "Johnson",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Berners-Lee",
    "Perlman",
    "Stroustrup",
    "Wilson",
    "Matsumoto",
    "Lamarr",
    "Hejlsberg",
    "Boyd",
    "Lerdorf",
    "Clarke",
    "Eich",
    "Keller",
    "Dean",
    "Goldwasser",
    "Lamport",
    "Raman",
    "Mensah",
    "Fernández",
    "Silva",
    "Tanaka",
    "Adeyemi",
    "Larsen",
    "Haddad",
    "Lin",
    "Rojas",
    "Karimi",
    "Okafor",
    "Nilsson",
    "Iyer",
    "Zhao",
    "Obi",
    "Weber",
    "Ahmed",
    "Morales",
    "Sato",
    "Boateng",
    "Popescu",
    "Mehta",
    "Khan",
    "Zhang",
]


TIERS = [
    ("spark", "Spark", 1, "Active members who help others."),
    ("flame", "Flame", 2, "Regular contributors: early event registration."),
    ("blaze", "Blaze", 3, "Top contributors: VIP categories and a badge."),
]
HEADLINES = [
    "Backend engineer writing about {topic}",
    "I teach {topic} on YouTube",
    "Staff engineer, occasional conference speaker on {topic}",
    "Building a course on {topic}",
    "Newsletter author: weekly notes on {topic}",
    "Open-source maintainer in the {topic} world",
    "Developer advocate, {topic} and DX",
    "Junior dev blogging what I learn about {topic}",
]
BIOS = [
    "I write long-form posts about the things I wish someone had told me earlier. "
    "Currently drafting a series on **{topic}** for people moving from tutorials to production.",
    "Speaker at a few meetups, aiming for my first big conference talk this year. "
    "Happy to review CFP abstracts: ping me with `@{handle}`.",
    "I record short videos (under 10 minutes) on {topic}. Looking for feedback on pacing "
    "and thumbnails.\n\n- 40 videos so far\n- 2 mini-courses",
    "Ten years of shipping software, two years of writing about it. "
    "My newsletter goes out every other Sunday.",
]
ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Europe/London",
    "Africa/Lagos",
    "Asia/Tokyo",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Europe/Madrid",
]


@dataclass(frozen=True)
class DemoMember:
    email: str
    handle: str
    display_name: str
    days_since_joining: int
    is_staff: bool = False


def demo_members(count: int = 50) -> list[DemoMember]:
    """The same list every time (a fixed seed), so seeding twice changes nothing."""
    rng = random.Random(2026)  # noqa: S311  # demo data, not security
    people = [
        DemoMember(DEMO_STAFF_EMAIL, "hearth_team", "Hearth Team", 900, is_staff=True),
        DemoMember(DEMO_MEMBER_EMAIL, "demo_member", "Dana Demo", 400),
    ]
    for first, last in list(zip(FIRST_NAMES, LAST_NAMES, strict=True))[: count - len(people)]:
        handle = f"{first}_{last.split()[-1]}".replace("-", "").lower()
        people.append(
            DemoMember(
                email=f"{handle}@example.com",
                handle=handle,
                display_name=f"{first} {last}",
                days_since_joining=rng.randint(3, 1100),
            )
        )
    return people


def seed_tiers() -> dict[str, Tier]:
    tiers = {}
    for slug, name, rank, description in TIERS:
        tiers[slug], _ = Tier.objects.get_or_create(
            slug=slug, defaults={"name": name, "rank": rank, "description": description}
        )
    return tiers


def _profile(rng: random.Random, handle: str, topics: list[Topic]) -> dict[str, object]:
    """Varied, believable profile fields; some members leave most of them empty."""
    chosen = rng.sample(topics, k=rng.randint(1, 4))
    main = chosen[0].name
    sparse = rng.random() < 0.15
    fields: dict[str, object] = {
        "headline": "" if sparse else rng.choice(HEADLINES).format(topic=main),
        "bio": "" if sparse else rng.choice(BIOS).format(topic=main, handle=handle),
        "skill_level": "" if sparse else rng.choice(SkillLevel.values),
        "time_zone": rng.choice(ZONES),
        "profile_visibility": (
            ProfileVisibility.MEMBERS if rng.random() < 0.1 else ProfileVisibility.EVERYONE
        ),
        "github_url": f"https://github.com/{handle}" if rng.random() < 0.6 else "",
        "blog_url": f"https://{handle.replace('_', '')}.dev/blog" if rng.random() < 0.5 else "",
        "youtube_url": f"https://youtube.com/@{handle}" if rng.random() < 0.25 else "",
        "onboarded_at": timezone.now(),
    }
    if rng.random() < 0.5:
        fields["birthday_month"] = rng.randint(1, 12)
        fields["birthday_day"] = rng.randint(1, 28)
        fields["shows_birthday"] = rng.random() < 0.6
    fields["_topics"] = chosen
    fields["_goals"] = rng.sample(ContentGoal.values, k=0 if sparse else rng.randint(1, 3))
    return fields


@transaction.atomic
def seed_members(progress: Callable[[int], object] = lambda _: None) -> int:
    """Create the demo members that do not exist yet. Returns how many were created."""
    from core.markdown import render_markdown

    password_hash = make_password(DEMO_PASSWORD)  # hashed once: the demo seeds in seconds
    now = timezone.now()
    rng = random.Random(7)  # noqa: S311  # demo data, not security
    seed_tiers()
    topics = list(Topic.objects.all())
    created = 0
    for person in demo_members():
        profile = _profile(rng, person.handle, topics) if topics else {"_topics": [], "_goals": []}
        chosen_topics = profile.pop("_topics")
        goals = profile.pop("_goals")
        if profile.get("bio"):
            profile["bio_html"] = render_markdown(str(profile["bio"])).html
        rng.random()  # drawn as before (tiers are earned now: members.loyalty.demo)
        profile["last_active_at"] = now - timedelta(hours=rng.randint(1, 24 * 60))
        user, was_created = User.objects.get_or_create(
            email=person.email,
            defaults={
                "handle": person.handle,
                "display_name": person.display_name,
                "password": password_hash,
                "is_staff": person.is_staff,
                "is_superuser": person.is_staff,
                "date_joined": now - timedelta(days=person.days_since_joining),
                # Demo regulars have been around: the new-member limits have lifted.
                "limits_lifted_at": now,
                **profile,
            },
        )
        if was_created:
            user.topics.set(chosen_topics)  # type: ignore[arg-type]  # a list of Topic, typed loosely
            MemberGoal.objects.bulk_create(
                [MemberGoal(member=user, goal=goal) for goal in goals]  # type: ignore[attr-defined]  # goals is typed as object
            )
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        created += was_created
        progress(1)
    return created
