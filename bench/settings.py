"""Fan-out benchmark server settings: the project's, with the layer chosen by BENCH_LAYER."""

import os

from scorekeeper.settings.local import *  # noqa: F403
from scorekeeper.settings.local import CHANNEL_LAYERS

DEBUG = False
ROOT_URLCONF = "scorekeeper.urls"
if os.environ.get("BENCH_LAYER") == "core":
    CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.core.RedisChannelLayer"
