"""Receivers for allauth/Django auth signals. They delegate to services."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import user_signed_up
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from members.models import User
from members.referrals import identity
from members.referrals import services as referrals
from members.services import record_activity, sync_verified_email


@receiver(user_logged_in)
def note_login_activity(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    record_activity(member_id=user.pk)
    if request is None:
        return
    referrals.note_sighting(
        member_id=user.pk, network=identity.network_of(request), device=identity.device_of(request)
    )


@receiver(user_signed_up)
def record_referral(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """A sign-up that followed a referral link (its signed cookie, within the window)
    records the referrer; the network and device are compared with the referrer's."""
    if request is None:
        return
    try:
        code = request.get_signed_cookie(
            identity.REFERRAL_COOKIE,
            salt=identity.REFERRAL_COOKIE_SALT,
            max_age=settings.REFERRAL_WINDOW_DAYS * 24 * 3600,
        )
    except (KeyError, signing.BadSignature):  # no link followed, tampered, or too old
        return
    if not code:
        return
    referrals.record_signup_referral(
        referred_id=user.pk,
        code=code,
        network=identity.network_of(request),
        device=identity.device_of(request),
    )


@receiver(post_save, sender=EmailAddress)
@receiver(post_delete, sender=EmailAddress)
def keep_verified_email_in_step(sender: Any, instance: EmailAddress, **kwargs: Any) -> None:
    """Every way an address is verified, added, changed or removed saves or deletes its row
    (allauth's flows, the admin, social sign-up), so the user's flag follows all of them."""
    if instance.user_id is None:
        return
    sync_verified_email(user_id=instance.user_id)
    if instance.verified:
        referrals.note_email_verified(member_id=instance.user_id)
    # The user object the caller holds (a request's user, a factory's) follows too.
    cached = EmailAddress._meta.get_field("user").get_cached_value(instance, default=None)
    if isinstance(cached, User):
        value = User.objects.filter(pk=cached.pk).values_list("has_verified_email", flat=True)
        cached.has_verified_email = bool(value.first())
