from django.urls import path

from games import api, scoring_views, setup_views, views

app_name = "games"

urlpatterns = [
    path("matches/", views.match_list, name="match-list"),
    path("score/", scoring_views.my_matches, name="my-matches"),
    path("score/new/", setup_views.match_new, name="match-new"),
    path("score/sw.js", scoring_views.pad_service_worker, name="pad-sw"),
    path("score/<int:match_id>/", scoring_views.scoring_pad, name="scoring-pad"),
    path("score/<int:match_id>/balls/", scoring_views.ball_list, name="ball-list"),
    path("score/<int:match_id>/balls/<int:seq>/", scoring_views.edit_ball, name="edit-ball"),
    path("score/<int:match_id>/scorecard/", scoring_views.scorer_scorecard,
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
    path("matches/<int:match_id>/", views.match_detail, name="match-detail"),
    path("matches/<int:match_id>/centre/<int:seq>", views.match_centre, name="match-centre"),
    path("matches/<int:match_id>/version", views.match_version, name="match-version"),
    path("matches/<int:match_id>/card.svg", views.match_card_image, name="match-card-image"),
    path("matches/<int:match_id>/scorecard/", views.match_scorecard, name="match-scorecard"),
    path("matches/<int:match_id>/overlay/", views.match_overlay, name="match-overlay"),
    path("matches/<int:match_id>/overlay/fragment/<int:seq>", views.match_overlay_fragment,
         name="match-overlay-fragment"),
    path("api/matches/<int:match_id>", api.match_detail, name="match-api"),
    path("api/matches/<int:match_id>/log", api.match_log, name="match-log-api"),
    path("api/matches/<int:match_id>/actions", api.match_actions, name="match-actions-api"),
]
