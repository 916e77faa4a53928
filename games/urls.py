from django.urls import path

from games import api, views

app_name = "games"

urlpatterns = [
    path("matches/", views.match_list, name="match-list"),
    path("matches/<int:match_id>/", views.match_detail, name="match-detail"),
    path("api/matches/<int:match_id>", api.match_detail, name="match-api"),
    path("api/matches/<int:match_id>/log", api.match_log, name="match-log-api"),
    path("api/matches/<int:match_id>/actions", api.match_actions, name="match-actions-api"),
]
