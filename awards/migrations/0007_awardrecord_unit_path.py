# Written for issue 14 (the owner's unit path on each award record), like units.0007 for Person.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import units.models


def fill_unit_paths(apps, schema_editor):
    AwardRecord = apps.get_model("awards", "AwardRecord")
    Person = apps.get_model("units", "Person")
    Unit = apps.get_model("units", "Unit")
    AwardRecord.objects.filter(person__isnull=False).update(
        unit_path=Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("unit_path")[:1])
    )
    AwardRecord.objects.filter(person__isnull=True).update(
        unit_path=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("path")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0006_awardrecord_year_unit_type"),
        ("units", "0007_person_unit_path"),
    ]

    operations = [
        migrations.AddField(
            model_name="awardrecord",
            name="unit_path",
            field=units.models.PathField(default="", editable=False, max_length=255),
        ),
        migrations.AddIndex(
            model_name="awardrecord",
            index=models.Index(
                fields=["unit_path", "school_year"],
                name="awardrecord_path_year",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
        ),
        # After the index, like units.0007: the UPDATE changes an indexed column, so no HOT chain hides the rows
        # from the new index while an older transaction runs elsewhere in the cluster.
        migrations.RunPython(fill_unit_paths, migrations.RunPython.noop),
    ]
