"""One page of a long list on a page (the API's pagination is `portal.api.Pagination`)."""

from django.core.paginator import Paginator
from django.http import HttpRequest

QUEUE_PAGE_SIZE = 20


def paged(request: HttpRequest, queryset, *, count: int, param: str):
    """One page of a queue whose length is already known (the navigation counted it)."""
    paginator = Paginator(queryset, QUEUE_PAGE_SIZE)
    paginator.__dict__["count"] = count  # Paginator.count is a cached_property: no COUNT(*)
    page = paginator.get_page(request.GET.get(param))
    page.param = param
    return page
