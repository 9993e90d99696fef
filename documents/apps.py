from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Văn bản"

    def ready(self):
        from . import kinds  # noqa: F401 - each document kind registers with documents.registry
