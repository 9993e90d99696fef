"""Copy the in-app notifications from campaigns (where they used to live) into this app.

The campaigns table is dropped by campaigns' next migration, which depends on this one.
Ids are not kept (nothing refers to a notification); times and read marks are.
"""

from django.db import migrations

BATCH = 2000


def copy_forward(apps, schema_editor):
    Old = apps.get_model("campaigns", "Notification")
    New = apps.get_model("notifications", "Notification")
    batch = []
    for row in Old.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(
            New(user_id=row.user_id, message=row.message, url=row.url, created_at=row.created_at, read_at=row.read_at)
        )
        if len(batch) >= BATCH:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)


def copy_backward(apps, schema_editor):
    Old = apps.get_model("campaigns", "Notification")
    New = apps.get_model("notifications", "Notification")
    for row in New.objects.order_by("pk").iterator(chunk_size=BATCH):
        old = Old.objects.create(user_id=row.user_id, message=row.message, url=row.url, read_at=row.read_at)
        Old.objects.filter(pk=old.pk).update(created_at=row.created_at)  # auto_now_add on the old model


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("campaigns", "0003_registration_collective_line"),
    ]

    operations = [migrations.RunPython(copy_forward, copy_backward)]
