"""The scorer console's pages (in the "games" URL namespace: config's urls)."""

from django.urls import path

from scoring import setup_views, views

urlpatterns = [
    path("score/", views.my_matches, name="my-matches"),
    path("score/new/", setup_views.match_new, name="match-new"),
    path("score/sw.js", views.pad_service_worker, name="pad-sw"),
    path("score/<int:match_id>/", views.scoring_pad, name="scoring-pad"),
    path("score/<int:match_id>/balls/", views.ball_list, name="ball-list"),
    path("score/<int:match_id>/balls/<int:seq>/", views.edit_ball, name="edit-ball"),
    path("score/<int:match_id>/scorecard/", views.scorer_scorecard,
         name="scorer-scorecard"),
    path("score/<int:match_id>/scorers/", setup_views.match_scorers, name="match-scorers"),
    path("score/organised/", setup_views.organised, name="organised"),
    path("score/tournaments/new/", setup_views.tournament_edit, name="tournament-new"),
    path("score/tournaments/<slug:slug>/", setup_views.tournament_edit, name="tournament-edit"),
    path("score/teams/new/", setup_views.team_edit, name="team-new"),
    path("score/teams/<int:team_id>/", setup_views.team_edit, name="team-edit"),
    path("score/teams/<int:team_id>/merge/", setup_views.team_merge_players, name="team-merge"),
    path("score/teams/links/", setup_views.team_links, name="team-links"),
    path("score/appointments/", setup_views.appointments, name="appointments"),
]
