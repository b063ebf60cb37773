"""Build a benchmark community in its own database, fast.

    python -m bench.generate                      # SQLite under var/bench/, default sizes
    python -m bench.generate --threads 5000 --fresh
    DATABASE_URL=postgres://postgres@127.0.0.1/x python -m bench.generate   # db hearth_bench

Runs the migrations, then bulk-inserts in batches: members (one with a password, topics, a
tier and read states), categories of every access level, tiers, threads whose activity is
spread over a year, their posts numbered 1..n (a handful of bodies rendered once through
core.markdown and reused), one thread with --big-thread posts, topics, watches, reactions,
solved questions. On PostgreSQL it also fills every post's search vector in one UPDATE and
runs VACUUM ANALYZE. A second run with the same sizes does nothing; --fresh starts over.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from bench import environment
from bench.corpus import BODIES, RARE_BODY, RARE_WORD_POSTS, title

#: The member the runner signs in as. Password login works too (allauth form).
BENCH_MEMBER_HANDLE = "bench_member"
BENCH_MEMBER_EMAIL = "bench-member@bench.hearth.test"
BENCH_MEMBER_PASSWORD = "bench-member-password-2026"  # noqa: S105  # a throwaway bench account
BIG_THREAD_TITLE = "The big deploy megathread (benchmark)"
YEAR = timedelta(days=365)

TIERS = [("spark", "Spark", 1), ("flame", "Flame", 2), ("blaze", "Blaze", 3)]
#: slug, name, access, minimum tier slug, share of threads
CATEGORIES = [
    ("general", "General", "public", None, 30),
    ("help", "Help & questions", "public", None, 25),
    ("showcase", "Show & tell", "public", None, 10),
    ("writing", "Writing", "public", None, 10),
    ("video", "Video", "public", None, 5),
    ("announcements", "Announcements", "public", None, 2),
    ("feedback", "Draft feedback", "members", None, 8),
    ("career", "Career & growth", "members", None, 6),
    ("vip-lounge", "VIP lounge", "tier", "flame", 3),
    ("inner-circle", "Inner circle", "tier", "blaze", 1),
]
BENCH_MEMBER_TIER = "flame"  # sees vip-lounge, not inner-circle: the tier filter is exercised


@dataclass(frozen=True)
class Sizes:
    members: int
    threads: int
    posts: int
    big_thread: int
    read_states_per_member: int
    seed: int


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=20000)
    parser.add_argument(
        "--posts", type=int, default=200000, help="all posts, the big thread's included"
    )
    parser.add_argument("--big-thread", type=int, default=5000, help="posts in the one huge thread")
    parser.add_argument(
        "--read-states-per-member",
        type=int,
        default=40,
        help="threads each member has opened (the bench member gets 3000)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument(
        "--fresh", action="store_true", help="drop the benchmark database and build it again"
    )
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="also run ANALYZE on SQLite (off by default: Django never runs it in production)",
    )
    environment.add_arguments(parser)
    args = parser.parse_args(argv)
    if min(args.members, args.threads, args.big_thread) < 1:
        parser.error("--members, --threads and --big-thread must be at least 1.")
    minimum = args.threads - 1 + args.big_thread
    if args.posts < minimum:
        parser.error(f"--posts must be at least --threads - 1 + --big-thread ({minimum}).")
    return args


# --- The database itself (before Django is set up) --------------------------------------------


def drop_database(target: environment.Target) -> None:
    target.marker_path.unlink(missing_ok=True)
    if target.vendor == "sqlite":
        assert target.sqlite_path is not None  # noqa: S101  # resolve() sets it for SQLite
        for suffix in ("", "-wal", "-shm"):
            target.sqlite_path.with_name(target.sqlite_path.name + suffix).unlink(missing_ok=True)
        print(f"Removed {target.sqlite_path}")
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(str(target.pg_admin_url), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(str(target.pg_name))
            )
        )
    print(f"Dropped the PostgreSQL database {target.pg_name}")


def create_database(target: environment.Target) -> None:
    """Create the PostgreSQL database if it is missing (SQLite creates its file itself)."""
    if target.vendor != "postgresql":
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(str(target.pg_admin_url), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [target.pg_name]
        ).fetchone()
        if not exists:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(target.pg_name)))
            )
            print(f"Created the PostgreSQL database {target.pg_name}")


# --- Building (Django is set up from here on) -------------------------------------------------


def _progress(total: int, description: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="row", unit_scale=True, leave=True)


def _allocate(rng: random.Random, total: int, slots: int, cap: float = 40.0) -> list[int]:
    """Split `total` extra posts over `slots` threads, long-tailed like a real forum."""
    if slots == 0:
        return []
    weights = [min(rng.paretovariate(1.3), cap) for _ in range(slots)]
    scale = total / sum(weights)
    shares = [int(weight * scale) for weight in weights]
    for index in rng.choices(range(slots), k=total - sum(shares)):
        shares[index] += 1
    return shares


@dataclass
class ThreadSpec:
    category_id: int
    kind: str
    title: str
    author_id: int
    last_poster_id: int
    created_at: datetime
    last_activity_at: datetime
    post_count: int
    is_big: bool = False
    pk: int = 0


class Builder:
    def __init__(self, sizes: Sizes, batch_size: int) -> None:
        from django.utils import timezone

        self.sizes = sizes
        self.batch = batch_size
        self.rng = random.Random(sizes.seed)
        self.now = timezone.now()
        self.member_ids: list[int] = []
        self.bench_member_id = 0
        self.category_ids: dict[str, int] = {}
        self.category_access: dict[int, tuple[str, str | None]] = {}
        self.threads: list[ThreadSpec] = []

    def _ago(self, span: timedelta) -> datetime:
        return self.now - span * self.rng.random()

    def build(self) -> None:
        from django.db import transaction

        steps = [
            ("tiers and categories", self.categories),
            ("members", self.members),
            ("threads", self.make_threads),
            ("posts", self.posts),
            ("solutions, pins, counts", self.thread_extras),
            ("topics", self.thread_topics),
            ("read states, watches, reactions", self.member_state),
        ]
        for name, step in steps:
            started = time.perf_counter()
            with transaction.atomic():
                step()
            print(f"  {name}: {time.perf_counter() - started:.1f} s", flush=True)

    def categories(self) -> None:
        from community.models import Category
        from members.models import Tier

        tiers = {}
        for slug, name, rank in TIERS:
            tiers[slug], _ = Tier.objects.get_or_create(
                slug=slug, defaults={"name": name, "rank": rank}
            )
        for position, (slug, name, access, tier, _share) in enumerate(CATEGORIES):
            category = Category.objects.create(
                slug=slug,
                name=name,
                description=f"{name}: a generated benchmark category.",
                position=position,
                access=access,
                minimum_tier=tiers[tier] if tier else None,
            )
            self.category_ids[slug] = category.pk
            self.category_access[category.pk] = (access, tier)

    def members(self) -> None:
        from allauth.account.models import EmailAddress
        from django.contrib.auth.hashers import make_password

        from core.models import Topic
        from members.models import ContentGoal, MemberGoal, SkillLevel, Tier, User

        rng = self.rng
        tiers = {tier.slug: tier.pk for tier in Tier.objects.all()}
        unusable = make_password(None)
        levels = list(SkillLevel.values)
        rows = [
            User(
                email=BENCH_MEMBER_EMAIL,
                handle=BENCH_MEMBER_HANDLE,
                display_name="Bench Member",
                password=make_password(BENCH_MEMBER_PASSWORD),
                headline="The member the benchmark signs in as",
                skill_level=SkillLevel.ADVANCED,
                tier_id=tiers[BENCH_MEMBER_TIER],
                date_joined=self.now - YEAR,
                last_active_at=self.now,
                onboarded_at=self.now - YEAR,
            )
        ]
        for index in range(1, self.sizes.members):
            tier_roll = rng.random()
            tier = "blaze" if tier_roll < 0.03 else "flame" if tier_roll < 0.12 else None
            rows.append(
                User(
                    email=f"member{index:06d}@bench.hearth.test",
                    handle=f"member{index:06d}",
                    display_name=f"Member {index}" if rng.random() < 0.7 else "",
                    password=unusable,
                    headline="Engineer who writes and speaks" if rng.random() < 0.5 else "",
                    skill_level=rng.choice(levels),
                    tier_id=tiers[tier] if tier else None,
                    profile_visibility="everyone" if rng.random() < 0.85 else "members",
                    date_joined=self._ago(YEAR * 2),
                    last_active_at=self._ago(YEAR),
                    onboarded_at=self.now - YEAR,
                )
            )
        with _progress(len(rows), "members") as bar:
            for start in range(0, len(rows), self.batch):
                chunk = rows[start : start + self.batch]
                User.objects.bulk_create(chunk)
                bar.update(len(chunk))
        self.member_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
        self.bench_member_id = User.objects.get(handle=BENCH_MEMBER_HANDLE).pk
        EmailAddress.objects.create(
            user_id=self.bench_member_id, email=BENCH_MEMBER_EMAIL, verified=True, primary=True
        )
        topic_ids = list(Topic.objects.values_list("pk", flat=True))
        goals = list(ContentGoal.values)
        through = User.topics.through
        member_topics, member_goals = [], []
        for member_id in self.member_ids:
            count = 4 if member_id == self.bench_member_id else rng.randint(0, 4)
            member_topics += [
                through(user_id=member_id, topic_id=topic_id)
                for topic_id in rng.sample(topic_ids, count)
            ]
            member_goals += [
                MemberGoal(member_id=member_id, goal=goal)
                for goal in rng.sample(goals, rng.randint(0, 3))
            ]
        through.objects.bulk_create(member_topics, batch_size=self.batch)
        MemberGoal.objects.bulk_create(member_goals, batch_size=self.batch)

    def _author(self) -> int:
        # Squaring skews authorship: a few members write much of the forum, as in life.
        return self.member_ids[int(len(self.member_ids) * self.rng.random() ** 2)]

    def make_threads(self) -> None:
        from community.models import Thread

        rng, sizes = self.rng, self.sizes
        slugs = [c[0] for c in CATEGORIES]
        weights = [c[4] for c in CATEGORIES]
        normal = sizes.threads - 1
        extra = _allocate(rng, sizes.posts - sizes.big_thread - normal, normal)
        specs = []
        for index in range(normal):
            count = 1 + extra[index]
            created = self.now - timedelta(minutes=10) - (YEAR * rng.random())
            room = (self.now - created).total_seconds() - 60
            span = 0.0 if count == 1 else min(room, rng.expovariate(1 / (4 * 86400)) * count**0.5)
            author = self._author()
            specs.append(
                ThreadSpec(
                    category_id=self.category_ids[rng.choices(slugs, weights)[0]],
                    kind="question" if rng.random() < 0.3 else "discussion",
                    title=title(rng, index + 1),
                    author_id=author,
                    last_poster_id=author if count == 1 else self._author(),
                    created_at=created,
                    last_activity_at=created + timedelta(seconds=span),
                    post_count=count,
                )
            )
        specs.append(
            ThreadSpec(
                category_id=self.category_ids["general"],
                kind="discussion",
                title=BIG_THREAD_TITLE,
                author_id=self.member_ids[0 if len(self.member_ids) == 1 else 1],
                last_poster_id=self._author(),
                created_at=self.now - timedelta(days=330),
                last_activity_at=self.now - timedelta(minutes=5),
                post_count=sizes.big_thread,
                is_big=True,
            )
        )
        specs.sort(key=lambda spec: spec.created_at)  # ids grow with time, as in life
        with _progress(len(specs), "threads") as bar:
            for start in range(0, len(specs), self.batch):
                chunk = specs[start : start + self.batch]
                inserted = Thread.objects.bulk_create(
                    [
                        Thread(
                            category_id=spec.category_id,
                            kind=spec.kind,
                            title=spec.title,
                            author_id=spec.author_id,
                            last_poster_id=spec.last_poster_id,
                            created_at=spec.created_at,
                            last_activity_at=spec.last_activity_at,
                            post_count=spec.post_count,
                            last_published_number=spec.post_count,
                            last_number=spec.post_count,
                            view_count=rng.randint(spec.post_count, spec.post_count * 40),
                        )
                        for spec in chunk
                    ]
                )
                for spec, thread in zip(chunk, inserted, strict=True):
                    spec.pk = thread.pk
                bar.update(len(chunk))
        if any(spec.pk is None for spec in specs):
            raise SystemExit("bench: this database does not return ids from bulk_create.")
        self.threads = specs

    def posts(self) -> None:
        from community.models import Post
        from core.markdown import render_markdown

        rng = self.rng
        rendered = [(source, render_markdown(source).html) for _, source in BODIES]
        rare = (RARE_BODY, render_markdown(RARE_BODY).html)
        weights = [weight for weight, _ in BODIES]
        total = sum(spec.post_count for spec in self.threads)
        rare_at = set(rng.sample(range(total), min(RARE_WORD_POSTS, total)))
        batch: list[Post] = []
        seen = 0
        with _progress(total, "posts") as bar:
            for spec in self.threads:
                count = spec.post_count
                span = spec.last_activity_at - spec.created_at
                for number in range(1, count + 1):
                    if seen in rare_at:
                        source, html = rare
                    else:
                        source, html = rng.choices(rendered, weights)[0]
                    if number == 1:
                        author, at = spec.author_id, spec.created_at
                    elif number == count:
                        author, at = spec.last_poster_id, spec.last_activity_at
                    else:
                        author, at = self._author(), spec.created_at + span * (number - 1) / count
                    batch.append(
                        Post(
                            thread_id=spec.pk,
                            number=number,
                            author_id=author,
                            source=source,
                            html=html,
                            created_at=at,
                            like_count=int(rng.expovariate(0.7)),
                            thanks_count=int(rng.expovariate(2.0)),
                        )
                    )
                    seen += 1
                    if len(batch) >= self.batch:
                        Post.objects.bulk_create(batch)
                        bar.update(len(batch))
                        batch = []
            if batch:
                Post.objects.bulk_create(batch)
                bar.update(len(batch))

    def thread_extras(self) -> None:
        from django.db import connection
        from django.db.models import Count

        from community.models import Category, Post, Thread

        threads, posts = Thread._meta.db_table, Post._meta.db_table
        with connection.cursor() as cursor:
            # Half the answered questions are solved, by their first reply.
            cursor.execute(
                f"UPDATE {threads} SET solution_id = (SELECT p.id FROM {posts} p "  # noqa: S608  # table names from _meta
                f"WHERE p.thread_id = {threads}.id AND p.number = 2) "
                "WHERE kind = 'question' AND post_count >= 2 AND id % 2 = 0"
            )
        public = [pk for pk, (access, _) in self.category_access.items() if access == "public"]
        candidates = [s.pk for s in self.threads if s.category_id in public and not s.is_big]
        Thread.objects.filter(pk__in=self.rng.sample(candidates, min(2, len(candidates)))).update(
            is_pinned_globally=True
        )
        for category_id in self.category_ids.values():
            in_category = [s.pk for s in self.threads if s.category_id == category_id]
            if in_category:
                Thread.objects.filter(pk=self.rng.choice(in_category)).update(is_pinned=True)
        counts = dict(
            Thread.objects.values_list("category_id")
            .annotate(n=Count("id"))
            .values_list("category_id", "n")
        )
        for category_id, count in counts.items():
            Category.objects.filter(pk=category_id).update(thread_count=count)

    def thread_topics(self) -> None:
        from community.models import Thread
        from core.models import Topic

        topic_ids = list(Topic.objects.values_list("pk", flat=True))
        through = Thread.topics.through
        rows = [
            through(thread_id=spec.pk, topic_id=topic_id)
            for spec in self.threads
            for topic_id in self.rng.sample(topic_ids, self.rng.choice((0, 1, 1, 2, 2, 3)))
        ]
        through.objects.bulk_create(rows, batch_size=self.batch)

    def _visible_to_bench_member(self, spec: ThreadSpec) -> bool:
        access, tier = self.category_access[spec.category_id]
        rank = {slug: rank for slug, _, rank in TIERS}
        return access != "tier" or rank[str(tier)] <= rank[BENCH_MEMBER_TIER]

    def member_state(self) -> None:
        from community.models import Post, Reaction, ReadState, Subscription

        rng = self.rng
        read_states = []
        visible = [s for s in self.threads if self._visible_to_bench_member(s)]
        big = next(s for s in self.threads if s.is_big)
        for spec in rng.sample(visible, min(3000, len(visible))):
            if spec.is_big:
                continue
            partly = spec.post_count > 1 and rng.random() < 0.4
            read_states.append(
                ReadState(
                    member_id=self.bench_member_id,
                    thread_id=spec.pk,
                    last_read_number=rng.randint(1, spec.post_count - 1)
                    if partly
                    else spec.post_count,
                    updated_at=spec.last_activity_at,
                )
            )
        read_states.append(
            ReadState(
                member_id=self.bench_member_id,
                thread_id=big.pk,
                last_read_number=big.post_count // 2,
                updated_at=self.now,
            )
        )
        others = [m for m in self.member_ids if m != self.bench_member_id]
        per_member = min(self.sizes.read_states_per_member, len(self.threads))
        for member_id in others:
            for spec in rng.sample(self.threads, per_member):
                read_states.append(
                    ReadState(
                        member_id=member_id,
                        thread_id=spec.pk,
                        last_read_number=rng.randint(1, spec.post_count),
                        updated_at=spec.last_activity_at,
                    )
                )
        with _progress(len(read_states), "read states") as bar:
            for start in range(0, len(read_states), self.batch):
                chunk = read_states[start : start + self.batch]
                ReadState.objects.bulk_create(chunk, ignore_conflicts=True)
                bar.update(len(chunk))
        # Authors watch what they start (as posting.create_thread does); the bench member
        # watches two categories and a few threads.
        watches = [Subscription(member_id=s.author_id, thread_id=s.pk) for s in self.threads]
        watches += [
            Subscription(member_id=self.bench_member_id, thread_id=s.pk)
            for s in rng.sample(visible, min(20, len(visible)))
            if s.author_id != self.bench_member_id
        ]
        watches += [
            Subscription(member_id=self.bench_member_id, category_id=self.category_ids[slug])
            for slug in ("help", "vip-lounge")
        ]
        Subscription.objects.bulk_create(watches, batch_size=self.batch, ignore_conflicts=True)
        # The bench member's reactions: some on the big thread's last page, some anywhere.
        last_page = list(
            Post.objects.filter(thread_id=big.pk, number__gt=big.post_count - 20)
            .exclude(author_id=self.bench_member_id)
            .values_list("pk", flat=True)[:5]
        )
        anywhere = rng.sample(range(1, Post.objects.count() + 1), 300)
        existing = set(
            Post.objects.filter(pk__in=anywhere)
            .exclude(author_id=self.bench_member_id)
            .values_list("pk", flat=True)
        )
        Reaction.objects.bulk_create(
            [
                Reaction(post_id=post_id, member_id=self.bench_member_id, kind="like")
                for post_id in sorted(set(last_page) | existing)
            ],
            ignore_conflicts=True,
        )


def finish_database(target: environment.Target, analyze_sqlite: bool) -> None:
    """Fill the search index (PostgreSQL: the vectors, then VACUUM ANALYZE as autovacuum
    would; SQLite: the FTS5 table, then ANALYZE when asked)."""
    from django.db import connection, transaction

    if target.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # The same vector community.search.index_post computes, for every post at once.
            cursor.execute(
                "UPDATE community_post AS p SET search_vector = "
                "CASE WHEN p.number = 1 THEN setweight(to_tsvector('english'::regconfig, "
                "COALESCE(t.title, '')), 'A') ELSE ''::tsvector END "
                "|| setweight(to_tsvector('english'::regconfig, COALESCE(p.source, '')), 'B') "
                "FROM community_thread AS t WHERE t.id = p.thread_id AND NOT p.is_deleted"
            )
            print(f"  search vectors: {time.perf_counter() - started:.1f} s", flush=True)
            started = time.perf_counter()
            cursor.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)
    else:
        from community import search
        from community.models import Post

        started = time.perf_counter()
        ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):  # the FTS5 table, as the services keep it
            with transaction.atomic():
                search.index_posts(ids[start : start + 5000])
        print(f"  search index: {time.perf_counter() - started:.1f} s", flush=True)
        if analyze_sqlite:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print("  ANALYZE: done", flush=True)


def _is_current(target: environment.Target, sizes: Sizes) -> bool | None:
    """True: built with these sizes. False: holds something else. None: empty database."""
    from django.db import connection

    if "community_thread" not in connection.introspection.table_names():
        return None
    from community.models import Thread

    if not Thread.objects.exists():
        return None
    if not target.marker_path.exists():
        return False
    marker = json.loads(target.marker_path.read_text())
    return bool(marker.get("sizes") == asdict(sizes) and marker.get("complete"))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    target = environment.resolve(args)
    sizes = Sizes(
        members=args.members,
        threads=args.threads,
        posts=args.posts,
        big_thread=args.big_thread,
        read_states_per_member=args.read_states_per_member,
        seed=args.seed,
    )
    target.var_dir.mkdir(parents=True, exist_ok=True)
    if args.fresh:
        drop_database(target)
    create_database(target)
    environment.activate(target)
    state = _is_current(target, sizes)
    if state is True:
        from django.core.management import call_command

        # New migrations (indexes, above all) must reach an existing bench database too.
        call_command("migrate", verbosity=0, interactive=False)
        print(f"The benchmark community in {target.label} is up to date ({sizes}).")
        print("Migrations applied; --fresh builds it again.")
        return 0
    if state is False:
        print(
            f"{target.label} holds a different or unfinished community. "
            "Run again with --fresh to rebuild it.",
            file=sys.stderr,
        )
        return 2
    from django.core.management import call_command

    print(f"Building the benchmark community in {target.label}: {sizes}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"  migrate: {time.perf_counter() - started:.1f} s", flush=True)
    target.marker_path.write_text(json.dumps({"sizes": asdict(sizes), "complete": False}))
    Builder(sizes, args.batch_size).build()
    finish_database(target, args.analyze)
    seconds = time.perf_counter() - started
    target.marker_path.write_text(
        json.dumps(
            {"sizes": asdict(sizes), "complete": True, "seconds": round(seconds, 1)}, indent=2
        )
    )
    print(f"Done in {seconds:.0f} s. Next: python -m bench.run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
