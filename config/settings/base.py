"""Settings shared by every environment, read from the environment (django-environ).

Each integration has one commented section. ``local``, ``test`` and ``production`` import this
module and change only what differs.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# --- Core ----------------------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_celery_beat",
    "psqlextra",
    "accounts.apps.AccountsConfig",  # label "scorekeeper": its tables kept their names
    "ops.apps.OpsConfig",
    "games",
    "scoring",
    "centre",
    "events",
    "leaderboards",
    "realtime",
]

MIDDLEWARE = [
    "core.metrics.ResponseMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ops.errors.QueryControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.replicas.ReadYourWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, not first as WhiteNoise suggests: it is synchronous only, and Django runs the chain
    # above the innermost synchronous-only middleware synchronously. Here that is the whole
    # chain — one thread hop per request; first, every middleware below it ran async under
    # ASGI, each process_request/process_response a hop of its own (~14 per request). A static
    # file now passes the (lazy) session and auth middleware first, which costs next to nothing.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ops.errors.DatabaseUnavailableMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at every start without it
# --- Operators -----------------------------------------------------------------------------------
# /metrics and health details: from these networks, or with the token (core.access).
OPERATOR_NETWORKS = env.list("OPERATOR_NETWORKS", default=["127.0.0.0/8", "::1/128"])
OPERATOR_TOKEN = env("OPERATOR_TOKEN", default="")

LOGIN_URL = "login"
CSRF_FAILURE_VIEW = "ops.errors.csrf_failure"
LOGIN_REDIRECT_URL = "/score/"
LOGOUT_REDIRECT_URL = "/matches/"

# --- Email (password resets) ---------------------------------------------------------------------
# Locally the console backend prints each message; production sets EMAIL_URL
# (smtp+tls://user:password@host:587, never committed).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Scorekeeper <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- Servers -------------------------------------------------------------------------------------
# Loading the settings starts nothing: DATABASE_URL and REDIS_URL come from the environment.
# make run, make test, manage.py and the benchmarks put the embedded servers' URLs there when
# they are unset (devtools.embedded.export_urls); production sets them (production.py refuses
# to start without them).
EMBEDDED_SERVICES = env.list("EMBEDDED_SERVICES", default=[])

# --- PostgreSQL ----------------------------------------------------------------------------------
# Django's native psycopg 3 pool; it requires CONN_MAX_AGE = 0.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=20)
DATABASE_POOL_TIMEOUT = env.float("DATABASE_POOL_TIMEOUT", default=1.0)
# Seconds between the pool's tries to reconnect while PostgreSQL is down (core/db/base.py).
DATABASE_POOL_RECONNECT_DELAY = env.float("DATABASE_POOL_RECONNECT_DELAY", default=0.5)


def _database(url: str) -> dict:
    config = env.db_url_config(url)
    config["ENGINE"] = "psqlextra.backend"  # django-postgres-extra: partitioned tables
    config["CONN_MAX_AGE"] = 0
    config["CONN_HEALTH_CHECKS"] = True  # the pool checks a connection before lending it
    options = config.setdefault("OPTIONS", {})
    # Parameters bound by the server, and statements a connection has run a few times kept
    # prepared there (psycopg's automatic preparation; Django leaves it off for transaction-
    # mode poolers such as PgBouncer, which this deployment does not use: docs/deploy.md).
    # PostgreSQL then parses and plans a ball's statements once per connection instead of
    # every time: its CPU per scoring action 1.3 -> 0.7 ms at 8 scorers (docs/capacity.md).
    options["server_side_binding"] = True
    options["prepare_threshold"] = 5
    options["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_MAX_SIZE,
        # With PostgreSQL down a request gets its 503 (ops.errors) after this long,
        # instead of hanging.
        "timeout": DATABASE_POOL_TIMEOUT,
    }
    return config


DATABASE_URL = env("DATABASE_URL")
DATABASES = {"default": _database(DATABASE_URL)}
if env("DATABASE_REPLICA_URL", default=""):
    # A streaming replica for fans' reads (core/replicas.py); writes never go here.
    DATABASES["replica"] = _database(env("DATABASE_REPLICA_URL"))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
# A replica behind the primary for longer than this is skipped until it catches up; probed at
# most every REPLICA_CHECK_SECONDS per process; a client that wrote reads the primary for
# REPLICA_STICKY_SECONDS (longer than the lag allowed, so it then finds its write anywhere).
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=1.0)
REPLICA_STICKY_SECONDS = env.float("REPLICA_STICKY_SECONDS", default=2 * REPLICA_MAX_LAG_SECONDS)
POSTGRES_EXTRA_DB_BACKEND_BASE = "core.db"  # Django's, with a cheaper pool check

# --- Redis: cache, channel layer, Celery broker --------------------------------------------------
REDIS_URL = env("REDIS_URL").rstrip("/")
# Each use of Redis may have servers of its own (all default to REDIS_URL): the cache (and rate
# limits), the realtime servers — the channel layer's pub/sub and the delta buffer, spread over
# every URL given with one match on one server (realtime/shards.py) — and Celery's broker.
CACHE_REDIS_URL = env("CACHE_REDIS_URL", default=REDIS_URL).rstrip("/")
REALTIME_REDIS_URLS = [url.rstrip("/") for url in env.list("REALTIME_REDIS_URLS",
                                                            default=[REDIS_URL])]
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"{CACHE_REDIS_URL}/1",
        "KEY_PREFIX": "sk",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            # The cache is an accelerator: with Redis down a read misses and a write is
            # dropped (logged), so pages and scoring go on from PostgreSQL instead of failing.
            "IGNORE_EXCEPTIONS": True,
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Sessions live in PostgreSQL, where the balls are: a scorer stays logged in and can score
# while Redis is down (the cached_db backend wrote through Redis and failed with it).
# Database sessions read with their user in one query (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
# ModelBackend that hands its pooled connection back while a password is hashed (a burst of
# logins waits for the CPU, not for the pool): accounts/auth.py.
AUTHENTICATION_BACKENDS = ["accounts.auth.PoolFriendlyModelBackend"]

# --- Live feed -----------------------------------------------------------------------------------
# Where fans' browsers reach the live feed (WebSocket, SSE): empty for the page's own origin (one
# process, or a load balancer routing by path); an origin (https://live.example.org) or just a
# port (":8001": the page's host on that port, as `make run` sets it) when the realtime
# processes are reached apart.
# Sign-up is open: a password like "1" or "password" is refused (the sign-up, reset and change
# forms use these).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REALTIME_URL = env("REALTIME_URL", default="").rstrip("/")
# Open WebSockets one client address may hold on one realtime process (a stadium's shared
# address holds many fans; one client alone must not take every file descriptor).
WS_MAX_PER_ADDRESS = env.int("WS_MAX_PER_ADDRESS", default=500)

# --- Channels ------------------------------------------------------------------------------------
# The pub/sub layer does one Redis PUBLISH per group message and fans out inside each process;
# see README "Why these components" for the measurement behind this choice.
CHANNEL_LAYER_PREFIX = "sk"
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [{"address": f"{url}/2", "max_connections": 2000}
                      for url in REALTIME_REDIS_URLS],
            "prefix": CHANNEL_LAYER_PREFIX,
        },
    }
}

# --- Celery --------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=f"{REDIS_URL}/3")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=f"{REDIS_URL}/4")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True  # a task killed mid-run is redelivered; tasks are idempotent
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# --- Logging -------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Events --------------------------------------------------------------------------------------
EVENTS_RETENTION_DAYS = env.int("EVENTS_RETENTION_DAYS", default=90)
EVENTS_ARCHIVE_DIR = env("EVENTS_ARCHIVE_DIR", default=str(BASE_DIR / "var" / "archive" / "events"))
# Login attempts per minute per address (a load test from one host raises it on its stack).
LOGIN_RATE_LIMIT_PER_MINUTE = env.int("LOGIN_RATE_LIMIT_PER_MINUTE", default=10)
EVENTS_RATE_LIMIT_PER_MINUTE = env.int("EVENTS_RATE_LIMIT_PER_MINUTE", default=200)
# Bad API tokens one address may send a minute before its token requests get 429.
TOKEN_FAILURES_PER_MINUTE = env.int("TOKEN_FAILURES_PER_MINUTE", default=20)
