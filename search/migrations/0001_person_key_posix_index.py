"""On PostgreSQL, the people's folded search key in the byte order collated "POSIX", then the id: the order in which
search walks the people for a query whose words are all shorter than a trigram (search.selectors._by_key_walked).

Owned by search (its only reader); a queryset that does not name the collation "POSIX" cannot use it, so the "C"
sort of a trigram's matches keeps its plan. SQLite orders by the plain key and has no such index.
"""

from django.db import migrations

INDEX = "search_person_key_posix"


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {INDEX} ON units_person ((search_key COLLATE "POSIX"), id)')


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("units", "0005_search_key_fill")]

    operations = [migrations.RunPython(index_create, index_drop)]
