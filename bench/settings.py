"""Benchmark settings: the project's, on a separate database, with the layer from BENCH_LAYER."""

import os

from devtools.embedded import export_urls

export_urls()  # the embedded servers unless DATABASE_URL / REDIS_URL are set

from config.settings.local import *  # noqa: F403, E402
from config.settings.local import CHANNEL_LAYERS, DATABASES  # noqa: E402

DEBUG = False
# Never mix benchmark rows with real ones (bench.cluster points it at its own throwaway cluster).
DATABASES["default"]["NAME"] = os.environ.get("BENCH_DATABASE_NAME", "scorekeeper_bench")
if os.environ.get("BENCH_LAYER") == "core":
    CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.core.RedisChannelLayer"
WHITENOISE_USE_FINDERS = True  # serve static/ without collectstatic, as production does after it
# Every benchmark fan connects from this machine's one address.
WS_MAX_PER_ADDRESS = 10_000_000
