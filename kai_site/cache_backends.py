"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's RedisCacheClient builds a new ``redis.Redis`` object for every cache operation, and
redis-py's constructor fills a table of about 170 response callbacks each time: on a cached
page (three cache reads) that was about half of the time of the whole request. A client is
safe to share (connections come from its pool, which redis-py resets after a fork), so this
backend builds it once per pool. Everything else is Django's backend unchanged.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
