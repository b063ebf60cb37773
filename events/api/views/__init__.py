"""The events API: lists and detail, registration, waitlist offers, my registrations, AMA
questions, the calendar entry, the host's attendee list and check-in, ratings. Thin: each
view parses, calls one selector or service, and serialises the screen the page shows, so
the access rules are the pages' own. Submodules: events, questions, hosting."""

from events.api.views.events import (
    EventCalendarApi,
    EventDetailApi,
    EventListApi,
    EventOfferClaimApi,
    EventOfferDeclineApi,
    EventRegistrationApi,
    MyRegistrationsApi,
)
from events.api.views.hosting import (
    AttendeeCheckInApi,
    AttendeeListApi,
    CheckInWithCodeApi,
    RatingApi,
)
from events.api.views.questions import QuestionActionApi, QuestionListApi, QuestionVoteApi

__all__ = [
    "AttendeeCheckInApi",
    "AttendeeListApi",
    "CheckInWithCodeApi",
    "EventCalendarApi",
    "EventDetailApi",
    "EventListApi",
    "EventOfferClaimApi",
    "EventOfferDeclineApi",
    "EventRegistrationApi",
    "MyRegistrationsApi",
    "QuestionActionApi",
    "QuestionListApi",
    "QuestionVoteApi",
    "RatingApi",
]
