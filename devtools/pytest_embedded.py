"""A pytest plugin (``-p devtools.pytest_embedded`` in pyproject.toml), loaded before Django's
settings: with DATABASE_URL / REDIS_URL unset, the test run uses the embedded servers
(devtools.embedded.export_urls); the settings themselves start nothing."""

from devtools.embedded import export_urls

export_urls()
