"""Leaderboards benchmark: aggregating completed matches, reading boards, rank lookups.

    python -m bench.leaderboards [--matches 10000] [--players 1000000]

1. Creates ``--matches`` completed T20 matches (folded by the real engine from generated ball
   logs: 8 tournaments of 10 teams, 15-player squads) with their ``match_completed`` events,
   then times the real jobs: ``leaderboards_process_events`` (claim, contributions from the
   engine's scorecards, tournament boards) and ``leaderboards_process_global``; then
   ``leaderboards_rebuild`` and checks it equals the incremental result.
2. p50/p95 of the tournament board JSON (``/api/tournaments/<slug>``) through Django, uncached
   (generation bumped before each request) and cached.
3. A batting board of ``--players`` players: time to build its Redis sorted set, then p50/p95 of
   a rank lookup uncached (sorted set) and cached (Django cache), against a COUNT on the index.
All on the benchmark database (``scorekeeper_bench``), which this resets for the boards.
"""

from __future__ import annotations

import argparse
import os
import random
import time

from bench.stats import quantiles

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

TOURNAMENTS, TEAMS, SQUAD = 8, 10, 15
BIG_SCOPE = "s:bench-1m"


def _q(values: list[float]) -> str:
    q = quantiles(values)
    return f"p50 {q[49] * 1000:.2f} ms, p95 {q[94] * 1000:.2f} ms"


def _t20_log(rng: random.Random, a: tuple, b: tuple, config) -> dict:
    """A legal T20 folded by the engine: random runs, a wicket now and then."""
    from cricket.engine import apply_in_place, new_state
    from cricket.engine.innings import next_batting_team

    state = new_state()
    sides = {config.teams[0].id: a, config.teams[1].id: b}
    for _ in range(3000):
        needs = state["needs"]
        if needs is None:
            return state
        inn = state["innings"][-1] if state["innings"] else None
        if needs == "start_innings":
            batting, _ = next_batting_team(config, state, False)
            bowling = config.other(batting)
            action = {"kind": "start_innings", "striker": sides[batting][0],
                      "non_striker": sides[batting][1], "bowler": sides[bowling][6]}
        elif needs == "next_bowler":
            over = inn["legal_balls"] // 6
            action = {"kind": "next_bowler", "player": sides[inn["bowling"]][6 + over % 5]}
        elif needs == "new_batter":
            action = {"kind": "new_batter", "player": next(
                p for p in sides[inn["batting"]] if p not in inn["batters"])}
        elif inn["super_over"]:
            action = {"kind": "delivery", "runs": 1 if inn["target"] is None else 6}
        elif rng.random() < 0.045:
            action = {"kind": "delivery", "runs": 0, "wickets": [
                {"kind": "bowled", "player_out": inn["striker"]}]}
        else:
            runs = rng.choice((0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 4, 4, 6))
            action = {"kind": "delivery", "runs": runs, "boundary": runs in (4, 6)}
        apply_in_place(config, state, action)
    raise AssertionError("generated match did not finish")


def create_matches(n: int, seed: int = 7) -> list[int]:
    from django.db import connection, transaction

    from cricket.engine import MatchConfig, result_text
    from cricket.engine import Team as EngineTeam
    from games.models import Match, Player, Team, Tournament

    rng = random.Random(seed)
    token = f"{time.time_ns() % 10**8}"
    tournaments = [Tournament.objects.create(name=f"Bench League {token}-{t}", season="2026")
                   for t in range(TOURNAMENTS)]
    squads = {}
    for tournament in tournaments:
        for t in range(TEAMS):
            team = Team.objects.create(name=f"Bench {tournament.pk}-{t}")
            players = Player.objects.bulk_create(
                Player(name=f"Bench player {team.pk}-{i}") for i in range(SQUAD))
            squads[team] = (tournament, players)
    teams = list(squads)
    ids, started = [], time.perf_counter()
    rows = []
    for i in range(n):
        team_a = rng.choice(teams)
        tournament, pa = squads[team_a]
        team_b = rng.choice([t for t in teams if t != team_a and squads[t][0] == tournament])
        pb = squads[team_b][1]
        a = tuple(str(p.pk) for p in rng.sample(pa, 11))
        b = tuple(str(p.pk) for p in rng.sample(pb, 11))
        names = {str(p.pk): p.name for p in (*pa, *pb)}
        config = MatchConfig(
            teams=(EngineTeam(str(team_a.pk), team_a.name, a),
                   EngineTeam(str(team_b.pk), team_b.name, b)),
            batting_first=str(team_a.pk), overs=20, bowler_max_overs=4, names=names)
        state = _t20_log(rng, a, b, config)
        rows.append(Match(tournament=tournament, team_a=team_a, team_b=team_b, overs=20,
                          bowler_max_overs=4, toss_winner=team_a, toss_decision="bat",
                          status=state["status"], seq=1, state=state,
                          config=config.to_dict(), result_text=result_text(config, state)))
        if len(rows) == 500 or i == n - 1:
            with transaction.atomic():
                created = Match.objects.bulk_create(rows)
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO events_event (event_type, source, actor, match_id, payload,"
                        " occurred_at) VALUES ('match_completed', 'domain', 'system', %s,"
                        " '{}'::jsonb, now())", [[m.pk] for m in created])
            ids += [m.pk for m in created]
            rows = []
    print(f"generated {n:,} completed T20 matches in {time.perf_counter() - started:.1f} s "
          f"({len(squads) * SQUAD:,} players, {TOURNAMENTS} tournaments)")
    return ids


def bench_aggregation(n: int) -> list[int]:
    from django.db import connection

    from leaderboards.services import (
        leaderboards_process_events,
        leaderboards_process_global,
        leaderboards_rebuild,
    )
    from tests.leaderboards.boards import board_rows

    leaderboards_rebuild()  # start from boards equal to whatever the bench DB already holds
    with connection.cursor() as cursor:
        cursor.execute("UPDATE events_event SET processed_at = now() WHERE processed_at IS NULL"
                       " AND event_type IN ('match_completed', 'delivery_corrected',"
                       " 'delivery_undone')")
    ids = create_matches(n)
    started = time.perf_counter()
    events = leaderboards_process_events(batch=500)
    tournament_s = time.perf_counter() - started
    started = time.perf_counter()
    keys = leaderboards_process_global()
    global_s = time.perf_counter() - started
    print(f"aggregate: {events:,} match_completed events -> tournament boards in "
          f"{tournament_s:.1f} s ({events / tournament_s:,.0f} matches/s); global boards "
          f"({keys:,} keys) in {global_s:.1f} s; total {tournament_s + global_s:.1f} s")
    incremental = board_rows()
    started = time.perf_counter()
    done = leaderboards_rebuild()
    print(f"rebuild_leaderboards: {done['matches']:,} matches, {done['scopes']} boards in "
          f"{time.perf_counter() - started:.1f} s; equals incremental: "
          f"{board_rows() == incremental}")
    return ids


def bench_board_reads(match_id: int, requests: int = 300) -> None:
    from django.test import Client

    from games.models import Match
    from leaderboards import cache as board_cache
    from leaderboards.scopes import tournament_scope

    match = Match.objects.select_related("tournament").get(pk=match_id)
    slug, scope = match.tournament.slug, tournament_scope(match.tournament_id)
    client = Client()
    url = f"/api/tournaments/{slug}"
    client.get(url)
    uncached, cached = [], []
    for _ in range(requests):
        board_cache.bump([scope])
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        uncached.append(time.perf_counter() - started)
    for _ in range(requests):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        cached.append(time.perf_counter() - started)
    print(f"tournament board JSON through Django ({slug}): uncached {_q(uncached)}; "
          f"cached {_q(cached)}")


def bench_rank(players: int, lookups: int = 2000) -> None:
    from django.db import connection

    from leaderboards import cache as board_cache
    from leaderboards.selectors import player_rank

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(player_id), max(player_id) FROM "
                       "leaderboards_battingrecord WHERE scope = %s", [BIG_SCOPE])
        have, low, high = cursor.fetchone()
        if have < players:
            started = time.perf_counter()
            cursor.execute("DELETE FROM leaderboards_battingrecord WHERE scope = %s", [BIG_SCOPE])
            cursor.execute("INSERT INTO games_player (name) SELECT 'Rank bench ' || g "
                           "FROM generate_series(1, %s) g RETURNING id", [players])
            ids = [row[0] for row in cursor.fetchall()]
            low, high = min(ids), max(ids)
            cursor.execute(
                "INSERT INTO leaderboards_battingrecord (scope, player_id, innings, not_outs,"
                " runs, balls, highest, highest_not_out, fifties, hundreds, fours, sixes,"
                " average, strike_rate) SELECT %s, id, 10, 1, (random() * 5000)::int, 4000,"
                " 80, false, 3, 0, 40, 10, 40.0, 125.0 FROM games_player"
                " WHERE id BETWEEN %s AND %s", [BIG_SCOPE, low, high])
            print(f"created {players:,} players' batting records in "
                  f"{time.perf_counter() - started:.1f} s")
    board_cache.rank_clear([BIG_SCOPE])
    started = time.perf_counter()
    board_cache.rank_set_build(BIG_SCOPE, "batting")
    print(f"rank set: built from {players:,} rows in {time.perf_counter() - started:.1f} s")
    rng = random.Random(3)
    sample = [rng.randint(low, high) for _ in range(lookups)]
    uncached, cached, sql = [], [], []
    for player in sample:
        started = time.perf_counter()
        found = board_cache.rank_of(BIG_SCOPE, "batting", player)
        uncached.append(time.perf_counter() - started)
        assert found is not None
    for player in sample:
        player_rank(player_id=player, scope=BIG_SCOPE, kind="batting")  # fill the cache
    for player in sample:
        started = time.perf_counter()
        player_rank(player_id=player, scope=BIG_SCOPE, kind="batting")
        cached.append(time.perf_counter() - started)
    with connection.cursor() as cursor:
        for player in sample[:200]:
            started = time.perf_counter()
            cursor.execute(
                "SELECT count(*) + 1 FROM leaderboards_battingrecord WHERE scope = %s AND runs >"
                " (SELECT runs FROM leaderboards_battingrecord WHERE scope = %s AND"
                " player_id = %s)", [BIG_SCOPE, BIG_SCOPE, player])
            rank = cursor.fetchone()[0]
            sql.append(time.perf_counter() - started)
    check = board_cache.rank_of(BIG_SCOPE, "batting", sample[199])
    print(f"rank lookup among {players:,}: sorted set (uncached) {_q(uncached)}; cached "
          f"{_q(cached)}; for comparison COUNT over the index {_q(sql)} (same rank: "
          f"{check['rank'] == rank})")
    board_cache.rank_clear([BIG_SCOPE])  # ~100 MB of sorted set: not for the dev Redis to keep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--matches", type=int, default=10_000)
    parser.add_argument("--players", type=int, default=1_000_000)
    args = parser.parse_args()

    import django

    django.setup()
    from bench.db import prepare_database

    prepare_database()
    ids = bench_aggregation(args.matches)
    bench_board_reads(ids[0])
    bench_rank(args.players)


if __name__ == "__main__":
    main()
