# The inbox's default order on the nomination's own copy of its dossier's sending, and its counts by status read
# the received dossier states first (issue 14: the reviewer inbox).

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    """Copy each dossier's `sent_at` onto its nominations (`nominations.paths.DOSSIER_COPIED` keeps it after)."""
    Dossier = apps.get_model("nominations", "Dossier")
    Nomination = apps.get_model("nominations", "Nomination")
    sent = Dossier.objects.filter(pk=OuterRef("dossier_id")).values("sent_at")[:1]
    Nomination.objects.filter(dossier__sent_at__isnull=False).update(dossier_sent_at=Subquery(sent))


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0004_dossier_paths"),
    ]

    operations = [
        migrations.AddField(
            model_name="nomination",
            name="dossier_sent_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="nomination",
            index=models.Index(
                fields=["dossier_status", "receiving_unit_path", "status", "dossier_unit_path"],
                name="nomination_received",
                opclasses=["", "varchar_pattern_ops", "", "varchar_pattern_ops"],
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
