"""config as an installed app only so that its ready() wires the layers (config/wiring.py)."""

from django.apps import AppConfig


class WiringConfig(AppConfig):
    """Listed last in INSTALLED_APPS: every app is ready when the hooks are connected."""

    name = "config"
    label = "hearth_wiring"
    verbose_name = "Hearth wiring"

    def ready(self) -> None:
        from config import wiring

        wiring.connect()
