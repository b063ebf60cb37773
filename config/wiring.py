"""Every cross-layer hook, registered in one place.

Imports flow one way (events -> community -> members -> core). When a lower layer needs
something only a higher one knows (the forum's posts in a member's data export, say), the
lower layer declares a typed hook (a Protocol in members/hooks.py) and the higher layer's
function is plugged in here, at start-up. Reading this file tells you every such call.
"""

from __future__ import annotations


def connect() -> None:
    """Register every higher layer's implementation of the lower layers' hooks."""
    _connect_community_to_members()
    _connect_forum_notifications()
    _connect_events()
    _connect_home()
    _connect_loyalty()
    _connect_leaderboards()
    _connect_celebrations()


def _connect_community_to_members() -> None:
    from community import policies, selectors
    from community.selectors.moderation import profile_moderation
    from community.services.engagement import forget_reactions_of
    from members import hooks

    # Account deletion: take the member's reactions off the posts' counters.
    hooks.register_deletion_step("community.reactions", forget_reactions_of)
    # Data export: the member's threads, posts and the images they uploaded into posts.
    hooks.register_export_section("threads", selectors.export_threads)
    hooks.register_export_section("posts", selectors.export_posts)
    hooks.register_export_section("images", selectors.export_images)
    # Profile page: recent threads and replies, as the viewer may see them.
    hooks.register_profile_section(
        hooks.ProfileSection(
            "recent_threads", "community/_profile_threads.html", selectors.recent_threads_by
        )
    )
    hooks.register_profile_section(
        hooks.ProfileSection(
            "recent_posts", "community/_profile_posts.html", selectors.recent_posts_by
        )
    )
    # Moderator rewards: whom a moderator may reward, and about which post (a category
    # moderator within their categories).
    hooks.register_reward_scope(policies.reward_scope)
    # Flag a profile; forum-wide moderators warn, suspend and lift suspensions from it.
    hooks.register_profile_section(
        hooks.ProfileSection("moderation", "community/_profile_moderation.html", profile_moderation)
    )


def _connect_forum_notifications() -> None:
    from community import digest, notifications
    from members import hooks
    from members.notifications import register_kind

    # The forum's kinds of notification (replies, mentions, quotes, answers, reactions…).
    for kind in notifications.FORUM_KINDS:
        register_kind(kind)
    # What a forum notification is about, as the member may see it now.
    hooks.register_target_resolver(
        "post", notifications.resolve_posts, batch=notifications.resolve_posts_for_members
    )
    hooks.register_target_resolver("thread", notifications.resolve_threads)
    # Moderation: flaggers hear the outcome; members hear of warnings, suspensions and what
    # happened to their posts (the notices page).
    for kind in notifications.MODERATION_KINDS:
        register_kind(kind)
    hooks.register_target_resolver("flag", notifications.resolve_flags)
    hooks.register_target_resolver("moderation", notifications.resolve_notices)
    # Unsubscribe pages offer to mute the thread (or its category) an email was about.
    hooks.register_scope_muter("thread", notifications.ThreadMuter())
    # The digest: what happened to the member's posts, new threads, questions to answer.
    hooks.register_digest_section("forum.your_posts", digest.your_posts, order=10)
    hooks.register_digest_section("forum.new_in_topics", digest.new_in_your_topics, order=20)
    hooks.register_digest_section("forum.questions", digest.questions_you_could_answer, order=30)


def _connect_events() -> None:
    from events import notifications, selectors
    from events.services import proposals, questions, registrations
    from members import hooks
    from members.notifications import register_kind

    # Account deletion: give back the member's seats (the next in line is offered each),
    # and take their votes and pledges off the counters.
    hooks.register_deletion_step("events.seats", registrations.release_registrations_of)
    hooks.register_deletion_step("events.votes", questions.forget_votes_of)
    hooks.register_deletion_step("events.pledges", proposals.forget_pledges_of)
    # Data export: the member's registrations, questions, ratings, proposals and pledges.
    hooks.register_export_section("events", selectors.export_events)

    # Events' kinds: registrations, seats from the waitlist and changes (both critical:
    # exempt from the daily email cap), reminders, recordings, AMA answers, proposals.
    for kind in notifications.EVENT_KINDS:
        register_kind(kind)
    # What an event (or a masterclass proposal) notification is about, as the member may
    # see it now.
    hooks.register_target_resolver("event", notifications.resolve_events)
    hooks.register_target_resolver("proposal", notifications.resolve_proposals)
    # The digest: new events coming up that the member may see.
    hooks.register_digest_section("events.coming_up", selectors.upcoming_for_digest, order=40)


def _connect_home() -> None:
    from core import pages
    from events.views.home import home

    # "/" (core:home) is the community: threads, watched threads and events, which only the
    # top layer sees together.
    pages.register_home_view(home)


def _connect_loyalty() -> None:
    from members import hooks
    from members.loyalty import badges, notifications, selectors
    from members.notifications import register_kind

    # Account deletion: take the member off their badges' holder counts. Data export: their
    # points history, badges and tier changes.
    hooks.register_deletion_step("loyalty.badges", badges.forget_awards_of)
    hooks.register_export_section("loyalty", selectors.export_loyalty)

    # Loyalty's kinds: a badge earned or granted, a tier reached, a tier at risk (once,
    # two weeks ahead). Targets resolve to the badge's page and the member's tier page.
    for kind in notifications.LOYALTY_KINDS:
        register_kind(kind)
    hooks.register_target_resolver("badge", notifications.resolve_badges)
    hooks.register_target_resolver("tier", notifications.resolve_tiers)

    # Moderator rewards tell the member what they were given; the target is their points.
    from members.rewards import notifications as reward_notifications

    for kind in reward_notifications.REWARD_KINDS:
        register_kind(kind)
    hooks.register_target_resolver("reward", reward_notifications.resolve_rewards)


def _connect_leaderboards() -> None:
    from community.leaderboards import post_topics
    from events.leaderboards import event_topics
    from members import hooks

    # Per-topic leaderboards: points about a post count on its thread's topics, points
    # about an event on the event's.
    hooks.register_subject_topics("post", post_topics)
    hooks.register_subject_topics("event", event_topics)


def _connect_celebrations() -> None:
    from members import hooks
    from members.celebrations import services

    # Anniversary and birthday greetings in the inbox: the member's own celebration rows.
    hooks.register_target_resolver(
        "celebration",
        services.resolve_celebrations,
        batch=services.resolve_celebrations_for_members,
    )
