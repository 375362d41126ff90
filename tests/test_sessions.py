"""Sessions: cached (write-through to the database) only with a shared cache, and signing out
ends the session for every later request either way."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.test_settings import ROOT

ENGINE = "import portal.settings as s; print(getattr(s, 'SESSION_ENGINE', 'default'))"


def engine(**env) -> str:
    """SESSION_ENGINE as portal/settings.py reads it from this environment."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    environment.update(DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1/portal", **env)
    done = subprocess.run(
        [sys.executable, "-c", ENGINE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_sessions_are_cached_only_with_a_shared_cache():
    assert engine(CACHE_URL="redis://127.0.0.1:6379/9") == (
        "django.contrib.sessions.backends.cached_db"
    )
    assert engine(CACHE_URL="") == "default"  # Django's: the database


@pytest.mark.parametrize(
    "session_engine",
    ["django.contrib.sessions.backends.cached_db", "django.contrib.sessions.backends.db"],
)
@pytest.mark.django_db
def test_signing_out_ends_the_session_for_the_old_cookie(settings, session_engine, partner_admin):
    settings.SESSION_ENGINE = session_engine
    browser = Client()
    browser.force_login(partner_admin)
    page = reverse("account")
    assert browser.get(page).status_code == 200
    cookie = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
    browser.post(reverse("logout"))
    stolen = Client()
    stolen.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    answer = stolen.get(page)
    assert answer.status_code == 302 and reverse("login") in answer["Location"]


@pytest.mark.parametrize(
    "session_engine",
    ["django.contrib.sessions.backends.cached_db", "django.contrib.sessions.backends.db"],
)
@pytest.mark.django_db
def test_a_deactivated_or_repassworded_user_is_signed_out(settings, session_engine, partner_admin):
    settings.SESSION_ENGINE = session_engine
    browser = Client()
    browser.force_login(partner_admin)
    page = reverse("account")
    assert browser.get(page).status_code == 200
    partner_admin.set_password("a-new-password-entirely")
    partner_admin.save()
    assert browser.get(page).status_code == 302
    browser.force_login(partner_admin)
    assert browser.get(page).status_code == 200
    type(partner_admin).objects.filter(pk=partner_admin.pk).update(is_active=False)
    assert browser.get(page).status_code == 302
