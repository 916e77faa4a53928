"""A token bucket per key in Redis, atomic in one Lua script: N per minute, bursts up to N.

Used for the public event API and for login attempts."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django_redis import get_redis_connection

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

    def take(self, key: str, tokens: int = 1) -> Decision:
        if tokens > self.capacity:
            return Decision(False, 0, math.ceil(tokens / self.rate))
        if self._script is None:
            self._script = get_redis_connection("default").register_script(_SCRIPT)
        allowed, remaining, wait = self._script(
            keys=[f"{settings.CACHES['default']['KEY_PREFIX']}:ratelimit:{self.name}:{key}"],
            args=[self.capacity, self.rate, tokens, time.time()],
        )
        return Decision(bool(allowed), int(remaining), int(wait))
