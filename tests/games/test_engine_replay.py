"""Every real match in shared/cricsheet replays through the bare engine to the official figures."""

import json
import os
from pathlib import Path

import pytest

from cricket.cricsheet import CricsheetReplay, compare, file_problems, to_cricsheet
from cricket.engine import apply_in_place, fold, new_state
from tests.games.cricsheet_deliveries import normalise

# CRICSHEET_DIR points the replay at a larger set of matches (any folder of Cricsheet JSON).
CRICSHEET = Path(
    os.environ.get("CRICSHEET_DIR", Path(__file__).resolve().parents[3] / "shared" / "cricsheet")
)
FILES = sorted(CRICSHEET.rglob("*.json"))
# Every kind of cricket: IPL, T20Is, ODIs, one-day domestic, Women's Big Bash, Tests.
CRICSHEET_DEV = Path(
    os.environ.get("CRICSHEET_DEV_DIR",
                   Path(__file__).resolve().parents[3] / "shared" / "cricsheet-dev")
)
DEV_FILES = sorted(CRICSHEET_DEV.rglob("*.json"))
ALL_FILES = FILES + DEV_FILES


def replay(data: dict):
    state = new_state()
    log: list[dict] = []
    holder = {}

    def apply(action: dict) -> dict:
        apply_in_place(holder["replay"].config, state, action)
        log.append(action)
        return state

    holder["replay"] = CricsheetReplay(data, apply)
    report = holder["replay"].run()
    return holder["replay"], report, state, log


def test_the_sample_is_there():
    assert len(FILES) >= 24, f"expected the Cricsheet sample under {CRICSHEET}"
    kinds = {path.parent.name for path in DEV_FILES}
    assert {"ipl", "t20i", "odi", "odm", "wbb", "test"} <= kinds, CRICSHEET_DEV


@pytest.mark.parametrize("path", ALL_FILES, ids=[f"{p.parent.name}-{p.stem}" for p in ALL_FILES])
def test_replay_matches_the_official_scorecard_and_outcome(path):
    data = json.loads(path.read_text())
    replayer, report, state, log = replay(data)
    assert report.divergences == []
    assert compare(data, state) == []
    # Strike corrections are only the pre-2022 Law on catches (batters crossing).
    assert len(report.strike_corrections) <= 10
    # The stored state is exactly the fold of the log.
    assert fold(replayer.config, log) == state


def test_every_delivery_has_the_files_striker_non_striker_and_bowler():
    for path in ALL_FILES:
        data = json.loads(path.read_text())
        seen = []
        state = new_state()
        holder = {}

        def apply(action, seen=seen, state=state, holder=holder):
            if action["kind"] == "delivery":
                inn = state["innings"][-1]
                seen.append((inn["striker"], inn["non_striker"], inn["bowler"]))
            apply_in_place(holder["r"].config, state, action)
            return state

        holder["r"] = CricsheetReplay(data, apply)
        holder["r"].run()
        expected = [
            (d["batter"], d["non_striker"], d["bowler"])
            for inn in data["innings"] for over in inn.get("overs", [])
            for d in over["deliveries"]
        ]
        assert seen == expected, path.name


INNINGS_FACTS = ("team", "declared", "absent_hurt", "penalty_runs", "super_over")


@pytest.mark.parametrize("path", ALL_FILES, ids=[f"{p.parent.name}-{p.stem}" for p in ALL_FILES])
def test_export_round_trips_every_ball_and_the_outcome(path):
    """Engine log -> Cricsheet JSON -> the same balls, innings facts, targets and outcome as the
    original file, and that JSON replays to the same state."""
    data = json.loads(path.read_text())
    replayer, _report, state, log = replay(data)
    info = {key: value for key, value in data["info"].items()
            if key in ("dates", "match_type", "event")}
    exported = to_cricsheet(replayer.config, log, info)
    assert normalise(exported) == normalise(data)
    for mine, theirs in zip(exported["innings"], data["innings"], strict=True):
        assert {k: mine.get(k) for k in INNINGS_FACTS} == {k: theirs.get(k) for k in INNINGS_FACTS}
        if theirs.get("target"):  # a few files leave it out
            assert mine["target"] == theirs["target"]
    outcome = dict(data["info"]["outcome"])
    if file_problems(data):  # the file's stated margin contradicts its own balls
        outcome.pop("by"), exported["info"]["outcome"].pop("by")
    assert exported["info"]["outcome"] == outcome
    _again, report, state_again, _log = replay(json.loads(json.dumps(exported)))
    assert report.divergences == [] and state_again["innings"] == state["innings"]
    assert state_again["result"] == state["result"]
