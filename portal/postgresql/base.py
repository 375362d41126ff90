"""Django's PostgreSQL backend, with each persistent connection's health check run at most once
a second instead of before every request.

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first query of every request that
reuses a connection: one more round trip on every page, and under load a round trip waits for
the database's turn on the CPU (about a sixth of a cached dashboard's time at 8 connections).
Here a connection that passed the check less than TRUSTED_SECONDS ago is not checked again, and
one that saw an error is: Django checks it at the request's end, whatever this setting, and the
next request checks it anew. What is given up: a connection the database dropped within that
second fails the request that uses it, as it would mid-request anyway, and is then replaced."""

import time

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    TRUSTED_SECONDS = 1.0
    _checked_at = float("-inf")

    def connect(self):
        super().connect()
        self._checked_at = time.monotonic()  # a new connection is healthy

    def close_if_unusable_or_obsolete(self):
        super().close_if_unusable_or_obsolete()
        recently = time.monotonic() - self._checked_at < self.TRUSTED_SECONDS
        if self.connection is not None and not self.errors_occurred and recently:
            self.health_check_done = True

    def close_if_health_check_failed(self):
        checking = (
            self.connection is not None and self.health_check_enabled and not self.health_check_done
        )
        super().close_if_health_check_failed()
        if checking and self.connection is not None:
            self._checked_at = time.monotonic()
