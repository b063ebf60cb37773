from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # members sits below us: tell it what members wrote, for profiles and exports.
        from community import selectors
        from community.services.engagement import forget_reactions_of
        from members.hooks import (
            ProfileSection,
            register_deletion_step,
            register_export_section,
            register_profile_section,
        )

        register_deletion_step("community.reactions", forget_reactions_of)

        register_export_section("threads", selectors.export_threads)
        register_export_section("posts", selectors.export_posts)
        register_profile_section(
            ProfileSection(
                "recent_threads", "community/_profile_threads.html", selectors.recent_threads_by
            )
        )
        register_profile_section(
            ProfileSection(
                "recent_posts", "community/_profile_posts.html", selectors.recent_posts_by
            )
        )
