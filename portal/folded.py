"""Rows of a related table read inside the parent's query: `folded(queryset)` is an ARRAY of
JSON objects, one per row (every concrete column, in the queryset's order), and `unfolded()`
turns them back into model instances. A page whose query count is pinned reads a short list
(an organisation's support contracts, an enrollment's events) this way instead of a query of its
own. Decimals travel as text so that they come back exact."""

from functools import cache

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast, JSONObject


def _column(field: models.Field):
    if isinstance(field, models.DecimalField):
        return Cast(F(field.attname), TextField())
    return F(field.attname)


def folded(queryset: QuerySet, *fields: str, **extra) -> ArraySubquery:
    """The rows of `queryset` (correlated with OuterRef) as an array of JSON objects; only
    `fields` (attnames) when given, else every concrete column; `extra` adds named expressions
    (a related row's column), which come back as attributes of the instance."""
    model_fields = [
        f for f in queryset.model._meta.concrete_fields if not fields or f.attname in fields
    ]
    row = JSONObject(**{f.attname: _column(f) for f in model_fields}, **extra)
    return ArraySubquery(queryset.values(json=row))


def unfolded(model: type[models.Model], rows) -> list[models.Model]:
    """Model instances, as if read from the database, from `folded()` rows."""
    fields = _fields_by_attname(model)
    instances = []
    for row in rows or []:
        names = [name for name in fields if name in row]
        values = [fields[name].to_python(row[name]) for name in names]
        instance = model.from_db("default", names, values)
        for name in row.keys() - set(names):
            setattr(instance, name, row[name])
        instances.append(instance)
    return instances


@cache
def _fields_by_attname(model: type[models.Model]) -> dict[str, models.Field]:
    """The model's concrete fields by attname, in their order."""
    return {field.attname: field for field in model._meta.concrete_fields}


def prefetched(instance: models.Model, relation: str, related: list[models.Model]) -> None:
    """Store `related` as what `instance.<relation>.all()` (a reverse foreign key) returns, as
    prefetch_related would, each row knowing its parent."""
    manager = getattr(instance, relation)
    for row in related:
        manager.field.set_cached_value(row, instance)
    queryset = manager.all()
    queryset._result_cache = related
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[manager.field.remote_field.cache_name] = queryset
