"""A match's format and sides: everything the engine needs besides the log."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .errors import IllegalAction


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
    free_hit: bool = True  # the ball after a no-ball is a free hit
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
