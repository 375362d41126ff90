"""The notification centre's pages: the list (newest first), opening one (marks it read), mark
all read, and the email choices per kind. Everyone sees only their own notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from designation import notifications
from designation.models import Notification
from portal.errors import NotFound

PAGE_SIZE = 25


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications.notifications_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "designation/notification_list.html",
        {"nav_section": "notifications", "page": page},
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go to the thing it is about."""
    try:
        notification = notifications.mark_read(user=request.user, notification_id=notification_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notification-centre")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications.mark_all_read(user=request.user)
    messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked read.")
    return redirect("notification-centre")


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Email on or off for each kind; in-app notifications are always on."""
    if request.method == "POST":
        chosen = set(request.POST.getlist("email"))
        notifications.set_email_preferences(
            user=request.user, email={kind: kind in chosen for kind in Notification.Kind.values}
        )
        messages.success(request, "Your email choices are saved.")
        return redirect("notification-preferences-page")
    current = notifications.email_preferences(request.user)
    return render(
        request,
        "designation/notification_preferences.html",
        {
            "nav_section": "notifications",
            "kinds": [(k.value, k.label, current[k.value]) for k in Notification.Kind],
        },
    )
