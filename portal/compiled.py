"""A queryset compiled to SQL once per thread and shape, its values bound on each call: rows()
answers dicts by column, instances() model instances as iterating the queryset makes them
(select_related rows and annotations included; prefetching is refused).

Compiling a queryset with subqueries can cost more than running it (the role lookup: 2.4 ms to
compile, 0.4 to run). When a queryset's SQL depends on its shape but not on its values, each
thread compiles it once with a placeholder for every value (numbers and days no row has), finds
where each placeholder lands among the SQL's parameters, and binds the real values there on
every later call. So a value must reach the SQL as a parameter: one the queryset works out
itself (the time now, a setting) would stay frozen in the compiled SQL, and a value that does not
reach the parameters at all is refused when compiling. A constant in the SQL (`Value(10)`) is a
parameter too, which a prepared statement types as text unless the SQL casts it: selected, the
ORM still converts it by its output field, but ordered by, it sorts as text ('10' before '9').

The compiled SQL is also prepared on each database connection (PREPARE, once per connection and
statement), so PostgreSQL parses and plans it once rather than on every call: the role lookup
costs the server 170 us prepared, 455 us sent as text (planning its subqueries was most of it).
Preparing and the first execution travel in one round trip, so a call is still one query. A
prepared statement outlives a rolled-back transaction. One the connection lost (DISCARD ALL) or
whose plan no longer fits its tables (a migration changed a column it returns) is prepared
afresh under a new name: at once in autocommit, by the next call inside a transaction (which
the error aborted). Any other error is the caller's, and the statement is kept.
"""

import itertools
import re
import secrets
import threading
from collections.abc import Callable, Hashable
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

_THREAD = threading.local()
_MOST = 256  # compiled shapes kept per thread
_NOTHING = "matches no row"
_PLACEHOLDER = re.compile(r"%s|%%")
_NAMES = itertools.count(1)  # prepared statements' names: unique in the process ...
_PROCESS = secrets.token_hex(4)  # ... and across processes
# invalid_sql_statement_name (DISCARD ALL, DEALLOCATE) and feature_not_supported ("cached plan
# must not change result type", after a migration changed a table the statement reads)
_PREPARE_AGAIN = {"26000", "0A000"}


def placeholder(n: int, value):
    """The n-th placeholder for a value of this kind (an id, a day)."""
    if isinstance(value, date):
        return date(1, 1, 1 + n)
    return -2_147_483_001 - n


def in_id_range(model: type[Model], value) -> bool:
    """Whether `value` is a whole number the model's primary key column can hold: a bound value
    beyond it would be the database's error, where the ORM answers that no row matches."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return False
    field = model._meta.pk.get_internal_type()
    low, high = connections[DEFAULT_DB_ALIAS].ops.integer_field_range(field)
    return low <= number <= high


def rows(shape: Hashable, build: Callable[..., QuerySet], **values) -> list[dict]:
    """The rows, as dicts by column, of `build(**values)`, compiled once per thread for `shape`
    (what decides the SQL besides the values, including build's own identity)."""
    entry = _entry(("rows", shape), build, values, _compile)
    if entry is _NOTHING:
        return []
    names, found = _fetch(entry, values)
    return [dict(zip(names, row, strict=True)) for row in found]


def instances(shape: Hashable, build: Callable[..., QuerySet], **values) -> list[Model]:
    """The model instances of `build(**values)`, as iterating it would make them (its
    select_related rows and annotations included), compiled once per thread for `shape` like
    rows(). A queryset that prefetches or is not one of model instances is refused."""
    entry = _entry(("instances", shape), build, values, _compile_instances)
    if entry is _NOTHING:
        return []
    _names, found = _fetch(entry[0], values)
    model, start, end, init_list, populators, annotations = entry[1:]
    made = []
    for row in found:
        instance = model.from_db(DEFAULT_DB_ALIAS, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in annotations:
            setattr(instance, name, row[position])
        made.append(instance)
    return made


def _entry(shape: Hashable, build, values: dict, compile_):
    store = _THREAD.__dict__.setdefault("compiled", {})
    entry = store.pop(shape, None)
    if entry is None:
        entry = compile_(build, values)
        if len(store) >= _MOST:  # the least recently used goes (dicts keep their order)
            del store[next(iter(store))]
    store[shape] = entry  # now the most recently used
    return entry


def _fetch(entry, values: dict) -> tuple[list[str], list]:
    """The column names and the converted rows of a compiled entry with `values` bound."""
    sql, params, slots, compiler, converters = entry
    bound = list(params)
    for n, name in slots:
        bound[n] = values[name]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        _execute_prepared(cursor, sql, bound)
        names = [column.name for column in cursor.description]
        found = cursor.fetchall()
    if converters:
        found = list(compiler.apply_converters(found, converters))
    return names, found


def _placeholders(values: dict) -> dict:
    return {name: placeholder(n, value) for n, (name, value) in enumerate(values.items())}


def _compile(build, values: dict):
    placeholders = _placeholders(values)
    return _compile_queryset(build(**placeholders), placeholders)


def _compile_queryset(queryset: QuerySet, placeholders: dict):
    """The SQL of `queryset` built with `placeholders` (by value name), and where each lands."""
    compiler = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS)
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
    unbound = set(placeholders) - {name for _n, name in slots}
    if unbound:
        raise ValueError(f"{sorted(unbound)} did not reach the SQL's parameters: not compilable.")
    converters = compiler.get_converters(
        [column[0] for column in compiler.select[: compiler.col_count]]
    )
    return sql, list(params), slots, compiler, converters


def _compile_instances(build, values: dict):
    placeholders = _placeholders(values)
    queryset = build(**placeholders)
    if (
        queryset._iterable_class is not ModelIterable
        or queryset._prefetch_related_lookups
        or queryset._known_related_objects
    ):
        raise ValueError("Only a queryset of model instances that prefetches nothing compiles.")
    entry = _compile_queryset(queryset, placeholders)
    if entry is _NOTHING:
        return _NOTHING
    compiler = entry[3]  # as ModelIterable reads the compiled query's columns
    info = compiler.klass_info
    start, end = info["select_fields"][0], info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in compiler.select[start:end]]
    populators = get_related_populators(info, compiler.select, DEFAULT_DB_ALIAS)
    annotations = tuple(compiler.annotation_col_map.items())
    return entry, info["model"], start, end, init_list, populators, annotations


def _execute_prepared(cursor, sql: str, params: list) -> None:
    """Run `sql` with `params` as the connection's prepared statement, preparing it with this
    first execution (one round trip) when the connection has not got it yet."""
    wrapper = cursor.db
    if wrapper.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    state = getattr(wrapper, "compiled_statements", None)
    if state is None or state[0] is not wrapper.connection:  # a new connection: none prepared
        state = (wrapper.connection, {})
        wrapper.compiled_statements = state
    statements = state[1]
    arguments = f" ({', '.join(['%s'] * len(params))})" if params else ""
    name = statements.get(sql)
    if name is not None:
        try:
            cursor.execute(f"EXECUTE {name}{arguments}", params)
            return
        except DatabaseError as error:
            code = getattr(error.__cause__, "pgcode", None)
            if code not in _PREPARE_AGAIN:
                raise  # a timeout, a lost connection: the caller's; the statement is kept
            del statements[sql]
            if not wrapper.get_autocommit():
                raise  # the error aborted the transaction: the next call prepares it afresh
            if code != "26000":  # still on the connection, with a plan that no longer fits
                cursor.execute(f"DEALLOCATE {name}")
    name = f"portal_compiled_{_PROCESS}_{next(_NAMES)}"
    cursor.execute(f"PREPARE {name} AS {_numbered(sql)}; EXECUTE {name}{arguments}", params)
    statements[sql] = name


def _numbered(sql: str) -> str:
    """Django's `%s` placeholders as PostgreSQL's `$1, $2, ...`; a `%%` stays, for the driver
    turns it into `%` (the text is still formatted with the EXECUTE's parameters)."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m.group() == "%s" else "%%", sql)
