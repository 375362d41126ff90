"""What can be tested of the deployment here: compose, Dockerfile, production settings, gunicorn."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from django.db import connection
from joserfc.jwk import OKPKey

ROOT = Path(__file__).resolve().parents[2]
TEST_ONLY_VARIABLES = {"TEST_DATABASE_NAME"}


def settings_variables() -> set[str]:
    """Every environment variable portal/settings.py reads."""
    source = "".join(
        path.read_text()
        for path in (ROOT / "portal").glob("*.py")
        if path.name.startswith(("settings", "environment"))
    )
    return set(re.findall(r"""(?:env\.\w+|_read|_bool)\(\s*["']([A-Z_]+)["']""", source))


def env_example_variables() -> set[str]:
    names = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"#?\s*([A-Z_]+)=", line)
        if match:
            names.add(match.group(1))
    return names


def production_env(**extra) -> dict[str, str]:
    unwanted = ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.com,127.0.0.1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        CLAMD_ADDRESS="127.0.0.1:3310",
        SITE_URL="https://portal.example.com",
        CREDENTIAL_SIGNING_KEY=OKPKey.generate_key("Ed25519", private=True)
        .as_pem(private=True)
        .decode(),
    )
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def test_compose_names_every_service_and_volume():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "clamav", "migrate", "web", "worker", "beat"}
    assert {"pgdata", "evidence"} <= set(compose["volumes"])
    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["image"] == "support-services-portal:latest"
        assert services[name]["env_file"] == ".env"
        assert "evidence:/data/evidence" in services[name]["volumes"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for name in ("db", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"]
    assert "gunicorn" in services["web"]["command"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]


def test_every_variable_the_settings_read_is_documented_for_operators():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    provided = env_example_variables() | set(compose["x-app"]["environment"])
    missing = settings_variables() - TEST_ONLY_VARIABLES - provided
    assert missing == set()
    readme = (ROOT / "README.md").read_text()
    assert [v for v in sorted(settings_variables()) if f"`{v}`" not in readme] == []


def test_dockerfile_installs_the_way_the_readme_says():
    dockerfile = (ROOT / "Dockerfile").read_text()
    readme = (ROOT / "README.md").read_text()
    for step in ("pip install .", "manage.py collectstatic --noinput", "apt-get install"):
        assert step in dockerfile
        assert step in readme
    assert "libmagic1" in dockerfile and "libmagic1" in readme


def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("unset", "code"),
    [("SITE_URL", "designation.E001"), ("CREDENTIAL_SIGNING_KEY", "designation.E002")],
)
def test_check_deploy_fails_without_site_url_or_signing_key(unset, code):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=production_env(**{unset: None}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert code in result.stdout + result.stderr


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}@{host}{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_portal_with_production_settings(tmp_path):
    env = production_env(DATABASE_URL=_database_url(), STATIC_ROOT=str(tmp_path / "static"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        headers = {"X-Forwarded-Proto": "https", "Host": "portal.example.com"}

        def fetch(path: str):
            request = urllib.request.Request(base + path, headers=headers)
            return urllib.request.urlopen(request, timeout=5)  # noqa: S310 (loopback only)

        deadline = time.monotonic() + 30
        while True:
            try:
                health = fetch("/healthz/")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert health.status == 200 and b'"ok"' in health.read()
        login = fetch("/accounts/login/")
        assert login.status == 200
        assert b"Sign in" in login.read()
        assert login.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert login.headers["X-Frame-Options"] == "DENY"
        assert login.headers["X-Content-Type-Options"] == "nosniff"
        cookie = login.headers["Set-Cookie"]
        assert "csrftoken" in cookie and "Secure" in cookie
        css = fetch("/static/css/portal.css")
        assert css.status == 200 and b"--accent" in css.read()
        no_redirects = urllib.request.build_opener(NoRedirect)
        plain = urllib.request.Request(
            base + "/accounts/login/", headers={"Host": "portal.example.com"}
        )
        with pytest.raises(urllib.error.HTTPError) as plain_http:
            no_redirects.open(plain, timeout=5)
        assert plain_http.value.code == 301  # plain http is redirected to https
        assert plain_http.value.headers["Location"] == "https://portal.example.com/accounts/login/"
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_gunicorn_access_log_only_when_asked(monkeypatch):
    import runpy

    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "-")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["accesslog"] == "-"
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", " ")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["accesslog"] is None


def test_compose_the_dockerfile_and_the_load_test_start_gunicorn_from_one_config():
    """gunicorn.conf.py is the one production configuration: what make load measures runs."""
    import json
    import runpy

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = ["gunicorn", "portal.wsgi:application", "--config", "gunicorn.conf.py"]
    assert compose["services"]["web"]["command"] == command
    cmd = next(
        line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD")
    )
    assert json.loads(cmd.removeprefix("CMD ")) == command
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["worker_class"], config["workers"], config["threads"]) == ("gthread", 2, 2)
    # No access log of its own (the proxy in front keeps one) unless GUNICORN_ACCESS_LOG asks.
    assert config["bind"] == "0.0.0.0:8000" and config["accesslog"] is None
    load_test = (ROOT / "bench" / "load_test.py").read_text()
    assert '"--config", "gunicorn.conf.py"' in load_test and "production_gunicorn()" in load_test
