from django.urls import path

from events.views import actions, browse, hosting, proposals, staff

app_name = "events"

urlpatterns = [
    path("events/", browse.event_list, name="list"),
    path("events/past/", browse.past_events, name="past"),
    path("events/mine/", browse.my_events, name="mine"),
    path("events/new/", staff.event_create, name="create"),
    path("events/calendar/feed/", actions.feed_create, name="feed-create"),
    path("events/calendar/feed/revoke/", actions.feed_revoke, name="feed-revoke"),
    path("events/calendar/<str:token>.ics", browse.calendar_feed, name="feed"),
    path("events/proposals/", proposals.proposal_list, name="proposals"),
    path("events/proposals/new/", proposals.propose, name="propose"),
    path("events/proposals/<int:proposal_id>/", proposals.proposal_detail, name="proposal"),
    path("events/proposals/<int:proposal_id>/pledge/", proposals.pledge, name="pledge"),
    path(
        "events/proposals/<int:proposal_id>/schedule/",
        proposals.schedule,
        name="proposal-schedule",
    ),
    path(
        "events/proposals/<int:proposal_id>/decline/",
        proposals.decline,
        name="proposal-decline",
    ),
    path("events/<int:event_id>.ics", browse.event_calendar, name="ics"),
    path("events/<int:event_id>/", browse.event_detail, name="detail-short"),
    path("events/<int:event_id>/edit/", staff.event_edit, name="edit"),
    path("events/<int:event_id>/publish/", staff.event_publish, name="publish"),
    path("events/<int:event_id>/cancel-event/", staff.event_cancel, name="cancel-event"),
    path("events/<int:event_id>/cover/", staff.event_cover, name="cover"),
    path("events/<int:event_id>/register/", actions.register, name="register"),
    path("events/<int:event_id>/cancel/", actions.cancel, name="cancel"),
    path("events/<int:event_id>/claim/", actions.claim, name="claim"),
    path("events/<int:event_id>/decline/", actions.decline, name="decline"),
    path("events/<int:event_id>/check-in/", actions.check_in, name="check-in"),
    path("events/<int:event_id>/rate/", actions.rate, name="rate"),
    path("events/<int:event_id>/questions/", actions.ask, name="ask"),
    path("events/<int:event_id>/questions/live/", browse.questions_live, name="questions-live"),
    path("events/<int:event_id>/questions/<int:question_id>/vote/", actions.vote, name="vote"),
    path(
        "events/<int:event_id>/questions/<int:question_id>/host/",
        hosting.question_action,
        name="question-action",
    ),
    path("events/<int:event_id>/host/", hosting.host_dashboard, name="host"),
    path(
        "events/<int:event_id>/host/attendance/<int:registration_id>/",
        hosting.set_attendance,
        name="attendance",
    ),
    path("events/<int:event_id>/host/recording/", hosting.share_recording, name="recording"),
    path("events/<int:event_id>/host/recap/", hosting.post_recap, name="recap"),
    path("events/<int:event_id>/<slug:slug>/", browse.event_detail, name="detail"),
]
