# Written for issue 14: the quota's decided counts of a subtree and year (awards.engine._decided_counts) as an
# index-only scan (the Sở's 64,000 records of a year were read from the heap).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0008_catalog_stamp"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="awardrecord",
            index=models.Index(
                fields=["school_year", "unit_path"],
                include=("person", "award_type", "decision_date", "revocation"),
                name="awardrecord_year_path_count",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            ),
        ),
    ]
