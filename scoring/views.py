"""The scorer console (server-rendered, plain form POSTs): my matches, the scoring pad, the ball
list with edit-a-past-ball, and the scorer's scorecard.

Every form carries ``expected_seq`` and an idempotency key, so a double tap or a resubmitted form
records one ball, and a page made stale by a co-scorer says so instead of scoring blind. Views stay
thin: forms are parsed in ``scoring.pad_actions``, written by ``games.services``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from core.after_response import answer_first
from cricket import engine
from cricket.engine import laws
from cricket.engine.dismissals import may_resume
from cricket.engine.innings import next_batting_team
from games.models import Match
from games.permissions import can_score
from games.selectors import (
    match_by_id,
    match_deliveries,
    match_get,
    match_payload,
    match_roles,
    pad_snapshot,
)
from games.services import IdempotencyConflict, NotAScorer, StaleState, match_record_action
from scoring.pad_actions import PAD_ACTIONS, PAD_KEYS, PAD_LABELS, FormError, form_action

STALE_MESSAGE = ("Someone else scored: here is the current state. "
                 "Enter the ball again if it is still needed.")
# The engine names the action's field to blame; the pad's forms call some of them otherwise.
FORM_FIELDS = {"fielders": "fielder", "kind": "how", "player": "player", "player_out": "player_out",
               "runs": "runs", "how": "how"}
# Forms whose action cannot be taken back with one undo tap ask "are you sure?" first.
CONFIRM = {"end_innings": "Tick “Yes, end the innings” first: nothing was recorded.",
           "end_match": "Tick “Yes, end the match” first: nothing was recorded."}


# The pad's fixed choices: (value posted, what the scorer reads).
EXTRAS = [("wide", "wide"), ("noball", "no-ball"), ("bye", "byes"), ("legbye", "leg-byes")]
WICKET_BALLS = [("", "a fair ball"), ("wide", "a wide"), ("noball", "a no-ball"),
                ("bye", "a bye (runs completed are byes)"),
                ("legbye", "a leg-bye (runs completed are leg-byes)")]
NOBALL_RUNS = [("bat", "off the bat"), ("byes", "byes"), ("legbyes", "leg-byes")]
END_INNINGS = [("declared", "declared"), ("all_out", "all out (no fit batter left)"),
               ("interrupted", "interrupted")]
END_MATCH = [("no_result", "no result"), ("abandoned", "abandoned"), ("tie", "tie"),
             ("draw", "draw"), ("won", "won (stated result)")]
# Buttons that share another's form.
SAME_FORM = {"timed_out": "new_batter", "absent_hurt": "new_batter"}
# Forms that show their error inside themselves (beside the field when there is one).
INLINE_ERRORS = {"extras", "wicket", "retire", "end_innings", "end_match", "revise_target",
                 "revise_overs", "penalty"}
WICKET_FIELDS = {"how", "player_out", "fielder", "runs"}
REFUSED = "refused"  # what became of a post the engine or the form refused


@dataclass(frozen=True)
class PadError:
    """What went wrong with a posted form, and which of its fields to show it beside."""

    message: str
    field: str | None = None


NOT_A_SCORER = ("Only this match's scorers (or staff) can score it. Ask the match's creator to "
                "add you.")


def scorer_view(view=None, *, lean_post: bool = False):
    """Login required; then the view gets the match (404 if none) in place of its id, or the
    user gets 403 unless they are one of its scorers or staff. ``lean_post``: a POST gets the
    match by its id alone (``match_by_id``: nothing read) and the view records with
    ``require_scorer=True`` — the write's own lock reads the match and the right to score (one
    statement fewer a ball); the view checks the right itself before it renders anything
    without recording (``match_to_render``)."""
    if view is None:
        return functools.partial(scorer_view, lean_post=lean_post)

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, match_id: int, **kwargs) -> HttpResponse:
        try:
            match = (match_by_id(match_id=match_id) if lean_post and request.method == "POST"
                     else match_to_render(request, match_id))
            return view(request, match, **kwargs)
        except Match.DoesNotExist as error:
            raise Http404(f"There is no match {match_id}.") from error
        except NotAScorer:
            return HttpResponseForbidden(NOT_A_SCORER)

    return wrapper


def match_to_render(request: HttpRequest, match_id: int) -> Match:
    """The match, all of it as it is now, to render: raises ``NotAScorer`` (403) if the user may
    not score it. A GET's; and a lean POST's that renders the pad — a post refused before the
    write never had the right checked."""
    match = match_get(match_id=match_id, scorer=request.user)
    if not can_score(request.user, match):
        raise NotAScorer(NOT_A_SCORER)
    return match


@login_required
def my_matches(request: HttpRequest) -> HttpResponse:
    matches = Match.objects.scorable_by(request.user).select_related("team_a", "team_b")
    return render(request, "games/my_matches.html", {
        "live": matches.live(), "upcoming": matches.upcoming(), "finished": matches.finished(),
        "invitations": request.user.appointments.count(),
    })


@scorer_view(lean_post=True)
@require_http_methods(["GET", "POST"])
@answer_first  # the scorer's answer before the fans' delta (core/after_response.py)
def scoring_pad(request: HttpRequest, match: Match) -> HttpResponse:
    error, outcome, posted = None, None, request.POST.get("action")
    if request.method == "POST":
        outcome, error = _record_from_post(request, match)
        # A plain form post is answered with a redirect (a reload never re-posts); pad.js's
        # fetch gets its answer in the same response (one request per ball instead of two):
        # the snapshot it draws (docs/offline.md), or the whole pad when its shape changes.
        fetch = request.headers.get("X-Pad-Fetch")
        if error is None and not fetch:
            return redirect("games:scoring-pad", match_id=match.pk)
        if error is None and fetch == "snapshot" and outcome != "stale":
            answer = _pad_answer(match, outcome)
            if answer is not None:
                return answer
        match = match_to_render(request, match.pk)  # the whole pad: all of the match, as it is now
    view, snapshot = match_payload(match=match), pad_snapshot(match=match)
    response = render(request, "games/scoring_pad.html", {
        "match": match, "view": view, "error": error, "choices": _choices(match, view),
        # After an error the form comes back exactly as it was sent (its key too: nothing was
        # recorded, and a resend of the same ball must stay one ball).
        "kept": {SAME_FORM.get(posted, posted): request.POST.dict()} if error else {},
        "error_inline": posted in INLINE_ERRORS,
        "error_spot": error.field if error and error.field in WICKET_FIELDS else None,
        "extras": EXTRAS, "wicket_balls": WICKET_BALLS, "noball_runs": NOBALL_RUNS,
        "end_innings": END_INNINGS, "end_match": END_MATCH,
        "idempotency_key": uuid.uuid4().hex,
        "pad": [(name, PAD_LABELS.get(name, name.removeprefix("runs-")), PAD_KEYS[name])
                for name in PAD_ACTIONS],
        "last_over": _over_summary(view, snapshot),
        "snapshot": snapshot,
    }, status=400 if error else 200)
    if outcome:
        # What became of the post, for the offline queue (static/js/pad_queue.js): it sends
        # queued actions one by one and must tell "recorded" from "someone else scored".
        response["X-Pad-Outcome"], response["X-Pad-Seq"] = outcome, str(match.seq)
    return response


def _pad_answer(match: Match, outcome: str) -> JsonResponse | None:
    """pad.js's answer to a recorded entry while the pad keeps its shape: the new seq, a key for
    the next form and the snapshot pad.js draws the pad from (the markup is the page's own).
    None when the page changes shape (no live innings, a result, the umpires' irregular call
    to show): the whole pad is rendered then."""
    if match.state["warnings"] or match.state.get("result") is not None:
        return None
    snapshot = pad_snapshot(match=match)
    if snapshot["innings"] is None:
        return None
    response = JsonResponse({"seq": match.seq, "key": uuid.uuid4().hex, "snapshot": snapshot})
    response["X-Pad-Outcome"], response["X-Pad-Seq"] = outcome, str(match.seq)
    return response


# What the pad needs to open without signal (templates/games/pad_sw.js caches it on install).
PAD_ASSETS = ("css/site.css", "js/pad_model.js", "js/pad_queue.js", "js/pad.js",
              "pad.webmanifest", "img/pad-192.png", "img/pad-512.png")


@cache_control(no_cache=True)
def pad_service_worker(request: HttpRequest) -> HttpResponse:
    """The pad's service worker, served from /score/ so that it may control the pads. Its text
    names the assets' current URLs and a hash of their contents: any change to them is a new
    worker, which browsers install in place of the old one."""
    assets = [static(name) for name in PAD_ASSETS]
    digest = hashlib.sha256()
    for name in PAD_ASSETS:
        digest.update(Path(finders.find(name)).read_bytes())
    return render(request, "games/pad_sw.js", {
        "assets": json.dumps(assets), "version": digest.hexdigest()[:16],
    }, content_type="text/javascript")


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
        _, error = _record_from_post(request, match, forced={"action": "correct",
                                                          "target_seq": str(seq)})
        if error is None:
            messages.success(request, f"Ball {ball['over']} corrected.")
            return redirect("games:scoring-pad", match_id=match.pk)
    view = match_payload(match=match)
    action = ball["action"]
    extras = action.get("extras", {})
    wicket = (action.get("wickets") or [{}])[0]
    form = {"runs": action.get("runs", 0), "boundary": action.get("boundary", False),
            **{k: extras.get(k, 0) for k in ("wides", "noballs", "byes", "legbyes")},
            "how": wicket.get("kind", ""), "player_out": wicket.get("player_out", ""),
            "fielder": (wicket.get("fielders") or [""])[0]}
    if error:  # the form as the scorer sent it, not as the ball was
        form = {**{k: request.POST.get(k, "") for k in form},
                "boundary": "boundary" in request.POST}
    return render(request, "games/edit_ball.html", {
        "match": match, "view": view, "ball": ball, "error": error, "form": form,
        "idempotency_key": request.POST.get("idempotency_key") if error else uuid.uuid4().hex,
        "choices": _people(match, ball),
    }, status=400 if error else 200)


@scorer_view
def scorer_scorecard(request: HttpRequest, match: Match) -> HttpResponse:
    return render(request, "games/scorer_scorecard.html",
                  {"match": match, "view": match_payload(match=match),
                   "roles": match_roles(match=match)})


def _people(match: Match, ball: dict) -> dict:
    """Who could be involved in a past ball: the two batters at the crease then (who is out)
    and the fielding side with its substitutes (who took the catch)."""
    config = match.engine_config()
    names = config.names
    inn = (match.state or engine.new_state())["innings"][ball["innings"] - 1]
    bowling = config.team(inn["bowling"])
    return {
        "batters": [(p, names.get(p, p)) for p in ball["at_crease"] if p],
        "fielders": [(p, names.get(p, p)) for p in (*bowling.players, *bowling.substitutes)],
        "dismissals": laws.choices(laws.DISMISSALS),
    }


def _over_summary(view: dict, snapshot: dict) -> dict | None:
    """The over just finished, for the next-bowler screen: the snapshot's (pad.js draws the
    same one), with its wickets and the bowler's card row after it."""
    last = (snapshot["innings"] or {}).get("last_over")
    if last is None:
        return None
    card = next((b for b in view["innings"][-1]["bowling_card"]
                 if b["player"] == last["bowler"]), None)
    return {**last, "wickets": sum("W" in b for b in last["balls"]), "bowler": card}


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
    resume = may_resume(inn) if inn else ()
    waiting = [p for p in config.team(batting).players
               if inn is None or inn["closed"] or p not in inn["batters"] or p in resume]
    return {
        "batters": [(p, names.get(p, p)) for p in config.team(batting).players],
        "waiting": [(p, names.get(p, p)) for p in waiting
                    if not inn or p not in (inn["striker"], inn["non_striker"])],
        "bowlers": [(p, names.get(p, p), p in last) for p in config.team(bowling).players],
        "next_bowler": likely_bowler(config, inn, bowling, last),
        "fielders": [(p, names.get(p, p)) for p in
                     (*config.team(bowling).players, *config.team(bowling).substitutes)],
        "at_crease": [] if inn is None else [
            (p, names.get(p, p) + (" (striker)" if p == inn["striker"] else ""))
            for p in (inn["striker"], inn["non_striker"]) if p],
        "dismissals": laws.choices(laws.DISMISSALS),
        "retirements": laws.choices(laws.RETIREMENTS),
        "teams": [(team.id, team.name) for team in config.teams],
    }


def likely_bowler(config, inn: dict | None, bowling: str, last: set) -> str | None:
    """The bowler the next-bowler select starts on: the one who bowled the over before last
    (from this end: spells alternate ends), else the first who may bowl the next over (did not
    bowl the last one, has overs left). Only a default: the scorer picks, the Laws warn."""
    cards = inn["bowlers"] if inn else {}
    quota = config.bowler_max_overs
    before = ((inn or {}).get("last_over") or {}).get("last_over_bowlers", [])
    for player in [*before, *config.team(bowling).players]:
        done = cards.get(player, {}).get("overs", 0)
        if player not in last and (quota is None or done < quota):
            return player
    return None


def _record_from_post(request: HttpRequest, match: Match,
                      forced: dict | None = None) -> tuple[str, PadError | None]:
    """Record what the form posted. Answers what became of it — "recorded", "replayed" (its
    key was recorded before), "stale" (someone else scored first: a message says so; nothing
    recorded) or "refused" — and, unless recorded, what to show. A wicket form may name the new
    batter: that is a second entry right after it."""
    post = request.POST.copy()
    if forced:
        post.update(forced)
    name = post.get("action", "")
    if name in CONFIRM and post.get("confirm") != "on":
        return REFUSED, PadError(CONFIRM[name], "confirm")
    try:
        action = form_action(post)
        expected = int(post["expected_seq"])
    except FormError as error:
        return REFUSED, PadError(str(error), error.field)
    except (KeyError, ValueError):
        return REFUSED, PadError("This form is missing its state number; reload the page.")
    if action is None:
        return REFUSED, PadError("Choose one of the buttons on the pad.")
    key = post.get("idempotency_key", "") or None
    if key is not None and len(key) > 60:
        return REFUSED, PadError("This form's key is too long; reload the page.")
    outcome, error = _record(request, match, action, expected, key)
    incoming = post.get("new_batter") if name == "wicket" else None
    if outcome == "recorded" and incoming and match.seq == expected + 1 \
            and match.state.get("needs") == "new_batter":
        # If the new batter is refused the wicket stands and the pad asks for them again.
        _, error = _record(request, match, {"kind": "new_batter", "player": incoming},
                           expected + 1, f"{key}-in" if key else None)
    return outcome, error


def _record(request, match, action, expected, key) -> tuple[str, PadError | None]:
    try:
        recorded = match_record_action(match=match, action=action, by=request.user,
                                       expected_seq=expected, idempotency_key=key,
                                       require_scorer=True)
    except StaleState:
        if not request.headers.get("X-Pad-Fetch"):  # pad.js shows both versions itself
            messages.warning(request, STALE_MESSAGE)
        match.refresh_from_db()
        return "stale", None
    except IdempotencyConflict as conflict:
        return REFUSED, PadError(str(conflict))
    except engine.IllegalAction as illegal:
        return REFUSED, PadError(illegal.message, FORM_FIELDS.get(illegal.field))
    return ("recorded" if recorded.created else "replayed"), None
