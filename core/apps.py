from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.page_cache import install
        from core.signals import sync_site

        # Every connection's writes retire the visitor page cache (core/page_cache.py).
        connection_created.connect(install, dispatch_uid="core.page_cache")

        post_migrate.connect(sync_site, sender=self, dispatch_uid="core.sync_site")
