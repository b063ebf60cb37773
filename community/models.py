"""The forum: categories, threads, posts, reactions, watching and read state."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.models import Topic
from members.models import Tier

#: Posts shown per page of a thread. Pages are ranges of post numbers (no OFFSET).
POSTS_PER_PAGE = 20


def page_of_post(number: int) -> int:
    return max((number + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE, 1)


class ThreadKind(models.TextChoices):
    """What a thread is (Thread.Kind): a discussion, or a question that can be solved."""

    DISCUSSION = "discussion", "Discussion"
    QUESTION = "question", "Question"


class Category(models.Model):
    """A place for threads, with an access level decided by community.policies."""

    class Access(models.TextChoices):
        PUBLIC = "public", "Everyone, including visitors"
        MEMBERS = "members", "Signed-in members"
        TIER = "tier", "Members of a minimum tier"

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True)
    colour = models.CharField(
        max_length=7, default="#b45309", help_text="A hex colour such as #b45309."
    )
    position = models.PositiveSmallIntegerField(default=0)
    access = models.CharField(max_length=8, choices=Access.choices, default=Access.PUBLIC)
    minimum_tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="categories"
    )
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    default_kind = models.CharField(
        max_length=10,
        choices=ThreadKind.choices,
        default=ThreadKind.DISCUSSION,
        help_text="The kind a new thread here starts as (a help category: Question).",
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=~Q(access="tier") | Q(minimum_tier__isnull=False),
                name="category_tier_access_names_a_tier",
                violation_error_message="A tier-only category needs its minimum tier.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:category", args=[self.slug])


class Thread(models.Model):
    Kind = ThreadKind

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DISCUSSION)
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="threads",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="threads")
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What everyone sees counted: the published posts (the opening post included; a held
    # post counts from its approval, once). Hidden or deleted posts keep their place.
    post_count = models.PositiveIntegerField(default=0, help_text="Including the opening post.")
    # The highest number of a counted post: how far everyone pages and reads (unread marks).
    last_published_number = models.PositiveIntegerField(default=0)
    # The highest number given to any post, held ones included: the next reply follows it,
    # and the thread's moderators page that far.
    last_number = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    is_pinned = models.BooleanField(default=False, help_text="Pinned at the top of its category.")
    is_pinned_globally = models.BooleanField(default=False, help_text="Pinned on Latest too.")
    is_locked = models.BooleanField(default=False)
    # A thread whose opening post is held for review: seen only by its author and the
    # moderators of its category until a moderator approves it.
    is_held = models.BooleanField(default=False)
    solution = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    solved_at = models.DateTimeField(
        null=True, blank=True, help_text="When the answer was accepted."
    )
    # A thread merged into another is kept as a tombstone (hidden everywhere, its address
    # redirecting to the target) so staff can undo the merge.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["-last_activity_at", "-id"], name="thread_latest"),
            models.Index(
                fields=["category", "-last_activity_at", "-id"], name="thread_category_latest"
            ),
            models.Index(fields=["author", "-created_at"], name="thread_author_recent"),
            # Pinned threads lead page 1: small partial indexes find them without a scan.
            models.Index(
                fields=["-last_activity_at"],
                condition=Q(is_pinned_globally=True),
                name="thread_pinned_globally",
            ),
            models.Index(
                fields=["category", "-last_activity_at"],
                condition=Q(is_pinned=True),
                name="thread_pinned_in_category",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:thread", args=[self.pk, slugify(self.title) or "thread"])

    def url_for_post(self, number: int) -> str:
        """The page of this thread that shows post `number`, scrolled to it."""
        page = page_of_post(number)
        query = f"?page={page}" if page > 1 else ""
        return f"{self.get_absolute_url()}{query}#post-{number}"

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION

    @property
    def is_solved(self) -> bool:
        return self.solution_id is not None


class Post(models.Model):
    """One message in a thread. Number 1 is the opening post.

    The source is kept as written; `html` is rendered once, at save time, through
    core.markdown. Reaction counts are kept on the row (F() updates), never counted.
    """

    # Indexed by the unique (thread, number) constraint; a separate FK index misleads
    # PostgreSQL into scanning a whole thread for one page.
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", db_index=False
    )

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        HELD = "held", "Held for review"
        HIDDEN = "hidden", "Hidden"

    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    source = models.TextField()
    html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Held (spam signals, new members) or hidden (flags, a moderator): seen only by its author
    # and the moderators of its category until a moderator approves it.
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PUBLISHED)
    status_reason = models.CharField(max_length=300, blank=True)
    # When the post first counted for everyone (written published, or a held post approved);
    # None while it never has. Approval applies a post's effects only while this is None,
    # so they happen once whatever is approved twice, hidden first or raced.
    published_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    like_count = models.PositiveIntegerField(default=0)
    thanks_count = models.PositiveIntegerField(default=0)
    insightful_count = models.PositiveIntegerField(default=0)
    laugh_count = models.PositiveIntegerField(default=0)
    # PostgreSQL full-text search: title (weight A, opening post only) + body (weight B).
    # Filled by community.search; a GIN index is created on PostgreSQL only (migration 0002).
    search_vector = SearchVectorField(null=True, editable=False)
    # A post moved by a merge remembers its thread and number there, so staff can undo it.
    merged_from = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_number = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="post_number_in_thread"),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="post_author_recent"),
            # The review queue: the few posts that are not published.
            models.Index(
                fields=["status", "created_at"],
                condition=~Q(status="published"),
                name="post_awaiting_review",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        """Needs the thread loaded (select_related) to build its title's slug."""
        return self.thread.url_for_post(self.number)


class PostRevision(models.Model):
    """A prior version of a post, kept when it is edited."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    source = models.TextField()
    html = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"revision of {self.post_id}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", "Like"
        THANKS = "thanks", "Thanks"
        INSIGHTFUL = "insightful", "Insightful"
        LAUGH = "laugh", "Funny"

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="reactions", db_index=False
    )  # indexed by the unique (post, member, kind) constraint
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member", "kind"], name="reaction_once_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.post_id}"


class Mention(models.Model):
    """A member @mentioned in a post: who must be told (the notifications capability)."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="mentions", db_index=False
    )  # indexed by the unique (post, member) constraint
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="mention_once_per_post"),
        ]

    def __str__(self) -> str:
        return f"@{self.member_id} in {self.post_id}"


class Subscription(models.Model):
    """A member's notification level for a thread or a whole category, as Discourse has them.

    Watching: told of every new post (a category: every new thread and post). Tracking:
    unread counts; told only of mentions, quotes and answers. Normal (no row, or a row that
    overrides a watched category): the same. Muted: told of nothing, and a muted category's
    threads leave the member's Latest, For you and digest. A thread's level wins over its
    category's.
    """

    class Level(models.TextChoices):
        WATCHING = "watching", "Watching"
        TRACKING = "tracking", "Tracking"
        NORMAL = "normal", "Normal"
        MUTED = "muted", "Muted"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.WATCHING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Fan-out: the watchers of a thread or category, in member id order.
            models.Index(fields=["thread", "level", "member"], name="subscription_thread_level"),
            models.Index(
                fields=["category", "level", "member"], name="subscription_category_level"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=False, category__isnull=True)
                | Q(thread__isnull=True, category__isnull=False),
                name="subscription_thread_xor_category",
            ),
            models.UniqueConstraint(
                fields=["member", "thread"],
                condition=Q(thread__isnull=False),
                name="subscription_once_per_thread",
            ),
            models.UniqueConstraint(
                fields=["member", "category"],
                condition=Q(category__isnull=False),
                name="subscription_once_per_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.level} {self.thread_id or self.category_id}"


class ReadState(models.Model):
    """How far a member has read a thread (the highest post number seen)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="read_states",
        db_index=False,  # indexed by the unique (member, thread) constraint
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "thread"], name="read_state_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} read {self.thread_id} to {self.last_read_number}"


class CategoryModerator(models.Model):
    """A member who moderates one category (forum-wide moderators are members.User's role).

    Written only by community.services.moderation (appoint/remove), which keeps the
    member's `moderates_categories` flag in step.
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="moderators")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderated_categories",
        db_index=False,  # indexed by the unique (member, category) constraint
    )
    appointed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "category"], name="category_moderator_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} moderates {self.category_id}"


class ModerationAction(models.Model):
    """The audit log: one row per moderator or staff action (who, what, on what, why,
    when; before and after where content changed). Append-only; written by the moderation
    services in the same transaction as the change it records."""

    class Action(models.TextChoices):
        APPOINT_MODERATOR = "appoint_moderator", "Appointed a moderator"
        REMOVE_MODERATOR = "remove_moderator", "Removed a moderator"
        PIN = "pin", "Pinned"
        UNPIN = "unpin", "Unpinned"
        PIN_GLOBALLY = "pin_globally", "Pinned on Latest"
        UNPIN_GLOBALLY = "unpin_globally", "Unpinned from Latest"
        LOCK = "lock", "Locked"
        UNLOCK = "unlock", "Unlocked"
        EDIT_POST = "edit_post", "Edited a post"
        EDIT_THREAD = "edit_thread", "Edited a thread"
        DELETE_POST = "delete_post", "Deleted a post"
        RESTORE_POST = "restore_post", "Restored a post"
        HIDE_POST = "hide_post", "Hid a post"
        APPROVE_POST = "approve_post", "Approved a post"
        DISMISS_FLAGS = "dismiss_flags", "Dismissed flags"
        MOVE_THREAD = "move_thread", "Moved a thread"
        MERGE_THREADS = "merge_threads", "Merged threads"
        UNMERGE_THREADS = "unmerge_threads", "Undid a merge"
        WARN = "warn", "Warned a member"
        SUSPEND = "suspend", "Suspended a member"
        UNSUSPEND = "unsuspend", "Lifted a suspension"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_history",
        help_text="The member acted on, or the author of the content acted on.",
    )
    target = models.CharField(max_length=200, help_text="What was acted on, as it read then.")
    reason = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="moderation_action_recent"),
            models.Index(fields=["member", "-created_at"], name="moderation_action_member"),
            models.Index(fields=["actor", "-created_at"], name="moderation_action_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id} on {self.target}"


class Flag(models.Model):
    """A member's report of a post, a thread or a profile: once per item per member (the
    database decides). Open until a moderator resolves it; the flagger is told the outcome."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        OFF_TOPIC = "off_topic", "Off-topic"
        ABUSIVE = "abusive", "Abusive or harassing"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Acted on"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_raised"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flags_received",
        help_text="A flagged profile.",
    )
    reason = models.CharField(max_length=9, choices=Reason.choices)
    text = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, thread__isnull=True, member__isnull=True)
                | Q(post__isnull=True, thread__isnull=False, member__isnull=True)
                | Q(post__isnull=True, thread__isnull=True, member__isnull=False),
                name="flag_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "post"],
                condition=Q(post__isnull=False),
                name="flag_once_per_post",
            ),
            models.UniqueConstraint(
                fields=["reporter", "thread"],
                condition=Q(thread__isnull=False),
                name="flag_once_per_thread",
            ),
            models.UniqueConstraint(
                fields=["reporter", "member"],
                condition=Q(member__isnull=False),
                name="flag_once_per_profile",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(text=""),
                name="flag_other_has_text",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status="open"),
                name="flag_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} flag by {self.reporter_id}"


class BlockedDomain(models.Model):
    """A domain staff keep out: a post linking to it (or a subdomain) is held for review."""

    domain = models.CharField(max_length=253, unique=True, help_text="e.g. spam.example")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args: object, **kwargs: object) -> None:
        self.domain = self.domain.strip().lower().removeprefix("www.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # passed through unchanged


class UploadedImage(models.Model):
    """An image a member put into a post: checked and re-encoded without metadata
    (core.images), stored under MEDIA_ROOT and embedded by its own URL, the only kind of
    image a post may show (core.markdown.images). It outlives its owner's account, as their
    posts do."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="uploaded_images",
    )
    file = models.FileField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    byte_size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The hourly upload limit counts a member's recent images.
            models.Index(fields=["owner", "-created_at"], name="uploaded_image_recent"),
        ]

    def __str__(self) -> str:
        return str(self.file.name)
