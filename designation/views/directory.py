"""Public pages: the directory of designated partners (no sign-in)."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from designation import badge_selectors
from designation.labels import country_name
from designation.rules import SolutionArea, SupportPlan

DIRECTORY_PAGE_SIZE = 24


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search by name or partner ID", required=False, max_length=200)
    area = forms.ChoiceField(
        label="Solution area",
        required=False,
        choices=[("", "Any solution area"), *[(a.value, a.label) for a in SolutionArea]],
    )
    country = forms.ChoiceField(label="Country", required=False)
    plan = forms.ChoiceField(
        label="Support services (partner support plan)",
        required=False,
        choices=[("", "Any support plan"), *[(p.value, p.label) for p in SupportPlan]],
    )

    def __init__(self, *args, countries: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        named = sorted((country_name(c), c) for c in countries)
        self.fields["country"].choices = [("", "Any country"), *[(c, n) for n, c in named]]


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Designated partners, filtered by solution area, country and support plan, searchable;
    a lapsed designation is not listed."""
    form = DirectoryFilterForm(request.GET or None, countries=badge_selectors.directory_countries())
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = {key: value for key, value in filters.items() if value}
    entries = badge_selectors.directory(
        query=filters.get("q", "").strip(),
        area=filters.get("area", ""),
        country=filters.get("country", ""),
        plan=filters.get("plan", ""),
    )
    page = Paginator(entries, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "designation/directory.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "kept_query": kept.urlencode(),
            "nav_section": "directory",
            "area_labels": {a.value: a.label for a in SolutionArea},
        },
    )
