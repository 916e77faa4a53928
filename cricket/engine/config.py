"""A match's format and sides: everything the engine needs besides the log."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .errors import IllegalAction

FREE_HIT_POLICIES = ("none", "front_foot", "all")
SUPER_OVER_TIE_RULES = ("repeat", "boundaries", "stands")


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    players: tuple[str, ...]  # the playing XI (or however many play)
    substitutes: tuple[str, ...] = ()  # may field, never bat or bowl unless they replace a player


@dataclass(frozen=True)
class MatchConfig:
    teams: tuple[Team, Team]
    batting_first: str  # team id, from the toss
    overs: int | None = 20  # per innings; None for unlimited (multi-day)
    balls_per_over: int = 6
    innings_per_side: int = 1
    players_per_side: int = 11
    bowler_max_overs: int | None = None  # None: no limit
    super_over: bool = True  # a tied limited-overs match goes to a super over
    # A tied super over: "repeat" (another one, ICC since Oct 2019), "boundaries" (the side with
    # more boundaries in the match and super over wins, as in the 2019 World Cup final) or
    # "stands" (the tie stands).
    super_over_tie: str = "repeat"
    bowl_out: bool = False  # a tie decided by a bowl-out (T20s before super overs)
    # Which no-balls give a free hit: "none", "front_foot" (ICC 2007-2015) or "all".
    free_hit: str = "all"
    follow_on_lead: int = 200
    wide_runs: int = 1
    noball_runs: int = 1
    # Law 18.11 (2022): after a catch the new batter takes strike even if the batters crossed.
    new_batter_on_strike_after_catch: bool = True
    names: dict[str, str] = field(default_factory=dict)  # player id -> display name

    def __post_init__(self):
        if len(self.teams) != 2 or self.teams[0].id == self.teams[1].id:
            raise IllegalAction("A match needs two different teams.")
        if self.batting_first not in (self.teams[0].id, self.teams[1].id):
            raise IllegalAction("The team batting first must be one of the two teams.")
        if self.innings_per_side not in (1, 2):
            raise IllegalAction("Innings per side must be 1 or 2.")
        if self.overs is not None and self.overs < 1:
            raise IllegalAction("Overs per innings must be at least 1 (or unlimited).")
        if not 2 <= self.players_per_side <= 11 + 4:
            raise IllegalAction("Players per side must be between 2 and 15.")
        if self.balls_per_over not in (4, 5, 6, 8):
            raise IllegalAction("Balls per over must be 4, 5, 6 or 8.")
        # All out: one fewer wickets than the side has players (asked on every ball).
        object.__setattr__(self, "wickets_per_innings", {
            team.id: min(self.players_per_side, len(team.players)) - 1 for team in self.teams})
        if isinstance(self.free_hit, bool):  # stored configs before conditions were data
            object.__setattr__(self, "free_hit", "all" if self.free_hit else "none")
        if self.free_hit not in FREE_HIT_POLICIES:
            raise IllegalAction(f"Free hits must be one of {', '.join(FREE_HIT_POLICIES)}.")
        if self.super_over_tie not in SUPER_OVER_TIE_RULES:
            raise IllegalAction(
                f"A tied super over must be one of {', '.join(SUPER_OVER_TIE_RULES)}.")

    def team(self, team_id: str) -> Team:
        for team in self.teams:
            if team.id == team_id:
                return team
        raise IllegalAction(f"Unknown team {team_id!r}.")

    def other(self, team_id: str) -> str:
        return self.teams[1].id if team_id == self.teams[0].id else self.teams[0].id

    def name(self, player_id: str | None) -> str:
        return self.names.get(player_id, player_id or "")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["teams"] = [asdict(team) for team in self.teams]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> MatchConfig:
        data = dict(data)
        data["teams"] = tuple(
            Team(
                id=t["id"], name=t["name"], players=tuple(t["players"]),
                substitutes=tuple(t.get("substitutes", ())),
            )
            for t in data["teams"]
        )
        return cls(**data)
