"""The notification centre: each event reaches each recipient once, in-app and by email (unless
turned off), after commit; the bell, the list, mark read, preferences, the API and the purge."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from designation import notifications
from designation.models import Notification
from designation.tasks import purge_notifications, send_notification_emails
from tests.designation import factories
from tests.designation.factories import TODAY

pytestmark = pytest.mark.django_db


def tell(users, key="event:1", title="Your audit was claimed", link="/directory/"):
    return notifications.deliver(
        kind=Notification.Kind.AUDIT_CLAIMED,
        key=key,
        recipient_ids=[u.pk for u in users],
        title=title,
        body="Claimed on 2026-11-21.",
        link=link,
    )


def test_an_event_reaches_each_recipient_once_in_app_and_by_email(
    django_capture_on_commit_callbacks,
):
    ann, bob = factories.UserFactory(), factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        tell([ann, bob, ann])
    with django_capture_on_commit_callbacks(execute=True):
        tell([ann, bob])  # the same event announced again: nothing new
    assert Notification.objects.filter(recipient=ann).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ann.email, bob.email])
    send_notification_emails("event:1")  # a retried task sends nothing twice
    assert len(mail.outbox) == 2


def test_email_is_plain_text_and_html_with_a_link(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://portal.example.com"
    ann = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        tell([ann], title="<b>Claimed</b>")
    message = mail.outbox[0]
    assert message.subject == "Support Services designation: <b>Claimed</b>"
    assert "Open it in the portal: https://portal.example.com/directory/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="https://portal.example.com/directory/">' in html
    assert "&lt;b&gt;Claimed&lt;/b&gt;" in html and "<b>Claimed</b>" not in html


def test_nothing_is_emailed_before_commit_and_a_rollback_tells_nobody(
    django_capture_on_commit_callbacks,
):
    from django.db import transaction

    ann = factories.UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tell([ann])
        raise RuntimeError("the service failed")
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_failed_send_is_sent_by_the_retry_once(settings):
    ann = factories.UserFactory()
    tell([ann])  # outside on-commit capture: only the row
    settings.EMAIL_BACKEND = "tests.designation.test_notifications.FailingBackend"
    with pytest.raises(OSError):
        notifications.send_emails(key="event:1")
    assert Notification.objects.get().emailed_at is None  # the claim was released
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.send_emails(key="event:1") == 1
    assert notifications.send_emails(key="event:1") == 0
    assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("SMTP server unreachable")


def test_email_turned_off_for_a_kind_keeps_it_in_app(django_capture_on_commit_callbacks):
    ann = factories.UserFactory()
    notifications.set_email_preferences(user=ann, email={"audit_claimed": False})
    with django_capture_on_commit_callbacks(execute=True):
        tell([ann])
    assert mail.outbox == []
    assert Notification.objects.get(recipient=ann).email_skipped is True
    assert notifications.email_preferences(ann)["audit_claimed"] is False
    assert notifications.email_preferences(ann)["audit_decided"] is True


def test_the_bell_counts_unread_and_the_list_shows_newest_first(
    client, django_assert_max_num_queries
):
    ann = factories.UserFactory()
    tell([ann], key="event:1", title="Older news")
    tell([ann], key="event:2", title="Newer news")
    Notification.objects.filter(key="event:1").update(created_at=timezone.now() - timedelta(1))
    client.force_login(ann)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("notification-centre"))
    html = page.content.decode()
    assert 'aria-label="Notifications: 2 unread"' in html
    assert html.index("Newer news") < html.index("Older news")

    newer = Notification.objects.get(key="event:2")
    opened = client.post(reverse("notification-open-form", args=[newer.pk]))
    assert (opened.status_code, opened["Location"]) == (302, "/directory/")
    assert 'aria-label="Notifications: 1 unread"' in client.get("/directory/").content.decode()
    client.post(reverse("notification-read-all-form"))
    assert Notification.objects.filter(recipient=ann, read_at=None).count() == 0


def test_another_users_notification_answers_404(client, api_client):
    ann, bob = factories.UserFactory(), factories.UserFactory()
    tell([ann])
    notification = Notification.objects.get()
    client.force_login(bob)
    assert client.post(reverse("notification-open-form", args=[notification.pk])).status_code == 404
    api_client.force_authenticate(bob)
    assert api_client.get("/api/v1/notifications/").json()["results"] == []
    assert api_client.post(f"/api/v1/notifications/{notification.pk}/read/").status_code == 404
    assert Notification.objects.get().read_at is None


def test_api_lists_marks_read_and_sets_preferences(api_client):
    ann = factories.UserFactory()
    tell([ann], key="event:1")
    tell([ann], key="event:2")
    api_client.force_authenticate(ann)
    listed = api_client.get("/api/v1/notifications/?unread=true").json()
    assert [n["read"] for n in listed["results"]] == [False, False]
    first = listed["results"][0]["id"]
    assert api_client.post(f"/api/v1/notifications/{first}/read/").json()["read"] is True
    assert api_client.post("/api/v1/notifications/read-all/").json() == {"marked_read": 1}
    refused = api_client.put(
        "/api/v1/notifications/preferences/", {"email": {"no_such_kind": True}}, format="json"
    )
    assert refused.status_code == 400 and "no_such_kind" in refused.json()["detail"]
    saved = api_client.put(
        "/api/v1/notifications/preferences/", {"email": {"comment_added": False}}, format="json"
    )
    assert saved.json()["email"]["comment_added"] is False


def test_preferences_page_saves_the_choices(client):
    ann = factories.UserFactory()
    client.force_login(ann)
    assert (
        "Renewal reminders" in client.get(reverse("notification-preferences-page")).content.decode()
    )
    client.post(reverse("notification-preferences-page"), {"email": ["renewal_reminder"]})
    choices = notifications.email_preferences(ann)
    assert choices["renewal_reminder"] is True and choices["audit_claimed"] is False


def test_purge_keeps_twelve_months(today):
    ann = factories.UserFactory()
    tell([ann], key="old")
    tell([ann], key="recent")
    now = timezone.now()
    Notification.objects.filter(key="old").update(created_at=now - timedelta(days=367))
    Notification.objects.filter(key="recent").update(created_at=now - timedelta(days=360))
    assert purge_notifications(TODAY.isoformat()) == "1 notifications removed"
    assert list(Notification.objects.values_list("key", flat=True)) == ["recent"]


def test_purge_runs_nightly_in_the_beat_schedule(settings):
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "designation.tasks.purge_notifications" in tasks
