from __future__ import annotations

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

from core import health
from core.models import Delivery
from core.selectors import get_delivery, list_deliveries


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
def media_file(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """An uploaded file from MEDIA_ROOT (only routed when SERVE_MEDIA is on)."""
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process is up and answering. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and the broker are reachable; 503 names what is down."""
    problems = health.readiness()
    down = {name: reason for name, reason in problems.items() if reason}
    body = {
        "status": "unavailable" if down else "ok",
        "checks": {
            name: ("down: " + reason if reason else "ok") for name, reason in problems.items()
        },
    }
    return JsonResponse(body, status=503 if down else 200)


@staff_member_required
@require_GET
def outbox_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(list_deliveries(), 50).get_page(request.GET.get("page"))
    return render(request, "core/outbox_list.html", {"page": page})


@staff_member_required
@require_GET
def outbox_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    try:
        delivery = get_delivery(delivery_id=delivery_id)
    except Delivery.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "core/outbox_detail.html",
        {"delivery": delivery, "shows_bodies": settings.EMAIL_OUTBOX_SHOWS_BODIES},
    )
