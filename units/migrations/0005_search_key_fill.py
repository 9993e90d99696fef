"""Fill the folded search keys of existing people and units, and on PostgreSQL index them for search.

The keys replace `unaccent`: the folded text is stored, so `icontains` gives the same result on SQLite and
PostgreSQL. On PostgreSQL a trigram GIN index (pg_trgm) lets `LIKE '%…%'` on those keys use an index; SQLite
scans, which is fast enough at its scale (development, tests).
"""

from django.db import migrations

from units.search_keys import search_keys_fill

TRIGRAM_INDEXES = (("person_search_trgm", "units_person"), ("unit_search_trgm", "units_unit"))


def fill(apps, schema_editor):
    search_keys_fill(person_model=apps.get_model("units", "Person"), unit_model=apps.get_model("units", "Unit"))


def trigram_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in TRIGRAM_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_key gin_trgm_ops)")


def trigram_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("units", "0004_search_key")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(trigram_indexes_create, trigram_indexes_drop),
    ]
