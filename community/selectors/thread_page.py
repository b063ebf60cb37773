"""One thread and its posts: the thread screen (page and API), single posts, revisions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Q, QuerySet, When

from community import policies
from community.models import POSTS_PER_PAGE, Post, Reaction, ReadState, Subscription, Thread
from community.selectors.threads import _topics_prefetch
from members.loyalty.marks import BadgeMark, notable_badges
from members.models import User
from members.policies import Viewer, is_member, is_suspended, suspension_notice
from members.rewards.selectors import (
    RewardChoice,
    ThankYou,
    default_points,
    reward_badges,
    thank_yous_for,
)


def get_thread(*, viewer: Viewer, thread_id: int) -> Thread:
    """The thread with what its header shows loaded. Raises Thread.DoesNotExist for a thread
    the viewer may not see (a 404)."""
    return (
        policies.visible_threads(viewer)
        .select_related(
            "category", "category__minimum_tier", "author", "solution", "solution__author"
        )
        .prefetch_related(_topics_prefetch())
        .get(pk=thread_id)
    )


def merged_thread_url(*, viewer: Viewer, thread_id: int) -> str | None:
    """Where a thread merged into another now lives (following later merges), when the
    viewer may see it there; None for any other missing or invisible thread."""
    seen: set[int] = set()
    current = Thread.objects.filter(pk=thread_id).values_list("merged_into_id", flat=True).first()
    while current is not None and current not in seen:
        seen.add(current)
        target = policies.visible_threads(viewer).filter(pk=current).first()
        if target is not None:
            return target.get_absolute_url()
        current = Thread.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
    return None


def page_count(thread: Thread, *, reach: int | None = None) -> int:
    """How many pages of POSTS_PER_PAGE the thread has (at least one): as far as its last
    published post, or to post number `reach` for a viewer who sees further (held posts)."""
    last = thread.last_published_number if reach is None else reach
    return max(math.ceil(last / POSTS_PER_PAGE), 1)


def _reach(thread: Thread, *, can_moderate: bool, last_read_number: int | None) -> int:
    """The highest post number this viewer may page to: its moderators every held post;
    a held post's author their own (posting read the thread to it); others the last
    published post, so a held reply adds no page (no query: all on rows already loaded)."""
    if can_moderate:
        return thread.last_number
    return min(max(thread.last_published_number, last_read_number or 0), thread.last_number)


@dataclass(frozen=True)
class ReactionCount:
    """One reaction kind under a post: its count and whether the viewer gave it."""

    kind: str
    label: str
    count: int
    is_given: bool


def reaction_counts(post: Post, given: list[str]) -> list[ReactionCount]:
    """Every reaction kind of `post` in display order, with the counts kept on the row."""
    return [
        ReactionCount(
            kind=kind,
            label=label,
            count=getattr(post, f"{kind}_count"),
            is_given=kind in given,
        )
        for kind, label in Reaction.Kind.choices
    ]


@dataclass(frozen=True)
class PostRow:
    """One post as the thread screen shows it, with what the viewer may do to it."""

    post: Post
    my_reactions: list[str]
    reactions: list[ReactionCount]
    can_react: bool
    is_solution: bool
    is_by_thread_author: bool
    is_first_unread: bool
    can_edit: bool
    can_delete: bool
    can_see_history: bool
    can_quote: bool
    can_accept: bool
    can_flag: bool = False
    can_restore: bool = False
    can_review: bool = False
    #: The author's most notable badges, shown beside their name (in the post cache's key).
    badges: tuple[BadgeMark, ...] = ()
    #: Moderators' public thank-yous under the post (in the post cache's key).
    thank_yous: tuple[ThankYou, ...] = ()
    #: A moderator of the post's category may reward its author; the manual badges their
    #: form offers.
    can_reward: bool = False
    reward_badges: tuple[RewardChoice, ...] = ()
    reward_points: int = 0

    @property
    def is_awaiting_review(self) -> bool:
        """Held or hidden: shown only to its author and moderators, marked as such."""
        return self.post.status != Post.Status.PUBLISHED


@dataclass(frozen=True)
class ThreadPermissions:
    """What the viewer may do on the thread screen, decided once by community.policies."""

    can_reply: bool
    can_post: bool
    can_accept: bool
    can_moderate: bool
    can_watch: bool
    can_edit: bool
    reply_state: str = "sign_in"
    can_pin_globally: bool = False
    can_flag: bool = False
    suspension_notice: str = ""


class AnswerSort:
    """How a question's answers are ordered: by time (post number) or by likes."""

    TIME = ""
    LIKES = "likes"
    values = (TIME, LIKES)


@dataclass(frozen=True)
class ThreadScreen:
    """Everything the thread page and its API twins show, permissions included.

    `rows` is one page of posts (empty when the caller asked for the thread alone).
    `sort` is how a question's answers are ordered ("" by time, "likes"); `can_sort` when
    there is a choice (a question with answers). `shows_solution_card` when the accepted
    answer's summary goes under the question on this page: not when the answer itself is
    the very next post (it would show twice in a row; the post is marked instead).
    """

    thread: Thread
    rows: list[PostRow]
    number: int
    page_count: int
    level: str
    level_is_inherited: bool
    last_read_number: int | None
    permissions: ThreadPermissions
    url: str
    solution_url: str
    sort: str = AnswerSort.TIME
    can_sort: bool = False
    shows_solution_card: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.page_count

    @property
    def is_watching(self) -> bool:
        return self.level == Subscription.Level.WATCHING

    @property
    def levels(self) -> list[tuple[str, str]]:
        """The notification levels a member can choose, in menu order."""
        return list(Subscription.Level.choices)

    @property
    def posts(self) -> list[Post]:
        return [row.post for row in self.rows]

    @property
    def reactions(self) -> dict[int, list[str]]:
        """post id -> the reaction kinds the viewer gave it (for the API serializer)."""
        return {row.post.pk: row.my_reactions for row in self.rows}

    @property
    def last_number_shown(self) -> int | None:
        """How far reading this page takes the member: its highest post number in time
        order; sorted by likes, the last post once every answer is on the one page (else
        the marker stays, as the posts read are not a run)."""
        if not self.rows:
            return None
        if self.sort == AnswerSort.LIKES:
            return self.thread.last_published_number if self.page_count == 1 else None
        return self.rows[-1].post.number


def get_thread_screen(
    *,
    viewer: Viewer,
    thread_id: int,
    page: int | None,
    sort: str = AnswerSort.TIME,
    with_badges: bool = True,
) -> ThreadScreen:
    """The thread screen: the thread, page `page` of its posts (None: no posts, for the API's
    thread detail) with each post's permissions, the reader's state and the thread's
    permissions. A page beyond the last shows the last. Raises Thread.DoesNotExist (a 404).
    A question's answers can be sorted by likes (`sort`="likes": the question first on
    page 1, then the answers most liked first; a discussion ignores it). `with_badges`
    loads each author's most notable badges onto the rows (the page shows them beside
    names; the API's post list does not carry them).

    Costs a fixed number of queries whatever the thread's length: thread, topics, posts,
    the authors' badges, the posts' thank-yous, for a moderator of the thread's category
    (forum-wide or theirs) the badges they may give,
    and for a member read state, watching and reactions (posts are
    read by number range, never by OFFSET).
    """
    thread = get_thread(viewer=viewer, thread_id=thread_id)
    state = get_reader_state(viewer=viewer, thread=thread)
    can_moderate = policies.can_moderate(viewer, thread.category_id)
    pages = page_count(
        thread,
        reach=_reach(thread, can_moderate=can_moderate, last_read_number=state.last_read_number),
    )
    permissions = ThreadPermissions(
        can_reply=is_member(viewer) and policies.can_reply(viewer, thread),
        can_post=policies.can_post(viewer),
        can_accept=policies.can_accept_answer(viewer, thread),
        can_moderate=can_moderate,
        can_watch=is_member(viewer),
        can_edit=policies.can_edit_thread(viewer, thread),
        reply_state=_reply_state(viewer, thread, can_moderate=can_moderate),
        can_pin_globally=policies.can_moderate_everywhere(viewer),
        can_flag=is_member(viewer) and thread.author_id != viewer.pk,
        suspension_notice=suspension_notice(viewer),
    )
    number = min(max(page or 1, 1), pages)
    can_sort = thread.is_question and thread.post_count > 1
    sort = sort if can_sort and sort in AnswerSort.values else AnswerSort.TIME
    rows: list[PostRow] = []
    if page is not None:
        posts = (
            _page_of_answers_by_likes(thread, number)
            if sort == AnswerSort.LIKES
            else _page_of_posts(thread, number)
        )
        reacted = reactions_given(viewer=viewer, post_ids=[p.pk for p in posts])
        marks = (
            notable_badges(p.author_id for p in posts if p.author_id is not None)
            if with_badges
            else {}
        )
        thanks = thank_yous_for(p.pk for p in posts) if with_badges else {}
        # the moderators of the thread's category reward its posts' authors (the same rule
        # as the reward service's, decided once for the page)
        rewarding = with_badges and can_moderate
        choices = reward_badges(viewer) if rewarding else ()
        can_quote = permissions.can_reply and permissions.can_post
        first_unread = (state.last_read_number or 0) + 1 if state.last_read_number else None
        flaggable = is_member(viewer)
        for post in posts:
            post.thread = thread  # the loaded thread: policies read it without a query
            if not policies.can_see_post(viewer, post):
                continue  # held or hidden: its author and moderators only
            rows.append(
                PostRow(
                    post=post,
                    my_reactions=reacted.get(post.pk, []),
                    reactions=reaction_counts(post, reacted.get(post.pk, [])),
                    can_react=is_member(viewer) and viewer.pk != post.author_id,
                    is_solution=post.pk == thread.solution_id,
                    is_by_thread_author=bool(
                        post.number > 1 and post.author_id and post.author_id == thread.author_id
                    ),
                    is_first_unread=post.number > 1 and post.number == first_unread,
                    can_edit=policies.can_edit_post(viewer, post),
                    can_delete=policies.can_delete_post(viewer, post),
                    can_see_history=policies.can_see_history(viewer, post),
                    can_quote=can_quote and not post.is_deleted,
                    can_accept=permissions.can_accept and post.number > 1 and not post.is_deleted,
                    can_flag=flaggable and post.author_id != viewer.pk and not post.is_deleted,
                    can_restore=can_moderate and post.is_deleted,
                    can_review=can_moderate and post.status != Post.Status.PUBLISHED,
                    badges=marks.get(post.author_id, ()) if post.author_id else (),
                    thank_yous=thanks.get(post.pk, ()),
                    can_reward=rewarding
                    and post.author_id is not None
                    and post.author_id != viewer.pk
                    and not post.is_deleted,
                    reward_badges=choices if rewarding else (),
                    reward_points=default_points() if rewarding else 0,
                )
            )
    return ThreadScreen(
        thread=thread,
        rows=rows,
        number=number,
        page_count=pages,
        level=state.level,
        level_is_inherited=state.level_is_inherited,
        last_read_number=state.last_read_number,
        permissions=permissions,
        url=thread.get_absolute_url(),
        solution_url=thread.solution.get_absolute_url() if thread.solution else "",
        sort=sort,
        can_sort=can_sort,
        shows_solution_card=_shows_solution_card(thread, rows),
    )


def _shows_solution_card(thread: Thread, rows: list[PostRow]) -> bool:
    """The summary goes under the question unless the answer follows it right away."""
    if not (thread.is_question and thread.solution_id):
        return False
    numbers = [row.post.number for row in rows]
    if 1 not in numbers:
        return False
    after = numbers.index(1) + 1
    return after >= len(rows) or not rows[after].is_solution


def _reply_state(viewer: Viewer, thread: Thread, *, can_moderate: bool) -> str:
    """What the reply box shows: "sign_in" (visitors), "verify" (an account whose email is
    not confirmed), "locked", or "open"."""
    if not isinstance(viewer, User) or not viewer.is_active:
        return "sign_in"
    if is_suspended(viewer):
        return "suspended"
    if not policies.can_post(viewer):
        return "verify"
    if thread.is_locked and not can_moderate:
        return "locked"
    return "open"


def _page_of_posts(thread: Thread, number: int) -> list[Post]:
    first = (number - 1) * POSTS_PER_PAGE + 1
    return list(
        Post.objects.filter(thread=thread, number__gte=first, number__lt=first + POSTS_PER_PAGE)
        .select_related("author", "author__tier")
        .defer("search_vector")
        .order_by("number")[:POSTS_PER_PAGE]  # the LIMIT steers the planner to the index
    )


def _page_of_answers_by_likes(thread: Thread, number: int) -> list[Post]:
    """Page `number` of a question sorted by likes: the question first, then the answers
    most liked first (ties: oldest first), POSTS_PER_PAGE a page like the time order. Paged
    by OFFSET: the answers to one question are few, unlike a long discussion's posts."""
    first = (number - 1) * POSTS_PER_PAGE
    return list(
        Post.objects.filter(thread=thread)
        .select_related("author", "author__tier")
        .defer("search_vector")
        .order_by(Case(When(number=1, then=0), default=1), "-like_count", "number")[
            first : first + POSTS_PER_PAGE
        ]
    )


@dataclass(frozen=True)
class ReaderState:
    """How far the member read a thread and their notification level for it."""

    last_read_number: int | None = None
    level: str = Subscription.Level.NORMAL
    level_is_inherited: bool = False

    @property
    def is_watching(self) -> bool:
        return self.level == Subscription.Level.WATCHING


def get_reader_state(*, viewer: Viewer, thread: Thread) -> ReaderState:
    """How far the member read the thread and their notification level for it: the
    thread's own, else its category's, else normal. Nothing for a visitor; two queries for
    a member."""
    if not isinstance(viewer, User) or not is_member(viewer):
        return ReaderState()
    last_read = (
        ReadState.objects.filter(member=viewer, thread=thread)
        .values_list("last_read_number", flat=True)
        .first()
    )
    levels = {
        ("thread" if thread_id else "category"): level
        for thread_id, level in Subscription.objects.filter(
            Q(thread=thread) | Q(category_id=thread.category_id), member=viewer
        ).values_list("thread_id", "level")
    }
    if "thread" in levels:
        return ReaderState(last_read_number=last_read, level=levels["thread"])
    if "category" in levels:
        return ReaderState(
            last_read_number=last_read, level=levels["category"], level_is_inherited=True
        )
    return ReaderState(last_read_number=last_read)


def reactions_given(*, viewer: Viewer, post_ids: list[int]) -> dict[int, list[str]]:
    """post id -> the reaction kinds the member gave it, sorted. One query for a member."""
    if not isinstance(viewer, User) or not is_member(viewer) or not post_ids:
        return {}
    given: dict[int, list[str]] = {}
    rows = Reaction.objects.filter(member=viewer, post_id__in=post_ids).values_list(
        "post_id", "kind"
    )
    for post_id, kind in sorted(rows):
        given.setdefault(post_id, []).append(kind)
    return given


def get_quotable_post(*, thread: Thread, post_id: int) -> Post | None:
    """A live post of `thread` (already checked visible) to quote in a reply."""
    return (
        Post.objects.filter(thread=thread, pk=post_id, is_deleted=False)
        .select_related("author")
        .defer("search_vector")
        .first()
    )


def first_unread_number(*, member: User, thread: Thread) -> int:
    """The number of the first post the member has not read (the last post if all read)."""
    read = (
        ReadState.objects.filter(member=member, thread=thread)
        .values_list("last_read_number", flat=True)
        .first()
    ) or 0
    return max(min(read + 1, thread.last_published_number), 1)


@dataclass(frozen=True)
class PostScreen:
    """One post (the API's post detail), with the viewer's reactions and permissions."""

    post: Post
    my_reactions: list[str]
    can_edit: bool
    can_delete: bool
    can_see_history: bool

    @property
    def reactions(self) -> dict[int, list[str]]:
        return {self.post.pk: self.my_reactions}


def get_post(*, viewer: Viewer, post_id: int) -> Post:
    """A post the viewer may see, with its thread and author. Raises Post.DoesNotExist."""
    return (
        policies.visible_posts(viewer)
        .select_related("thread", "thread__category", "author")
        .get(pk=post_id)
    )


def get_post_screen(*, viewer: Viewer, post_id: int) -> PostScreen:
    """One post as the API shows it. Raises Post.DoesNotExist for an invisible post."""
    post = get_post(viewer=viewer, post_id=post_id)
    return PostScreen(
        post=post,
        my_reactions=reactions_given(viewer=viewer, post_ids=[post.pk]).get(post.pk, []),
        can_edit=policies.can_edit_post(viewer, post),
        can_delete=policies.can_delete_post(viewer, post),
        can_see_history=policies.can_see_history(viewer, post),
    )


@dataclass(frozen=True)
class PostHistoryScreen:
    """A post and its earlier versions, for its author and moderators."""

    post: Post
    revisions: list[Any]
    thread_url: str


def get_post_history_screen(*, viewer: Viewer, post_id: int) -> PostHistoryScreen:
    """The post's revisions, newest first. Raises Post.DoesNotExist when the post is
    invisible or the viewer may not see its history (a 404 either way)."""
    post = get_post(viewer=viewer, post_id=post_id)
    if not policies.can_see_history(viewer, post):
        raise Post.DoesNotExist
    return PostHistoryScreen(
        post=post,
        revisions=list(list_post_revisions(post=post)),
        thread_url=post.thread.get_absolute_url(),
    )


def list_post_revisions(*, post: Post) -> QuerySet[Any]:
    """A post's earlier versions, newest first, with who made each edit."""
    return post.revisions.select_related("edited_by").order_by("-created_at", "-id")
