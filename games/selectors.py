"""Reads of matches and their logs, shaped for the API, pages and realtime snapshots."""

from __future__ import annotations

import copy

from django.db import models
from django.db.models import Exists, OuterRef

from accounts.lookalike import skeleton
from core import replicas
from cricket import engine
from cricket.engine.dismissals import may_resume
from cricket.engine.innings import next_batting_team
from cricket.engine.scorecard import scorecard
from cricket.engine.state import max_wickets
from games.models import (
    LogEntry,
    Match,
    MatchPlayer,
    Player,
    PlayingConditions,
    Team,
    Tournament,
)
from games.permissions import can_manage_team

# What recording an action needs of a match besides its state: who may score it, and what its
# delta shows (the tournament, the toss). Read by the write's own lock (games/services.py), for
# the pad and the JSON API alike, from these columns, filled in by ``match_fill_write_facts``.
# Raw SQL because compiling the equivalent ORM query (a join and an EXISTS) cost more CPU than
# the rest of the request's queries together, and a plain cursor because a RawQuerySet's own
# machinery (its columns, the model's init order) cost ~0.1 ms more; every other field stays
# deferred.
WRITE_FACTS_COLUMNS = (
    "EXISTS (SELECT 1 FROM games_match_scorers s WHERE s.match_id = m.id AND s.user_id = %s),"
    " m.toss_winner_id, m.toss_decision, m.tournament_id, t.name, t.season, t.slug"
)
WRITE_FACTS_FROM = " FROM games_match m LEFT JOIN games_tournament t ON t.id = m.tournament_id"


def match_fill_write_facts(match: Match, row) -> None:
    """Set on ``match`` what ``WRITE_FACTS_COLUMNS`` read: ``is_assigned_scorer``, the toss and
    the tournament (kept if already loaded)."""
    assigned, toss_winner_id, toss_decision, tournament_id, name, season, slug = row
    match.is_assigned_scorer = assigned
    match.toss_winner_id, match.toss_decision = toss_winner_id, toss_decision
    if tournament_id is None:
        match.tournament = None
    elif not Match.tournament.is_cached(match) or match.tournament_id != tournament_id:
        match.tournament = Tournament(id=tournament_id, name=name, season=season, slug=slug)


def match_by_id(*, match_id: int) -> Match:
    """The match by its id alone, nothing read: for ``match_record_action``, whose lock reads
    what it needs (every other field loads if touched)."""
    return Match.from_db("default", ["id"], [match_id])


def match_get(*, match_id: int, scorer=None) -> Match:
    """The match; with ``scorer``, also whether that user is one of its assigned scorers
    (``match.is_assigned_scorer``), in the same query: the pad asks on every request."""
    matches = Match.objects.select_related("team_a", "team_b", "tournament", "toss_winner")
    if scorer is not None and scorer.is_authenticated:
        matches = matches.annotate(is_assigned_scorer=Exists(
            Match.scorers.through.objects.filter(match_id=OuterRef("pk"), user_id=scorer.pk)))
    return matches.get(pk=match_id)


def match_as_of(*, match: Match, seq: int) -> Match:
    """The match as it stood after log entry ``seq`` (0: before the first): a copy whose state is
    the log folded to there (the engine is pure), for "the match at any ball" (?at=). Nothing
    is saved."""
    config = match.engine_config()
    entries = list(match.log.filter(seq__lte=seq).order_by("seq").values_list("seq", "payload"))
    state = engine.fold(config, [action for _, action in engine.effective_actions(entries)])
    past = copy.copy(match)
    past.seq, past.state, past.status = seq, state, state["status"]
    past.result_text = engine.result_text(config, state)
    return past


def match_seq(*, match_id: int) -> int | None:
    """The match's version as committed now, on the primary (one indexed read): what an ETag
    is made of, and what no read for fans may be older than."""
    with replicas.primary():
        return Match.objects.filter(pk=match_id).values_list("seq", flat=True).first()


def match_get_for_fans(*, match_id: int) -> Match:
    """``match_get``, from the replica when one serves this read (``replica_reads``) and has
    the match's current version; otherwise from the primary. A fan who has seen version N
    never gets an older one back."""
    match = match_get(match_id=match_id)
    if match._state.db == replicas.REPLICA and match.seq < (match_seq(match_id=match_id) or 0):
        with replicas.primary():
            match = match_get(match_id=match_id)
    return match


def match_payload(*, match: Match, config: engine.MatchConfig | None = None,
                  state: dict | None = None, seq: int | None = None,
                  skip_innings: int = 0) -> dict:
    """The one serialization of a match's state (docs/api.md): API, pages and snapshots use it.

    ``state``/``seq`` serialize another state of the same match (realtime diffs the states
    before and after an action); ``skip_innings`` leaves the first innings out of ``innings``
    for a caller that has their (unchanged) cards already.
    """
    config = config or match.engine_config()
    if state is None:
        state = match.state or engine.new_state()
    card = scorecard(config, state, skip_innings=skip_innings)
    return {
        "match": match.pk,
        "seq": match.seq if seq is None else seq,
        "status": state["status"],
        "tournament": None if match.tournament_id is None else {
            "slug": match.tournament.slug, "name": str(match.tournament)},
        "teams": [{"id": team.id, "name": team.name} for team in config.teams],
        "format": {
            "overs": config.overs, "balls_per_over": config.balls_per_over,
            "innings_per_side": config.innings_per_side,
            "players_per_side": config.players_per_side,
            "bowler_max_overs": config.bowler_max_overs,
        },
        "toss": None if match.toss_winner_id is None else {
            "winner": str(match.toss_winner_id), "decision": match.toss_decision},
        "needs": card["needs"],
        "free_hit": card["free_hit"],
        "warnings": card["warnings"],
        "innings": card["innings"],
        "result": _result(config, state),
    }


def _result(config: engine.MatchConfig, state: dict) -> dict | None:
    result = state.get("result")
    if result is None:
        return None
    out = dict(result)
    if out.get("winner"):
        out["winner_name"] = config.team(out["winner"]).name
    out["text"] = engine.result_text(config, state)
    return out


def log_entry_payload(entry: LogEntry) -> dict:
    return {
        "seq": entry.seq, "kind": entry.kind, "action": entry.payload,
        "recorded_by": entry.recorded_by.get_username() if entry.recorded_by else None,
        "recorded_at": entry.recorded_at.isoformat(),
    }


def match_log_since(*, match: Match, since: int = 0, limit: int = 1000) -> list[dict]:
    entries = match.log.filter(seq__gt=since).select_related("recorded_by").order_by("seq")
    return [log_entry_payload(entry) for entry in entries[:limit]]


def match_lists(*, tournament: str | None = None, limit: int = 20) -> dict:
    """Live, upcoming and recent matches for the fan list page, optionally of one tournament
    (by slug), with the tournaments that have matches for its filter."""
    matches = Match.objects.select_related("team_a", "team_b", "tournament")
    if tournament:
        matches = matches.filter(tournament__slug=tournament)
    return {
        "live": list(matches.live().order_by("-updated_at")[:limit]),
        "upcoming": list(matches.upcoming().order_by("start_date", "id")[:limit]),
        "recent": list(matches.finished().order_by("-updated_at")[:limit]),
        "tournaments": Tournament.objects.filter(
            Exists(Match.objects.filter(tournament=OuterRef("pk")))).order_by("-season", "name"),
        "tournament": tournament or "",
    }


def match_lists_version(*, tournament: str | None = None) -> str:
    """A version of the match lists: it changes whenever any match in them does (one
    aggregate query), so a list page polls once for all its live matches."""
    matches = Match.objects.all()
    if tournament:
        matches = matches.filter(tournament__slug=tournament)
    latest = matches.aggregate(n=models.Count("id"), seqs=models.Sum("seq"),
                               at=models.Max("updated_at"))
    stamp = latest["at"].timestamp() if latest["at"] else 0
    return f"{latest['n']}-{latest['seqs'] or 0}-{stamp}"


def match_deliveries(*, match: Match) -> list[dict]:
    """Every delivery in effect, oldest first, labelled as a scorer knows it (innings, over.ball,
    bowler, striker, the ball's symbol) with its log ``seq`` and action, for editing a past ball.

    Re-folds the log (~10 ms for a full one-day match): this is the edit page, not the pad.
    """
    config = match.engine_config()
    entries = list(match.log.order_by("seq").values_list("seq", "payload"))
    state, balls = engine.new_state(), []
    for seq, action in engine.effective_actions(entries):
        inn = state["innings"][-1] if state["innings"] else None
        before = None if inn is None else (inn["legal_balls"], inn["striker"], inn["bowler"],
                                           inn["non_striker"])
        engine.apply_in_place(config, state, action)
        if action.get("kind") != "delivery" or before is None:
            continue
        legal, striker, bowler, non_striker = before
        inn = state["innings"][-1]
        balls.append({
            "seq": seq, "action": action, "innings": inn["number"],
            "batting": config.team(inn["batting"]).name,
            "over": f"{legal // config.balls_per_over}.{legal % config.balls_per_over + 1}",
            "bowler": config.name(bowler), "striker": config.name(striker),
            "at_crease": [striker, non_striker],
            "symbol": inn["recent_balls"][-1] if inn["recent_balls"] else "",
        })
    return balls


def playing_conditions_in_force(*, competition: str, on: str) -> PlayingConditions | None:
    """The competition's playing conditions on a date (its earliest set before any)."""
    family = PlayingConditions.objects.filter(competition=competition)
    return (family.filter(valid_from__lte=on).order_by("-valid_from").first()
            or family.order_by("valid_from").first())


def official_team_named(name: str) -> Team | None:
    """The real team (not a guest XI) whose name reads like ``name``: case, compatibility
    forms and Latin look-alikes folded."""
    return Team.objects.filter(name_key=skeleton(name), guest_of=None).first()


def guest_xi(*, team: Team, user) -> Team | None:
    """``user``'s guest XI of ``team``, if they have fielded one (one per creator: their next
    friendly picks the same players again)."""
    return Team.objects.filter(guest_of=team, managers=user).order_by("pk").first()


def team_fielded(*, name: str, user) -> Team | None:
    """The team ``user`` would field under ``name`` if one exists (``games.teams``): the real
    team if they manage it, else their guest XI of it. Read-only: it pre-fills set-up."""
    real = official_team_named(name)
    if real is None or can_manage_team(user, real):
        return real
    return guest_xi(team=real, user=user)


def known_players(*, team: Team) -> dict[str, Player]:
    """The team's people by every name they go by, case-folded: its squad and everyone who has
    played for it (the first record wins when two share a name)."""
    known: dict[str, Player] = {}
    mine = (Player.objects.filter(models.Q(squads=team) | models.Q(appearances__team=team))
            .prefetch_related("aliases").distinct().order_by("pk"))
    for player in mine:
        for name in (player.name, *(alias.name for alias in player.aliases.all())):
            known.setdefault(name.casefold(), player)
    return known


def last_xi(*, team: Team) -> list[MatchPlayer]:
    """The playing XI of the team's most recent match, in batting order (empty if none)."""
    latest = (MatchPlayer.objects.filter(team=team, substitute=False)
              .order_by("-match__start_date", "-match_id").values("match_id").first())
    if latest is None:
        return []
    return list(MatchPlayer.objects.filter(team=team, substitute=False,
                                           match_id=latest["match_id"])
                .select_related("player").order_by("order"))


def match_roles(*, match: Match) -> dict[str, str]:
    """Scorecard marks by player id: "(c)" for a captain, "†" for a wicket-keeper."""
    roles = {}
    for player_id, captain, keeper in match.players.filter(
            models.Q(captain=True) | models.Q(keeper=True)).values_list(
            "player_id", "captain", "keeper"):
        roles[str(player_id)] = " ".join(m for m, on in (("(c)", captain), ("†", keeper)) if on)
    return roles


def player_matches(*, player_id: int, limit: int = 200) -> list[MatchPlayer]:
    """Every match a player played (newest first), with their side and roles."""
    return list(MatchPlayer.objects.filter(player_id=player_id)
                .select_related("match__team_a", "match__team_b", "match__tournament", "team")
                .order_by("-match__start_date", "-match_id")[:limit])


def pad_snapshot(*, match: Match) -> dict:
    """What the pad draws itself from (static/js/pad.js): the live innings' counts, the cards of
    who is batting and bowling, both XIs, the over just completed and the rules a ball is
    scored by. pad.js draws the server's answer to a recorded entry from it, and its offline
    model (static/js/pad_model.js) folds queued entries over it while the scorer has no
    signal. Built from the stored state alone: nothing here grows with the match."""
    config = match.engine_config()
    state = match.state or engine.new_state()
    inn = state["innings"][-1] if state["innings"] else None
    snapshot = {
        "seq": match.seq, "needs": state["needs"], "free_hit": bool(state["free_hit"]),
        "balls_per_over": config.balls_per_over, "bowler_max_overs": config.bowler_max_overs,
        "free_hit_rule": config.free_hit != "none", "wide_runs": config.wide_runs,
        "catch_on_strike": config.new_batter_on_strike_after_catch,
        "innings_per_side": config.innings_per_side,
        "names": {p: config.names.get(p, p) for team in config.teams for p in team.players},
        "innings": None,
    }
    if state["needs"] == "start_innings" and state.get("result") is None:
        batting, _ = next_batting_team(config, state, False)
        snapshot["next"] = {"batting_xi": list(config.team(batting).players),
                            "bowling_xi": list(config.team(config.other(batting)).players)}
    if inn is None or inn["closed"]:
        return snapshot
    snapshot["innings"] = {
        "batting_name": config.team(inn["batting"]).name, "runs": inn["runs"],
        "wickets": inn["wickets"], "bowling_name": config.team(inn["bowling"]).name,
        "legal_balls": inn["legal_balls"], "over_balls": inn["over_balls"],
        "overs_done": inn["overs_done"],
        "max_balls": inn["max_balls"], "max_overs": inn["max_overs"],
        "target": inn["target"], "over_runs": inn["over_runs"],
        "wickets_limit": max_wickets(config, inn) + inn.get("play_on_wickets", 0)
        - len(inn.get("absent", ())),
        "striker": inn["striker"], "non_striker": inn["non_striker"], "bowler": inn["bowler"],
        "batters": {p: {"runs": c["runs"], "balls": c["balls"], "out": c["out"] is not None}
                    for p, c in inn["batters"].items()},
        "retired": may_resume(inn),
        "bowlers": {p: {"balls": c["balls"], "maidens": c["maidens"], "runs": c["runs"],
                        "wickets": c["wickets"]} for p, c in inn["bowlers"].items()},
        "this_over": list(inn["this_over"]), "last_over_bowlers": list(inn["last_over_bowlers"]),
        "batting_xi": list(config.team(inn["batting"]).players),
        "bowling_xi": list(config.team(inn["bowling"]).players),
    }
    last = inn.get("last_over")
    # The over just completed: the next-bowler screen's summary, and who bowled the over before
    # it (the bowler the select starts on) — also while a new batter comes in first.
    if last:
        snapshot["innings"]["last_over"] = {
            "number": inn["overs_done"], "balls": list(last["this_over"]),
            "runs": last["over_runs"], "maiden": last["maiden"], "bowler": last["bowler"],
            "before": list(last["last_over_bowlers"])}  # who bowled the over before it
    return snapshot
