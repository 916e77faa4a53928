"""Operations: health and readiness, metrics, the pool's and the feed's health views, error
handlers and the outage middleware, who may read them, and Celery beat's schedules."""
