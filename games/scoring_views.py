"""The scorer console (server-rendered, plain form POSTs): my matches, the scoring pad, the ball
list with edit-a-past-ball, and the scorer's scorecard.

Every form carries ``expected_seq`` and an idempotency key, so a double tap or a resubmitted form
records one ball, and a page made stale by a co-scorer says so instead of scoring blind. Views stay
thin: forms are parsed in ``games.pad_actions``, written by ``games.services``.
"""

from __future__ import annotations

import functools
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from games import engine
from games.engine import laws
from games.engine.innings import next_batting_team
from games.models import Match
from games.pad_actions import PAD_ACTIONS, PAD_KEYS, PAD_LABELS, FormError, form_action
from games.permissions import can_score
from games.selectors import match_deliveries, match_get, match_payload
from games.services import IdempotencyConflict, StaleState, match_record_action

STALE_MESSAGE = ("Someone else scored: here is the current state. "
                 "Enter the ball again if it is still needed.")


def scorer_view(view):
    """Login required; then the view gets the match (404 if none) in place of its id, or the
    user gets 403 unless they are one of its scorers or staff."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, match_id: int, **kwargs) -> HttpResponse:
        try:
            match = match_get(match_id=match_id, scorer=request.user)
        except Match.DoesNotExist as error:
            raise Http404(f"There is no match {match_id}.") from error
        if not can_score(request.user, match):
            return HttpResponseForbidden("Only this match's scorers (or staff) can score it. "
                                         "Ask the match's creator to add you.")
        return view(request, match, **kwargs)

    return wrapper


@login_required
def my_matches(request: HttpRequest) -> HttpResponse:
    matches = Match.objects.scorable_by(request.user).select_related("team_a", "team_b")
    return render(request, "games/my_matches.html", {
        "live": matches.live(), "upcoming": matches.upcoming(), "finished": matches.finished(),
    })


@scorer_view
@require_http_methods(["GET", "POST"])
def scoring_pad(request: HttpRequest, match: Match) -> HttpResponse:
    error = None
    if request.method == "POST":
        error = _record_from_post(request, match)
        # A plain form post is answered with a redirect (a reload never re-posts); pad.js's
        # fetch gets the new pad in the same response: one request per ball instead of two.
        if error is None and not request.headers.get("X-Pad-Fetch"):
            return redirect("games:scoring-pad", match_id=match.pk)
    view = match_payload(match=match)
    return render(request, "games/scoring_pad.html", {
        "match": match, "view": view, "error": error, "choices": _choices(match, view),
        "idempotency_key": uuid.uuid4().hex,
        "pad": [(name, PAD_LABELS.get(name, name.removeprefix("runs-")), PAD_KEYS[name])
                for name in PAD_ACTIONS],
    }, status=400 if error else 200)


@scorer_view
def ball_list(request: HttpRequest, match: Match) -> HttpResponse:
    """Every ball in effect, newest first, each with a link to edit it."""
    balls = match_deliveries(match=match)
    balls.reverse()
    return render(request, "games/ball_list.html", {"match": match, "balls": balls})


@scorer_view
@require_http_methods(["GET", "POST"])
def edit_ball(request: HttpRequest, match: Match, seq: int) -> HttpResponse:
    """Edit a past ball: records a ``correct`` entry; the match is re-folded from its log."""
    ball = next((b for b in match_deliveries(match=match) if b["seq"] == seq), None)
    if ball is None:
        raise Http404(f"Entry {seq} is not a ball in effect in this match.")
    error = None
    if request.method == "POST":
        error = _record_from_post(request, match, forced={"action": "correct",
                                                          "target_seq": str(seq)})
        if error is None:
            messages.success(request, f"Ball {ball['over']} corrected.")
            return redirect("games:scoring-pad", match_id=match.pk)
    view = match_payload(match=match)
    action = ball["action"]
    extras = action.get("extras", {})
    wicket = (action.get("wickets") or [{}])[0]
    return render(request, "games/edit_ball.html", {
        "match": match, "view": view, "ball": ball, "error": error,
        "idempotency_key": uuid.uuid4().hex,
        "form": {"runs": action.get("runs", 0), "boundary": action.get("boundary", False),
                 **{k: extras.get(k, 0) for k in ("wides", "noballs", "byes", "legbyes")},
                 "how": wicket.get("kind", ""), "player_out": wicket.get("player_out", ""),
                 "fielder": (wicket.get("fielders") or [""])[0]},
        "choices": _people(match, ball["innings"]),
    }, status=400 if error else 200)


@scorer_view
def scorer_scorecard(request: HttpRequest, match: Match) -> HttpResponse:
    return render(request, "games/scorer_scorecard.html",
                  {"match": match, "view": match_payload(match=match)})


def _people(match: Match, innings_number: int) -> dict:
    """Batters and fielders of a past innings, for the edit form's selects."""
    config = match.engine_config()
    state = match.state or engine.new_state()
    inn = state["innings"][innings_number - 1]
    names = config.names
    bowling = config.team(inn["bowling"])
    return {
        "batters": [(p, names.get(p, p)) for p in config.team(inn["batting"]).players],
        "fielders": [(p, names.get(p, p)) for p in (*bowling.players, *bowling.substitutes)],
        "dismissals": sorted(laws.DISMISSALS),
    }


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
        "retirements": sorted(laws.RETIREMENTS),
        "teams": [(team.id, team.name) for team in config.teams],
    }


def _record_from_post(request: HttpRequest, match: Match, forced: dict | None = None) -> str | None:
    """Record what the form posted; None when done (or stale: a message says so), else the error
    to show. A wicket form may name the new batter: that is a second entry right after it."""
    post = request.POST.copy()
    if forced:
        post.update(forced)
    try:
        action = form_action(post)
        expected = int(post["expected_seq"])
    except FormError as error:
        return str(error)
    except (KeyError, ValueError):
        return "This form is missing its state number; reload the page."
    if action is None:
        return "Choose one of the buttons on the pad."
    key = post.get("idempotency_key", "") or None
    if key is not None and len(key) > 60:
        return "This form's key is too long; reload the page."
    error = _record(request, match, action, expected, key)
    incoming = post.get("new_batter") if post.get("action") == "wicket" else None
    if error is None and incoming and match.seq == expected + 1 \
            and match.state.get("needs") == "new_batter":
        return _record(request, match, {"kind": "new_batter", "player": incoming},
                       expected + 1, f"{key}-in" if key else None)
    return error


def _record(request, match, action, expected, key) -> str | None:
    try:
        match_record_action(match=match, action=action, by=request.user,
                            expected_seq=expected, idempotency_key=key)
    except StaleState:
        messages.warning(request, STALE_MESSAGE)
        match.refresh_from_db()
    except IdempotencyConflict as conflict:
        return str(conflict)
    except engine.IllegalAction as illegal:
        return illegal.message
    return None
