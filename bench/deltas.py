"""What a fan receives per ball: delta and snapshot sizes over real matches, by kind of match.

    python -m bench.deltas [--per-kind 4]

Replays real matches from ../shared/cricsheet and ../shared/cricsheet-dev (the first
``--per-kind`` T20s, one-day matches and Tests, in file order) through the write service a
scorer uses, one committed action at a time, on the benchmark database, and measures each
action's delta as API clients get it (compact JSON with the commit time ``t``, as published),
the match centre page's message as its fans get it (keyed HTML operations, realtime/page.py;
each one checked: applied to the page before, it gives the page rendered after) and the final
snapshots. Prints median / p95 / max per kind and over all, and the page's build time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from bench.stats import percentile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def _replay(data: dict) -> tuple[list[int], int]:
    """(each action's delta size, the final snapshot's size) for one real match."""
    from cricket.cricsheet import CricsheetReplay
    from games.cricsheet_import import cricsheet_create_match
    from games.selectors import match_get
    from games.services import match_record_action
    from realtime import page_feed
    from realtime.buffer import buffer_since
    from realtime.page import apply_ops, same_page
    from realtime.publish import delta_text
    from realtime.shards import client_for_match
    from realtime.snapshots import match_snapshot

    match, people = cricsheet_create_match(data=data)
    client_for_match(match.pk).set(page_feed.watch_key(match.pk), 1, ex=3600)
    config = match.engine_config()
    ids = {name: str(player.pk) for name, player in people.items()}
    sizes: list[int] = []
    shown = [page_feed.render(match_get(match_id=match.pk))]

    def apply(action: dict) -> dict:
        started = time.perf_counter()
        recorded = match_record_action(match=match, action=action, expected_seq=match.seq)
        took = time.perf_counter() - started
        sizes.append(len(delta_text(recorded.delta())))
        text = buffer_since(match.pk, match.seq - 1, match.seq, "page")[0]
        message = json.loads(text)
        pages.append(len(text.encode()))
        build.append(took)
        shown[0] = message["html"] if "html" in message else apply_ops(shown[0], message["ops"])
        if not same_page(shown[0], page_feed.read_latest(match.pk)[1]):
            raise AssertionError(f"match {match.pk} v{match.seq}: the operations do not give "
                                 "the page")
        return recorded.match.state

    pages: list[int] = []
    build: list[float] = []
    CricsheetReplay(data, apply, config=config, ids=ids.__getitem__,
                    team_ids={t.name: t.id for t in config.teams}.__getitem__).run()
    _, snapshot = match_snapshot(match.pk)
    return sizes, len(snapshot), pages, len(page_feed.read_latest(match.pk)[1].encode()), build


def _line(label: str, matches: int, sizes: list[int], snapshots: list[int], pages: list[int],
          page_snapshots: list[int], build: list[float]) -> None:
    def p95(values):
        return percentile(values, 0.95)

    print(f"{label:<9} {matches:>7} {len(sizes):>7} | {statistics.median(sizes):>6.0f} "
          f"{p95(sizes):>6.0f} {max(sizes):>6} {statistics.median(snapshots):>8.0f} | "
          f"{statistics.median(pages):>6.0f} {p95(pages):>6.0f} {max(pages):>6} "
          f"{statistics.median(page_snapshots):>8.0f} | {statistics.median(build) * 1000:>6.1f} "
          f"{p95(build) * 1000:>6.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=4, help="matches of each kind")
    parser.add_argument("--kinds", default="", help="comma-separated kinds (T20, one-day, Test; "
                                                    "default all)")
    args = parser.parse_args()

    import django

    django.setup()
    from bench.db import prepare_database
    from bench.imports import _files

    prepare_database()
    print(f"{'':<25} | {'JSON delta (API clients)':<30} | {'centre page message (fans)':<30} "
          f"| write + page ms")
    print(f"{'kind':<9} {'matches':>7} {'actions':>7} | {'median':>6} {'p95':>6} {'max':>6} "
          f"{'snapshot':>8} | {'median':>6} {'p95':>6} {'max':>6} {'page':>8} | {'p50':>6} "
          f"{'p95':>6}  (bytes)")
    totals = [[] for _ in range(5)]
    chosen = [k for k in args.kinds.split(",") if k]
    for kind, matches in _files().items():
        if chosen and kind not in chosen:
            continue
        columns = [[] for _ in range(5)]
        for data in matches[:args.per_kind]:
            deltas, snapshot, pages, page_snapshot, build = _replay(data)
            for column, values in zip(columns, (deltas, [snapshot], pages, [page_snapshot],
                                                build), strict=True):
                column += values
        _line(kind, len(columns[1]), *columns)
        for total, column in zip(totals, columns, strict=True):
            total += column
    _line("all", len(totals[1]), *totals)


if __name__ == "__main__":
    main()
