"""Forum pages. Thin: parse, call one selector (or one service), render.

Each page reads everything it shows from its screen selector in community.selectors (the
API twin reads the same one); a write is one service call, then a redirect.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import composer, selectors
from community.forms import PostEditForm, ReplyForm, SearchForm, ThreadForm
from community.models import Thread, page_of_post
from community.pagination import decode_cursor
from community.selectors import ListFilter, ThreadFilters
from community.services import engagement, posting
from core.exceptions import DomainError
from core.http import or_404, page_param
from core.page_cache import member_cacheable, visitor_cacheable
from core.params import text_param
from core.ratelimit import check_request_rate
from members.models import User

NEW_THREAD_DRAFT = "new-thread"
HELD_MESSAGE = (
    "Your post is pending review: a moderator will look at it soon. Until then only you and "
    "the moderators see it."
)


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # login_required guarantees it
    return request.user


def _reply_draft_key(thread_id: int) -> str:
    return f"reply-{thread_id}"


def thread_url(thread: Thread, *, page: int = 1, post_number: int | None = None) -> str:
    """The thread's address at page `page`, or scrolled to post `post_number`."""
    if post_number:
        return thread.url_for_post(post_number)
    url = thread.get_absolute_url()
    return f"{url}?page={page}" if page > 1 else url


def _with_query(url: str, query: str, fragment: str = "") -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{query}{fragment}"


def _thread_list(request: HttpRequest, *, category: str = "") -> HttpResponse:
    list_filter = request.GET.get("filter", "")
    screen = or_404(
        lambda: selectors.get_thread_list_screen(
            viewer=request.user,
            filters=ThreadFilters(
                category=category, topic=text_param(request.GET, "topic", max_length=50)
            ),
            list_filter=list_filter if list_filter in ListFilter.values else ListFilter.ALL,
            position=decode_cursor(request.GET.get("cursor")),  # a tampered cursor: page 1
        )
    )
    return render(request, "community/thread_list.html", {"screen": screen})


@member_cacheable
@visitor_cacheable
@require_GET
def latest(request: HttpRequest) -> HttpResponse:
    return _thread_list(request)


@member_cacheable
@visitor_cacheable
@require_GET
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _thread_list(request, category=slug)


@member_cacheable
@visitor_cacheable
@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    screen = selectors.get_category_list_screen(viewer=request.user)
    return render(request, "community/category_list.html", {"screen": screen})


@login_required
@require_http_methods(["GET", "POST"])
def thread_create(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    screen = selectors.get_new_thread_screen(
        member=member,
        category_slug=text_param(request.GET, "category", max_length=60),
        kind=request.GET.get("kind", ""),
    )
    step = composer.composer_step(request, member) if request.method == "POST" else None
    form = ThreadForm(
        step.data if step else None,
        categories=screen.categories,
        initial={"category": screen.initial_category, "kind": screen.initial_kind},
    )
    if step and not step.stays and form.is_valid():
        try:
            check_request_rate(request, "post")
            thread = posting.create_thread(
                author=member,
                category_id=form.cleaned_data["category"].pk,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                topics=form.cleaned_data["topics"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if thread.is_held:
                messages.info(request, HELD_MESSAGE)
            else:
                messages.success(request, "Your thread is up.")
            return redirect(_with_query(thread_url(thread), f"posted={NEW_THREAD_DRAFT}"))
    return _composer_page(
        request,
        "community/thread_form.html",
        {"form": form, "draft_key": NEW_THREAD_DRAFT, "screen": screen},
        step,
    )


def _composer_page(
    request: HttpRequest,
    template: str,
    context: dict[str, object],
    step: composer.ComposerStep | None,
) -> HttpResponse:
    """A writing form again: first shown (200), with the preview or image the writer asked
    for (200), or refused (400), keeping what they wrote."""
    form = context["form"]
    assert isinstance(form, forms.Form)  # noqa: S101  # every composer page passes its form
    if step is not None:
        for name, message in step.errors.items():
            form.add_error(name, message)
    status = 200 if step is None or (step.stays and not step.errors) else 400
    return render(
        request,
        template,
        {**context, "preview_html": step.preview_html if step else ""},
        status=status,
    )


def _count_cached_view(request: HttpRequest, thread_id: int, slug: str = "") -> bool:
    """A visitor served the thread from the page cache still counts as a view."""
    engagement.record_view(thread_id=thread_id)
    return True


@member_cacheable
@visitor_cacheable(on_hit=_count_cached_view)
@require_GET
def thread_detail(request: HttpRequest, thread_id: int, slug: str = "") -> HttpResponse:
    try:
        screen = selectors.get_thread_screen(
            viewer=request.user,
            thread_id=thread_id,
            page=page_param(request.GET),
            sort=request.GET.get("sort", ""),
        )
    except Thread.DoesNotExist as missing:
        # A thread merged into another: its address leads to the target (not permanent:
        # staff may undo the merge).
        url = selectors.merged_thread_url(viewer=request.user, thread_id=thread_id)
        if url is None:
            raise Http404 from missing
        return redirect(url)
    if slug != (slugify(screen.thread.title) or "thread"):
        # Titles can change: a temporary redirect that keeps ?page=…
        query = request.GET.urlencode()
        return redirect(screen.url + (f"?{query}" if query else ""))
    engagement.record_thread_visit(
        viewer=request.user,
        thread_id=screen.thread.pk,
        read_to=screen.last_number_shown,
        known=screen.last_read_number,
    )
    context = {
        "screen": screen,
        "thread": screen.thread,
        "reply_form": ReplyForm(),
        "draft_key": _reply_draft_key(screen.thread.pk),
        "clear_draft": request.GET.get("posted", ""),
    }
    return render(request, "community/thread_detail.html", context)


@login_required
@require_GET
def thread_unread(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Jump to the first post the member has not read yet."""
    thread = or_404(lambda: selectors.get_thread(viewer=request.user, thread_id=thread_id))
    number = selectors.first_unread_number(member=_member(request), thread=thread)
    return redirect(thread_url(thread, page=page_of_post(number), post_number=number))


@login_required
@require_http_methods(["GET", "POST"])
def thread_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    """POST a reply. GET (optionally ?quote=<post id>) shows the reply form on its own."""
    member = _member(request)
    quote = request.GET.get("quote", "")
    screen = or_404(
        lambda: selectors.get_reply_screen(
            member=member,
            thread_id=thread_id,
            quote_post_id=int(quote) if quote.isascii() and quote.isdigit() else None,
        )
    )
    initial = {"body": screen.initial_body} if screen.initial_body else {}
    step = composer.composer_step(request, member) if request.method == "POST" else None
    form = ReplyForm(step.data if step else None, initial=initial)
    if step and not step.stays and form.is_valid():
        try:
            check_request_rate(request, "post")
            post = posting.reply(author=member, thread_id=thread_id, body=form.cleaned_data["body"])
        except DomainError as error:
            form.add_error("body" if error.field in (None, "body") else None, error.message)
        else:
            if post.status == post.Status.HELD:
                messages.info(request, HELD_MESSAGE)
            url = thread_url(screen.thread, page=page_of_post(post.number))
            query = f"posted={_reply_draft_key(thread_id)}"
            return redirect(_with_query(url, query, f"#post-{post.number}"))
    return _composer_page(
        request,
        "community/reply_form.html",
        {"screen": screen, "form": form, "draft_key": _reply_draft_key(thread_id)},
        step,
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    member = _member(request)
    screen = or_404(lambda: selectors.get_post_edit_screen(member=member, post_id=post_id))
    step = composer.composer_step(request, member) if request.method == "POST" else None
    form = PostEditForm(step.data if step else None, initial={"body": screen.post.source})
    if step and not step.stays and form.is_valid():
        try:
            posting.edit_post(editor=member, post_id=post_id, body=form.cleaned_data["body"])
        except DomainError as error:
            form.add_error("body", error.message)
        else:
            messages.success(request, "Your edit is saved.")
            post = screen.post
            url = thread_url(post.thread, page=page_of_post(post.number))
            return redirect(_with_query(url, f"posted=edit-{post.pk}", f"#post-{post.number}"))
    return _composer_page(
        request,
        "community/post_edit.html",
        {"screen": screen, "form": form, "draft_key": f"edit-{post_id}"},
        step,
    )


@require_GET
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    screen = or_404(lambda: selectors.get_post_history_screen(viewer=request.user, post_id=post_id))
    return render(request, "community/post_history.html", {"screen": screen})


def _back_to_post(request: HttpRequest, post_id: int) -> str:
    """Where a post action returns to: the post in its thread (404 when invisible)."""
    post = or_404(lambda: selectors.get_post(viewer=request.user, post_id=post_id))
    return thread_url(post.thread, page=page_of_post(post.number), post_number=post.number)


@login_required
@require_POST
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    back = _back_to_post(request, post_id)
    try:
        posting.delete_post(actor=_member(request), post_id=post_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The post is deleted.")
    return redirect(back)


@login_required
@require_POST
def post_react(request: HttpRequest, post_id: int) -> HttpResponse:
    """Add a reaction (kind=like|thanks|…) or take one back (remove=<kind>, or kind=<kind>
    with action=remove)."""
    member = _member(request)
    back = _back_to_post(request, post_id)
    removing = "remove" in request.POST or request.POST.get("action") == "remove"
    kind = request.POST.get("remove") or request.POST.get("kind", "")
    try:
        if removing:
            engagement.remove_reaction(member=member, post_id=post_id, kind=kind)
        else:
            check_request_rate(request, "react")
            engagement.add_reaction(member=member, post_id=post_id, kind=kind)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(back)


def _back_to_thread(request: HttpRequest, thread_id: int) -> str:
    thread = or_404(lambda: selectors.get_thread(viewer=request.user, thread_id=thread_id))
    return thread_url(thread)


@login_required
@require_POST
def thread_accept(request: HttpRequest, thread_id: int) -> HttpResponse:
    member = _member(request)
    back = _back_to_thread(request, thread_id)
    post = request.POST.get("post", "")
    try:
        if request.POST.get("action") == "unaccept":
            posting.unaccept_answer(actor=member, thread_id=thread_id)
        else:
            posting.accept_answer(
                actor=member,
                thread_id=thread_id,
                post_id=int(post) if post.isascii() and post.isdigit() else 0,
            )
            messages.success(request, "Marked as the accepted answer.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(back)


LEVEL_MESSAGES = {
    "watching": "You're watching {name}: you'll hear of every new post.",
    "tracking": "You're tracking {name}: you'll hear when someone mentions you or answers you.",
    "normal": "{name} is back to normal: you'll hear only when someone mentions or answers you.",
    "muted": "{name} is muted: you won't hear of it again.",
}


def _level_message(level: str, name: str) -> str:
    return LEVEL_MESSAGES.get(level, "Saved.").format(name=name)


@login_required
@require_POST
def thread_watch(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Set the member's notification level for the thread (level=watching|tracking|…)."""
    member = _member(request)
    back = _back_to_thread(request, thread_id)
    level = request.POST.get("level", "")
    try:
        engagement.set_thread_level(member=member, thread_id=thread_id, level=level)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _level_message(level, "this thread"))
    return redirect(back)


@login_required
@require_POST
def category_watch(request: HttpRequest, slug: str) -> HttpResponse:
    """Set the member's notification level for the category (level=watching|…|muted)."""
    member = _member(request)
    category = or_404(lambda: selectors.get_category(viewer=member, slug=slug))
    level = request.POST.get("level", "")
    try:
        engagement.set_category_level(member=member, category_id=category.pk, level=level)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _level_message(level, category.name))
    return redirect("community:category", slug=category.slug)


MODERATION_FLAGS = ("is_pinned", "is_pinned_globally", "is_locked")


@login_required
@require_POST
def thread_moderate(request: HttpRequest, thread_id: int) -> HttpResponse:
    back = _back_to_thread(request, thread_id)
    flag = request.POST.get("flag", "")
    if flag not in MODERATION_FLAGS:
        messages.error(request, "Unknown action.")
        return redirect(back)
    value = request.POST.get("value") == "on"
    try:
        posting.set_thread_state(
            moderator=_member(request),
            thread_id=thread_id,
            reason=text_param(request.POST, "reason", max_length=500),
            **{flag: value},
        )
    except DomainError as error:  # not a moderator: the tools do not exist for them
        raise Http404(error.message) from error
    messages.success(request, "Thread updated.")
    return redirect(back)


@member_cacheable
@visitor_cacheable
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    screen = selectors.get_search_screen(
        viewer=request.user,
        query=data.get("q", ""),
        filters=form.filters(),
        page=page_param(request.GET),
        grouped=form.grouped,
    )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    filters_string = query_string.copy()  # without the grouping: the "show" links add it
    filters_string.pop("show", None)
    return render(
        request,
        "community/search.html",
        {
            "form": form,
            "screen": screen,
            "query_string": query_string.urlencode(),
            "filters_string": filters_string.urlencode(),
        },
    )


@member_cacheable
@login_required
@require_GET
def for_you(request: HttpRequest) -> HttpResponse:
    screen = selectors.get_for_you_screen(member=_member(request))
    return render(request, "community/for_you.html", {"screen": screen})
