"""The Redis cache backend (portal/cache.py) against the real Redis: one client per connection
pool, shared by threads, with Django's cache API unchanged."""

import os
import threading
import uuid

import pytest
import redis

from portal.cache import ReusedClientRedisCache

URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def cache():
    backend = ReusedClientRedisCache(URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    try:
        backend.get("probe")
    except redis.ConnectionError as exc:  # pragma: no cover - the machine's Redis is required
        pytest.fail(f"Redis is not reachable at {URL}: {exc}")
    yield backend
    backend.delete_many([f"key-{n}" for n in range(40)] + ["shared", "counter"])


def test_one_client_serves_every_operation(cache):
    first = cache._cache.get_client(write=True)
    cache.set("shared", {"rows": [1, 2]}, 30)
    assert cache.get("shared") == {"rows": [1, 2]}
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first


def test_threads_share_the_client_and_each_gets_its_own_answers(cache):
    failures = []

    def work(n):
        key = f"key-{n}"
        for round_ in range(25):
            cache.set(key, (n, round_), 30)
            if cache.get(key) != (n, round_):
                failures.append((n, round_))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert cache.incr("counter", 1) if cache.add("counter", 1, 30) else False
    assert cache.get("counter") == 2
