"""The match JSON API (in the "games" URL namespace with the scoring and centre pages)."""

from django.urls import path

from games import api

urlpatterns = [
    path("api/matches/<int:match_id>", api.match_detail, name="match-api"),
    path("api/matches/<int:match_id>/log", api.match_log, name="match-log-api"),
    path("api/matches/<int:match_id>/actions", api.match_actions, name="match-actions-api"),
]
