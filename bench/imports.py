"""Cricsheet import benchmark: matches/s and actions/s, bulk and per action, T20s and Tests.

    python -m bench.imports [--rounds 3] [--per-action 6] [--jobs 2]

Imports the real matches under ../shared/cricsheet and ../shared/cricsheet-dev (every file a
new match, so rounds repeat them) on the benchmark database, one process, as
``import_cricsheet --bulk`` does: one transaction per match (players, sides, conditions, the
whole log and the final state, domain events). Then a few of the same matches through the
per-action write path a scorer uses (``match_record_action``: row lock, log insert, state
update, hook, commit per action) for comparison, and the command itself
(``import_cricsheet --bulk --jobs N`` on a folder of them). Prints one line per kind and path.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _files() -> dict[str, list[dict]]:
    kinds: dict[str, list[dict]] = {"T20": [], "one-day": [], "Test": []}
    for path in sorted([*SHARED.glob("cricsheet/**/*.json"),
                        *SHARED.glob("cricsheet-dev/**/*.json")]):
        data = json.loads(path.read_text())
        kind = {"T20": "T20", "IT20": "T20", "ODI": "one-day", "ODM": "one-day"}.get(
            data["info"]["match_type"], "Test")
        kinds[kind].append(data)
    return kinds


def _run(matches: list[dict], *, bulk: bool) -> tuple[int, int, float]:
    from games.cricsheet_import import cricsheet_import

    started, actions = time.perf_counter(), 0
    for data in matches:
        outcome = cricsheet_import(data=data, bulk=bulk)
        assert outcome.ok, outcome.reasons
        actions += outcome.actions
    return len(matches), actions, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="times each file is imported")
    parser.add_argument("--per-action", type=int, default=6,
                        help="matches of each kind through the per-action path")
    parser.add_argument("--jobs", type=int, default=2,
                        help="worker processes for the import_cricsheet run")
    args = parser.parse_args()

    import django

    django.setup()
    from bench.db import prepare_database

    prepare_database()
    kinds = _files()
    print(f"{'kind':8} {'path':11} {'matches':>8} {'actions':>8} {'seconds':>8} "
          f"{'matches/s':>10} {'actions/s':>10}")
    for kind, matches in kinds.items():
        for path, sample in (("bulk", matches * args.rounds),
                             ("per action", matches[:args.per_action])):
            count, actions, seconds = _run(sample, bulk=path == "bulk")
            _line(kind, path, count, actions, seconds)
        _line(kind, f"bulk -j{args.jobs}", *_command(matches * args.rounds, args.jobs))


def _line(kind: str, path: str, count: int, actions: int, seconds: float) -> None:
    print(f"{kind:8} {path:11} {count:8} {actions:8} {seconds:8.2f} "
          f"{count / seconds:10.1f} {actions / seconds:10.0f}", flush=True)


def _command(matches: list[dict], jobs: int) -> tuple[int, int, float]:
    """``import_cricsheet --bulk --jobs N`` over a folder of the files, as an archive load."""
    import re
    import tempfile
    from io import StringIO

    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as folder:
        for number, data in enumerate(matches):
            Path(folder, f"{number}.json").write_text(json.dumps(data))
        out = StringIO()
        started = time.perf_counter()
        call_command("import_cricsheet", folder, "--bulk", "--jobs", str(jobs), stdout=out)
        seconds = time.perf_counter() - started
    actions = int(re.search(r"; (\d+) actions in", out.getvalue()).group(1))
    return len(matches), actions, seconds


if __name__ == "__main__":
    main()
