"""The Celery app. Broker and options come from Django settings (CELERY_* names).

Periodic work is declared here, in code, so it is reviewed like code; each entry is a sweeper
that selects what is due and fans out one idempotent task per id.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hearth", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "requeue-stalled-deliveries": {
        "task": "core.tasks.requeue_stalled_deliveries_task",
        "schedule": 300.0,
    },
    "send-due-notification-emails": {
        "task": "members.tasks.sweep_due_notification_emails_task",
        "schedule": 60.0,
    },
    # Events: each its own task, so one failing never holds up the others.
    "send-due-event-reminders": {
        "task": "events.tasks.sweep_due_reminders_task",
        "schedule": 60.0,
    },
    "expire-due-seat-offers": {
        "task": "events.tasks.expire_due_offers_task",
        "schedule": 60.0,
    },
    "finish-due-events": {
        "task": "events.tasks.finish_due_events_task",
        "schedule": 60.0,
    },
    "send-due-celebrations": {
        "task": "members.tasks.sweep_due_celebrations_task",
        "schedule": 900.0,
    },
    "activate-due-referrals": {
        "task": "members.referrals.tasks.sweep_due_referral_activations_task",
        "schedule": 900.0,
    },
    "send-due-digests": {
        "task": "members.tasks.sweep_due_digests_task",
        "schedule": 900.0,
    },
    # Loyalty, nightly (the community's 03:10): tier grants that ended, tier promotions,
    # demotion warnings and demotions, and badges earned (a year of membership, say).
    "refresh-loyalty": {
        "task": "members.tasks.refresh_loyalty_task",
        "schedule": crontab(hour=3, minute=10),
    },
}
