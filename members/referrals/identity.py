"""Who is behind an account, as far as referrals need to know: an inbox's canonical
address, and keyed hashes of networks and devices (never stored in the clear)."""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

#: The first-party cookie that names a browser (a random id, nothing else).
DEVICE_COOKIE = "hearth_device"
DEVICE_COOKIE_AGE = 2 * 365 * 24 * 3600
#: The signed cookie that carries a referral code from the link to the sign-up.
REFERRAL_COOKIE = "hearth_ref"
REFERRAL_COOKIE_SALT = "members.referrals"

#: Providers that ignore dots in the local part (Gmail's two domains).
DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def canonical_email(email: str) -> str:
    """The inbox an address reaches: lower-cased, "+tag" dropped, and for Gmail the dots
    dropped and googlemail.com read as gmail.com (j.doe+x@Gmail.com -> jdoe@gmail.com)."""
    local, _, domain = email.strip().lower().rpartition("@")
    if not local:
        return email.strip().lower()
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def fingerprint(kind: str, value: str) -> str:
    """A keyed hash of `value` (an address, a network, a device id): comparable, not
    reversible without the site's secret key."""
    return salted_hmac(f"members.referrals.{kind}", value, algorithm="sha256").hexdigest()


def email_fingerprint(email: str) -> str:
    return fingerprint("email", canonical_email(email))


def network_of(request: HttpRequest) -> str:
    """The address the request came from (the proxy sets REMOTE_ADDR in production)."""
    return str(request.META.get("REMOTE_ADDR", ""))


def device_of(request: HttpRequest) -> str:
    """The browser's device id from its cookie, or "" when it has none yet."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    return value if value.isalnum() and len(value) == 32 else ""


def ensure_device_cookie(request: HttpRequest, response: HttpResponse) -> str:
    """Give the browser a device id if it has none; returns the id."""
    device = device_of(request)
    if not device:
        device = secrets.token_hex(16)
        response.set_cookie(
            DEVICE_COOKIE, device, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax"
        )
    return device
