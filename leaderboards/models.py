"""Leaderboards: each completed match's contribution, and the boards aggregated from them.

A match's *contribution* (one row per team, per batting innings, per bowling innings) is a pure
function of its current state, replaced whole whenever the match completes or is corrected; a
*board* row (standing, batting record, bowling record) is a GROUP BY over the contributions in its
scope, recomputed for the keys a change touched. So reprocessing is idempotent by construction,
and ``rebuild_leaderboards`` (everything from scratch) must give the same rows.

A scope is a string: ``t:<tournament id>``, ``all``, ``f:<format>``, ``s:<season>`` or
``fs:<format>|<season>`` (see ``leaderboards.scopes``).
"""

from django.db import models


class _Contribution(models.Model):
    match = models.ForeignKey("games.Match", on_delete=models.CASCADE, related_name="+")
    tournament = models.ForeignKey("games.Tournament", null=True, on_delete=models.CASCADE,
                                   related_name="+")
    season = models.CharField(max_length=20)
    format = models.CharField(max_length=20)
    team = models.ForeignKey("games.Team", on_delete=models.CASCADE, related_name="+")
    # False for a friendly with a guest XI (``games.teams``): it counts on its tournament's
    # table and the friendlies board, never on the official boards.
    official = models.BooleanField(default=True)

    class Meta:
        abstract = True


class MatchTeam(_Contribution):
    """One side's part in a completed match: its result and its net-run-rate figures."""

    won = models.PositiveSmallIntegerField(default=0)
    lost = models.PositiveSmallIntegerField(default=0)
    tied = models.PositiveSmallIntegerField(default=0)
    drawn = models.PositiveSmallIntegerField(default=0)
    no_result = models.PositiveSmallIntegerField(default=0)
    nrr_included = models.BooleanField(default=False)
    runs_for = models.PositiveIntegerField(default=0)
    balls_for = models.PositiveIntegerField(default=0)
    runs_against = models.PositiveIntegerField(default=0)
    balls_against = models.PositiveIntegerField(default=0)
    balls_per_over = models.PositiveSmallIntegerField(default=6)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["match", "team"], name="lb_matchteam_uniq")]
        indexes = [models.Index(fields=["tournament", "team"]),
                   models.Index(fields=["team", "format", "season"])]

    def __str__(self) -> str:
        return f"match {self.match_id} team {self.team_id}"


class MatchBatting(_Contribution):
    """One batter's innings (super overs are not part of anyone's figures)."""

    player = models.ForeignKey("games.Player", on_delete=models.CASCADE, related_name="+")
    innings = models.PositiveSmallIntegerField()
    runs = models.PositiveIntegerField()
    balls = models.PositiveIntegerField()
    fours = models.PositiveSmallIntegerField()
    sixes = models.PositiveSmallIntegerField()
    out = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["match", "innings", "player"],
                                               name="lb_matchbatting_uniq")]
        indexes = [models.Index(fields=["tournament", "player"]),
                   models.Index(fields=["player", "format", "season"])]

    def __str__(self) -> str:
        return f"match {self.match_id} innings {self.innings} batter {self.player_id}"


class MatchBowling(_Contribution):
    player = models.ForeignKey("games.Player", on_delete=models.CASCADE, related_name="+")
    innings = models.PositiveSmallIntegerField()
    balls = models.PositiveIntegerField()
    balls_per_over = models.PositiveSmallIntegerField(default=6)
    maidens = models.PositiveSmallIntegerField()
    runs = models.PositiveIntegerField()
    wickets = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["match", "innings", "player"],
                                               name="lb_matchbowling_uniq")]
        indexes = [models.Index(fields=["tournament", "player"]),
                   models.Index(fields=["player", "format", "season"])]

    def __str__(self) -> str:
        return f"match {self.match_id} innings {self.innings} bowler {self.player_id}"


class Standing(models.Model):
    scope = models.CharField(max_length=60)
    team = models.ForeignKey("games.Team", on_delete=models.CASCADE, related_name="+")
    played = models.PositiveIntegerField()
    won = models.PositiveIntegerField()
    lost = models.PositiveIntegerField()
    tied = models.PositiveIntegerField()
    drawn = models.PositiveIntegerField()
    no_result = models.PositiveIntegerField()
    points = models.PositiveIntegerField()
    runs_for = models.PositiveIntegerField()
    overs_for = models.FloatField(help_text="Overs faced for NRR (bowled out: the full quota).")
    runs_against = models.PositiveIntegerField()
    overs_against = models.FloatField()
    nrr = models.FloatField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "team"], name="lb_standing_uniq")]
        indexes = [models.Index("scope", models.F("points").desc(), models.F("nrr").desc(
            nulls_last=True), name="lb_standing_table")]

    def __str__(self) -> str:
        return f"{self.scope} team {self.team_id}"


class BattingRecord(models.Model):
    scope = models.CharField(max_length=60)
    player = models.ForeignKey("games.Player", on_delete=models.CASCADE, related_name="+")
    innings = models.PositiveIntegerField()
    not_outs = models.PositiveIntegerField()
    runs = models.PositiveIntegerField()
    balls = models.PositiveIntegerField()
    highest = models.PositiveIntegerField()
    highest_not_out = models.BooleanField()
    fifties = models.PositiveIntegerField()
    hundreds = models.PositiveIntegerField()
    fours = models.PositiveIntegerField()
    sixes = models.PositiveIntegerField()
    average = models.FloatField(null=True)
    strike_rate = models.FloatField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "player"],
                                               name="lb_batting_uniq")]
        indexes = [models.Index("scope", models.F("runs").desc(), name="lb_batting_runs")]

    def __str__(self) -> str:
        return f"{self.scope} batter {self.player_id}"

    @property
    def highest_text(self) -> str:
        return f"{self.highest}{'*' if self.highest_not_out else ''}"


class BowlingRecord(models.Model):
    scope = models.CharField(max_length=60)
    player = models.ForeignKey("games.Player", on_delete=models.CASCADE, related_name="+")
    innings = models.PositiveIntegerField()
    balls = models.PositiveIntegerField()
    overs = models.FloatField()
    maidens = models.PositiveIntegerField()
    runs = models.PositiveIntegerField()
    wickets = models.PositiveIntegerField()
    best_wickets = models.PositiveIntegerField()
    best_runs = models.PositiveIntegerField()
    average = models.FloatField(null=True)
    economy = models.FloatField(null=True)
    strike_rate = models.FloatField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "player"],
                                               name="lb_bowling_uniq")]
        indexes = [models.Index("scope", models.F("wickets").desc(), "runs",
                                name="lb_bowling_wickets")]

    def __str__(self) -> str:
        return f"{self.scope} bowler {self.player_id}"

    @property
    def best_text(self) -> str:
        return f"{self.best_wickets}/{self.best_runs}"


class DirtyKey(models.Model):
    """A global-board key a tournament aggregation changed, for the (slower) global job."""

    scope = models.CharField(max_length=60)
    kind = models.CharField(max_length=8)  # team | batting | bowling
    key = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "kind", "key"],
                                               name="lb_dirty_uniq")]

    def __str__(self) -> str:
        return f"{self.scope} {self.kind} {self.key}"


class SetAsideMatch(models.Model):
    """A match whose contribution could not be computed or stored: left out of every board
    (the others are counted) until its error is fixed and the boards are rebuilt."""

    match = models.OneToOneField("games.Match", on_delete=models.CASCADE,
                                 related_name="set_aside")
    error = models.TextField()
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "match set aside"
        verbose_name_plural = "matches set aside"

    def __str__(self) -> str:
        return f"{self.match}: {self.error[:80]}"


class BoardStamp(models.Model):
    """When a scope's boards were last recomputed: every board page says so."""

    scope = models.CharField(max_length=60, primary_key=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.scope} at {self.updated_at:%Y-%m-%d %H:%M:%S}"
