from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("api/events", views.ingest, name="ingest"),
    path("api/health/pool", views.pool_health, name="pool-health"),
]
