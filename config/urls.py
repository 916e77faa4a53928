from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import token_views
from accounts.views import (
    RateLimitedLoginView,
    RateLimitedPasswordResetView,
    admin_login,
    confirm_email,
    confirm_resend,
    sign_up,
)
from centre.urls import urlpatterns as centre_urls
from games.urls import urlpatterns as games_urls
from ops import views
from scoring.urls import urlpatterns as scoring_urls

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="games:match-list"), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/login/", admin_login, name="admin-login"),  # before admin's own: rate-limited
    path("admin/", admin.site.urls),
    path("accounts/login/", RateLimitedLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/sign-up/", sign_up, name="sign-up"),
    path("accounts/confirm/<uidb64>/<token>/", confirm_email, name="confirm-email"),
    path("accounts/confirm/again/", confirm_resend, name="confirm-resend"),
    path("accounts/api-tokens/", token_views.api_tokens, name="api-tokens"),
    path("accounts/password-reset/", RateLimitedPasswordResetView.as_view(),
         name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    # One namespace, "games", for a match's pages, its console and its API (three apps' urls).
    path("", include((games_urls + scoring_urls + centre_urls, "games"))),
    path("", include("events.urls")),
    path("", include("realtime.urls")),
    path("", include("leaderboards.urls")),
]

handler404 = "ops.errors.not_found"
handler500 = "ops.errors.server_error"
