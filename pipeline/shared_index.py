"""The published index in Redis, shared by processes and machines.

The clean folder stays the source of truth: its state lists the index
segments of the published runs (``corpus.py``). Redis holds the same index
as a datasketch ``MinHashLSH`` with Redis storage, plus the exact-text
hashes, under a prefix of its own for each clean folder and index key, and
remembers which segments it holds. A run brings Redis up to date by
inserting only the segments published since (a batch's worth of work, not
the corpus's); if Redis holds something the clean folder does not (a
restored backup, another folder's data under the same name) it is emptied
and rebuilt from the segments.

A run never writes its own new articles to Redis: they are compared with
each other in memory and enter Redis when the next run catches up, after
they are published. Documents a run takes out (earlier versions of changed
raw files) are hidden in memory the same way.

Keys are stored as bytes (``prepickle=False``): nothing read from Redis is
unpickled.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

from datasketch import MinHashLSH

from .config import ConfigError, DedupConfig, ServiceUnavailable
from .dedup import CANDIDATE_THRESHOLD, DedupIndex, Fingerprint, _minhash


def parse_redis_url(url: str) -> dict:
    """``redis://host:port/db`` → redis-py connection arguments."""
    parsed = urlparse(url)
    if parsed.scheme != "redis" or not parsed.hostname:
        raise ConfigError(f"the dedup index URL must look like redis://host:port/db, not {url!r}")
    db = parsed.path.strip("/") or "0"
    if not db.isdigit():
        raise ConfigError(f"the Redis database in {url!r} must be a number")
    return {"host": parsed.hostname, "port": parsed.port or 6379, "db": int(db)}


def check_reachable(url: str) -> None:
    """Raise ``ServiceUnavailable`` unless Redis answers at ``url``: a run
    checks before its shards are cleaned, not after."""
    args = parse_redis_url(url)
    try:
        import redis
    except ImportError:
        raise ServiceUnavailable("--dedup-redis needs the redis package: "
                                 "pip install 'news-corpus-cleaner[redis]'") from None
    try:
        redis.Redis(**args, socket_connect_timeout=5, socket_timeout=5).ping()
    except redis.exceptions.RedisError as exc:
        raise ServiceUnavailable(f"the Redis dedup index at {url} cannot be reached: {exc}") from None


def namespace(clean_dir: str | os.PathLike, config: DedupConfig) -> bytes:
    """The key prefix of one clean folder's index with one index key."""
    ident = f"{Path(clean_dir).resolve()}|{sorted(config.index_key().items())}"
    return b"newsclean:" + hashlib.sha256(ident.encode()).hexdigest()[:16].encode() + b":"


class RedisIndex(DedupIndex):
    """A ``DedupIndex`` whose published part lives in Redis."""

    def __init__(self, config: DedupConfig, url: str, prefix: bytes) -> None:
        super().__init__(config)
        import redis
        self.connection = parse_redis_url(url)
        self.redis = redis.Redis(**self.connection)
        self.prefix = prefix
        self.shared = MinHashLSH(
            threshold=min(CANDIDATE_THRESHOLD, config.threshold), num_perm=config.num_perm, prepickle=False,
            storage_config={"type": "redis", "basename": prefix + b"lsh:", "redis": self.connection})
        self.hidden: set[str] = set()

    # ------------------------------------------------------------ keeping up

    def segments(self) -> list[str]:
        return [s.decode() for s in self.redis.lrange(self.prefix + b"segments", 0, -1)]

    def sync(self, read_segments: Callable[[list[str]], Iterator[tuple[str, list[str], list[tuple[str, Fingerprint]]]]],
             wanted: list[str]) -> int:
        """Bring Redis to the published runs ``wanted`` (in order);
        ``read_segments(runs)`` yields (run, removed ids, kept items) for
        the runs Redis lacks. Returns how many segments were inserted."""
        held = self.segments()
        if held != wanted[:len(held)]:
            self.clear()
            held = []
        missing = wanted[len(held):]
        for run, removed, kept in read_segments(missing):
            for doc_id in removed:
                self._drop(doc_id)
            with self.shared.insertion_session() as session:
                for doc_id, fp in kept:
                    self._drop(doc_id)
                    session.insert(doc_id.encode(), _minhash(fp.signature), check_duplication=False)
            pipe = self.redis.pipeline()
            for doc_id, fp in kept:
                pipe.hsetnx(self.prefix + b"exact", fp.exact, doc_id)
                pipe.hset(self.prefix + b"ids", doc_id, fp.exact)
            pipe.rpush(self.prefix + b"segments", run)
            pipe.execute()
        return len(missing)

    def _drop(self, doc_id: str) -> None:
        key = doc_id.encode()
        if key in self.shared:
            self.shared.remove(key)
        exact = self.redis.hget(self.prefix + b"ids", doc_id)
        if exact is not None:
            if self.redis.hget(self.prefix + b"exact", exact) == key:
                self.redis.hdel(self.prefix + b"exact", exact)
            self.redis.hdel(self.prefix + b"ids", doc_id)

    def clear(self) -> None:
        keys = list(self.redis.scan_iter(match=self.prefix + b"*", count=1000))
        for start in range(0, len(keys), 1000):
            self.redis.delete(*keys[start:start + 1000])

    # ------------------------------------------------------------ DedupIndex

    def __len__(self) -> int:
        return int(self.redis.hlen(self.prefix + b"ids")) - len(self.hidden) + len(self.ids)

    def exact_match(self, exact: str) -> str | None:
        found = super().exact_match(exact)
        if found is not None:
            return found
        value = self.redis.hget(self.prefix + b"exact", exact)
        if value is None or value.decode() in self.hidden:
            return None
        return value.decode()

    def remove(self, doc_id: str) -> None:
        if doc_id in self.ids:
            super().remove(doc_id)
        else:
            self.hidden.add(doc_id)

    def candidates(self, fp: Fingerprint) -> list[str]:
        published = {k.decode() for k in self.shared.query(_minhash(fp.signature))} - self.hidden
        return sorted(published.union(super().candidates(fp)))  # a hidden id added again in this run counts
