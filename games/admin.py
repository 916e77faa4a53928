"""Staff screens. The log is read-only and in order; every change goes through the services."""

from django.contrib import admin, messages

from core.admin import ReadOnlyAdmin
from cricket import engine
from cricket.engine import laws
from games.models import (
    Appointment,
    LogEntry,
    Match,
    MatchPlayer,
    Player,
    PlayerAlias,
    PlayingConditions,
    Team,
    Tournament,
)
from games.players import player_merge
from games.services import match_record_action, match_refresh_config


@admin.register(Tournament)
class TournamentAdmin(admin.ModelAdmin):
    list_display = ["name", "season", "slug", "points_win", "points_tie", "points_no_result"]
    list_filter = ["season"]
    search_fields = ["name", "season", "slug"]
    prepopulated_fields = {"slug": ["name", "season"]}
    filter_horizontal = ["organisers"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    """Invitations waiting for their appointee: only they answer (``games.appointments``)."""

    list_display = ["user", "role", "match", "tournament", "team", "by", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "by__username"]


@admin.register(PlayingConditions)
class PlayingConditionsAdmin(admin.ModelAdmin):
    list_display = ["name", "competition", "valid_from", "overs", "bowler_max_overs",
                    "free_hit", "super_over", "super_over_tie", "bowl_out", "follow_on_lead"]
    list_filter = ["competition", "free_hit", "super_over_tie"]
    search_fields = ["name", "competition"]
    date_hierarchy = "valid_from"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "colour", "guest_of", "link_status"]
    list_filter = ["link_status"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["guest_of"]
    autocomplete_fields = ["squad"]
    filter_horizontal = ["managers"]


class PlayerAliasInline(admin.TabularInline):
    model = PlayerAlias
    extra = 0


@admin.register(Player)
class PlayerAdmin(admin.ModelAdmin):
    list_display = ["name", "cricsheet_id"]
    search_fields = ["name", "cricsheet_id", "aliases__name"]
    inlines = [PlayerAliasInline]
    actions = ["merge"]

    @admin.action(description="Merge the selected players into one (the one with a Cricsheet "
                              "id, else the oldest)")
    def merge(self, request, queryset):
        players = sorted(queryset, key=lambda p: (p.cricsheet_id is None, p.pk))
        if len(players) < 2:
            self.message_user(request, "Select at least two players to merge.", messages.ERROR)
            return
        try:
            matches = player_merge(keep=players[0], duplicates=players[1:])
        except engine.IllegalAction as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(request, f"Merged {len(players) - 1} into {players[0].name}; "
                                   f"{len(matches)} match(es) now name them as one.")


class MatchPlayerInline(admin.TabularInline):
    model = MatchPlayer
    extra = 0
    autocomplete_fields = ["player"]


class LogEntryInline(admin.TabularInline):
    model = LogEntry
    fields = ["seq", "kind", "payload", "warnings", "recorded_by", "recorded_at",
              "idempotency_key"]
    readonly_fields = fields
    ordering = ["seq"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "tournament", "status", "result_text", "seq", "start_date"]
    list_filter = ["status", "tournament", "innings_per_side", "overs"]
    search_fields = ["team_a__name", "team_b__name", "venue", "tournament__name"]
    autocomplete_fields = ["team_a", "team_b", "toss_winner", "tournament"]
    filter_horizontal = ["scorers"]
    readonly_fields = ["status", "seq", "result_text", "state", "updated_at"]
    inlines = [MatchPlayerInline, LogEntryInline]
    actions = ["undo_last", "declare_no_result"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:
            match_refresh_config(match=form.instance)
        except engine.IllegalAction as error:
            self.message_user(request, f"The sides or format are not valid: {error.message}",
                              messages.ERROR)

    def _record(self, request, queryset, action: dict, done: str):
        for match in queryset:
            try:
                match_record_action(match=match, action=action, by=request.user)
            except engine.IllegalAction as error:
                self.message_user(request, f"{match}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{match}: {done}", messages.SUCCESS)

    @admin.action(description="Undo the last scoring action")
    def undo_last(self, request, queryset):
        self._record(request, queryset, {"kind": "undo"}, "last action undone.")

    @admin.action(description="End as no result")
    def declare_no_result(self, request, queryset):
        self._record(request, queryset, {"kind": "end_match", "result": "no_result"},
                     "ended as no result.")


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["match", "seq", "kind", "what", "warnings", "recorded_by", "recorded_at"]
    list_filter = ["kind", "recorded_at"]
    search_fields = ["match__team_a__name", "match__team_b__name", "idempotency_key"]
    ordering = ["match", "seq"]

    @admin.display(description="What")
    def what(self, entry: LogEntry) -> str:
        """A delivery in words (runs, extras, how out, named as everywhere else)."""
        action = entry.payload
        if action.get("kind") == "correct":
            action = action.get("action") or {}
        if action.get("kind") != "delivery":
            return ""
        parts = [f"{action.get('runs', 0)} off the bat"]
        parts += [f"{n} {kind}" for kind, n in (action.get("extras") or {}).items() if n]
        parts += [laws.NAMES.get(w.get("kind"), str(w.get("kind")))
                  for w in action.get("wickets") or []]
        return ", ".join(parts)
