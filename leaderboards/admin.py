"""Boards read-only in admin; staff rebuild a tournament's boards with an action on it (after
changing its points, say). Beat schedules are edited under Periodic tasks (django-celery-beat)."""

from django.contrib import admin, messages

from core.admin import ReadOnlyAdmin
from games.admin import TournamentAdmin
from games.models import Tournament
from leaderboards.models import BattingRecord, BowlingRecord, SetAsideMatch, Standing
from leaderboards.services import leaderboards_rebuild_tournament


@admin.register(Standing)
class StandingAdmin(ReadOnlyAdmin):
    list_display = ["scope", "team", "played", "won", "lost", "tied", "no_result", "points",
                    "nrr"]
    list_filter = ["scope"]
    list_select_related = ["team"]
    ordering = ["scope", "-points", "-nrr"]


@admin.register(BattingRecord)
class BattingRecordAdmin(ReadOnlyAdmin):
    list_display = ["scope", "player", "innings", "runs", "highest_text", "average",
                    "strike_rate"]
    list_filter = ["scope"]
    list_select_related = ["player"]
    search_fields = ["player__name"]
    ordering = ["scope", "-runs"]
    show_full_result_count = False  # a million rows: no COUNT(*) per page


@admin.register(BowlingRecord)
class BowlingRecordAdmin(ReadOnlyAdmin):
    list_display = ["scope", "player", "innings", "wickets", "best_text", "average", "economy"]
    list_filter = ["scope"]
    list_select_related = ["player"]
    search_fields = ["player__name"]
    ordering = ["scope", "-wickets"]
    show_full_result_count = False


admin.site.unregister(Tournament)


@admin.register(Tournament)
class TournamentBoardsAdmin(TournamentAdmin):
    actions = ["rebuild_boards"]

    @admin.action(description="Rebuild leaderboards of the selected tournaments")
    def rebuild_boards(self, request, queryset):
        for tournament in queryset:
            leaderboards_rebuild_tournament(tournament=tournament)
        self.message_user(request, f"Rebuilt {queryset.count()} tournament board(s); the global "
                                   "boards follow on their next run.", messages.SUCCESS)


@admin.register(SetAsideMatch)
class SetAsideMatchAdmin(ReadOnlyAdmin):
    list_display = ["match", "error", "at"]
    search_fields = ["error"]
