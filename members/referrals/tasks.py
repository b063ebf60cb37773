"""Celery entry points of referrals (imported by members.tasks, so Celery finds them)."""

from __future__ import annotations

from celery import shared_task

from members.referrals.services import activate_referral, sweep_due_activations


@shared_task
def activate_referral_task(referral_id: int) -> bool:
    """Reward a referral whose new member may just have been activated. Idempotent: a
    referral is rewarded once, and a missing or undecided one is left alone."""
    return activate_referral(referral_id=referral_id)


@shared_task
def sweep_due_referral_activations_task() -> int:
    """Beat, every 15 minutes: enqueue activations a lost task left pending."""
    return sweep_due_activations()
