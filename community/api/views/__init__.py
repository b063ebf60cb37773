"""The forum API. Thin: parse, call one selector or service, render.

Access follows community.policies everywhere: what the viewer may not see answers 404
(the selectors and services raise DoesNotExist), never 403. Writes need a signed-in member
(401 otherwise); domain errors become 400/403/409 in config.exceptions.

The views live in submodules by subdomain; community.api.urls reaches them through here.
"""

from community.api.views.categories import CategoryLevelApi, CategoryListApi, CategoryWatchApi
from community.api.views.discovery import ForYouListApi, PostSearchApi
from community.api.views.moderation import (
    AuditLogListApi,
    FlagCreateApi,
    ModerationActionCreateApi,
    QueueListApi,
)
from community.api.views.posts import PostDetailApi, PostReactApi, PostRevisionListApi
from community.api.views.threads import (
    ThreadAcceptApi,
    ThreadDetailApi,
    ThreadLevelApi,
    ThreadListApi,
    ThreadMarkReadApi,
    ThreadPostListApi,
    ThreadWatchApi,
)

__all__ = [
    "AuditLogListApi",
    "CategoryLevelApi",
    "CategoryListApi",
    "CategoryWatchApi",
    "FlagCreateApi",
    "ForYouListApi",
    "ModerationActionCreateApi",
    "PostDetailApi",
    "PostReactApi",
    "PostRevisionListApi",
    "PostSearchApi",
    "QueueListApi",
    "ThreadAcceptApi",
    "ThreadDetailApi",
    "ThreadLevelApi",
    "ThreadListApi",
    "ThreadMarkReadApi",
    "ThreadPostListApi",
    "ThreadWatchApi",
]
