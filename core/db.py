"""Database helpers every app may call (no app imports here)."""

from django.db import connection


def analyze(*models) -> None:
    """Refresh the planner's statistics of the models' tables (PostgreSQL only).

    Call it after a bulk insert or a bulk delete: until autovacuum comes by, the
    planner keeps estimating from the old row counts (an empty table stays
    "empty" after 100,000 inserts) and can choose a nested loop that runs for
    minutes. ANALYZE samples at most 30,000 rows per table, so it costs tens of
    milliseconds even at province scale. A no-op on SQLite and other vendors.
    """
    if connection.vendor != "postgresql" or not models:
        return
    tables = []
    for model in models:
        table = model._meta.db_table
        if table not in tables:
            tables.append(table)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
