from django.db import migrations

TOPICS = [
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


def seed(apps, schema_editor):
    Topic = apps.get_model("core", "Topic")
    for position, (slug, name) in enumerate(TOPICS):
        Topic.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("core", "0003_topic")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
