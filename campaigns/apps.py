from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Phong trào thi đua"

    def ready(self):
        from notifications.signals import mail_sent

        from . import receivers, workflows  # noqa: F401 - workflows register themselves with core.workflow

        mail_sent.connect(receivers.on_mail_sent, dispatch_uid="campaigns.reminder_mark_sent")
