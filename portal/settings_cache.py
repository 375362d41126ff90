"""Settings of the cache and sessions: throttles, lockouts and the dashboard's content in Redis
when CACHE_URL names one (memory otherwise), sessions cached there, and each process's own
cache of rendered fragments."""

from django.core.exceptions import ImproperlyConfigured

from portal.environment import env

CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "portal.cache.ReusedClientRedisCache", "LOCATION": CACHE_URL}}
    # Sessions read from the shared cache, written through to the database: a request saves the
    # session query. Sign-out and a new sign-in delete the entry in both (flush, cycle_key) for
    # every worker; a cache failure falls back to the database. Only with a shared cache: a
    # per-process memory cache would keep a signed-out session alive in the other workers.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL is malformed: use redis://host:6379/1 or leave it unset.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered fragments in each process's memory (the page shell's header and navigation, the
# dashboard's content, the whole Overview page), each keyed by all it shows: never stale; at
# most 2,000 entries of at most about 30 KB (an Overview page), about 60 MB a worker.
_FRAGMENTS = {"LOCATION": "fragments", "OPTIONS": {"MAX_ENTRIES": 2000}}
CACHES["fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", **_FRAGMENTS}
