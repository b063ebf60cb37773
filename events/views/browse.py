"""Reading events: the upcoming and past lists, one event, its calendar entry, the live
questions, my events and the private calendar feed. Thin: parse, call one selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from community.pagination import decode_cursor
from core.http import or_404
from core.page_cache import member_cacheable, visitor_cacheable
from core.params import text_param
from events import selectors
from events.forms import CheckInForm, QuestionForm, RatingForm
from events.models import Event
from events.selectors import EventFilters, QuestionSort, When
from events.views._common import member_of


def _filters(request: HttpRequest) -> EventFilters:
    kind = request.GET.get("kind", "")
    return EventFilters(
        kind=kind if kind in Event.Kind.values else "",
        topic=text_param(request.GET, "topic", max_length=50),
        for_me=request.GET.get("for") == "me" and request.user.is_authenticated,
    )


def _event_list(request: HttpRequest, when: str) -> HttpResponse:
    screen = selectors.get_event_list_screen(
        viewer=request.user,
        when=when,
        filters=_filters(request),
        position=decode_cursor(request.GET.get("cursor")),  # a tampered cursor: page 1
    )
    return render(request, "events/event_list.html", {"screen": screen})


@member_cacheable
@visitor_cacheable
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming events, soonest first, with filters (kind, topic, for me)."""
    return _event_list(request, When.UPCOMING)


@member_cacheable
@visitor_cacheable
@require_GET
def past_events(request: HttpRequest) -> HttpResponse:
    """Events that ended, latest first, with their recordings."""
    return _event_list(request, When.PAST)


def _sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", QuestionSort.VOTES)
    return sort if sort in QuestionSort.values else QuestionSort.VOTES


@member_cacheable
@visitor_cacheable
@require_GET
def event_detail(request: HttpRequest, event_id: int, slug: str = "") -> HttpResponse:
    """The event page: details in the viewer's zone, their registration, the join link
    for seat holders only, calendar links, and for an AMA its questions."""
    screen = or_404(
        lambda: selectors.get_event_screen(
            viewer=request.user, event_id=event_id, sort=_sort(request)
        )
    )
    if slug != screen.event.slug:
        query = request.GET.urlencode()
        return redirect(screen.url + (f"?{query}" if query else ""))
    return render(request, "events/event_detail.html", _detail_context(screen))


def _detail_context(screen: selectors.EventScreen, **forms: object) -> dict[str, object]:
    return {
        "screen": screen,
        "event": screen.event,
        "question_form": forms.get("question_form") or QuestionForm(),
        "check_in_form": forms.get("check_in_form") or CheckInForm(),
        "rating_form": forms.get("rating_form")
        or RatingForm(
            initial={"score": screen.my_rating.score, "comment": screen.my_rating.comment}
            if screen.my_rating
            else None
        ),
    }


def render_event_page(
    request: HttpRequest, event_id: int, status: int = 200, **forms: object
) -> HttpResponse:
    """The event page again (a form that came back with errors keeps what was typed)."""
    screen = or_404(lambda: selectors.get_event_screen(viewer=request.user, event_id=event_id))
    return render(
        request, "events/event_detail.html", _detail_context(screen, **forms), status=status
    )


@require_GET
def event_calendar(request: HttpRequest, event_id: int) -> HttpResponse:
    """The event's .ics: the join link only for a seat holder or host."""
    content = or_404(lambda: selectors.event_calendar_for(viewer=request.user, event_id=event_id))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event_id}.ics"'
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_GET
def questions_live(request: HttpRequest, event_id: int) -> HttpResponse:
    """The AMA page's poll: {"version", "html"} with an ETag; a 304 when nothing changed
    since the browser's copy (one small query: the access check and the version)."""
    sort = _sort(request)
    version = or_404(lambda: selectors.questions_version(viewer=request.user, event_id=event_id))
    etag = f'"q-{request.user.pk or 0}-{version}-{sort}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        screen = or_404(
            lambda: selectors.get_questions_screen(
                viewer=request.user, event_id=event_id, sort=sort
            )
        )
        html = render_to_string(
            "events/_questions.html",
            {"questions": screen.questions, "event": screen.event},
            request=request,
        )
        response = JsonResponse({"version": screen.questions.version, "html": html})
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


@login_required
@require_GET
def my_events(request: HttpRequest) -> HttpResponse:
    """The member's events: coming up, hosting, past, proposals, the calendar feed."""
    screen = selectors.get_my_events_screen(member=member_of(request))
    return render(request, "events/my_events.html", {"screen": screen})


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's private feed (no sign-in: the signed token is the proof)."""
    content = selectors.feed_calendar(token=token)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    return response
