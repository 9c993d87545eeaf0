"""
PreparedRead: a queryset compiled to SQL once per process, then run with new
values for its placeholders.

Django builds and compiles a queryset each time it is evaluated. For the reads
behind every detail page and the A–Z letters that took longer than PostgreSQL
takes to answer them (bench/README.md). On PostgreSQL the SQL is also a
prepared statement (DATABASE_PREPARED_STATEMENTS), planned once per
connection.

PREPARED_READS=0 turns the compile-once step off: each run then builds and
compiles its queryset afresh, exactly as Django would, and returns the same
result (a test renders every page type both ways). The benchmark's "cold,
plain reads" rows measure the difference.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DateTimeField, Expression


class Param(Expression):
    """A named placeholder in a PreparedRead's SQL, bound to a value on each run."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def __repr__(self):
        return f"Param({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def bind(self, value, connection):
        return self.output_field.get_db_prep_value(value, connection)


def now_param():
    """The moment "published" is measured at, bound each time a PreparedRead runs."""
    return Param("now", DateTimeField())


class PreparedRead:
    """
    `build` returns the queryset; its SQL must depend on nothing but its
    Params (so `published(now=now_param())`, not the current time).
    """

    def __init__(self, build):
        self.build = build
        self._compiled = {}  # database alias -> (model, sql, params with Params)

    def _compile(self, using):
        queryset = self.build()
        sql, params = queryset.query.get_compiler(using).as_sql()
        return queryset.model, sql, params

    def _sql(self, using, values):
        if not settings.PREPARED_READS:
            model, sql, params = self._compile(using)
        elif using in self._compiled:
            model, sql, params = self._compiled[using]
        else:
            model, sql, params = self._compiled[using] = self._compile(using)
        connection = connections[using]
        bound = [p.bind(values[p.name], connection) if isinstance(p, Param) else p for p in params]
        return model, sql, bound

    def rows(self, using=DEFAULT_DB_ALIAS, **values):
        """The result as tuples, for a values_list() queryset."""
        _model, sql, params = self._sql(using, values)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def instances(self, using=DEFAULT_DB_ALIAS, **values):
        """The result as model instances."""
        model, sql, params = self._sql(using, values)
        return list(model._default_manager.raw(sql, params).using(using))
