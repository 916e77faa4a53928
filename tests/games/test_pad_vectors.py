"""The pad's JavaScript model against the engine, with no browser (issue 30): thousands of
random tap sequences scored by the engine (tests/games/pad_vectors.py), replayed through
static/js/pad_model.js under ``node --test`` (tests/js/pad_vectors.test.js). Wherever the model
does not call itself approximate, what it shows — counts, cards, this over, strike, the rates
line, the bowler the next-bowler select starts on — is what the server shows. A mutant of
either side is caught."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.games.pad_vectors import vector

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "static/js/pad_model.js"
NODE_TEST = ROOT / "tests/js/pad_vectors.test.js"
SEQUENCES = 2000


def _node(vectors: list[dict], model: Path, where: Path) -> tuple[int, dict]:
    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "node is needed for the pad's vectors (the Makefile installs it)"
    path = where / "vectors.json"
    path.write_text(json.dumps(vectors))
    run = subprocess.run([node, "--test", str(NODE_TEST)], capture_output=True, text=True,
                         env={**os.environ, "VECTORS": str(path), "PAD_MODEL": str(model)},
                         timeout=240)
    report = json.loads((where / "vectors.json.report.json").read_text())
    return run.returncode, report


@pytest.fixture(scope="module")
def vectors():
    return [v for v in (vector(seed) for seed in range(SEQUENCES)) if v["taps"]]


def test_the_pads_model_shows_what_the_server_shows(vectors, tmp_path):
    code, report = _node(vectors, MODEL, tmp_path)
    assert report["disagreements"] == 0, json.dumps(report["first"], indent=1)[:4000]
    assert code == 0
    # Some seeds end their match in the prefix: over a thousand sequences are left.
    assert len(vectors) > 1000 and report["compared"] > 10_000, report["compared"]


@pytest.mark.parametrize(("original", "mutant"), [
    ("if (ran % 2 === 1 &&", "if (ran % 2 === 0 &&"),  # strike after an odd number run
    ("Math.floor((200 * runs", "Math.round((200 * runs"),  # the rates' rounding
    ("if (!b.wides) card.balls += 1;", "card.balls += 1;"),  # a wide is no ball faced
    ("!last.has(p) &&", "true &&"),  # the next bowler may bowl the last over again
])
def test_a_mutant_of_the_model_is_caught(vectors, tmp_path, original, mutant):
    text = MODEL.read_text()
    assert original in text
    mutated = tmp_path / "pad_model.js"
    mutated.write_text(text.replace(original, mutant, 1))
    code, report = _node(vectors[:600], mutated, tmp_path)
    assert code != 0 and report["disagreements"] > 0


def test_a_mutant_of_the_engine_is_caught(monkeypatch, tmp_path):
    """The engine's rounding of rates changed (Python's round: 7 off 16 balls is 2.62): the
    model, unchanged, disagrees with the vectors made by it."""
    from cricket.engine import scorecard

    monkeypatch.setattr(scorecard, "_rate",
                        lambda runs, balls, per: round(runs * per / balls, 2) if balls else None)
    mutated = [v for v in (vector(seed) for seed in range(600)) if v["taps"]]
    code, report = _node(mutated, MODEL, tmp_path)
    assert code != 0 and report["disagreements"] > 0
