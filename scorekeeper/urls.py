from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from games.auth_views import RateLimitedLoginView, admin_login
from scorekeeper import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="games:match-list"), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/login/", admin_login, name="admin-login"),  # before admin's own: rate-limited
    path("admin/", admin.site.urls),
    path("accounts/login/", RateLimitedLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("games.urls")),
    path("", include("events.urls")),
    path("", include("realtime.urls")),
    path("", include("leaderboards.urls")),
]

handler404 = "scorekeeper.errors.not_found"
handler500 = "scorekeeper.errors.server_error"
