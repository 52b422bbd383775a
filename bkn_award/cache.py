"""A Redis cache that a lost or frozen Redis slows by half a second at most, never breaks.

Everything this project keeps in the cache can be computed again: the public winners
page, the worklists, the province choices. So when Redis is down or frozen, a read
answers "not cached" and a write is dropped, and the page is computed as if nothing
had been cached. Two things keep that fast:

- socket timeouts (``OPTIONS`` ``socket_timeout``/``socket_connect_timeout``, set in
  settings) bound the one call that finds Redis gone;
- after a failure the process leaves Redis alone for ``JEDA_DETIK`` seconds, so a page
  that reads the cache five times does not wait five times.

``clear()`` is left as it is: only the tests call it, and they want to know.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

JEDA_DETIK = 5.0


class _Pemutus:
    """Remembers, per process, until when Redis is left alone after a failure."""

    def __init__(self):
        self.sampai = 0.0

    def terbuka(self):
        return time.monotonic() < self.sampai

    def putus(self, exc):
        if not self.terbuka():
            log.warning("Cache Redis tidak dapat dihubungi (%s); halaman dihitung tanpa cache", exc)
        self.sampai = time.monotonic() + JEDA_DETIK


def _tahan(nama, gagal):
    """Client method ``nama``, answering ``gagal(*args)`` when Redis fails or was just found failing."""
    asli = getattr(RedisCacheClient, nama)

    def metode(self, *args, **kwargs):
        if self.pemutus.terbuka():
            return gagal(*args)
        try:
            return asli(self, *args, **kwargs)
        except RedisError as exc:
            self.pemutus.putus(exc)
            return gagal(*args)

    metode.__name__ = nama
    return metode


def _tidak_ada(key, default=None):
    return default


def _belum_ada(key, *args):
    raise ValueError(f"Key '{key}' not found (cache tidak dapat dihubungi)")  # as for a missing key


class KlienTahan(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pemutus = _Pemutus()
        self._klien = {}

    def get_client(self, key=None, *, write=False):
        # Django builds a new redis.Redis for every call, which costs more than the GET itself
        # (its table of reply handlers). A client is safe to share between threads: one per pool.
        indeks = self._get_connection_pool_index(write)
        klien = self._klien.get(indeks)
        if klien is None:
            klien = self._klien[indeks] = self._client(connection_pool=self._get_connection_pool(write))
        return klien

    get = _tahan("get", _tidak_ada)
    get_many = _tahan("get_many", lambda *args: {})
    has_key = _tahan("has_key", lambda *args: False)
    add = _tahan("add", lambda *args: False)
    set = _tahan("set", lambda *args: None)
    set_many = _tahan("set_many", lambda *args: None)
    touch = _tahan("touch", lambda *args: False)
    delete = _tahan("delete", lambda *args: False)
    delete_many = _tahan("delete_many", lambda *args: None)
    incr = _tahan("incr", _belum_ada)


class RedisCacheTahan(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KlienTahan
