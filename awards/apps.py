from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Danh hiệu và khen thưởng"

    def ready(self):
        from . import workflows  # noqa: F401 - the initiative workflow registers itself with core.workflow
