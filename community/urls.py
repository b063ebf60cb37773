from django.urls import path

from community import composer, views

app_name = "community"

urlpatterns = [
    path("forum/", views.latest, name="latest"),
    path("forum/categories/", views.category_list, name="categories"),
    path("forum/new/", views.thread_create, name="thread-create"),
    path("forum/search/", views.search_view, name="search"),
    path("forum/compose/preview/", composer.preview, name="compose-preview"),
    path("forum/compose/images/", composer.upload_image, name="compose-image"),
    path("forum/compose/mentions/", composer.mention_suggestions, name="compose-mentions"),
    path("forum/compose/similar/", composer.similar_threads, name="compose-similar"),
    path("forum/for-you/", views.for_you, name="for-you"),
    path("c/<slug:slug>/", views.category_detail, name="category"),
    path("c/<slug:slug>/watch/", views.category_watch, name="category-watch"),
    path("t/<int:thread_id>/", views.thread_detail, name="thread-short"),
    path("t/<int:thread_id>/unread/", views.thread_unread, name="thread-unread"),
    path("t/<int:thread_id>/reply/", views.thread_reply, name="reply"),
    path("t/<int:thread_id>/accept/", views.thread_accept, name="accept"),
    path("t/<int:thread_id>/watch/", views.thread_watch, name="thread-watch"),
    path("t/<int:thread_id>/moderate/", views.thread_moderate, name="moderate"),
    path("t/<int:thread_id>/<slug:slug>/", views.thread_detail, name="thread"),
    path("p/<int:post_id>/edit/", views.post_edit, name="post-edit"),
    path("p/<int:post_id>/delete/", views.post_delete, name="post-delete"),
    path("p/<int:post_id>/history/", views.post_history, name="post-history"),
    path("p/<int:post_id>/react/", views.post_react, name="post-react"),
]
