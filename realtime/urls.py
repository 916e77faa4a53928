from django.urls import path

from realtime import views

app_name = "realtime"

urlpatterns = [
    path("matches/<int:match_id>/stream", views.match_stream, name="match-stream"),
    path("api/health/ws-metrics", views.ws_metrics_view, name="ws-metrics"),
    path("metrics", views.prometheus_metrics, name="metrics"),
]
