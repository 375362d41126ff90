"""Behind the documented TLS proxy (PROXY_COUNT=1), every client address comes from one place:
lockouts and the token throttle key on the real client, not on the proxy or a forged header.

gunicorn runs with production settings on a loopback port; each request carries what the proxy
would add: `X-Forwarded-For` ending with the client's address, and `X-Forwarded-Proto: https`.
"""

import re

import pytest
import requests
from django.db import connection

from tests.designation import factories
from tests.live_server import HOST, database_url, gunicorn, production_env

PASSWORD = "correct-horse-battery"
ATTACKER, VICTIM_ADDRESS, BYSTANDER = "203.0.113.9", "198.51.100.7", "198.51.100.8"


@pytest.fixture
def server(transactional_db, tmp_path):
    env = production_env(
        database_url(connection.settings_dict),
        STATIC_ROOT=str(tmp_path / "static"),
        PROXY_COUNT="1",
        THROTTLE_TOKEN_RATE="10/minute",
        CACHE_URL="",  # one worker: its memory holds the throttle counters
    )
    with gunicorn(env) as base:
        yield base


def through_proxy(client_address: str, forged: str = "") -> dict[str, str]:
    """The headers the proxy sends on: what the client claimed, then the address it came from."""
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": forwarded}


def sign_in(base: str, username: str, password: str, client_address: str, forged: str = ""):
    """The sign-in page as a browser fills it in: CSRF cookie and token, then the POST."""
    headers = through_proxy(client_address, forged)
    page = requests.get(f"{base}/accounts/login/", headers=headers, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    cookie = page.headers["Set-Cookie"].split(";")[0]
    return requests.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={**headers, "Cookie": cookie, "Referer": f"https://{HOST}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )


def test_lockout_is_keyed_on_the_real_client_behind_the_proxy(server):
    victim = factories.UserFactory(username="victim")
    for attempt in range(5):
        forged = f"10.9.9.{attempt}"  # a new forged address on every try changes nothing
        assert sign_in(server, victim.username, "wrong", ATTACKER, forged).status_code == 200
    locked = sign_in(server, victim.username, "wrong", ATTACKER, "10.9.9.99")
    assert locked.status_code == 429 and "locked for 15 minutes" in locked.text
    # The attacker stays locked out, whatever they forge, even with the right password...
    assert sign_in(server, victim.username, PASSWORD, ATTACKER, "192.0.2.1").status_code == 429
    assert sign_in(server, victim.username, PASSWORD, ATTACKER).status_code == 429
    # ...while the same user, from their own address, still signs in.
    welcome = sign_in(server, victim.username, PASSWORD, VICTIM_ADDRESS)
    assert welcome.status_code == 302 and "/accounts/login/" not in welcome.headers["Location"]


def test_the_token_throttle_cannot_be_dodged_by_a_changed_forwarded_header(server):
    url = f"{server}/api/v1/auth/token/"
    answers = []
    for attempt in range(12):
        headers = through_proxy(ATTACKER, forged=f"10.1.{attempt}.{attempt}")
        body = {"username": f"nobody{attempt}", "password": "guess"}
        answers.append(requests.post(url, data=body, headers=headers, timeout=10).status_code)
    assert answers == [400] * 10 + [429, 429]
    # Another client behind the same proxy is not throttled by the attacker's requests.
    other = requests.post(
        url, data={"username": "x", "password": "y"}, headers=through_proxy(BYSTANDER), timeout=10
    )
    assert other.status_code == 400
