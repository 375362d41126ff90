"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server."""

import os
from pathlib import Path

import pytest

from tests.conftest import restore_reference_data

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_under_playwright():
    """Playwright's sync API runs an event loop in this thread; the ORM must be allowed here."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(transactional_db):
    """The demo data of `seed_demo`, on top of the reference data."""
    from django.core.management import call_command

    restore_reference_data()
    call_command("seed_demo")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}: run `apt-get install -y chromium` "
            "(or set CHROMIUM_PATH)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot at desktop and phone widths under tests/e2e/screenshots/."""

    def take(name: str, target=None) -> list[Path]:
        """Screenshots of `target` (another browser context's page) or of the test's page."""
        shown = target or page
        SCREENSHOTS.mkdir(exist_ok=True)
        saved = []
        for label, width, height in (("desktop", 1366, 900), ("phone", 390, 844)):
            shown.set_viewport_size({"width": width, "height": height})
            path = SCREENSHOTS / f"{name}-{label}.png"
            shown.screenshot(path=str(path), full_page=True)
            saved.append(path)
        shown.set_viewport_size({"width": 1366, "height": 900})
        return saved

    return take


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def current_code(username: str) -> str:
    """The code the demo user's confirmed authenticator shows now (as `make otp` prints it)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def sign_in_staff(page, base_url: str, username: str, password: str) -> None:
    """Password, then the two-factor page with the authenticator's current code."""
    sign_in(page, base_url, username, password)
    page.wait_for_url("**/accounts/two-factor/**")
    page.get_by_label("Six-digit code from your authenticator app").fill(current_code(username))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    assert "/accounts/" not in page.url, page.url
