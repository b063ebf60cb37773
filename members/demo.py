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

from members.models import User

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


@transaction.atomic
def seed_members(progress: Callable[[int], object] = lambda _: None) -> int:
    """Create the demo members that do not exist yet. Returns how many were created."""
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: the demo seeds in seconds
    now = timezone.now()
    created = 0
    for person in demo_members():
        user, was_created = User.objects.get_or_create(
            email=person.email,
            defaults={
                "handle": person.handle,
                "display_name": person.display_name,
                "password": password_hash,
                "is_staff": person.is_staff,
                "is_superuser": person.is_staff,
                "date_joined": now - timedelta(days=person.days_since_joining),
            },
        )
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        created += was_created
        progress(1)
    return created
