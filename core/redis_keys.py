"""The one way a raw Redis key is named (for what the cache API cannot do: Lua scripts, sorted
sets, buffers): the deployment's prefix (the cache's KEY_PREFIX, which tests vary per run),
then the parts, colon-separated."""

from django.conf import settings


def redis_key(*parts) -> str:
    return ":".join([settings.CACHES["default"]["KEY_PREFIX"], *(str(part) for part in parts)])
