"""import_cricsheet replays real matches through the write service; export round-trips them."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from games.cricsheet_export import match_to_cricsheet
from games.cricsheet_import import cricsheet_import
from games.models import Match
from games.services import match_replay_state
from tests.games.test_engine_replay import CRICSHEET, FILES

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

DELIVERY_KEYS = ("batter", "non_striker", "bowler", "runs", "extras", "wickets")


def _deliveries(data: dict) -> list[list[dict]]:
    return [
        [{key: d.get(key) for key in DELIVERY_KEYS} for over in inn["overs"]
         for d in over["deliveries"]]
        for inn in data["innings"]
    ]


def _normalise(data: dict) -> list[list[dict]]:
    innings = _deliveries(data)
    for inn in innings:
        for d in inn:
            d["runs"] = {k: v for k, v in d["runs"].items() if k != "non_boundary"}
            if d["extras"]:
                d["extras"] = {k: v for k, v in d["extras"].items() if v}
            for w in d["wickets"] or []:
                w["fielders"] = [{"name": f["name"]} for f in w.get("fielders", []) if "name" in f]
                if not w["fielders"]:
                    del w["fielders"]
    return innings


def test_import_cricsheet_replays_every_sample_match_exactly():
    out = StringIO()
    call_command("import_cricsheet", str(CRICSHEET), stdout=out)
    text = out.getvalue()
    assert f"{len(FILES)} of {len(FILES)} matches equal the files" in text
    assert "MISMATCH" not in text
    assert Match.objects.count() == len(FILES)
    for match in Match.objects.all()[:3]:
        assert match_replay_state(match=match) == match.state


@pytest.mark.parametrize("name", ["1082625.json", "1136566.json", "1178424.json"])
def test_export_round_trips_the_deliveries(name):
    original = json.loads((CRICSHEET / "ipl" / name).read_text())
    outcome = cricsheet_import(data=original)
    assert outcome.ok, outcome.problems
    exported = match_to_cricsheet(match=outcome.match)
    assert _normalise(exported) == _normalise(original)
    assert exported["info"]["outcome"] == original["info"]["outcome"]
    again = cricsheet_import(data=json.loads(json.dumps(exported)))
    assert again.ok and again.match.state["innings"] == outcome.match.state["innings"]
