"""List filters: django-filter, with related objects filtered by id.

django-filter's default for a foreign key checks that the id names an existing row and answers
400 otherwise; the schema can only say "an integer", so a well-formed id of no row is a valid
request that must answer an empty list, not a refusal.
"""

from django import forms
from django.db import models
from django_filters import rest_framework as filters
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A related object's id: a whole number; one that names no row matches nothing."""

    field_class = forms.IntegerField


class IdFilterSet(filters.FilterSet):
    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
    }


class FilterBackend(filters.DjangoFilterBackend):
    filterset_base = IdFilterSet
