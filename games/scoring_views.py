"""The scorer console (server-rendered, plain form POSTs): my matches and the scoring pad.

Every form carries ``expected_seq`` and an idempotency key, so a double tap or a resubmitted form
records one ball, and a page made stale by a co-scorer says so instead of scoring blind.
Work in progress (issue 4): runs, extras, undo, openers, bowlers, new batters and wickets so far;
extras with runs, retire, edit a past ball, revised targets, declarations and the rest come next.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from games import engine
from games.engine import laws
from games.engine.fold import next_batting_team
from games.models import Match
from games.permissions import can_score
from games.selectors import match_get, match_payload
from games.services import IdempotencyConflict, StaleState, match_record_action

PAD_ACTIONS = {
    **{f"runs-{n}": {"kind": "delivery", "runs": n, **({"boundary": True} if n in (4, 6) else {})}
       for n in range(7)},
    "wide": {"kind": "delivery", "extras": {"wides": 1}},
    "noball": {"kind": "delivery", "extras": {"noballs": 1}},
    "bye": {"kind": "delivery", "extras": {"byes": 1}},
    "legbye": {"kind": "delivery", "extras": {"legbyes": 1}},
}


def _match_or_404(match_id: int) -> Match:
    try:
        match = match_get(match_id=match_id)
    except Match.DoesNotExist as error:
        raise Http404(f"There is no match {match_id}.") from error
    return match


@login_required
def my_matches(request: HttpRequest) -> HttpResponse:
    matches = Match.objects.scorable_by(request.user).select_related("team_a", "team_b")
    return render(request, "games/my_matches.html", {
        "live": matches.live(), "upcoming": matches.upcoming(), "finished": matches.finished(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def scoring_pad(request: HttpRequest, match_id: int) -> HttpResponse:
    match = _match_or_404(match_id)
    if not can_score(request.user, match):
        return HttpResponseForbidden("Only this match's scorers can score it.")
    error = None
    if request.method == "POST":
        error = _record_from_pad(request, match)
        if error is None:
            return redirect("games:scoring-pad", match_id=match.pk)
    view = match_payload(match=match)
    return render(request, "games/scoring_pad.html", {
        "match": match, "view": view, "error": error, "choices": _choices(match, view),
        "idempotency_key": uuid.uuid4().hex, "pad": PAD_ACTIONS,
    }, status=400 if error else 200)


def _form_action(post) -> dict | None:
    """Actions that need a choice (openers, a bowler, a new batter, a wicket) from their form."""
    name = post.get("action", "")
    if name == "start_innings":
        return {"kind": "start_innings", "striker": post.get("striker"),
                "non_striker": post.get("non_striker"), "bowler": post.get("bowler")}
    if name == "next_bowler":
        return {"kind": "next_bowler", "player": post.get("player")}
    if name == "new_batter":
        action = {"kind": "new_batter", "player": post.get("player")}
        if post.get("on_strike") in ("yes", "no"):
            action["on_strike"] = post["on_strike"] == "yes"
        return action
    if name == "wicket":
        try:
            runs = int(post.get("runs") or 0)
        except ValueError:
            runs = -1
        fielders = [post["fielder"]] if post.get("fielder") else []
        return {"kind": "delivery", "runs": runs, "wickets": [
            {"kind": post.get("how"), "player_out": post.get("player_out"),
             "fielders": fielders}]}
    return None


def _choices(match: Match, view: dict) -> dict:
    """Players for the pad's selects, with bowlers who may not bowl now marked."""
    config = match.engine_config()
    state = match.state or engine.new_state()
    names = config.names
    if view["needs"] == "start_innings" and state.get("result") is None:
        batting, _ = next_batting_team(config, state, False)
    else:
        batting = view["innings"][-1]["batting"] if view["innings"] else config.batting_first
    bowling = config.other(batting)
    inn = state["innings"][-1] if state["innings"] else None
    last = set(inn["last_over_bowlers"]) if inn and not inn["closed"] else set()
    waiting = [p for p in config.team(batting).players
               if inn is None or inn["closed"] or p not in inn["batters"] or p in inn["retired"]]
    return {
        "batters": [(p, names.get(p, p)) for p in config.team(batting).players],
        "waiting": [(p, names.get(p, p)) for p in waiting
                    if not inn or p not in (inn["striker"], inn["non_striker"])],
        "bowlers": [(p, names.get(p, p), p in last) for p in config.team(bowling).players],
        "fielders": [(p, names.get(p, p)) for p in
                     (*config.team(bowling).players, *config.team(bowling).substitutes)],
        "at_crease": [] if inn is None else [
            (p, names.get(p, p)) for p in (inn["striker"], inn["non_striker"]) if p],
        "dismissals": sorted(laws.DISMISSALS),
    }


def _record_from_pad(request: HttpRequest, match: Match) -> str | None:
    name = request.POST.get("action", "")
    action = {"kind": "undo"} if name == "undo" else (
        PAD_ACTIONS.get(name) or _form_action(request.POST))
    if action is None:
        return "Choose one of the buttons on the pad."
    try:
        expected = int(request.POST["expected_seq"])
    except (KeyError, ValueError):
        return "This form is missing its state number; reload the page."
    key = request.POST.get("idempotency_key", "")[:64] or None
    try:
        match_record_action(match=match, action=dict(action), by=request.user,
                            expected_seq=expected, idempotency_key=key)
    except StaleState:
        messages.warning(request, "Someone else scored: here is the current state. "
                                  "Enter the ball again if it is still needed.")
        return None
    except IdempotencyConflict as conflict:
        return str(conflict)
    except engine.IllegalAction as illegal:
        return illegal.message
    return None
