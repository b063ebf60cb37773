from django.urls import path

from events.api import views

urlpatterns = [
    path("events/", views.EventListApi.as_view(), name="event-list"),
    path("events/mine/", views.MyRegistrationsApi.as_view(), name="event-mine"),
    path("events/<int:event_id>/", views.EventDetailApi.as_view(), name="event-detail"),
    path(
        "events/<int:event_id>/registration/",
        views.EventRegistrationApi.as_view(),
        name="event-registration",
    ),
    path(
        "events/<int:event_id>/offer/claim/",
        views.EventOfferClaimApi.as_view(),
        name="event-offer-claim",
    ),
    path(
        "events/<int:event_id>/offer/decline/",
        views.EventOfferDeclineApi.as_view(),
        name="event-offer-decline",
    ),
    path(
        "events/<int:event_id>/questions/",
        views.QuestionListApi.as_view(),
        name="event-questions",
    ),
    path(
        "events/<int:event_id>/calendar.ics",
        views.EventCalendarApi.as_view(),
        name="event-calendar",
    ),
    path(
        "events/<int:event_id>/attendees/",
        views.AttendeeListApi.as_view(),
        name="event-attendees",
    ),
    path(
        "events/<int:event_id>/attendees/<int:registration_id>/check-in/",
        views.AttendeeCheckInApi.as_view(),
        name="event-attendee-check-in",
    ),
    path(
        "events/<int:event_id>/check-in/",
        views.CheckInWithCodeApi.as_view(),
        name="event-check-in",
    ),
    path("events/<int:event_id>/rating/", views.RatingApi.as_view(), name="event-rating"),
    path(
        "event-questions/<int:question_id>/vote/",
        views.QuestionVoteApi.as_view(),
        name="event-question-vote",
    ),
    path(
        "event-questions/<int:question_id>/action/",
        views.QuestionActionApi.as_view(),
        name="event-question-action",
    ),
]
