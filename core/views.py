from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

from core import health, pages, violation_reports
from core.api_reference import get_api_reference
from core.email_events import parse_events, signature_is_valid
from core.exceptions import ConflictError
from core.forms import OutboxFilterForm
from core.models import Delivery
from core.page_cache import member_cacheable, visitor_cacheable
from core.parsers import MalformedBodyError, load_json
from core.selectors import get_delivery, get_outbox_screen
from core.services import record_email_events, resend_delivery


@member_cacheable
@require_GET
@visitor_cacheable
def home(request: HttpRequest) -> HttpResponse:
    """The home page: the community for a member, a living window for a visitor (the view
    is the top layer's, registered in config/wiring.py)."""
    return pages.home_view()(request)


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API reference, read from the OpenAPI schema (see core.api_reference)."""
    return render(request, "core/api_docs.html", {"reference": get_api_reference()})


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
    form = OutboxFilterForm(request.GET or None)
    screen = get_outbox_screen(filters=form.filters(), page=request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "core/outbox_list.html",
        {
            "screen": screen,
            "page": screen.page,
            "form": form,
            "query_string": query_string.urlencode(),
        },
    )


@staff_member_required
@require_POST
def outbox_resend(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """Send a failed message again, through the same Delivery row."""
    if not Delivery.objects.filter(pk=delivery_id).exists():
        raise Http404
    try:
        resend_delivery(delivery_id=delivery_id)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The message is queued to be sent again.")
    return redirect("core:outbox-detail", delivery_id=delivery_id)


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


@csrf_exempt  # a provider calls it; the HMAC signature authenticates it
@require_POST
def email_events(request: HttpRequest) -> JsonResponse:
    """The mail provider reports bounces and complaints here (see core.email_events)."""
    secret = settings.EMAIL_WEBHOOK_SECRET
    if not secret:
        return JsonResponse({"detail": "Email event reports are not enabled."}, status=404)
    body = request.body
    if not signature_is_valid(body, request.headers.get("X-Hearth-Signature", ""), secret):
        return JsonResponse({"detail": "Bad or missing signature."}, status=403)
    try:  # MalformedBodyError (not JSON, too deep) and parse errors are both ValueErrors
        events = parse_events(load_json(body))
    except ValueError as error:
        return JsonResponse({"detail": str(error)}, status=400)
    return JsonResponse({"recorded": record_email_events(events)})


@csrf_exempt  # browsers send reports without a CSRF token; the endpoint only logs
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log the Content-Security-Policy violations a browser reports (both report shapes).

    204 when logged; 413 for a body over MAX_REPORT_BYTES, 429 past the per-client limit,
    400 for anything that is not a report. Never stores anything.
    """
    if not violation_reports.allow_report_from(request.META.get("REMOTE_ADDR", "")):
        return HttpResponse(status=429)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > violation_reports.MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    raw = request.read(violation_reports.MAX_REPORT_BYTES + 1)
    if len(raw) > violation_reports.MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    try:
        violations = violation_reports.parse_reports(raw)
    except MalformedBodyError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    violation_reports.log_violations(violations)
    return HttpResponse(status=204)


# --- Error pages: JSON under /api/, HTML elsewhere (config.urls names them) ----------------
# DRF answers errors raised inside an API view; these cover what never reaches one: a URL no
# route matches (/api/v1/threads/abc/), a body Django refuses before the view, a crash.

API_PATH_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PATH_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return defaults.server_error(request)
