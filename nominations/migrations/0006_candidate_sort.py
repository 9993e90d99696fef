# The candidate's name copied onto the nomination (Nomination.candidate_sort) and the index the inbox's list of one
# status sorted by name reads in its order (issue 14: the filtered nomination list); the index
# nomination_receiving_path dropped (redundant beside nomination_received).

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

BATCH = 5000


def fill(apps, schema_editor):
    """Copy each candidate's name (nominations.paths.candidate_name_expression) by ranges of ids: one UPDATE per
    5,000 nominations, so no statement holds the whole table's row locks at once."""
    Person = apps.get_model("units", "Person")
    Unit = apps.get_model("units", "Unit")
    Nomination = apps.get_model("nominations", "Nomination")
    name = Coalesce(
        Subquery(Person.objects.filter(pk=OuterRef("person_id")).order_by().values("full_name")[:1]),
        Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).order_by().values("name")[:1]),
        Value(""),
    )
    last = Nomination.objects.order_by("-pk").values_list("pk", flat=True).first()
    for start in range(0, (last or 0) + 1, BATCH):
        Nomination.objects.filter(pk__gte=start, pk__lt=start + BATCH).update(candidate_sort=name)


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0005_inbox_sent_at_copy_and_received_index"),
        ("units", "0007_person_unit_path"),
    ]

    operations = [
        migrations.AddField(
            model_name="nomination",
            name="candidate_sort",
            field=models.CharField(default="", editable=False, max_length=255),
        ),
        # Redundant beside nomination_received (0005), which leads with the received dossier states every inbox
        # query names: on the province data no plan of the pages' 200 distinct nomination queries (every role's
        # home and inbox, each tab, status, sort and deadline filter, every bench page) chose it; its one reader
        # was a unit move's UPDATE of the receiving paths, as fast with a scan (BENCHMARKS.md «Province scale:
        # fixes»). One index fewer to write on every nomination's insert and transition, and in the fill below.
        migrations.RemoveIndex(model_name="nomination", name="nomination_receiving_path"),
        # Before the fill, as 0004: the UPDATE then changes an indexed column (no HOT chains), so the new index is
        # usable at once.
        migrations.AddIndex(
            model_name="nomination",
            index=models.Index(fields=["status", "candidate_sort", "-id"], name="nomination_name"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
