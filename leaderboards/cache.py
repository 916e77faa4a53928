"""Board caching in Redis: a generation number per scope (bumped after a change commits, so
every cached page of that scope is invalid at once) and a sorted set per scope for rank lookups.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django_redis import get_redis_connection

from core.redis_keys import redis_key

TIMEOUT_TOURNAMENT = 120
TIMEOUT_GLOBAL = 300
TIMEOUT_RANK = 300
RANK_VALUE = {"batting": ("leaderboards_battingrecord", "runs"),
              "bowling": ("leaderboards_bowlingrecord", "wickets")}


def timeout_for(scope: str) -> int:
    return TIMEOUT_TOURNAMENT if scope.startswith("t:") else TIMEOUT_GLOBAL


# Generations outlive every page cached under them (INCR keeps the TTL), so one that expires
# and restarts at 1 can never meet a page of its first life; and no key lives for ever.
TIMEOUT_GENERATION = 24 * 60 * 60


def generation(scope: str) -> int:
    return cache.get_or_set(f"lb:gen:{scope}", 1, timeout=TIMEOUT_GENERATION)


def bump(scopes) -> None:
    for scope in set(scopes):
        key = f"lb:gen:{scope}"
        cache.add(key, 1, timeout=TIMEOUT_GENERATION)
        try:
            cache.incr(key)
        except ValueError:  # expired (or Redis lost it) between the two calls: start again
            cache.add(key, 1, timeout=TIMEOUT_GENERATION)


def _redis():
    return get_redis_connection("default")


def _rank_key(scope: str, kind: str) -> str:
    return redis_key("lb", "rank", kind, scope)


def rank_sync(scope: str, kind: str, player_ids) -> None:
    """After a commit: copy these players' committed values into the scope's sorted set.

    Runs under a per-set Redis lock and reads the values fresh, so two workers syncing the same
    set one after the other can never leave an older value last (each reads after its commit)."""
    player_ids = sorted(set(player_ids))
    if not player_ids:
        return
    redis, key = _redis(), _rank_key(scope, kind)
    table, column = RANK_VALUE[kind]
    with redis.lock(f"{key}:lock", timeout=60, blocking_timeout=30):
        if not redis.exists(f"{key}:built"):
            return  # built from the database in full on first use (under this same lock)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT player_id, {column} FROM {table} "
                           "WHERE scope = %s AND player_id = ANY(%s)", [scope, player_ids])
            values = dict(cursor.fetchall())
        pipe = redis.pipeline(transaction=True)
        present = {str(p): v for p, v in values.items()}
        if present:
            pipe.zadd(key, present)
        gone = [str(p) for p in player_ids if p not in values]
        if gone:
            pipe.zrem(key, *gone)
        pipe.execute()


def rank_set_build(scope: str, kind: str) -> None:
    """(Re)build a scope's sorted set from the database: first use, rebuilds, a flushed Redis."""
    redis, key = _redis(), _rank_key(scope, kind)
    table, column = RANK_VALUE[kind]
    with redis.lock(f"{key}:lock", timeout=600, blocking_timeout=120):
        staging = f"{key}:staging"
        redis.delete(staging)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT player_id, {column} FROM {table} WHERE scope = %s", [scope])
            while rows := cursor.fetchmany(50_000):
                redis.zadd(staging, {str(p): v for p, v in rows})
        pipe = redis.pipeline(transaction=True)
        if redis.exists(staging):
            pipe.rename(staging, key)
        else:
            pipe.delete(key)
        pipe.set(f"{key}:built", 1)
        pipe.execute()


def rank_clear(scopes=None) -> None:
    """Forget rank sets (all, or these scopes'): the next lookup rebuilds them from the DB."""
    redis = _redis()
    if scopes is None:
        pattern = redis_key("lb", "rank", "*")
        keys = list(redis.scan_iter(pattern, count=1000))
    else:
        keys = [f"{_rank_key(scope, kind)}{suffix}" for scope in scopes
                for kind in RANK_VALUE for suffix in ("", ":built")]
    for start in range(0, len(keys), 500):
        redis.delete(*keys[start:start + 500])


def rank_of(scope: str, kind: str, player_id: int) -> dict | None:
    """Competition rank ("1224") of a player in a scope by runs or wickets; None if absent."""
    redis, key = _redis(), _rank_key(scope, kind)
    if not redis.exists(f"{key}:built"):
        rank_set_build(scope, kind)
    pipe = redis.pipeline(transaction=False)
    pipe.zscore(key, str(player_id))
    pipe.zcard(key)
    score, total = pipe.execute()
    if score is None:
        return None
    higher = redis.zcount(key, f"({score}", "+inf")
    return {"rank": higher + 1, "of": total, "value": int(score)}
