"""The account of a signed-in request and its roles, read in one query.

Django's `ModelBackend.get_user` reads the account on every request, and `units.rules.roles_of` then reads its
roles (`UnitRole` with their units): two queries that every page pays, about 1.6 ms of CPU between them, most of
it the ORM building and compiling the same two statements again. `PortalBackend.get_user` reads the account, its
roles and their units in one statement (the account LEFT JOINed to its roles, so an account without a role is one
row with empty role columns), written once per process and database from the models' fields, and builds the
instances with `Model.from_db` after the database's converters, as the ORM does: about 0.25 ms.

Nothing is cached across requests: each request reads the account and its roles from the database, so a revoked
role, a disabled account or a changed password (the session's hash no longer matches) takes effect on the next
request exactly as with `ModelBackend` (core/tests/test_request_cost.py, accounts/tests/test_sessions.py).
Authentication, permissions and `user_can_authenticate` are `ModelBackend`'s.
"""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections

from units.models import Unit, UnitRole
from units.rules import prime_roles


class _Part:
    """One model's columns in the statement: their place in the row and the converters the ORM would apply."""

    def __init__(self, model, alias: str, connection, start: int):
        self.model = model
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.columns = [f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields]
        self.start, self.end = start, start + len(fields)
        self.converters = []
        for i, field in enumerate(fields):
            col = field.get_col(alias)
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if converters:
                self.converters.append((i, col, converters))

    def build(self, db: str, connection, row):
        values = list(row[self.start : self.end])
        for i, col, converters in self.converters:
            for converter in converters:
                values[i] = converter(values[i], col, connection)
        return self.model.from_db(db, self.attnames, values)


class _AccountStatement:
    def __init__(self, connection):
        q = connection.ops.quote_name
        user_model = get_user_model()
        self.user = _Part(user_model, "u", connection, 0)
        self.role = _Part(UnitRole, "r", connection, self.user.end)
        self.unit = _Part(Unit, "n", connection, self.role.end)
        role_meta, unit_meta = UnitRole._meta, Unit._meta
        columns = ", ".join(self.user.columns + self.role.columns + self.unit.columns)
        # B608: the text holds only the models' own table and column names quoted by the backend; the account's
        # id travels as a parameter.
        self.sql = (
            f"SELECT {columns} "  # nosec B608
            f"FROM {q(user_model._meta.db_table)} u "
            f"LEFT JOIN {q(role_meta.db_table)} r ON r.{q(role_meta.get_field('user').column)} = "
            f"u.{q(user_model._meta.pk.column)} "
            f"LEFT JOIN {q(unit_meta.db_table)} n ON n.{q(unit_meta.pk.column)} = "
            f"r.{q(role_meta.get_field('unit').column)} "
            f"WHERE u.{q(user_model._meta.pk.column)} = %s "
            # units.rules.ROLE_ORDER: ("unit__depth", "role", "pk").
            f"ORDER BY n.{q(unit_meta.get_field('depth').column)}, r.{q(role_meta.get_field('role').column)}, "
            f"r.{q(role_meta.pk.column)}"
        )
        self.role_pk = self.role.start + self.role.attnames.index(role_meta.pk.attname)


_STATEMENTS: dict[tuple[str, str], _AccountStatement] = {}


def account_with_roles(user_id, db: str = "default"):
    """(the account, its roles with their units, in `roles_of`'s order), or (None, []) when there is no such
    account. One query."""
    connection = connections[db]
    statement = _STATEMENTS.get((db, connection.vendor))
    if statement is None:
        statement = _STATEMENTS[(db, connection.vendor)] = _AccountStatement(connection)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [user_id])
        rows = cursor.fetchall()
    if not rows:
        return None, []
    user = statement.user.build(db, connection, rows[0])
    roles = []
    for row in rows:
        if row[statement.role_pk] is None:
            break  # the LEFT JOIN's one empty row: no role
        role = statement.role.build(db, connection, row)
        role.user = user
        role.unit = statement.unit.build(db, connection, row)
        roles.append(role)
    return user, roles


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        user, roles = account_with_roles(user_id, get_user_model()._default_manager.db)
        if user is None or not self.user_can_authenticate(user):
            return None
        prime_roles(user, roles)
        return user

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)
