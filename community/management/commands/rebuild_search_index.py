"""Rebuild the forum's search index from the posts as they are now, with a progress bar.

For posts written around the services (imports, a restored backup, bulk fixes): every post
is indexed again in batches (SQLite's FTS5 table, or PostgreSQL's tsvector column).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from tqdm import tqdm

from community import search
from community.models import Post


class Command(BaseCommand):
    help = "Rebuild the forum's full-text search index from every post."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=1000, help="Posts indexed per transaction (1000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(int(options["batch"]), 1)
        ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
        with transaction.atomic():
            search.clear_index()
        with tqdm(
            total=len(ids), desc="Search index", unit="post", disable=None, file=self.stderr
        ) as bar:
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                with transaction.atomic():
                    search.index_posts(chunk)
                bar.update(len(chunk))
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {len(ids)} posts."))
