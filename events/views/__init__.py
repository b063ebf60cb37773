"""Event pages, by what they are for: browse (lists, one event, calendars, live questions,
my events), actions (what members do on an event page), staff (create, edit, publish,
cancel), hosting (the host dashboard), proposals (member-led masterclasses)."""
