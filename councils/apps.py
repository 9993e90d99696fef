from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = "Hội đồng Thi đua – Khen thưởng"

    def ready(self):
        from . import workflows  # noqa: F401 - the ballot round workflow registers with core.workflow
