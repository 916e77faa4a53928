"""Tournaments, teams, players, matches and each match's ordered log of scoring actions.

A match's state is a fold over its log (``cricket.engine``); the latest state is stored on the
match in the same transaction as the log entry that produced it, so reads never replay the log.
"""

from __future__ import annotations

import itertools

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from accounts.lookalike import skeleton
from cricket.engine import MatchConfig
from cricket.engine import Team as EngineTeam
from cricket.engine.conditions import CONDITION_FIELDS
from cricket.engine.config import FREE_HIT_POLICIES, SUPER_OVER_TIE_RULES

FREE_HIT_CHOICES = [(p, p.replace("_", " ")) for p in FREE_HIT_POLICIES]
SUPER_OVER_TIE_CHOICES = [(r, r) for r in SUPER_OVER_TIE_RULES]


MAX_FOLLOW_ON_LEAD = 1000  # runs; the largest follow-on lead in any playing conditions is 200


class Tournament(models.Model):
    name = models.CharField(max_length=200)
    season = models.CharField(max_length=20, blank=True)
    slug = models.SlugField(max_length=220, unique=True)
    points_win = models.PositiveSmallIntegerField(default=2)
    points_tie = models.PositiveSmallIntegerField(default=1)
    points_no_result = models.PositiveSmallIntegerField(default=1)
    # Who runs it: only they (and staff) add matches to it and appoint their scorers, so only
    # their matches count in its table.
    organisers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                        related_name="tournaments_organised")

    class Meta:
        ordering = ["-season", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "season"], name="tournament_name_season"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.season}".strip()

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._free_slug()
        super().save(*args, **kwargs)

    def _free_slug(self) -> str:
        """A slug of the name and season that no other tournament has: a name of symbols only
        ("!!!", an emoji) gets "tournament", and a clash ("Audit! League" and "Audit League")
        a numbered suffix. (Two saves racing for one slug: the unique index refuses the
        second.)"""
        stem = slugify(f"{self.name} {self.season}")[:200] or "tournament"
        taken = set(Tournament.objects.filter(slug__startswith=stem).exclude(pk=self.pk)
                    .values_list("slug", flat=True))
        if stem not in taken:
            return stem
        return next(f"{stem}-{n}" for n in itertools.count(2) if f"{stem}-{n}" not in taken)


class Team(models.Model):
    class LinkStatus(models.TextChoices):
        PENDING = "pending"
        REJECTED = "rejected"

    name = models.CharField(max_length=120)
    # The name as it reads (``accounts.lookalike.skeleton``): one real team per reading, so
    # nobody registers "ALICE XI" or a Cyrillic "\u0410lice XI" beside "Alice XI".
    name_key = models.CharField(max_length=500, editable=False, default="")
    short_name = models.CharField(max_length=10, blank=True)
    colour = models.CharField(
        max_length=7, blank=True, validators=[RegexValidator(
            r"^#[0-9a-fA-F]{6}$", "A colour as # and six hex digits, like #0a5a1e.")],
        help_text="The side's colour on scoreboards, charts and the overlay (#rrggbb).")
    # The players a side picks its XI from (the same Player identities the engine and the
    # importer use), and who may change that squad.
    squad = models.ManyToManyField("Player", blank=True, related_name="squads")
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                      related_name="teams_managed")
    # A guest XI: the side a match's creator fielded under the name of a team they do not
    # manage (``games.teams``). Its matches are friendlies until that team's managers accept.
    guest_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="guests")
    link_status = models.CharField(max_length=8, choices=LinkStatus.choices, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name_key"], condition=models.Q(guest_of=None),
                                    name="team_name_reads_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (guest XI)" if self.guest_of_id else self.name

    def save(self, *args, **kwargs):
        self.name_key = skeleton(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    @property
    def abbreviation(self) -> str:
        """What a score line calls the side: its short name, else its initials ("Kings XI
        Punjab": KXP), else the start of a one-word name."""
        if self.short_name:
            return self.short_name
        words = self.name.split()
        if len(words) > 1:
            return "".join(word[0] for word in words)[:4].upper()
        return self.name[:3].upper()


class ConditionFields(models.Model):
    """The playing conditions a preset holds and a match snapshots (besides its overs)."""

    balls_per_over = models.PositiveSmallIntegerField(default=6)
    innings_per_side = models.PositiveSmallIntegerField(default=1)
    # Bounded to cricket (and so to the column: a PostgreSQL smallint wraps nothing, but a
    # number past it is a 500 instead of a clear error).
    bowler_max_overs = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(200)])
    super_over = models.BooleanField(default=True)
    super_over_tie = models.CharField(max_length=12, choices=SUPER_OVER_TIE_CHOICES,
                                      default="repeat")
    bowl_out = models.BooleanField(default=False)
    free_hit = models.CharField(max_length=12, choices=FREE_HIT_CHOICES, default="all")
    follow_on_lead = models.PositiveSmallIntegerField(
        default=200, validators=[MaxValueValidator(MAX_FOLLOW_ON_LEAD)])
    new_batter_on_strike_after_catch = models.BooleanField(default=True)

    class Meta:
        abstract = True


class PlayingConditions(ConditionFields):
    """A competition's playing conditions from a date (seeded from ``cricket.engine.conditions``;
    staff edit them in admin). A match takes a snapshot of them when it is created."""

    competition = models.CharField(max_length=40, help_text="t20i, odi, test, ipl, club_t20 …")
    name = models.CharField(max_length=120)
    valid_from = models.DateField()
    overs = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["competition", "-valid_from"]
        verbose_name_plural = "playing conditions"
        constraints = [models.UniqueConstraint(fields=["competition", "valid_from"],
                                               name="conditions_competition_from")]

    def __str__(self) -> str:
        return f"{self.name} from {self.valid_from}"

    def match_fields(self) -> dict:
        """The fields a match snapshots."""
        return {name: getattr(self, name) for name in CONDITION_FIELDS}


class Player(models.Model):
    name = models.CharField(max_length=120)
    # Cricsheet's registry identifier, so re-importing a match finds the same people.
    cricsheet_id = models.CharField(max_length=16, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class PlayerAlias(models.Model):
    """Another name the same person is known by (a later file, a marriage, a spelling)."""

    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "player aliases"
        constraints = [models.UniqueConstraint(fields=["player", "name"], name="alias_once")]

    def __str__(self) -> str:
        return f"{self.name} ({self.player})"


def match_group_name(match_id: int) -> str:
    return f"match.{match_id}"


class MatchQuerySet(models.QuerySet):
    def live(self):
        """Matches being played now (including innings breaks)."""
        return self.filter(status__in=[Match.Status.LIVE, Match.Status.INNINGS_BREAK])

    def upcoming(self):
        """Matches not yet started."""
        return self.filter(status=Match.Status.SCHEDULED)

    def finished(self):
        """Completed or abandoned matches."""
        return self.filter(status__in=[Match.Status.COMPLETED, Match.Status.ABANDONED])

    def scorable_by(self, user):
        """Matches this user may score: staff all, others those they are assigned to."""
        if user.is_staff:
            return self
        return self.filter(scorers=user)


class Match(ConditionFields):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled"
        LIVE = "live"
        INNINGS_BREAK = "innings_break"
        COMPLETED = "completed"
        ABANDONED = "abandoned"

    class TossDecision(models.TextChoices):
        BAT = "bat"
        FIELD = "field"

    tournament = models.ForeignKey(Tournament, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="matches")
    team_a = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    team_b = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    venue = models.CharField(max_length=200, blank=True)
    stage = models.CharField(
        max_length=40, blank=True,
        help_text="Knockout stage (Final, Eliminator, …); blank for league and group matches, "
                  "the only ones a points table counts.")
    start_date = models.DateField(null=True, blank=True)
    # Format.
    overs = models.PositiveSmallIntegerField(null=True, blank=True, default=20,
                                             help_text="Overs per innings; empty for unlimited.")
    players_per_side = models.PositiveSmallIntegerField(default=11)
    # The rest of the conditions come from ConditionFields; this is where they were copied
    # from (a snapshot: later edits to the preset do not rescore the match).
    playing_conditions = models.ForeignKey(PlayingConditions, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    # Toss.
    toss_winner = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    toss_decision = models.CharField(max_length=5, choices=TossDecision.choices, blank=True)
    # People.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="matches_created")
    scorers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                     related_name="matches_scored")
    # Derived from the log, stored in the transaction that appends to it.
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    seq = models.PositiveIntegerField(default=0, help_text="Sequence number of the last entry.")
    state = models.JSONField(default=dict, blank=True)
    # The engine's view of format, sides and names, rebuilt whenever they change
    # (games.services.match_refresh_config) so scoring a ball needs no query for it.
    config = models.JSONField(default=dict, blank=True, editable=False)
    result_text = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "matches"
        indexes = [models.Index(fields=["status"]), models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        when = f", {self.start_date}" if self.start_date else ""
        return f"{self.team_a} v {self.team_b}{when}"

    def get_absolute_url(self) -> str:
        return reverse("games:match-detail", args=[self.pk])

    @property
    def group_name(self) -> str:
        """The realtime group for this match's fans."""
        return match_group_name(self.pk)

    @property
    def is_friendly(self) -> bool:
        """A guest XI played: the match counts on its tournament's table (its organisers
        entered it) but on no official board or career (``games.teams``)."""
        return bool(self.team_a.guest_of_id or self.team_b.guest_of_id)

    @property
    def batting_first(self) -> Team | None:
        if self.toss_winner_id is None or not self.toss_decision:
            return None
        if self.toss_decision == self.TossDecision.BAT:
            return self.toss_winner
        return self.team_b if self.toss_winner_id == self.team_a_id else self.team_a

    def engine_config(self) -> MatchConfig:
        """The engine's view of this match (stored; see ``config``)."""
        if not self.config:
            return self.build_engine_config()
        return MatchConfig.from_dict(self.config)

    def build_engine_config(self) -> MatchConfig:
        """The engine's view of this match built from its rows: format, sides and names."""
        players = list(self.players.select_related("player").order_by("order"))
        names = {str(mp.player_id): mp.player.name for mp in players}

        def side(team: Team) -> EngineTeam:
            squad = [p for p in players if p.team_id == team.pk]
            return EngineTeam(
                id=str(team.pk), name=team.name,
                players=tuple(str(p.player_id) for p in squad if not p.substitute),
                substitutes=tuple(str(p.player_id) for p in squad if p.substitute),
            )

        first = self.batting_first or self.team_a
        return MatchConfig(
            teams=(side(self.team_a), side(self.team_b)), batting_first=str(first.pk),
            overs=self.overs, balls_per_over=self.balls_per_over,
            innings_per_side=self.innings_per_side, players_per_side=self.players_per_side,
            bowler_max_overs=self.bowler_max_overs, super_over=self.super_over,
            super_over_tie=self.super_over_tie, bowl_out=self.bowl_out, free_hit=self.free_hit,
            follow_on_lead=self.follow_on_lead,
            new_batter_on_strike_after_catch=self.new_batter_on_strike_after_catch, names=names,
        )


class MatchPlayer(models.Model):
    """A player in a side for one match: the playing XI, in batting order, and substitutes."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="players")
    team = models.ForeignKey(Team, on_delete=models.PROTECT)
    player = models.ForeignKey(Player, on_delete=models.PROTECT, related_name="appearances")
    order = models.PositiveSmallIntegerField(default=0)
    substitute = models.BooleanField(default=False)
    captain = models.BooleanField(default=False)
    keeper = models.BooleanField(default=False, verbose_name="wicket-keeper")

    class Meta:
        ordering = ["match", "team", "order"]
        constraints = [
            models.UniqueConstraint(fields=["match", "player"], name="match_player_once"),
        ]

    def __str__(self) -> str:
        return f"{self.player} ({self.team})"


class LogEntry(models.Model):
    """One entry in a match's ordered log: a delivery, a non-ball action, an undo or a correction.

    Entries are never changed or deleted: an undo or a correction is a new entry, so the log is
    also the audit trail (who, when, what was there before).
    """

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="log")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=20)
    payload = models.JSONField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # NULL, not "", when absent: the unique constraint must not treat missing keys as equal.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # What the umpires allowed that the Laws would not expect (recorded, never refused).
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["match", "seq"]
        verbose_name_plural = "log entries"
        constraints = [
            models.UniqueConstraint(fields=["match", "seq"], name="log_seq_unique"),
            models.UniqueConstraint(fields=["match", "idempotency_key"],
                                    name="log_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


class Appointment(models.Model):
    """An invitation to score a match, run a tournament or manage a team: the role is held
    only once the appointee accepts (``games.appointments``)."""

    class Role(models.TextChoices):
        SCORER = "scorer"
        ORGANISER = "organiser"
        MANAGER = "manager"

    role = models.CharField(max_length=10, choices=Role.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="appointments")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+")
    match = models.ForeignKey(Match, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    tournament = models.ForeignKey(Tournament, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "match", "tournament", "team"],
                                    nulls_distinct=False, name="appointment_once"),
            models.CheckConstraint(name="appointment_one_target", condition=(
                models.Q(role="scorer", match__isnull=False, tournament=None, team=None)
                | models.Q(role="organiser", tournament__isnull=False, match=None, team=None)
                | models.Q(role="manager", team__isnull=False, match=None, tournament=None))),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.describe()}"

    def describe(self) -> str:
        if self.role == self.Role.SCORER:
            return f"scorer of {self.match}"
        if self.role == self.Role.ORGANISER:
            return f"organiser of {self.tournament}"
        return f"manager of {self.team}"
