from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Thông báo và thư điện tử"

    def ready(self):
        from units.signals import account_mail

        from . import receivers

        account_mail.connect(receivers.on_account_mail, dispatch_uid="notifications.account_mail")
