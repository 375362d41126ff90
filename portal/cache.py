"""The cache backend: Django's Redis cache, with one redis client per connection pool.

Django's RedisCacheClient builds a new redis.Redis for every operation, and redis-py fills each
new client's table of about 170 response callbacks: some 0.2 ms of every session read and
dashboard cache lookup. A redis.Redis is safe to share between threads (each command takes a
connection from the pool), so one per pool is kept and reused."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
