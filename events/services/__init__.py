"""Every write of the events capability, by subdomain: publishing (create, edit, publish,
cancel, the change fan-out), endings (finishing, the recording), covers, registrations
(seats, waitlist, offers), reminders, mailing (registration news and the fan-out's emails),
messages (building event emails), questions (AMA), attendance (check-in, ratings),
proposals (member-led masterclasses) and feeds (private calendar URLs)."""
