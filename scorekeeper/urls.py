from django.contrib import admin
from django.urls import include, path

from scorekeeper import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("", include("games.urls")),
    path("", include("events.urls")),
    path("", include("realtime.urls")),
]
