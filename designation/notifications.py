"""The notification centre's writes and reads (STYLE.md: services and selectors).

`deliver` records one in-app notification per recipient of an event (the unique key makes a
second call a no-op) and, after commit, queues the email task. The task claims each row before
sending it (emailed_at set and committed first), so a retried or repeated task never sends an
email twice; a send that fails releases the claim for the retry.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from designation.models import Membership, Notification, NotificationPreference
from designation.rules.notifications import notification_purge_before
from portal.errors import ConditionFailed, NotFound

logger = logging.getLogger(__name__)

Kind = Notification.Kind


def deliver(
    *, kind: str, key: str, recipient_ids: Iterable[int], title: str, body: str = "", link: str = ""
) -> int:
    """Tell each recipient of this event once, in-app now and by email after commit."""
    ids = sorted({pk for pk in recipient_ids if pk is not None})
    if not ids:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk, kind=kind, key=key[:200], title=title[:300], body=body, link=link
            )
            for pk in ids
        ],
        ignore_conflicts=True,
    )
    from designation.tasks import send_notification_emails

    send_notification_emails.delay_on_commit(key[:200])
    return len(ids)


def organization_user_ids(organization_id: int, *, admins_only: bool = False) -> list[int]:
    """The active users of an organisation (its admins only, when asked) to tell."""
    members = Membership.objects.filter(organization_id=organization_id, user__is_active=True)
    if admins_only:
        members = members.filter(role=Membership.Role.ADMIN)
    return list(members.values_list("user_id", flat=True))


def group_user_ids(name: str) -> list[int]:
    """The active users of a staff group (reviewers, auditors) to tell."""
    users = get_user_model().objects.filter(groups__name=name, is_active=True)
    return list(users.values_list("pk", flat=True))


@dataclass(frozen=True)
class Delivery:
    """One event to tell its recipients of (the arguments of `deliver`)."""

    kind: str
    key: str
    recipient_ids: tuple[int, ...]
    title: str
    body: str = ""
    link: str = ""


EMAIL_KEYS_PER_TASK = 1000


_INSERT_MANY = """
    INSERT INTO designation_notification
        (recipient_id, kind, key, title, body, link, created_at, email_skipped)
    SELECT r.recipient, r.kind, r.key, r.title, r.body, r.link, %(at)s, false
    FROM unnest(%(recipients)s::bigint[], %(kinds)s::text[], %(keys)s::text[],
                %(titles)s::text[], %(bodies)s::text[], %(links)s::text[])
         AS r(recipient, kind, key, title, body, link)
    ON CONFLICT DO NOTHING
"""


def deliver_many(deliveries: Iterable[Delivery]) -> int:
    """`deliver` for many events at once: one INSERT ... SELECT from arrays for every
    notification (the unique key skips any already there), and the emails queued after commit
    in tasks of EMAIL_KEYS_PER_TASK events each (for the nightly jobs)."""
    rows = [
        (pk, d.kind, d.key[:200], d.title[:300], d.body, d.link)
        for d in deliveries
        for pk in sorted({pk for pk in d.recipient_ids if pk is not None})
    ]
    if not rows:
        return 0
    columns = ("recipients", "kinds", "keys", "titles", "bodies", "links")
    params = {name: list(v) for name, v in zip(columns, zip(*rows, strict=True), strict=True)}
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_MANY, {**params, "at": timezone.now()})
    from designation.tasks import send_notification_emails_for

    keys = list(dict.fromkeys(params["keys"]))
    for start in range(0, len(keys), EMAIL_KEYS_PER_TASK):
        send_notification_emails_for.delay_on_commit(keys[start : start + EMAIL_KEYS_PER_TASK])
    return len(rows)


def wants_email(user_id: int, kind: str) -> bool:
    """The recipient's choice for this kind: on unless they turned it off."""
    choice = (
        NotificationPreference.objects.filter(user_id=user_id, kind=kind)
        .values_list("email", flat=True)
        .first()
    )
    return choice is not False


def send_emails(*, key: str) -> int:
    """Email every notification of this event not yet emailed; returns how many were sent."""
    return send_emails_for(keys=[key])


def send_emails_for(*, keys: list[str]) -> int:
    """Email every notification of these events not yet emailed; returns how many were sent."""
    sent = 0
    pending = Notification.objects.filter(key__in=keys, emailed_at=None, email_skipped=False)
    for pk in pending.values_list("pk", flat=True):
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(pk=pk, emailed_at=None, email_skipped=False)
                .first()
            )
            if notification is None:  # another worker has it
                continue
            if not notification.recipient.email or not wants_email(
                notification.recipient_id, notification.kind
            ):
                notification.email_skipped = True
                notification.save(update_fields=["email_skipped"])
                continue
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
        try:
            email_message(notification).send()
        except Exception:
            Notification.objects.filter(pk=pk).update(emailed_at=None)  # let the retry send it
            raise
        sent += 1
    return sent


def email_message(notification: Notification) -> EmailMultiAlternatives:
    """The email of one notification: plain text plus HTML, with a link to the page."""
    context = {
        "notification": notification,
        "url": f"{settings.SITE_URL}{notification.link}" if notification.link else "",
        "preferences_url": f"{settings.SITE_URL}/notifications/preferences/",
    }
    message = EmailMultiAlternatives(
        subject=f"Support Services designation: {notification.title}"[:250],
        body=render_to_string("designation/email/notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
    )
    message.attach_alternative(
        render_to_string("designation/email/notification.html", context), "text/html"
    )
    return message


# --- Reads -----------------------------------------------------------------------------------


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()


def email_preferences(user) -> dict[str, bool]:
    """Every kind with the user's email choice (on unless turned off)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, True) for kind in Kind.values}


# --- Writes by the recipient -----------------------------------------------------------------


def mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (another user's answers NotFound)."""
    notification = notifications_for(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound("No such notification among yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


def set_email_preferences(*, user, email: dict[str, bool]) -> dict[str, bool]:
    """Turn email on or off per kind (in-app stays on); unknown kinds are refused."""
    unknown = sorted(set(email) - set(Kind.values))
    if unknown:
        raise ConditionFailed(f"Unknown notification kinds: {', '.join(unknown)}.", field="email")
    with transaction.atomic():
        for kind, on in email.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": bool(on)}
            )
    return email_preferences(user)


def purge(*, today: date) -> int:
    """Remove notifications older than the retention (12 months); one statement."""
    cutoff = datetime.combine(
        notification_purge_before(today), time.min, tzinfo=timezone.get_current_timezone()
    )
    deleted, _ = Notification.objects.filter(created_at__lt=cutoff).delete()
    return deleted
