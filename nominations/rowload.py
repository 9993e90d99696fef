"""Model instances by a column's values from the ORM's own SELECT, compiled once per process (issue 14: the
dossier of 200 nominations).

The dossier page loads about 400 instances (its nominations, their people, units, awards, reports and
attachments) in six queries by ids. Through a queryset, each query was compiled again on every request and each
row went through `Model.from_db` and `Model.__init__` (a `setattr` per field, two signals): a quarter of the page's
CPU. Here the statement is the ORM's `SELECT <every column> FROM <table>` for the model, compiled once, with
`WHERE <column> IN (%s, …)` added; the values travel as parameters. Rows pass through the same converters the
ORM applies (JSON, …), and each instance gets its attributes and `_state` as `from_db` leaves them (equality
with the ORM's instances is pinned in nominations/tests/test_rowload.py). A model with `pre_init`/`post_init`
receivers (whose `__init__` must run) goes through the ORM instead.
"""

import json

from django.db import connections
from django.db.models import JSONField, signals
from django.db.models.base import ModelState
from django.db.models.expressions import Col
from django.db.models.query import ModelIterable, get_related_populators


def _json_column(converter, expression):
    """JSONField.from_db_value on a plain column, without its call per value: None stays None, a text is
    decoded with the field's decoder, a text that is not JSON stays as it is (the same three cases)."""
    field = getattr(converter, "__self__", None)
    if not (isinstance(field, JSONField) and converter.__func__ is JSONField.from_db_value and type(expression) is Col):
        return None
    decoder = field.decoder

    def convert(value):
        if value is None:
            return None
        try:
            return json.loads(value, cls=decoder)
        except json.JSONDecodeError:
            return value

    return convert


def _positional(converter, expression, connection):
    """Any other converter, called as SQLCompiler.apply_converters calls it."""
    return lambda value: converter(value, expression, connection)


class RowLoader:
    """`load(values)`: the instances of `model` whose `column` is one of `values`, in no particular order."""

    def __init__(self, model, column: str = "id", using: str = "default"):
        self.model, self.column, self.using = model, column, using
        self._compiled = None

    def _compile(self):
        connection = connections[self.using]
        compiler = self.model._default_manager.using(self.using).order_by().query.get_compiler(self.using)
        sql, params = compiler.as_sql()
        if params:
            raise RuntimeError(f"{self.model.__name__}: its plain SELECT has parameters")
        attnames = [field.attname for field in self.model._meta.concrete_fields]
        if len(attnames) != len(compiler.select):
            raise RuntimeError(f"{self.model.__name__}: the SELECT does not list every concrete field")
        # The ORM's converters by attribute name, applied to each instance's values (no generator and list per
        # row as in SQLCompiler.apply_converters): a JSON column's one is json.loads itself (_json_column).
        converters = [
            (attnames[position], [_json_column(c, e) or _positional(c, e, connection) for c in cs])
            for position, (cs, e) in compiler.get_converters([column[0] for column in compiler.select]).items()
        ]
        qn = connection.ops.quote_name
        where = f" WHERE {qn(self.model._meta.db_table)}.{qn(self.model._meta.get_field(self.column).column)} IN "
        self._compiled = (connection, sql + where, converters, attnames)
        return self._compiled

    def load(self, values) -> list:
        values = list(values)
        if not values:
            return []
        model = self.model
        if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
            return list(model._default_manager.using(self.using).filter(**{f"{self.column}__in": values}).order_by())
        connection, head, converters, attnames = self._compiled or self._compile()
        if connection is not connections[self.using]:  # another thread's connection: compile for this one
            connection, head, converters, attnames = self._compile()
        # The ORM's own SELECT, quoted names and %s placeholders: the values travel in the parameters.
        sql = f"{head}({', '.join(['%s'] * len(values))})"
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            rows = cursor.fetchall()
        instances = []
        new, using = model.__new__, self.using
        for row in rows:
            instance = new(model)
            fields = instance.__dict__
            fields.update(zip(attnames, row, strict=True))
            for attname, functions in converters:
                for function in functions:
                    fields[attname] = function(fields[attname])
            state = instance._state = ModelState()
            state.adding, state.db = False, using
            instances.append(instance)
        return instances

    def in_bulk(self, values) -> dict:
        """`{pk: instance}` for the values of the primary key (`Model.objects.in_bulk`)."""
        return {instance.pk: instance for instance in self.load(values)}


# The value a `Prepared` queryset is compiled with: no real id or key, so it shows once in the parameters.
_PLACEHOLDER = -1_987_654_321  # inside a 32-bit integer column's range (the ORM drops an out-of-range lookup)


class Prepared:
    """A queryset of one varying value, compiled once per process (issue 14: the dossier page's fixed reads).

    `build(value)` returns the queryset (filtered on `value`, with its select_related, or `.values_list(…)`);
    it is compiled with a placeholder in the value's place, and each call runs that SQL with the value in the
    parameters, the rows through the compiler's own converters: `instances(value)` as ModelIterable builds them
    (`Model.from_db`, the select_related objects put in place by Django's RelatedPopulator), `rows(value)` as
    tuples (a values_list). What the queryset's compilation cost on every request (0.5-1.5 ms for a
    select_related of three tables) is paid once; equality with the queryset's own result is pinned in
    nominations/tests/test_rowload.py."""

    def __init__(self, build, using: str = "default", placeholder: int = _PLACEHOLDER):
        # `placeholder`: another value for a column that refuses a negative one (a PositiveBigIntegerField:
        # the ORM drops a lookup out of its range).
        self.build, self.using, self.placeholder = build, using, placeholder
        self._compiled = None

    def _compile(self):
        connection = connections[self.using]
        queryset = self.build(self.placeholder)
        compiler = queryset.query.get_compiler(self.using)
        sql, params = compiler.as_sql()
        where = [i for i, p in enumerate(params) if p == self.placeholder]
        if len(where) != 1:
            raise RuntimeError(f"{queryset.model.__name__}: the value must show once in the parameters")
        klass_info = compiler.klass_info
        model = None
        if queryset._iterable_class is ModelIterable:  # not a values() / values_list() queryset
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            init = [column[0].target.attname for column in compiler.select[start:end]]
            populators = get_related_populators(klass_info, compiler.select, self.using)
            model = (klass_info["model"], start, end, init, populators)
        self._compiled = (connection, compiler, sql, list(params), where[0], model)
        return self._compiled

    def _fetch(self, value):
        compiled = self._compiled or self._compile()
        if compiled[0] is not connections[self.using]:  # another thread's connection: compile for this one
            compiled = self._compile()
        connection, compiler, sql, params, position, model = compiled
        params = list(params)
        params[position] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return compiler.results_iter([fetched]), model

    def rows(self, value) -> list[tuple]:
        rows, _model = self._fetch(value)
        return [tuple(row) for row in rows]

    def instances(self, value) -> list:
        rows, model = self._fetch(value)
        if model is None:
            raise RuntimeError("instances() of a values_list queryset")
        model_cls, start, end, init, populators = model
        instances = []
        for row in rows:
            instance = model_cls.from_db(self.using, init, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances
