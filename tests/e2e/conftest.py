"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server."""

import os
from pathlib import Path

import pytest

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


def restore_reference_data() -> None:
    """Put back the rows the migrations create, which a transactional test's flush removes.

    (Serialized rollback cannot do it here: under Playwright's event loop Django hands the test a
    different connection object than the one holding the serialized snapshot.)
    """
    from django.apps import apps
    from django.db import connection

    migration_data = {
        ("designation", "0002_default_program_rules_and_groups"): "create",
        ("assessments", "0002_fee_schedule"): "create",
    }
    from importlib import import_module

    for (app_label, name), function in migration_data.items():
        module = import_module(f"{app_label}.migrations.{name}")
        getattr(module, function)(apps, connection.schema_editor())


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

    def take(name: str) -> list[Path]:
        SCREENSHOTS.mkdir(exist_ok=True)
        saved = []
        for label, width, height in (("desktop", 1366, 900), ("phone", 390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            path = SCREENSHOTS / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
        page.set_viewport_size({"width": 1366, "height": 900})
        return saved

    return take


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
