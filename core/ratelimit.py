"""A token bucket per key in Redis, atomic in one Lua script: N per minute, bursts up to N.

Used for the public event API and for login attempts."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from django_redis import get_redis_connection
from redis.exceptions import RedisError

from core.redis_keys import redis_key

logger = logging.getLogger(__name__)
LOCAL_KEYS = 10_000  # per-process fallback buckets kept while Redis is down

# KEYS[1] bucket; ARGV: capacity, refill per second, tokens wanted, now (s). Returns
# {allowed (0/1), tokens left (floored), seconds until enough tokens (ceil)}.
_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local allowed = 0
local wait = 0
if wanted <= tokens then
  tokens = tokens - wanted
  allowed = 1
else
  wait = math.ceil((wanted - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return {allowed, math.floor(tokens), wait}
"""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: int  # seconds


class TokenBucket:
    def __init__(self, *, name: str, per_minute: int):
        self.name = name
        self.capacity = per_minute
        self.rate = per_minute / 60.0
        self._script = None
        self._local: dict[str, tuple[float, float]] = {}  # key -> (tokens, when), insertion order

    def take(self, key: str, tokens: int = 1) -> Decision:
        if tokens > self.capacity:
            return Decision(False, 0, math.ceil(tokens / self.rate))
        try:
            if self._script is None:
                self._script = get_redis_connection("default").register_script(_SCRIPT)
            allowed, remaining, wait = self._script(
                keys=[redis_key("ratelimit", self.name, key)],
                args=[self.capacity, self.rate, tokens, time.time()],
            )
        except RedisError:
            # Redis down: limit per process instead (each process allows the full rate, so a
            # client gets at most N x processes) rather than refuse everyone or answer 500.
            logger.warning("Rate limit %s: Redis unavailable, limiting per process.", self.name)
            return self._local_take(key, tokens)
        return Decision(bool(allowed), int(remaining), int(wait))

    def _local_take(self, key: str, tokens: int) -> Decision:
        now = time.monotonic()
        held, at = self._local.pop(key, (float(self.capacity), now))
        held = min(self.capacity, held + (now - at) * self.rate)
        allowed = tokens <= held
        if allowed:
            held -= tokens
        self._local[key] = (held, now)
        while len(self._local) > LOCAL_KEYS:  # oldest first: bounded memory whatever comes
            self._local.pop(next(iter(self._local)))
        wait = 0 if allowed else math.ceil((tokens - held) / self.rate)
        return Decision(allowed, math.floor(held), wait)
