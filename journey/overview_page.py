"""The Overview page whole, from each process's memory while nothing on it changed (issue 17).

The page is the shell (base.html) around the dashboard's content, and all of it but one thing is
already known by a key before anything is rendered:

- the content, by its entry's key (journey/dashboard_cache.py: the organisation and its rows'
  fingerprint, the day, the viewer and their roles, the deployed code and templates);
- the header and navigation, by nav_key (journey/context_processors.py: the user's name,
  organisations, roles, unread count and queue counts) with the section;
- the messages: none waiting (a page with one is always rendered, so the message is shown and
  used up).

The one thing left is the CSRF token of the sign-out form, masked anew for every response. So a
page rendered with no message waiting is stored split around its token, and served again with a
token masked for this request: on a warm Overview the shell is not rendered at all. The entry
lives in the process's memory (caches["fragments"]), so a deploy, which restarts the processes,
also starts it afresh (the static files' hashed names are the process's own)."""

import hashlib
import re

from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from journey.context_processors import navigation

# The sign-out form's token as CsrfTokenNode renders it; base.html holds exactly one.
TOKEN = re.compile(rb'(?<= name="csrfmiddlewaretoken" value=")[^"]*(?=")')
TIMEOUT_SECONDS = 24 * 3600  # as the content's entry: the day shown is in its key anyway


def page_key(request: HttpRequest, board_key: str | None, section: str) -> str | None:
    """The page's key, or None when it is not to be cached: the content's key is unknown (the
    content was not cacheable either) or a message waits to be shown."""
    if board_key is None or len(messages.get_messages(request)):
        return None
    parts = (board_key, navigation(request)["nav_key"], section)
    return "overview-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_page(request: HttpRequest, key: str | None) -> HttpResponse | None:
    """The stored page with this request's own CSRF token, or None."""
    if key is None:
        return None
    stored = caches["fragments"].get(key)
    if stored is None:
        return None
    before, after = stored
    return HttpResponse(before + get_token(request).encode() + after)


def store_page(key: str | None, response: HttpResponse) -> None:
    """Keep a rendered page (its bytes, split around its one CSRF token) under its key."""
    if key is None or response.status_code != 200:
        return
    parts = TOKEN.split(response.content)
    if len(parts) == 2:  # exactly the sign-out form's token: anything else is not stored
        caches["fragments"].set(key, tuple(parts), TIMEOUT_SECONDS)
