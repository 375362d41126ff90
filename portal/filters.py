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
from rest_framework.exceptions import ValidationError


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
    """django-filter with id filters, and an empty value of a choice or number filter refused
    (django-filter would ignore it; the schema's enums and integers do not include "")."""

    filterset_base = IdFilterSet

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            empty = sorted(
                name
                for name, field in filterset_class.base_filters.items()
                if not isinstance(field, filters.CharFilter)  # "" is a string like any other
                and request.query_params.get(name) == ""
            )
            if empty:
                raise ValidationError(
                    {name: ["Give a value, or leave this filter out."] for name in empty}
                )
        return super().filter_queryset(request, queryset, view)
