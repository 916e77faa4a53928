from django.urls import path, register_converter

from leaderboards import api, views


class BoardKind:
    regex = "batting|bowling"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(BoardKind, "kind")
app_name = "leaderboards"

urlpatterns = [
    path("tournaments/", views.tournaments_page, name="tournaments"),
    path("tournaments/<slug:slug>/", views.tournament_page, name="tournament"),
    path("tournaments/<slug:slug>/<kind:kind>/", views.tournament_table_page,
         name="tournament-table"),
    path("leaderboards/", views.global_page, name="global"),
    path("leaderboards/<kind:kind>/", views.global_table_page, name="global-table"),
    path("players/<int:player_id>/", views.player_page, name="player"),
    path("api/tournaments/<slug:slug>", api.tournament_board, name="tournament-api"),
    path("api/tournaments/<slug:slug>/<kind:kind>", api.tournament_table,
         name="tournament-table-api"),
    path("api/leaderboards", api.global_board, name="global-api"),
    path("api/leaderboards/<kind:kind>", api.global_table, name="global-table-api"),
    path("api/players/<int:player_id>", api.player_detail, name="player-api"),
    path("api/players/<int:player_id>/rank", api.player_rank, name="player-rank-api"),
]
