"""The composer's helpers: preview, @mention suggestions, image upload and similar threads,
as small JSON endpoints for the page's script, and the same steps for a form posted without
JavaScript (a Preview button re-renders the form with the preview; an attached image is
uploaded and its Markdown added to the text).

Every preview goes through posting.render_post, the function saving uses, so a preview is
exactly what the post will be.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from community import policies, selectors
from community.services import images, posting
from core.exceptions import DomainError
from core.params import text_param
from members.models import User
from members.policies import suspension_notice
from members.selectors import list_mentionable_members

JsonView = Callable[[HttpRequest], HttpResponse]


@dataclass(frozen=True)
class ComposerStep:
    """What a posted composer form asks besides posting: `data` is the POST with an
    uploaded image's Markdown added to the text; `stays` when the writer asked for a
    preview, or an image was refused (show the form again, post nothing)."""

    data: QueryDict
    preview_html: str = ""
    stays: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def composer_step(request: HttpRequest, member: User) -> ComposerStep:
    """Upload the image attached to a composer form (if any) and render the preview the
    writer asked for (the "preview" button), for the pages that work without JavaScript."""
    data = request.POST.copy()
    errors: dict[str, str] = {}
    upload = request.FILES.get("image")
    if upload is not None:
        try:
            image = images.upload_post_image(member=member, upload=upload, size=upload.size)
        except DomainError as error:
            errors["image"] = error.message
        else:
            body = data.get("body", "").rstrip()
            markdown = images.image_markdown(image, alt=images.alt_text_from(upload.name or ""))
            data["body"] = f"{body}\n\n{markdown}" if body else markdown
    preview = ""
    wants_preview = "preview" in data
    if wants_preview:
        try:
            _, preview, _ = posting.render_post(data.get("body", ""))
        except DomainError as error:
            errors["body"] = error.message
    return ComposerStep(
        data=data, preview_html=preview, stays=wants_preview or bool(errors), errors=errors
    )


def _writer(view: Callable[[HttpRequest, User], HttpResponse]) -> JsonView:
    """A JSON endpoint for members who may post: 401/403 in JSON otherwise (never a
    redirect to the login page, which a script cannot follow)."""

    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or not user.is_active:
            return JsonResponse({"detail": "Sign in to write."}, status=401)
        if user.is_suspended:
            return JsonResponse({"detail": suspension_notice(user)}, status=403)
        if not policies.can_post(user):
            return JsonResponse({"detail": "Verify your email address to write."}, status=403)
        return view(request, user)

    return wrapped


def _private(response: HttpResponse, *, seconds: int) -> HttpResponse:
    """Let the writer's browser reuse an answer for a moment (typing back and forth asks the
    same thing again); it is theirs alone."""
    patch_cache_control(response, private=True, max_age=seconds)
    patch_vary_headers(response, ["Cookie"])
    return response


@require_POST
@_writer
def preview(request: HttpRequest, member: User) -> HttpResponse:
    """{"html": …}: the text as posting it would store it (400 with "detail" when empty or
    too long)."""
    try:
        _, html, _ = posting.render_post(request.POST.get("body", ""))
    except DomainError as error:
        return JsonResponse({"detail": error.message}, status=400)
    return JsonResponse({"html": html})


@require_POST
@_writer
def upload_image(request: HttpRequest, member: User) -> HttpResponse:
    """Store the image in "image" for the member: 201 {"markdown", "url"}; 400 {"detail"}
    when there is none or it is refused (nothing is stored then)."""
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"detail": "Choose an image to add."}, status=400)
    try:
        image = images.upload_post_image(member=member, upload=upload, size=upload.size)
    except DomainError as error:
        return JsonResponse({"detail": error.message}, status=400)
    alt = images.alt_text_from(upload.name or "")
    return JsonResponse(
        {"markdown": images.image_markdown(image, alt=alt), "url": image.file.url}, status=201
    )


@require_GET
@_writer
def mention_suggestions(request: HttpRequest, member: User) -> HttpResponse:
    """{"results": [{"handle", "name", "avatar"}]}: members the writer may @mention whose
    handle or name starts with ?q (at most eight, one query)."""
    prefix = text_param(request.GET, "q", max_length=30).lstrip("@")
    people = list_mentionable_members(writer=member, prefix=prefix)
    results = [
        {
            "handle": person.handle,
            "name": person.name,
            "avatar": person.avatar_small.url if person.avatar_small else "",
        }
        for person in people
    ]
    return _private(JsonResponse({"results": results}), seconds=60)


@require_GET
@_writer
def similar_threads(request: HttpRequest, member: User) -> HttpResponse:
    """{"results": [{"title", "url", "is_solved", "reply_count"}]}: threads like the title
    being typed (?title), as the forum search finds them for this member."""
    title = text_param(request.GET, "title", max_length=200)
    found = selectors.list_similar_threads(viewer=member, title=title)
    results = [
        {
            "title": thread.title,
            "url": thread.url,
            "is_solved": thread.is_solved,
            "reply_count": thread.reply_count,
        }
        for thread in found
    ]
    return _private(JsonResponse({"results": results}), seconds=60)
