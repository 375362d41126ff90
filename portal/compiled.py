"""A queryset compiled to SQL once per thread and shape, its values bound on each call.

Compiling a queryset with subqueries can cost more than running it (the role lookup: 2.4 ms to
compile, 0.4 to run). When a queryset's SQL depends on its shape but not on its values, each
thread compiles it once with a placeholder for every value (numbers and days no row has), finds
where each placeholder lands among the SQL's parameters, and binds the real values there on
every later call. So a value must reach the SQL as a parameter: one the queryset works out
itself (the time now, a setting) would stay frozen in the compiled SQL, and a value that does not
reach the parameters at all is refused when compiling.
"""

import threading
from collections.abc import Callable, Hashable
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

_THREAD = threading.local()
_MOST = 256  # compiled shapes kept per thread
_NOTHING = "matches no row"


def placeholder(n: int, value):
    """The n-th placeholder for a value of this kind (an id, a day)."""
    if isinstance(value, date):
        return date(1, 1, 1 + n)
    return -2_147_483_001 - n


def rows(shape: Hashable, build: Callable[..., QuerySet], **values) -> list[dict]:
    """The rows, as dicts by column, of `build(**values)`, compiled once per thread for `shape`
    (what decides the SQL besides the values, including build's own identity)."""
    store = _THREAD.__dict__.setdefault("compiled", {})
    entry = store.get(shape)
    if entry is None:
        entry = _compile(build, values)
        if len(store) >= _MOST:
            store.clear()
        store[shape] = entry
    if entry is _NOTHING:
        return []
    sql, params, slots, compiler, converters = entry
    bound = list(params)
    for n, name in slots:
        bound[n] = values[name]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, bound)
        names = [column.name for column in cursor.description]
        found = cursor.fetchall()
    if converters:
        found = compiler.apply_converters(found, converters)
    return [dict(zip(names, row, strict=True)) for row in found]


def _compile(build, values: dict):
    placeholders = {name: placeholder(n, value) for n, (name, value) in enumerate(values.items())}
    compiler = build(**placeholders).query.get_compiler(using=DEFAULT_DB_ALIAS)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # the shape itself matches nothing (no organisation to see)
        return _NOTHING
    names = {(type(value), value): name for name, value in placeholders.items()}
    slots = [
        (n, names[(type(value), value)])
        for n, value in enumerate(params)
        if (type(value), value) in names
    ]
    unbound = set(values) - {name for _n, name in slots}
    if unbound:
        raise ValueError(f"{sorted(unbound)} did not reach the SQL's parameters: not compilable.")
    converters = compiler.get_converters(
        [column[0] for column in compiler.select[: compiler.col_count]]
    )
    return sql, list(params), slots, compiler, converters
