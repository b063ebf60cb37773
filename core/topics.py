"""The default topic taxonomy, and a way to put it back where a test flushed the tables."""

from __future__ import annotations

DEFAULT_TOPICS = [
    ("python", "Python"),
    ("javascript", "JavaScript"),
    ("typescript", "TypeScript"),
    ("go", "Go"),
    ("rust", "Rust"),
    ("java", "Java & JVM"),
    ("devops", "DevOps"),
    ("cloud", "Cloud"),
    ("kubernetes", "Kubernetes"),
    ("ml-ai", "ML/AI"),
    ("data", "Data"),
    ("security", "Security"),
    ("mobile", "Mobile"),
    ("frontend", "Frontend"),
    ("backend", "Backend"),
    ("databases", "Databases"),
    ("career", "Career"),
    ("technical-writing", "Technical writing"),
    ("video", "Video"),
    ("public-speaking", "Public speaking"),
    ("open-source", "Open source"),
    ("newsletters", "Newsletters"),
    ("courses", "Courses & teaching"),
    ("developer-relations", "Developer relations"),
]


def ensure_default_topics() -> None:
    """Create the default topics if the table is empty (a flushed test database)."""
    from core.models import Topic

    if Topic.objects.exists():
        return
    Topic.objects.bulk_create(
        [
            Topic(slug=slug, name=name, position=position)
            for position, (slug, name) in enumerate(DEFAULT_TOPICS)
        ],
        ignore_conflicts=True,
    )
