"""Every write of the events capability, by subdomain: publishing (create, edit, publish,
cancel, finish, covers, recordings), registrations (seats, waitlist, offers), reminders,
mailing (registration news and change fan-out), questions (AMA), attendance (check-in,
ratings), proposals (member-led masterclasses) and feeds (private calendar URLs)."""
