# Written for issue 14: the stamp of the catalog's content (awards.engine.catalog_on keeps the catalog and the rules
# in force per process, keyed by this stamp and the day). The database itself draws a new random stamp in the same
# transaction as any change of awards_awardtype or awards_awardrule (every INSERT, UPDATE, DELETE and, on
# PostgreSQL, TRUNCATE, whoever writes: the ORM, QuerySet.update, admin, loaddata, raw SQL). A stamp is drawn at
# random, not counted, so that a rolled-back change never leaves a stamp that another content once had. Not a
# Django model: flush and the test framework's truncations leave its one row alone.

from django.db import migrations

TABLES = ("awards_awardtype", "awards_awardrule")

POSTGRESQL = [
    "CREATE TABLE awards_catalogstamp (id integer PRIMARY KEY, stamp varchar(40) NOT NULL)",
    "INSERT INTO awards_catalogstamp (id, stamp) VALUES (1, gen_random_uuid()::text)",
    """CREATE FUNCTION awards_catalog_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE awards_catalogstamp SET stamp = gen_random_uuid()::text WHERE id = 1;
    RETURN NULL;
END
$$""",
    *(
        f"CREATE TRIGGER {table}_catalog_touch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION awards_catalog_touch()"
        for table in TABLES
    ),
]
POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER {table}_catalog_touch ON {table}" for table in TABLES),
    "DROP FUNCTION awards_catalog_touch()",
    "DROP TABLE awards_catalogstamp",
]

SQLITE = [
    "CREATE TABLE awards_catalogstamp (id integer NOT NULL PRIMARY KEY, stamp varchar(40) NOT NULL)",
    "INSERT INTO awards_catalogstamp (id, stamp) VALUES (1, lower(hex(randomblob(16))))",
    *(
        # B608 n/a: the names and events are this module's constants, no value from outside.
        f"CREATE TRIGGER {table}_catalog_{event.lower()} AFTER {event} ON {table} BEGIN "  # nosec B608
        "UPDATE awards_catalogstamp SET stamp = lower(hex(randomblob(16))) WHERE id = 1; END"
        for table in TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
]
SQLITE_REVERSE = [
    *(f"DROP TRIGGER {table}_catalog_{event.lower()}" for table in TABLES for event in ("INSERT", "UPDATE", "DELETE")),
    "DROP TABLE awards_catalogstamp",
]


def _run(statements: dict):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise NotImplementedError(f"awards.0008: no catalog stamp for {vendor}")
        for sql in statements[vendor]:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("awards", "0007_awardrecord_unit_path")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
