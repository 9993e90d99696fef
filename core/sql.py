"""A queryset's WHERE as the ORM compiles it, for a fixed statement written around it (issue 14).

Building and compiling a whole ORM query (its joins, annotations, grouping, ordering) costs a page about a
millisecond of CPU per query; the conditions are the part worth keeping the ORM's (the permission kernel's
scope, the filters). `own_where_sql` hands back only the WHERE of a queryset that filters its model's own table,
so that a fixed SELECT around it, naming that table as the ORM does, reads the same rows."""

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import QuerySet


class JoinedWhere(Exception):
    """The queryset's WHERE reads another table than its model's own (a join): write the query with the ORM."""


def own_where_sql(queryset: QuerySet) -> tuple[str, list] | None:
    """(WHERE fragment, parameters) of `queryset`, on the columns of its model's table under the table's own
    name; ("", []) when it matches every row, None when it matches none (the ORM would not query at all).
    Subqueries inside the WHERE keep their own aliases. Raises `JoinedWhere` when the WHERE needs a join."""
    query = queryset.query
    compiler = query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "", []
    table = queryset.model._meta.db_table
    if any(alias != table and query.alias_refcount[alias] for alias in query.alias_map):
        raise JoinedWhere(table)
    return sql, list(params)
