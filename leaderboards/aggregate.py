"""Board rows recomputed from contributions: one INSERT … SELECT … GROUP BY per scope and kind.

Sums of overs use ``numeric`` (exact decimal addition) so that the order PostgreSQL happens to
aggregate in cannot change a net run rate in its last bit: incremental and rebuilt boards must
be equal, not nearly equal.
"""

from __future__ import annotations

from django.db import connection

from leaderboards.scopes import DEFAULT_POINTS, Scope

TABLES = {"team": "leaderboards_standing", "batting": "leaderboards_battingrecord",
          "bowling": "leaderboards_bowlingrecord"}
KEY_COLUMN = {"team": "team_id", "batting": "player_id", "bowling": "player_id"}

_STANDING = """
WITH agg AS (
  SELECT c.team_id, count(*) AS played, sum(c.won) AS won, sum(c.lost) AS lost,
    sum(c.tied) AS tied, sum(c.drawn) AS drawn, sum(c.no_result) AS nr,
    coalesce(sum(c.runs_for) FILTER (WHERE c.nrr_included), 0) AS rf,
    coalesce(sum(c.balls_for::numeric / c.balls_per_over) FILTER (WHERE c.nrr_included), 0) AS ovf,
    coalesce(sum(c.runs_against) FILTER (WHERE c.nrr_included), 0) AS ra,
    coalesce(sum(c.balls_against::numeric / c.balls_per_over)
             FILTER (WHERE c.nrr_included), 0) AS ova
  FROM leaderboards_matchteam c WHERE {where} GROUP BY c.team_id)
INSERT INTO leaderboards_standing (scope, team_id, played, won, lost, tied, drawn, no_result,
  points, runs_for, overs_for, runs_against, overs_against, nrr)
SELECT %s, team_id, played, won, lost, tied, drawn, nr, won * %s + (tied + drawn) * %s + nr * %s,
  rf, ovf, ra, ova, CASE WHEN ovf > 0 AND ova > 0 THEN rf / ovf - ra / ova END
FROM agg"""

_BATTING = """
WITH agg AS (
  SELECT c.player_id, count(*) AS inns, count(*) FILTER (WHERE NOT c.out) AS no,
    sum(c.runs) AS runs, sum(c.balls) AS balls, max(c.runs) AS hs,
    (array_agg(NOT c.out ORDER BY c.runs DESC, c.out ASC))[1] AS hs_no,
    count(*) FILTER (WHERE c.runs >= 50 AND c.runs < 100) AS fifties,
    count(*) FILTER (WHERE c.runs >= 100) AS hundreds, sum(c.fours) AS fours,
    sum(c.sixes) AS sixes
  FROM leaderboards_matchbatting c WHERE {where} GROUP BY c.player_id)
INSERT INTO leaderboards_battingrecord (scope, player_id, innings, not_outs, runs, balls, highest,
  highest_not_out, fifties, hundreds, fours, sixes, average, strike_rate)
SELECT %s, player_id, inns, no, runs, balls, hs, hs_no, fifties, hundreds, fours, sixes,
  CASE WHEN inns > no THEN runs::numeric / (inns - no) END,
  CASE WHEN balls > 0 THEN runs * 100::numeric / balls END
FROM agg"""

_BOWLING = """
WITH agg AS (
  SELECT c.player_id, count(*) AS inns, sum(c.balls) AS balls,
    sum(c.balls::numeric / c.balls_per_over) AS overs, sum(c.maidens) AS maidens,
    sum(c.runs) AS runs, sum(c.wickets) AS wickets,
    (array_agg(c.wickets ORDER BY c.wickets DESC, c.runs ASC))[1] AS bw,
    (array_agg(c.runs ORDER BY c.wickets DESC, c.runs ASC))[1] AS br
  FROM leaderboards_matchbowling c WHERE {where} GROUP BY c.player_id)
INSERT INTO leaderboards_bowlingrecord (scope, player_id, innings, balls, overs, maidens, runs,
  wickets, best_wickets, best_runs, average, economy, strike_rate)
SELECT %s, player_id, inns, balls, overs, maidens, runs, wickets, bw, br,
  CASE WHEN wickets > 0 THEN runs::numeric / wickets END,
  CASE WHEN overs > 0 THEN runs / overs END,
  CASE WHEN wickets > 0 THEN balls::numeric / wickets END
FROM agg"""

_SQL = {"team": _STANDING, "batting": _BATTING, "bowling": _BOWLING}


def lock_scopes(keys) -> None:
    """Serialize recomputation per scope (two workers on one scope would race DELETE/INSERT).
    Class 2 of the two-key advisory locks; match locks (class 1) are always taken first."""
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(2, hashtext(%s))", [key])


def recompute(scope: Scope, kind: str, keys: list[int] | None, points=DEFAULT_POINTS) -> None:
    """Replace the ``kind`` rows of ``scope`` for ``keys`` (None: every key) from contributions."""
    table, column = TABLES[kind], KEY_COLUMN[kind]
    where, params = scope.where, list(scope.params)
    delete = f"DELETE FROM {table} WHERE scope = %s"
    delete_params: list = [scope.key]
    if keys is not None:
        if not keys:
            return
        where += f" AND c.{column} = ANY(%s)"
        params.append(list(keys))
        delete += f" AND {column} = ANY(%s)"
        delete_params.append(list(keys))
    insert_params = [*params, scope.key, *(points if kind == "team" else ())]
    with connection.cursor() as cursor:
        cursor.execute(delete, delete_params)
        cursor.execute(_SQL[kind].format(where=where), insert_params)
