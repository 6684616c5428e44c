"""Django's Redis cache backend, keeping one ``redis.Redis`` client per connection pool.

The stock client builds a new ``redis.Redis`` object for every cache call, and each one fills
a table of some 170 response callbacks: a tenth of a millisecond per call, which was a third of
the cache's cost on the cached queue page. The client is thread-safe (it takes a connection
from the pool per command), so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
