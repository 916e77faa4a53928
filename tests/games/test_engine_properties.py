"""Hypothesis: invariants of the fold hold for any sequence of actions a scorer could enter."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cricket.engine import IllegalAction, apply, effective_actions, fold, new_state
from cricket.engine.innings import next_batting_team
from cricket.engine.state import max_balls, max_wickets
from tests.games.builders import config

KINDS = ["bowled", "caught", "lbw", "stumped", "run_out", "run_out_non_striker", "hit_wicket"]


def _delivery(data, inn) -> dict:
    shape = data.draw(st.sampled_from(
        ["runs"] * 6 + ["boundary", "wide", "noball", "bye", "legbye", "wicket", "penalty"]))
    if shape == "runs":
        return {"kind": "delivery", "runs": data.draw(st.integers(0, 7))}
    if shape == "boundary":
        return {"kind": "delivery", "runs": data.draw(st.sampled_from([4, 6])), "boundary": True}
    if shape == "wide":
        return {"kind": "delivery", "extras": {"wides": data.draw(st.integers(1, 5))}}
    if shape == "noball":
        return {"kind": "delivery", "runs": data.draw(st.integers(0, 6)), "extras": {"noballs": 1}}
    if shape in ("bye", "legbye"):
        return {"kind": "delivery", "extras": {shape + "s": data.draw(st.integers(1, 4))}}
    if shape == "penalty":
        return {"kind": "delivery", "extras": {"penalty": 5}}
    kind = data.draw(st.sampled_from(KINDS))
    out = inn["striker"]
    if kind == "run_out_non_striker":
        kind, out = "run_out", inn["non_striker"]
    runs = data.draw(st.integers(0, 2)) if kind == "run_out" else 0
    return {"kind": "delivery", "runs": runs,
            "wickets": [{"kind": kind, "player_out": out, "fielders": ["b2"]}]}


def _next_action(data, cfg, state) -> dict:
    needs = state["needs"]
    if data.draw(st.integers(0, 30)) == 0:
        return {"kind": "swap_strike"} if needs != "start_innings" else {"kind": "undo"}
    if needs == "start_innings":
        batting, _ = next_batting_team(cfg, state, False)
        squad = list(cfg.team(batting).players)
        bowlers = list(cfg.team(cfg.other(batting)).players)
        pair = data.draw(st.lists(st.sampled_from(squad), min_size=2, max_size=2, unique=True))
        return {"kind": "start_innings", "striker": pair[0], "non_striker": pair[1],
                "bowler": data.draw(st.sampled_from(bowlers))}
    inn = state["innings"][-1]
    if needs == "new_batter":
        waiting = [p for p in cfg.team(inn["batting"]).players
                   if (p not in inn["batters"] or p in inn["retired"])
                   and p not in (inn["striker"], inn["non_striker"])]
        return {"kind": "new_batter", "player": data.draw(st.sampled_from(waiting))}
    if needs == "next_bowler":
        eligible = [p for p in cfg.team(inn["bowling"]).players
                    if p not in inn["last_over_bowlers"]]
        return {"kind": "next_bowler", "player": data.draw(st.sampled_from(eligible))}
    if data.draw(st.integers(0, 40)) == 0:
        return {"kind": "retire", "player": inn["striker"], "how": "retired_hurt"}
    return _delivery(data, inn)


def _check_invariants(cfg, state) -> None:
    for inn in state["innings"]:
        batters = sum(card["runs"] for card in inn["batters"].values())
        assert inn["runs"] == batters + sum(inn["extras"].values())
        bowlers = sum(card["runs"] for card in inn["bowlers"].values())
        extras = inn["extras"]
        assert inn["runs"] == bowlers + extras["byes"] + extras["legbyes"] + extras["penalty"]
        limit = max_balls(cfg, inn)
        assert limit is None or inn["legal_balls"] <= limit
        assert inn["wickets"] <= max_wickets(cfg, inn) < cfg.players_per_side
        assert inn["legal_balls"] == sum(card["balls"] for card in inn["bowlers"].values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), players=st.integers(3, 11), overs=st.integers(1, 3))
def test_invariants_hold_and_the_log_folds_to_the_state(data, players, overs):
    cfg = config(players=players, overs=overs, bowler_max_overs=None)
    state, log = new_state(), []
    for _ in range(data.draw(st.integers(1, 120))):
        if state["needs"] is None:
            break
        action = _next_action(data, cfg, state)
        if action["kind"] == "undo":
            entries = list(enumerate(log, 1))
            if not entries:
                continue
            effective = effective_actions([*entries, (len(entries) + 1, action)])
            undone = fold(cfg, [a for _, a in effective])
            assert undone == fold(cfg, log[:-1])  # undo restores the state before exactly
            continue
        try:
            after = apply(cfg, state, action)
        except IllegalAction:
            assert fold(cfg, log) == state  # a rejected action changed nothing
            continue
        log.append(action)
        _check_invariants(cfg, after)
        state = after
    assert fold(cfg, log) == state


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_undo_after_any_action_restores_the_previous_state(data):
    cfg = config(players=5, overs=2, bowler_max_overs=None)
    state, log, states = new_state(), [], [new_state()]
    for _ in range(60):
        if state["needs"] is None:
            break
        action = _next_action(data, cfg, state)
        if action["kind"] == "undo":
            continue
        try:
            state = apply(cfg, state, action)
        except IllegalAction:
            continue
        log.append(action)
        states.append(state)
    entries = list(enumerate(log, 1))
    for undos in range(1, len(log) + 1):
        tail = [(len(log) + i + 1, {"kind": "undo"}) for i in range(undos)]
        effective = effective_actions(entries + tail)
        assert fold(cfg, [a for _, a in effective]) == states[-1 - undos]


# Any action at all: every kind the engine knows (and one it does not), each field drawn from
# values that are right somewhere, wrong here, or nonsense.
FIELDS = ["striker", "non_striker", "bowler", "player", "player_out", "out", "in", "replaced_by",
          "team", "winner", "batting", "runs", "boundary", "extras", "wickets", "how", "overs",
          "target", "reason", "result", "method", "balls", "fielders"]


def _any_value(data, cfg):
    people = [p for team in cfg.teams for p in (*team.players, *team.substitutes)]
    teams = [team.id for team in cfg.teams]
    return data.draw(st.one_of(
        st.sampled_from(people + teams + ["zz", "", None, True, False]),
        st.integers(-3, 1000), st.sampled_from([*KINDS, "retired_hurt", "won", "tie", "D/L"]),
        st.lists(st.sampled_from([*people, "zz"]), max_size=3),
        st.fixed_dictionaries({}, optional={
            "wides": st.integers(-1, 6), "noballs": st.integers(-1, 2),
            "byes": st.integers(-1, 5), "legbyes": st.integers(-1, 5),
            "penalty": st.integers(-5, 10)}),
        st.lists(st.fixed_dictionaries({"kind": st.sampled_from([*KINDS, "nonsense"])}, optional={
            "player_out": st.sampled_from([*people, "zz"]),
            "fielders": st.lists(st.sampled_from(people), max_size=2)}), max_size=3)))


def _any_action(data, cfg) -> dict:
    from cricket.engine.fold import HANDLERS

    action = {"kind": data.draw(st.sampled_from([*HANDLERS, "no_such_kind"]))}
    for name in data.draw(st.lists(st.sampled_from(FIELDS), max_size=5, unique=True)):
        action[name] = _any_value(data, cfg)
    return action


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), players=st.integers(3, 11), overs=st.integers(1, 2),
       innings=st.sampled_from([1, 2]))
def test_a_refused_action_changes_nothing_in_any_reachable_state(data, players, overs,
                                                                 innings):
    """The generic promise behind every 4xx of the write path: from any state a scorer can
    reach, any action refused (by its shape, ``check_action``, as the write service checks it
    first, or by the fold) leaves the state exactly as it was, in place; none raises anything
    but IllegalAction (anything else would be a 500)."""
    import json

    from cricket.engine import apply_in_place
    from cricket.engine.schema import check_action

    cfg = config(players=players, overs=overs, bowler_max_overs=None,
                 innings_per_side=innings)
    state = new_state()
    for _ in range(data.draw(st.integers(0, 80))):  # a reachable state, by legal play
        if state["needs"] is None:
            break
        try:
            state = apply(cfg, state, _next_action(data, cfg, state))
        except IllegalAction:
            continue
    for _ in range(data.draw(st.integers(1, 12))):
        action = _any_action(data, cfg)
        before = json.dumps(state, sort_keys=True)
        try:
            apply_in_place(cfg, state, check_action(action))
        except IllegalAction:
            assert json.dumps(state, sort_keys=True) == before, action
        except (TypeError, ValueError, KeyError, AttributeError) as error:  # a 500 in the API
            raise AssertionError(f"{action!r} raised {error!r}, not IllegalAction") from error
