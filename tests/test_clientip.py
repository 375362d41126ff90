"""The client address: the PROXY_COUNT-th X-Forwarded-For entry from the right, else the peer."""

import pytest
from django.test import RequestFactory

from portal.clientip import attempted_username, client_ip, forwarded_client


@pytest.mark.parametrize(
    ("header", "proxies", "expected"),
    [
        ("203.0.113.9", 0, "127.0.0.1"),  # no proxy: the header is the client's own words
        ("203.0.113.9", 1, "203.0.113.9"),
        ("10.0.0.1, 203.0.113.9", 1, "203.0.113.9"),  # a forged left part is ignored
        ("10.0.0.1, 203.0.113.9, 192.0.2.5", 2, "203.0.113.9"),
        ("203.0.113.9", 3, "203.0.113.9"),  # fewer hops than proxies: the left-most
        ("", 1, "127.0.0.1"),
        ("not-an-address", 1, "127.0.0.1"),
        (" 2001:db8::1 ", 1, "2001:db8::1"),
    ],
)
def test_the_client_is_counted_from_the_right_of_the_forwarded_header(header, proxies, expected):
    assert forwarded_client(header, "127.0.0.1", proxies) == expected


def test_client_ip_reads_proxy_count_from_the_settings(settings):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9")
    settings.PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"


def test_the_user_name_given_to_axes_is_bounded():
    assert attempted_username(None, {"username": "x" * 5000}) == "x" * 150
    assert attempted_username(RequestFactory().post("/", {"username": "ann"})) == "ann"
    assert attempted_username(RequestFactory().post("/", {})) is None
