"""Forum pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import policies, search, selectors
from community.forms import PostEditForm, ReplyForm, SearchForm, ThreadForm
from community.models import Post, Reaction, Thread, page_of_post
from community.pagination import decode_cursor
from community.services import engagement, posting
from config.exceptions import DomainError
from core.markdown import quote_markdown
from core.params import text_param
from members.models import User

NEW_THREAD_DRAFT = "new-thread"


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101  # login_required guarantees it
    return request.user


def _reply_draft_key(thread: Thread) -> str:
    return f"reply-{thread.pk}"


def thread_url(thread: Thread, *, page: int = 1, post_number: int | None = None) -> str:
    if post_number:
        return thread.url_for_post(post_number)
    url = thread.get_absolute_url()
    return f"{url}?page={page}" if page > 1 else url


def _thread_or_404(request: HttpRequest, thread_id: int) -> Thread:
    try:
        return selectors.get_thread(viewer=request.user, thread_id=thread_id)
    except Thread.DoesNotExist as exc:
        raise Http404("No such thread.") from exc


def _list_context(request: HttpRequest, category: str = "") -> dict[str, Any]:
    list_filter = request.GET.get("filter", "")
    if list_filter not in selectors.ListFilter.values:
        list_filter = ""
    topic = text_param(request.GET, "topic", max_length=50)
    page = selectors.list_threads(
        viewer=request.user,
        filters=selectors.ThreadFilters(category=category, topic=topic, list_filter=list_filter),
        position=decode_cursor(request.GET.get("cursor")),  # a tampered cursor: page 1
    )
    topic_name = selectors.topic_name(slug=topic) if topic else ""
    return {"page": page, "list_filter": list_filter, "topic": topic, "topic_name": topic_name}


@require_GET
def latest(request: HttpRequest) -> HttpResponse:
    context = _list_context(request)
    context["categories"] = list(selectors.list_categories(viewer=request.user))
    return render(request, "community/thread_list.html", context)


@require_GET
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        category = selectors.get_category(viewer=request.user, slug=slug)
    except ObjectDoesNotExist as exc:
        raise Http404("No such category.") from exc
    context = _list_context(request, category=category.slug)
    context["category"] = category
    context["categories"] = list(selectors.list_categories(viewer=request.user))
    context["is_watching"] = isinstance(request.user, User) and selectors.is_watching_category(
        member=request.user, category=category
    )
    return render(request, "community/thread_list.html", context)


@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    categories = list(selectors.list_categories(viewer=request.user))
    # Every thread of a category the viewer may open is visible: the kept count is exact.
    rows = [(category, category.thread_count) for category in categories]
    return render(request, "community/category_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def thread_create(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    categories = selectors.list_categories(viewer=member)
    form = ThreadForm(
        request.POST or None,
        categories=categories,
        initial={
            "category": categories.filter(slug=request.GET.get("category", "")).first(),
            "kind": request.GET.get("kind", Thread.Kind.DISCUSSION),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
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
            messages.success(request, "Your thread is up.")
            return redirect(thread_url(thread) + f"?posted={NEW_THREAD_DRAFT}")
    return render(
        request,
        "community/thread_form.html",
        {"form": form, "draft_key": NEW_THREAD_DRAFT, "can_post": policies.can_post(member)},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def thread_detail(request: HttpRequest, thread_id: int, slug: str = "") -> HttpResponse:
    thread = _thread_or_404(request, thread_id)
    expected = slugify(thread.title) or "thread"
    if slug != expected:
        # Titles can change: a temporary redirect that keeps ?page=…
        query = request.GET.urlencode()
        return redirect(thread.get_absolute_url() + (f"?{query}" if query else ""))
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    page = selectors.get_thread_page(viewer=request.user, thread=thread, page=page_number)
    engagement.record_view(thread_id=thread.pk)
    if isinstance(request.user, User) and page.posts:
        engagement.mark_read(
            member=request.user,
            thread_id=thread.pk,
            number=page.posts[-1].number,
            known=page.last_read_number,
        )
    viewer = request.user
    context = {
        "thread": thread,
        "page": page,
        "reply_form": ReplyForm(),
        "draft_key": _reply_draft_key(thread),
        "clear_draft": request.GET.get("posted", ""),
        "can_reply": isinstance(viewer, User) and policies.can_reply(viewer, thread),
        "can_post": policies.can_post(viewer),
        "can_accept": policies.can_accept_answer(viewer, thread),
        "is_moderator": policies.is_moderator(viewer),
        "reaction_kinds": Reaction.Kind.choices,
        "thread_url": thread_url(thread),
        "solution_url": thread.solution.get_absolute_url() if thread.solution else "",
    }
    return render(request, "community/thread_detail.html", context)


@login_required
@require_GET
def thread_unread(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Jump to the first post the member has not read yet."""
    thread = _thread_or_404(request, thread_id)
    number = selectors.first_unread_number(member=_member(request), thread=thread)
    return redirect(thread_url(thread, page=page_of_post(number), post_number=number))


@login_required
@require_http_methods(["GET", "POST"])
def thread_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    """POST a reply. GET (optionally ?quote=<post id>) shows the reply form on its own."""
    member = _member(request)
    thread = _thread_or_404(request, thread_id)
    initial = {}
    quote = request.GET.get("quote", "")
    if request.method == "GET" and quote.isascii() and quote.isdigit():
        quoted = selectors.get_quotable_post(thread=thread, post_id=int(quote))
        if quoted is not None:
            handle = quoted.author.handle if quoted.author else "former_member"
            initial["body"] = quote_markdown(quoted.source, author_handle=handle)
    form = ReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            post = posting.reply(author=member, thread_id=thread.pk, body=form.cleaned_data["body"])
        except DomainError as error:
            form.add_error("body" if error.field in (None, "body") else None, error.message)
        else:
            url = thread_url(thread, page=page_of_post(post.number))
            separator = "&" if "?" in url else "?"
            return redirect(f"{url}{separator}posted={_reply_draft_key(thread)}#post-{post.number}")
    return render(
        request,
        "community/reply_form.html",
        {
            "thread": thread,
            "form": form,
            "draft_key": _reply_draft_key(thread),
            "thread_url": thread_url(thread),
        },
        status=400 if request.method == "POST" else 200,
    )


def _post_or_404(request: HttpRequest, post_id: int) -> Post:
    try:
        return selectors.get_post(viewer=request.user, post_id=post_id)
    except Post.DoesNotExist as exc:
        raise Http404("No such post.") from exc


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    member = _member(request)
    post = _post_or_404(request, post_id)
    if not policies.can_edit_post(member, post):
        raise Http404("No such post.")
    form = PostEditForm(request.POST or None, initial={"body": post.source})
    if request.method == "POST" and form.is_valid():
        try:
            posting.edit_post(editor=member, post_id=post.pk, body=form.cleaned_data["body"])
        except DomainError as error:
            form.add_error("body", error.message)
        else:
            messages.success(request, "Your edit is saved.")
            url = thread_url(post.thread, page=page_of_post(post.number))
            separator = "&" if "?" in url else "?"
            return redirect(f"{url}{separator}posted=edit-{post.pk}#post-{post.number}")
    return render(
        request,
        "community/post_edit.html",
        {
            "post": post,
            "form": form,
            "draft_key": f"edit-{post.pk}",
            "thread_url": thread_url(post.thread),
        },
    )


@login_required
@require_POST
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request, post_id)
    try:
        posting.delete_post(actor=_member(request), post_id=post.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The post is deleted.")
    return redirect(
        thread_url(post.thread, page=page_of_post(post.number), post_number=post.number)
    )


@require_GET
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_or_404(request, post_id)
    if not policies.can_see_history(request.user, post):
        raise Http404("No such post.")
    revisions = list(selectors.list_post_revisions(post=post))
    return render(
        request,
        "community/post_history.html",
        {"post": post, "revisions": revisions, "thread_url": thread_url(post.thread)},
    )


@login_required
@require_POST
def post_react(request: HttpRequest, post_id: int) -> HttpResponse:
    """Toggle a reaction (kind=like|thanks|…)."""
    member = _member(request)
    post = _post_or_404(request, post_id)
    kind = request.POST.get("kind", "")
    try:
        if request.POST.get("action") == "remove":
            engagement.remove_reaction(member=member, post_id=post.pk, kind=kind)
        else:
            engagement.add_reaction(member=member, post_id=post.pk, kind=kind)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(
        thread_url(post.thread, page=page_of_post(post.number), post_number=post.number)
    )


@login_required
@require_POST
def thread_accept(request: HttpRequest, thread_id: int) -> HttpResponse:
    member = _member(request)
    thread = _thread_or_404(request, thread_id)
    try:
        if request.POST.get("action") == "unaccept":
            posting.unaccept_answer(actor=member, thread_id=thread.pk)
        else:
            post_id = int(request.POST.get("post", "0") or 0)
            posting.accept_answer(actor=member, thread_id=thread.pk, post_id=post_id)
            messages.success(request, "Marked as the accepted answer.")
    except (DomainError, ValueError) as error:
        messages.error(request, getattr(error, "message", "Choose a reply to accept."))
    return redirect(thread_url(thread))


@login_required
@require_POST
def thread_watch(request: HttpRequest, thread_id: int) -> HttpResponse:
    member = _member(request)
    thread = _thread_or_404(request, thread_id)
    if request.POST.get("action") == "unwatch":
        engagement.unwatch_thread(member=member, thread_id=thread.pk)
        messages.info(request, "You stopped watching this thread.")
    else:
        engagement.watch_thread(member=member, thread_id=thread.pk)
        messages.success(request, "You're watching this thread: you'll hear of new replies.")
    return redirect(thread_url(thread))


@login_required
@require_POST
def category_watch(request: HttpRequest, slug: str) -> HttpResponse:
    member = _member(request)
    try:
        category = selectors.get_category(viewer=member, slug=slug)
    except ObjectDoesNotExist as exc:
        raise Http404("No such category.") from exc
    if request.POST.get("action") == "unwatch":
        engagement.unwatch_category(member=member, category_id=category.pk)
        messages.info(request, f"You stopped watching {category.name}.")
    else:
        engagement.watch_category(member=member, category_id=category.pk)
        messages.success(request, f"You're watching {category.name}.")
    return redirect("community:category", slug=category.slug)


@login_required
@require_POST
def thread_moderate(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _thread_or_404(request, thread_id)
    flag = request.POST.get("flag", "")
    value = request.POST.get("value") == "on"
    if flag not in ("is_pinned", "is_pinned_globally", "is_locked"):
        messages.error(request, "Unknown action.")
        return redirect(thread_url(thread))
    try:
        posting.set_thread_state(moderator=_member(request), thread_id=thread.pk, **{flag: value})
    except DomainError as error:
        raise Http404(error.message) from error
    messages.success(request, "Thread updated.")
    return redirect(thread_url(thread))


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: list[tuple[Post, str]] = []
    query = ""
    has_more = False
    page_number = 1
    if form.is_valid():
        data = form.cleaned_data
        query = data["q"]
        filters = search.SearchFilters(
            category=data["category"],
            topic=data["topic"],
            author=data["author"],
            solved={"solved": True, "unsolved": False}.get(data["status"]),
            after=data["after"],
            before=data["before"],
        )
        try:
            page_number = min(max(int(request.GET.get("page", "1")), 1), 20)
        except ValueError:
            page_number = 1
        per_page = 20
        start = (page_number - 1) * per_page
        posts = list(
            search.search_posts(viewer=request.user, query=query, filters=filters)[
                start : start + per_page + 1
            ]
        )
        has_more = len(posts) > per_page
        results = [(post, search.snippet_html(post, query)) for post in posts[:per_page]]
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "community/search.html",
        {
            "form": form,
            "results": results,
            "query": query,
            "has_more": has_more,
            "page_number": page_number,
            "query_string": query_string.urlencode(),
            "categories": list(selectors.list_categories(viewer=request.user)),
            "topics": selectors.list_topics(),
        },
    )


@login_required
@require_GET
def for_you(request: HttpRequest) -> HttpResponse:
    recommendations = selectors.for_you(member=_member(request))
    return render(request, "community/for_you.html", {"recommendations": recommendations})
