"""Test run: real PostgreSQL and Redis, fast password hashing, isolated Redis keys."""

from .base import *  # noqa: F403
from .base import CACHES, CHANNEL_LAYERS, env

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A shared Redis (CI's system server) may hold other data: keep the suite's keys apart.
TEST_REDIS_PREFIX = env("TEST_REDIS_PREFIX", default="sktest")
CACHES["default"]["KEY_PREFIX"] = TEST_REDIS_PREFIX
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = TEST_REDIS_PREFIX
CELERY_TASK_DEFAULT_QUEUE = f"{TEST_REDIS_PREFIX}-celery"
# Serve static files from the apps' folders (production serves the collectstatic output).
WHITENOISE_USE_FINDERS = True
