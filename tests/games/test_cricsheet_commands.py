"""import_cricsheet replays real matches through the write service; export round-trips them."""

import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Event
from games.cricsheet_export import match_to_cricsheet
from games.cricsheet_import import cricsheet_import
from games.models import LogEntry, Match, Player
from games.services import match_replay_state
from tests.games.cricsheet_deliveries import normalise as _normalise
from tests.games.test_engine_replay import CRICSHEET, DEV_FILES, FILES

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

def test_import_cricsheet_replays_every_sample_match_exactly():
    out = StringIO()
    call_command("import_cricsheet", str(CRICSHEET), stdout=out)
    text = out.getvalue()
    assert f"{len(FILES)} of {len(FILES)} matches imported" in text
    assert "refused" not in text.replace("0 refused", "")
    assert Match.objects.count() == len(FILES)
    for match in Match.objects.all()[:3]:
        assert match_replay_state(match=match) == match.state


@pytest.mark.parametrize("name", ["1082625.json", "1136566.json", "1178424.json"])
def test_export_round_trips_the_deliveries(name):
    original = json.loads((CRICSHEET / "ipl" / name).read_text())
    outcome = cricsheet_import(data=original)
    assert outcome.ok, outcome.reasons
    exported = match_to_cricsheet(match=outcome.match)
    assert _normalise(exported) == _normalise(original)
    assert exported["info"]["outcome"] == original["info"]["outcome"]
    again = cricsheet_import(data=json.loads(json.dumps(exported)))
    assert again.ok and again.match.state["innings"] == outcome.match.state["innings"]


def _log(match):
    return list(match.log.order_by("seq").values_list("seq", "kind", "payload", "warnings"))


# One of each kind (the per-action path costs seconds for a Test: the bulk one is the fast one).
SAMPLE = [path for kind in ("ipl", "t20i", "odi", "odm", "wbb", "test")
          for path in [p for p in DEV_FILES if p.parent.name == kind][:1]]  # the set's absence
# fails test_the_sample_is_there, not the collection


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_bulk_import_writes_exactly_what_the_per_action_path_writes(path):
    data = json.loads(path.read_text())
    one_by_one = cricsheet_import(data=data)
    bulk = cricsheet_import(data=data, bulk=True)
    assert one_by_one.ok and bulk.ok, (one_by_one.reasons, bulk.reasons)
    assert bulk.verdict == one_by_one.verdict and bulk.warnings == one_by_one.warnings
    assert bulk.match.state == one_by_one.match.state
    assert _log(bulk.match) == _log(one_by_one.match)
    assert bulk.match.result_text == one_by_one.match.result_text
    assert match_replay_state(match=bulk.match) == bulk.match.state
    assert Event.objects.filter(match_id=bulk.match.pk, event_type="match_completed").exists()


def test_the_whole_development_set_imports_in_bulk_from_a_zip(tmp_path):
    archive = tmp_path / "matches.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in DEV_FILES:
            zipped.write(path, f"{path.parent.name}/{path.name}")
    out = StringIO()
    call_command("import_cricsheet", str(archive), "--bulk", "--progress", "40", stdout=out)
    text = out.getvalue()
    assert f"{len(DEV_FILES)} of {len(DEV_FILES)} matches imported" in text, text[-2000:]
    assert "… 40 matches in" in text
    # What the umpires allowed is kept with the entries: a 7-ball over, a bowler's 5th over.
    assert "imported with warnings" in text
    assert LogEntry.objects.exclude(warnings=[]).filter(kind="continue_over").exists()
    # The file that contradicts itself is named, not refused.
    assert "1318396.json: imported" in text and "but its own balls give 103" in text


def test_a_refused_match_leaves_nothing_behind(tmp_path):
    data = json.loads(FILES[0].read_text())
    first_over = data["innings"][0]["overs"][0]["deliveries"]
    first_over[0]["wickets"] = [{"kind": "bowled", "player_out": "Nobody At All"}]
    before = (Match.objects.count(), Player.objects.count(), LogEntry.objects.count())
    outcome = cricsheet_import(data=data)
    assert outcome.verdict == "refused" and outcome.match is None
    assert outcome.reasons and "Nobody At All" in outcome.reasons[0]
    assert (Match.objects.count(), Player.objects.count(), LogEntry.objects.count()) == before
    out = StringIO()
    broken = FILES[0].parent / FILES[0].name  # a good file beside a bad one: one refusal
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="1 match"):
        call_command("import_cricsheet", str(broken), str(bad), stdout=out)
    assert "refused: " in out.getvalue() and "1 of 2 matches imported" in out.getvalue()


def test_a_player_renamed_between_files_is_the_same_person():
    data = json.loads(FILES[0].read_text())
    registry = data["info"]["registry"]["people"]
    name = data["info"]["players"][data["info"]["teams"][0]][0]
    assert cricsheet_import(data=data, bulk=True).ok
    person = Player.objects.get(cricsheet_id=registry[name])
    renamed = json.loads(json.dumps(data).replace(f'"{name}"', '"A New Name"'))
    outcome = cricsheet_import(data=renamed, bulk=True)
    assert outcome.ok, outcome.reasons
    assert Player.objects.filter(cricsheet_id=registry[name]).count() == 1
    assert outcome.match.players.filter(player=person).exists()
    assert list(person.aliases.values_list("name", flat=True)) == ["A New Name"]
