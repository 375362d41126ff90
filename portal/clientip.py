"""The caller's address, found one way for lockouts (django-axes), throttles (DRF) and logs.

Behind `PROXY_COUNT` reverse proxies, each of which appends the address it received the request
from to `X-Forwarded-For` (nginx's `$proxy_add_x_forwarded_for`, HAProxy's `option forwardfor`),
the client is the PROXY_COUNT-th entry from the right: everything left of it was written by the
client and proves nothing. With no proxy it is `REMOTE_ADDR`, whatever the headers say.
"""

from ipaddress import ip_address

from django.conf import settings

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"
REMOTE_ADDR = "REMOTE_ADDR"


def _valid(text: str) -> str | None:
    try:
        return str(ip_address(text.strip()))
    except ValueError:
        return None


def forwarded_client(forwarded_for: str, remote_addr: str, proxies: int) -> str:
    """The client address given the header, the peer's address and how many proxies append."""
    if proxies <= 0 or not forwarded_for:
        return remote_addr
    hops = [hop for hop in forwarded_for.split(",") if hop.strip()]
    if not hops:
        return remote_addr
    # Fewer entries than proxies: the request skipped a proxy; the left-most entry is the best
    # we have (DRF's NUM_PROXIES answers the same).
    return _valid(hops[-min(proxies, len(hops))]) or remote_addr


def client_ip(request) -> str:
    """The address of whoever sent `request` (a Django HttpRequest or a DRF Request)."""
    meta = request.META
    return forwarded_client(
        meta.get(FORWARDED_FOR, ""), meta.get(REMOTE_ADDR, ""), settings.PROXY_COUNT
    )


USERNAME_LIMIT = 150  # Django's own limit on User.username


def attempted_username(request, credentials: dict | None = None) -> str | None:
    """The user name a sign-in tried, cut to the length a real one can have, for django-axes
    (whose record holds 255 characters: a longer name must not fail the request)."""
    if credentials:
        name = credentials.get("username")
    else:
        name = getattr(request, "POST", {}).get("username")
    if name is None:
        return None
    return str(name)[:USERNAME_LIMIT]
