"""The PostgreSQL backend django-postgres-extra builds on (POSTGRES_EXTRA_DB_BACKEND_BASE)."""
