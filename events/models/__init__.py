"""Events: AMAs, webinars, masterclasses and meetups, their registrations and waitlists,
reminders, AMA questions, ratings, and member-proposed masterclasses.

Invariants the database holds (not only Python): seats held never exceed the capacity
(a check constraint on the counter kept with F() under the event's row lock), one
registration per member and event, one waitlist position per place in the line, one vote
per member and question, one question "now answering" per event, one reminder per event,
offset, start time and member.
"""

from events.models.events import RESERVED_SLUGS, Event, new_attendance_code
from events.models.proposals import Pledge, Proposal, ProposalOption
from events.models.questions import Question, QuestionVote, Rating
from events.models.registrations import CalendarFeed, Registration, Reminder, ReminderRun

__all__ = [
    "RESERVED_SLUGS",
    "CalendarFeed",
    "Event",
    "Pledge",
    "Proposal",
    "ProposalOption",
    "Question",
    "QuestionVote",
    "Rating",
    "Registration",
    "Reminder",
    "ReminderRun",
    "new_attendance_code",
]
