"""Keep django.contrib.sites' record in step with SITE_NAME / SITE_URL (allauth reads it)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings


def sync_site(sender: Any, **kwargs: Any) -> None:
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
    )
