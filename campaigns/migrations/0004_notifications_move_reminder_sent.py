"""Notifications move to their own app (copied by notifications 0002); a reminder is sent only when it was.

Reminders logged before this were sent inside the request: they count as queued and sent that day.
"""

from django.db import migrations, models
from django.db.models import F


def queued_when_sent(apps, schema_editor):
    apps.get_model("campaigns", "ReminderLog").objects.update(queued_on=F("sent_on"))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_registration_collective_line"),
        ("notifications", "0002_copy_campaign_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminderlog",
            name="queued_on",
            field=models.DateField(null=True),
        ),
        migrations.AlterField(
            model_name="reminderlog",
            name="sent_on",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(queued_when_sent, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="Notification",
        ),
    ]
