from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="generateddocument",
            name="parts",
            field=models.ManyToManyField(
                blank=True, related_name="packs", to="documents.generateddocument", verbose_name="các phần"
            ),
        ),
    ]
