"""Text for the generated community: a few post bodies (rendered once, reused), titles, and
the words the search benchmark looks for."""

from __future__ import annotations

import random

#: In about 40% of all posts (the bodies below that say it), so search has many hits.
COMMON_WORD = "deploy"
#: In exactly RARE_WORD_POSTS posts: search must find a needle without reading the haystack.
RARE_WORD = "quokka"
RARE_WORD_POSTS = 7

_PYTHON = '''```python
from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(TimeoutError,), max_retries=5)
def send_digest(member_id: int) -> None:
    """Send the weekly digest once, even if the task runs twice."""
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        return
    deliver_once(recipient=member, kind="digest", key=week_key())
```'''

_CONSOLE = """```console
$ git push production main
remote: Building image hearth:4f2a9c1...
remote: Running migrations... OK
remote: Rolling deploy: 1/3 2/3 3/3
$ curl -fsS https://hearth.example.com/healthz
{"status": "ok"}
```"""

_YAML = """```yaml
deploy:
  strategy: rolling
  max_unavailable: 1
  health_check:
    path: /healthz
    interval: 5s
```"""

_JS = """```javascript
const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (entry.isIntersecting) {
      entry.target.src = entry.target.dataset.src;
      observer.unobserve(entry.target);
    }
  }
});
document.querySelectorAll("img[data-src]").forEach((img) => observer.observe(img));
```"""

#: (weight, Markdown source). Short replies dominate, as on a real forum.
BODIES: list[tuple[int, str]] = [
    (22, "Thanks, that worked! I had forgotten to restart the worker after the deploy."),
    (18, "+1, same question here. Following this thread."),
    (
        10,
        "Great write-up. I would add one thing: **measure before you optimise**. "
        "Most of my slow pages were one missing index, not the template engine.",
    ),
    (
        9,
        "After every deploy some of my tasks run twice. This is the task:\n\n"
        + _PYTHON
        + "\n\nIs `acks_late` the culprit, or the visibility timeout? Logs show the same "
        "message id twice, about an hour apart.",
    ),
    (
        8,
        "Three things that helped my blog posts get read:\n\n"
        "1. A title that names the problem, not the tool.\n"
        "2. The answer in the first paragraph; the story after.\n"
        "3. One runnable example, tested in CI.\n\n"
        "More in [this guide](https://example.com/writing-guide).",
    ),
    (
        6,
        "Our pipeline, for comparison:\n\n"
        + _CONSOLE
        + "\n\nand the rollout settings:\n\n"
        + _YAML
        + "\n\nThe health check is what makes a deploy safe: a node gets traffic only once "
        "`/healthz` answers. We also keep the previous image warm so a rollback takes "
        "seconds. If you deploy on Fridays, this is the part you want to get right.\n\n"
        "> A deploy you cannot undo is a migration you did not plan.\n\n"
        "Happy to share the full workflow file if anyone wants it.",
    ),
    (
        6,
        "| Tool | Build time | Live reload |\n|---|---|---|\n| Hugo | 0.8 s | yes |\n"
        "| Astro | 4.1 s | yes |\n| Jekyll | 40 s | slow |\n\nHugo wins for a plain "
        "developer blog; Astro if you want components.",
    ),
    (
        5,
        "Lazy-loading without a framework, if your browsers are old:\n\n"
        + _JS
        + '\n\nToday `loading="lazy"` on the `<img>` tag is enough for most blogs.',
    ),
    (
        5,
        "For screencasts on Linux: record at the canvas size you display, 1:1, and use "
        "CQP 18 with x264. Blurry text is almost always scaling. @bench_member might know "
        "the PipeWire settings.",
    ),
    (
        4,
        "I gave this talk at three meetups before a conference took it. Reviewers want a "
        "clear audience, one idea, and proof you can deliver it: link a recording, even a "
        "rough one from your phone.",
    ),
]

#: The rare body: its word appears nowhere else (titles included).
RARE_BODY = (
    f"Off-topic, but: has anyone filmed a {RARE_WORD} for a conference intro? The crowd "
    "loved the thirty seconds of wildlife before the architecture diagrams."
)

_TITLE_STARTS = [
    "How do you",
    "Why does",
    "Best way to",
    "Feedback wanted:",
    "Show & tell:",
    "Question about",
    "Lessons from",
    "Struggling with",
    "Anyone tried",
    "Notes on",
]
_TITLE_SUBJECTS = [
    "Celery retries",
    "a static site generator",
    "recording screencasts",
    "conference CFPs",
    "a newsletter launch",
    "PostgreSQL indexes",
    "Kubernetes rollouts",
    "writing a technical ebook",
    "YouTube thumbnails",
    "an open-source release",
    "Django query counts",
    "pricing a course",
    "dark mode code blocks",
    "a podcast setup",
    "Rust error handling",
]
_TITLE_ENDS = [
    "in 2026?",
    "for beginners",
    "at scale",
    "without burning out",
    "on a budget",
    "— what worked for me",
    "(long post)",
    "?",
    "after a year",
    "the boring way",
]


def title(rng: random.Random, number: int) -> str:
    """A plausible thread title; the number keeps titles distinct."""
    start, subject, end = (
        rng.choice(_TITLE_STARTS),
        rng.choice(_TITLE_SUBJECTS),
        rng.choice(_TITLE_ENDS),
    )
    return f"{start} {subject} {end} #{number}"


def huge_post(length: int = 50_000) -> str:
    """Markdown of about `length` characters: prose, lists, links, tables and code blocks.

    The worst case a member may submit (posts are limited to 50,000 characters).
    """
    blocks = [
        "## Part {n}: what we changed\n\nWe moved the **deploy** to a rolling strategy and "
        "measured every page. See [the notes](https://example.com/notes/{n}) and `make bench`.",
        _PYTHON,
        "- one index per list page\n- no OFFSET on deep pages\n- [x] query budgets in tests\n"
        "- [ ] a benchmark in CI",
        _CONSOLE,
        "| page | before | after |\n|---|---|---|\n| latest | 120 ms | 8 ms |\n"
        "| thread | 90 ms | 6 ms |",
        _JS,
        "> Measure, then change one thing, then measure again. — a wise colleague, @ada",
        _YAML,
    ]
    parts: list[str] = []
    size = 0
    n = 0
    while True:
        block = blocks[n % len(blocks)].replace("{n}", str(n))
        if size + len(block) + 2 > length:
            break
        parts.append(block)
        size += len(block) + 2
        n += 1
    text = "\n\n".join(parts) + "\n\n"
    return text + "Thanks for reading. " * ((length - len(text)) // 20)
