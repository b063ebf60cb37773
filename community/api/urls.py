from django.urls import path

from community.api import views

urlpatterns = [
    path("categories/", views.CategoryListApi.as_view(), name="category-list"),
    path("categories/<slug:slug>/watch/", views.CategoryWatchApi.as_view(), name="category-watch"),
    path("threads/", views.ThreadListApi.as_view(), name="thread-list"),
    path("threads/<int:thread_id>/", views.ThreadDetailApi.as_view(), name="thread-detail"),
    path("threads/<int:thread_id>/posts/", views.ThreadPostListApi.as_view(), name="thread-posts"),
    path("threads/<int:thread_id>/accept/", views.ThreadAcceptApi.as_view(), name="thread-accept"),
    path("threads/<int:thread_id>/watch/", views.ThreadWatchApi.as_view(), name="thread-watch"),
    path("threads/<int:thread_id>/read/", views.ThreadMarkReadApi.as_view(), name="thread-read"),
    path(
        "threads/<int:thread_id>/notification-level/",
        views.ThreadLevelApi.as_view(),
        name="thread-level",
    ),
    path(
        "categories/<slug:slug>/notification-level/",
        views.CategoryLevelApi.as_view(),
        name="category-level",
    ),
    path("posts/<int:post_id>/", views.PostDetailApi.as_view(), name="post-detail"),
    path(
        "posts/<int:post_id>/revisions/",
        views.PostRevisionListApi.as_view(),
        name="post-revisions",
    ),
    path(
        "posts/<int:post_id>/reactions/<str:kind>/",
        views.PostReactApi.as_view(),
        name="post-react",
    ),
    path("search/", views.PostSearchApi.as_view(), name="search"),
    path("flags/", views.FlagCreateApi.as_view(), name="flag-create"),
    path("moderation/queue/", views.QueueListApi.as_view(), name="moderation-queue"),
    path(
        "moderation/actions/",
        views.ModerationActionCreateApi.as_view(),
        name="moderation-action-create",
    ),
    path("moderation/audit/", views.AuditLogListApi.as_view(), name="moderation-audit"),
    path("for-you/", views.ForYouListApi.as_view(), name="for-you"),
]
