"""The fan view leaves out what the API payload repeats or derives; docs/realtime.md tells clients
how to derive each. Here those rules, applied to the fan view, must give back the API's figures
exactly, all through every real match of the sample (T20, one-day, revised targets, Tests)."""

import json

import pytest

from cricket.cricsheet import CricsheetReplay
from cricket.engine import apply_in_place, new_state
from cricket.engine.scorecard import scorecard
from realtime.delta import fan_view
from tests.games.test_engine_replay import DEV_FILES


def _balls(overs, bpo: int) -> int:
    """Balls of an overs text ("9.2") or a whole number of overs."""
    whole, _, part = str(overs).partition(".")
    return int(whole) * bpo + int(part or 0)


def _rate(runs: int, balls: int, per: int):
    """Two decimals, half up (docs/realtime.md): in whole numbers, as a client should."""
    return (200 * runs * per + balls) // (2 * balls) / 100 if balls else None


def _derived(inn: dict, bpo: int) -> dict:
    """docs/realtime.md's table, from one innings of the fan view."""
    legal = sum(row["balls"] for row in inn["bowling_card"].values())
    limited = inn["max_overs"] is not None
    balls_left = max(0, _balls(inn["max_overs"], bpo) - _balls(inn["overs"], bpo)) \
        if limited else None
    needed = None if inn["target"] is None else max(0, inn["target"] - inn["runs"])
    partnerships = sorted(inn["partnerships"].values(), key=lambda row: row["order"])
    return {
        "legal_balls": legal, "run_rate": _rate(inn["runs"], legal, bpo),
        "extras_total": sum(inn["extras"].values()), "runs_needed": needed,
        "balls_left": balls_left,
        "required_rate": _rate(needed, balls_left, bpo) if needed is not None else None,
        "striker": inn["striker"], "non_striker": inn["non_striker"], "bowler": inn["bowler"],
        "partnership_now": partnerships[-1] if partnerships else None,
        "batting": {p: {"strike_rate": _rate(row["runs"], row["balls"], 100),
                        "at_crease": p in (inn["striker"], inn["non_striker"]),
                        "on_strike": p == inn["striker"]}
                    for p, row in inn["batting_card"].items()},
        "bowling": {p: {"overs": f"{row['balls'] // bpo}.{row['balls'] % bpo}",
                        "economy": _rate(row["runs"], row["balls"], bpo)}
                    for p, row in inn["bowling_card"].items()},
    }


def _api(inn: dict) -> dict:
    """The same figures as the API payload gives them."""
    def player(on):
        return on["player"] if on else None

    return {
        **{k: inn[k] for k in ("legal_balls", "run_rate", "extras_total", "runs_needed",
                               "balls_left", "required_rate")},
        "striker": player(inn["striker"]), "non_striker": player(inn["non_striker"]),
        "bowler": player(inn["bowler"]),
        "batting": {row["player"]: {k: row[k] for k in ("strike_rate", "at_crease", "on_strike")}
                    for row in inn["batting_card"]},
        "bowling": {row["player"]: {k: row[k] for k in ("overs", "economy")}
                    for row in inn["bowling_card"]},
    }


def _check(config, state) -> None:
    card = scorecard(config, state)
    payload = {"seq": 1, "innings": card["innings"]}
    view = fan_view(payload)
    assert "seq" not in view
    for inn in card["innings"]:
        lean = view["innings"][str(inn["number"])]
        assert not {"legal_balls", "run_rate", "partnership", "recent_balls"} & set(lean)
        derived = _derived(lean, config.balls_per_over)
        current = derived.pop("partnership_now")
        assert derived == _api(inn)
        if inn["partnership"] is not None:  # the current partnership is the last row
            assert {k: current[k] for k in ("runs", "balls")} == inn["partnership"]
        # Fall of wickets: every row, in order, keyed by position.
        assert [lean["fall_of_wickets"][str(i)]["player"]
                for i in range(len(inn["fall_of_wickets"]))] == \
            [row["player"] for row in inn["fall_of_wickets"]]


@pytest.mark.parametrize("path", DEV_FILES, ids=[f"{p.parent.name}-{p.stem}" for p in DEV_FILES])
def test_the_fan_views_derivation_rules_give_the_api_figures(path):
    data = json.loads(path.read_text())
    state, holder, applied = new_state(), {}, [0]

    def apply(action: dict) -> dict:
        apply_in_place(holder["replay"].config, state, action)
        applied[0] += 1
        if applied[0] % 7 == 0:
            _check(holder["replay"].config, state)
        return state

    holder["replay"] = CricsheetReplay(data, apply)
    holder["replay"].run()
    _check(holder["replay"].config, state)
    assert applied[0] >= 7  # checked during the match, not only at its end
