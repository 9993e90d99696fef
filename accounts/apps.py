from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản và đăng nhập"

    def ready(self):
        from . import checks, receivers  # noqa: F401 (registers the system check and the login signals)
