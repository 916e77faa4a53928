"""Small builders for engine tests: a format, two sides, and a scorer that keeps the log."""

from __future__ import annotations

from cricket.engine import MatchConfig, Team, apply, new_state


def config(players: int = 11, overs: int | None = 20, **options) -> MatchConfig:
    a = tuple(f"a{i}" for i in range(1, players + 1))
    b = tuple(f"b{i}" for i in range(1, players + 1))
    options.setdefault("bowler_max_overs", overs // 5 if overs and overs >= 5 else None)
    options.setdefault("players_per_side", players)
    names = {p: p.upper() for p in a + b + ("asub", "bsub")}
    return MatchConfig(
        teams=(Team("A", "Alpha", a, ("asub",)), Team("B", "Bravo", b, ("bsub",))),
        batting_first="A", overs=overs, names=names, **options,
    )


class Scorer:
    def __init__(self, cfg: MatchConfig | None = None):
        self.config = cfg or config()
        self.state = new_state()
        self.log: list[dict] = []

    def do(self, kind: str, **fields) -> Scorer:
        action = {"kind": kind, **fields}
        self.state = apply(self.config, self.state, action)
        self.log.append(action)
        return self

    def start(self, striker="a1", non_striker="a2", bowler="b1", **fields) -> Scorer:
        return self.do("start_innings", striker=striker, non_striker=non_striker, bowler=bowler,
                       **fields)

    def ball(self, runs: int = 0, **fields) -> Scorer:
        return self.do("delivery", runs=runs, **fields)

    def balls(self, *runs: int) -> Scorer:
        for value in runs:
            self.ball(value, boundary=value in (4, 6))
        return self

    def over(self, runs: int = 0, bowler: str | None = None) -> Scorer:
        """Six legal balls of ``runs`` each, then the next bowler if one is named."""
        for _ in range(self.config.balls_per_over):
            self.ball(runs, boundary=runs in (4, 6))
        if bowler and self.state["needs"] == "next_bowler":
            self.do("next_bowler", player=bowler)
        return self

    def out(self, kind: str = "bowled", player: str | None = None, **fields) -> Scorer:
        player = player or self.inn["striker"]
        wicket = {"kind": kind, "player_out": player, "fielders": fields.pop("fielders", [])}
        return self.ball(fields.pop("runs", 0), wickets=[wicket], **fields)

    @property
    def inn(self) -> dict:
        return self.state["innings"][-1]
