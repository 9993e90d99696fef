from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = "Hồ sơ đề nghị khen thưởng"

    def ready(self):
        from . import workflows  # noqa: F401 - the dossier and nomination workflows register with core.workflow
