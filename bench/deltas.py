"""What a fan receives per ball: delta and snapshot sizes over real matches, by kind of match.

    python -m bench.deltas [--per-kind 4]

Replays real matches from ../shared/cricsheet and ../shared/cricsheet-dev (the first
``--per-kind`` T20s, one-day matches and Tests, in file order) through the write service a
scorer uses, one committed action at a time, on the benchmark database, and measures each
action's delta as fans get it (compact JSON with the commit time ``t``, as published) and the
final snapshot. Prints median / p95 / max per kind and over all.
"""

from __future__ import annotations

import argparse
import os
import statistics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def _replay(data: dict) -> tuple[list[int], int]:
    """(each action's delta size, the final snapshot's size) for one real match."""
    from games.cricsheet import CricsheetReplay
    from games.cricsheet_import import cricsheet_create_match
    from games.services import match_record_action
    from realtime.publish import delta_text
    from realtime.snapshots import match_snapshot

    match, people = cricsheet_create_match(data=data)
    config = match.engine_config()
    ids = {name: str(player.pk) for name, player in people.items()}
    sizes: list[int] = []

    def apply(action: dict) -> dict:
        recorded = match_record_action(match=match, action=action, expected_seq=match.seq)
        sizes.append(len(delta_text(recorded.entry.delta())))
        return recorded.match.state

    CricsheetReplay(data, apply, config=config, ids=ids.__getitem__,
                    team_ids={t.name: t.id for t in config.teams}.__getitem__).run()
    _, snapshot = match_snapshot(match.pk)
    return sizes, len(snapshot)


def _line(label: str, matches: int, sizes: list[int], snapshots: list[int]) -> None:
    p95 = statistics.quantiles(sizes, n=20)[18]
    print(f"{label:<9} {matches:>7} {len(sizes):>7} {statistics.median(sizes):>7.0f} "
          f"{p95:>7.0f} {max(sizes):>7} {statistics.median(snapshots):>12.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=4, help="matches of each kind")
    args = parser.parse_args()

    import django

    django.setup()
    from bench.db import prepare_database
    from bench.imports import _files

    prepare_database()
    print(f"{'kind':<9} {'matches':>7} {'deltas':>7} {'median':>7} {'p95':>7} {'max':>7} "
          f"{'snapshot p50':>12}  (bytes)")
    every, every_snapshot = [], []
    for kind, matches in _files().items():
        sizes, snapshots = [], []
        for data in matches[:args.per_kind]:
            deltas, snapshot = _replay(data)
            sizes += deltas
            snapshots.append(snapshot)
        _line(kind, len(snapshots), sizes, snapshots)
        every += sizes
        every_snapshot += snapshots
    _line("all", len(every_snapshot), every, every_snapshot)


if __name__ == "__main__":
    main()
