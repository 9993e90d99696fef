"""An account linked to a person carries the person's name (the header shows the account's name without a
query; units.services keeps the two alike from now on): copy it into accounts linked before."""

from django.db import migrations


def copy_names(apps, schema_editor):
    person_model = apps.get_model("units", "Person")
    for person in person_model.objects.filter(user__isnull=False).select_related("user").iterator():
        first, _, last = person.full_name.rpartition(" ")
        user = person.user
        if (user.first_name, user.last_name) != (first, last):
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])


class Migration(migrations.Migration):
    dependencies = [("units", "0005_search_key_fill"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(copy_names, migrations.RunPython.noop)]
