"""A queryset whose SQL never changes but for its values, compiled once per process and connection.

Building a queryset (filter, select_related, order_by) and compiling it to SQL costs the ORM 0.4 to 1 ms of CPU
per statement on every request, often more than the database takes to answer it. `FixedQuery` builds the
queryset once with marker values, compiles it, finds the markers among the statement's parameters, and from then
on runs the same SQL text with the caller's values in their place (`cursor.execute(sql, params)`), turning the rows
into model instances (with their select_related objects) or values_list tuples exactly as the ORM's iterables do,
after the same database converters.

Only for a statement that is truly fixed: its shape must not depend on the values (no list whose length varies,
no branch on a value). A marker the ORM does not pass through as one parameter (a value folded into the SQL text)
fails loudly when the statement is compiled. Nothing is cached but the SQL text and the column layout: every run
reads the database.
"""

import datetime
import weakref
from collections.abc import Callable

from django.db import connections
from django.db.models import Value
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable, get_related_populators

# Marker values: within every column type's range (Django turns an out-of-range integer lookup into an empty or a
# full result without a parameter), and unlike any value a real statement would hold as a constant.
_INT_MARKER = -1_730_000_017
_DATE_MARKER = datetime.date(1111, 1, 1)
_TEXT_MARKER = "\x1ffixed-sql-marker-"


def marker(kind: type, index: int):
    """The `index`-th marker of a kind (int, datetime.date or str)."""
    if kind is int:
        return _INT_MARKER - index
    if kind is datetime.date:
        return _DATE_MARKER + datetime.timedelta(days=index)
    if kind is str:
        return f"{_TEXT_MARKER}{index}"
    raise TypeError(f"no marker for {kind!r}")


def _adapter(kind: type, connection):
    """How the backend passes a value of that kind as a parameter (SQLite: a date as its ISO text)."""
    if kind is datetime.date:
        return connection.ops.adapt_datefield_value
    return None


class _Compiled:
    def __init__(self, queryset, connection, markers: tuple, kinds: tuple):
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("FixedQuery: prefetch_related and known related objects are not supported")
        self.iterable = queryset._iterable_class
        if self.iterable not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
            raise ValueError(f"FixedQuery: {self.iterable.__name__} is not supported")
        compiler = queryset.query.get_compiler(using=connection.alias, connection=connection)
        self.sql, params = compiler.as_sql()
        # Each parameter: the index of the caller's value it stands for, or a constant of the statement.
        self.adapters = [_adapter(kind, connection) for kind in kinds]
        adapted = [m if a is None else a(m) for m, a in zip(markers, self.adapters, strict=True)]
        self.slots = []
        for value in params:
            found = [i for i, m in enumerate(adapted) if type(m) is type(value) and m == value]
            self.slots.append((found[0], None) if found else (None, value))
        missing = set(range(len(markers))) - {i for i, _ in self.slots if i is not None}
        if missing:
            raise ValueError(f"FixedQuery: the values {sorted(missing)} are not parameters of the statement")
        if self.iterable is not ModelIterable and queryset._fields:
            query = queryset.query
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            if list(queryset._fields) != names:
                raise ValueError("FixedQuery: values_list fields must be selected in their own order")
        self.select = compiler.select
        fields = [s[0] for s in self.select]
        self.converters = compiler.get_converters(fields)
        if self.iterable is ModelIterable:
            self.klass_info = compiler.klass_info
            self.annotations = list((compiler.annotation_col_map or {}).items())
            select_fields = self.klass_info["select_fields"]
            self.start, self.end = select_fields[0], select_fields[-1] + 1
            self.init_list = [f[0].target.attname for f in self.select[self.start : self.end]]
            self.model = self.klass_info["model"]
            self.populators = get_related_populators(self.klass_info, self.select, compiler.using)

    def params(self, values) -> list:
        values = [v if a is None else a(v) for v, a in zip(values, self.adapters, strict=True)]
        return [values[i] if i is not None else constant for i, constant in self.slots]


def one_row_of(queryset, **aggregates):
    """`queryset`'s aggregates as one row (no GROUP BY) that a FixedQuery compiles: `aggregate()` would run at
    once and answer a dict, so a statement kept for later takes this values form, the constant grouping key
    leaving the grouping out of the SQL."""
    return queryset.annotate(one=Value(1)).values("one").annotate(**aggregates).values_list(*aggregates).order_by()


class FixedQuery:
    """`build(*values)` returns the queryset; `FixedQuery(build, int, datetime.date)` declares the kinds of the
    values. `run(*values)` returns the list `list(build(*values))` would, from one `cursor.execute`."""

    def __init__(self, build: Callable, *kinds: type):
        self._build = build
        self._kinds = kinds
        self._markers = tuple(marker(kind, i) for i, kind in enumerate(kinds))
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def compiled(self, connection) -> _Compiled:
        compiled = self._compiled.get(connection)
        if compiled is None:
            queryset = self._build(*self._markers)
            compiled = self._compiled[connection] = _Compiled(queryset, connection, self._markers, self._kinds)
        return compiled

    def run(self, *values, using: str = "default") -> list:
        if len(values) != len(self._markers):
            raise TypeError(f"FixedQuery.run takes {len(self._markers)} values, got {len(values)}")
        connection = connections[using]
        compiled = self.compiled(connection)
        with connection.cursor() as cursor:
            # B608 n/a: the text is the ORM's own compiled SQL; the values travel as parameters.
            cursor.execute(compiled.sql, compiled.params(values))
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for pos, (convs, expression) in compiled.converters.items():
                    value = row[pos]
                    for converter in convs:
                        value = converter(value, expression, connection)
                    row[pos] = value
        if compiled.iterable is FlatValuesListIterable:
            return [row[0] for row in rows]
        if compiled.iterable is ValuesListIterable:
            return [tuple(row) for row in rows]
        objects = []
        populators = compiled.populators
        for row in rows:
            obj = compiled.model.from_db(using, compiled.init_list, row[compiled.start : compiled.end])
            for populator in populators:
                populator.populate(row, obj)
            for name, pos in compiled.annotations:
                setattr(obj, name, row[pos])
            objects.append(obj)
        return objects
