"""Reads for event pages and the API. Each screen (a page and its API twin) reads what it
shows from one selector returning a frozen dataclass, permissions included; submodules by
subdomain: lists (upcoming, past), event_page (one event, its questions, its .ics),
hosting (the host dashboard, ratings), mine (my events, the calendar feed, the digest),
proposals (member-led masterclasses)."""

from events.selectors.event_page import (
    EventPermissions,
    EventScreen,
    QuestionList,
    QuestionRow,
    QuestionSort,
    QuestionsScreen,
    event_calendar_for,
    get_event,
    get_event_screen,
    get_questions_screen,
    get_registration,
    questions_version,
    waitlist_place,
)
from events.selectors.hosting import HostScreen, RatingSummary, get_host_screen, rating_summary
from events.selectors.lists import (
    EventFilters,
    EventListScreen,
    EventRow,
    When,
    get_event_list_screen,
    list_events,
)
from events.selectors.mine import (
    MyEventsScreen,
    export_events,
    feed_calendar,
    feed_url,
    get_my_events_screen,
    upcoming_for_digest,
)
from events.selectors.proposals import (
    ProposalListScreen,
    ProposalScreen,
    get_proposal_list_screen,
    get_proposal_screen,
)

__all__ = [
    "EventFilters",
    "EventListScreen",
    "EventPermissions",
    "EventRow",
    "EventScreen",
    "HostScreen",
    "MyEventsScreen",
    "ProposalListScreen",
    "ProposalScreen",
    "QuestionList",
    "QuestionRow",
    "QuestionSort",
    "QuestionsScreen",
    "RatingSummary",
    "When",
    "event_calendar_for",
    "export_events",
    "feed_calendar",
    "feed_url",
    "get_event",
    "get_event_list_screen",
    "get_event_screen",
    "get_host_screen",
    "get_my_events_screen",
    "get_proposal_list_screen",
    "get_proposal_screen",
    "get_questions_screen",
    "get_registration",
    "list_events",
    "questions_version",
    "rating_summary",
    "upcoming_for_digest",
    "waitlist_place",
]
