"""JSON API for matches: state and scorecard, the log, and recording actions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_GET, require_POST

from accounts.tokens import token_or_session
from core.after_response import answer_first
from core.jsonbody import BadJSON, parse_json
from core.replicas import replica_reads
from cricket import engine
from games.models import Match
from games.selectors import (
    log_entry_payload,
    match_by_id,
    match_get_for_fans,
    match_log_since,
    match_payload,
    match_seq,
)
from games.services import IdempotencyConflict, NotAScorer, StaleState, match_record_action


def _error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _match_or_404(match_id: int) -> Match | None:
    try:
        return match_get_for_fans(match_id=match_id)
    except Match.DoesNotExist:
        return None


def _match_etag(match_id: int, seq: int) -> str:
    return f'"m{match_id}-{seq}"'


def _current_etag(request: HttpRequest, match_id: int) -> str | None:
    """The ETag from the match's seq alone: a revalidation is one indexed read, no state."""
    seq = match_seq(match_id=match_id)
    return None if seq is None else _match_etag(match_id, seq)


@replica_reads
@require_GET
@cache_control(no_cache=True)  # revalidate each time (the 304 too): matches change by the ball
@condition(etag_func=_current_etag)  # If-None-Match matching the seq: 304 before the view runs
def match_detail(request: HttpRequest, match_id: int) -> HttpResponse:
    """The match's state, scorecard and result; ETag is the log sequence number."""
    match = _match_or_404(match_id)
    if match is None:
        return _error(404, f"There is no match {match_id}.")
    response = JsonResponse(match_payload(match=match))
    response["ETag"] = _match_etag(match.pk, match.seq)  # the seq of this body, if one landed
    return response


@replica_reads
@require_GET
def match_log(request: HttpRequest, match_id: int) -> JsonResponse:
    match = _match_or_404(match_id)
    if match is None:
        return _error(404, f"There is no match {match_id}.")
    try:
        since = int(request.GET.get("since", 0))
        if not 0 <= since <= 2**31:
            raise ValueError(since)
    except ValueError:
        return _error(400, "'since' must be a whole number (a sequence number from the log).")
    return JsonResponse({"match": match.pk, "seq": match.seq,
                         "entries": match_log_since(match=match, since=since)})


@require_POST
@token_or_session  # a device's API token, or a signed-in browser's session with its CSRF token
@answer_first  # fans' delta published once the scorer's answer is sent (it carries the delta)
def match_actions(request: HttpRequest, match_id: int) -> JsonResponse:
    """Record one action: body {"action": {...}, "expected_seq": n, "idempotency_key": "..."}.

    The match, and the right to score it, are read with the write's own lock (one statement
    fewer a ball): a request that is not JSON is told so before it is told it may not score."""
    if not request.user.is_authenticated:
        return _error(401, "Log in to score this match.")
    if request.content_type != "application/json":
        return _error(415, "Send the action as JSON (Content-Type: application/json).")
    try:
        body = parse_json(request.body)
    except BadJSON as error:
        return _error(400, f"The request body is not valid JSON: {error}")
    if not isinstance(body, dict) or not isinstance(body.get("action"), dict):
        return _error(400, "Send an object with an 'action' object.")
    expected_seq = body.get("expected_seq")
    if expected_seq is not None and (not isinstance(expected_seq, int) or expected_seq < 0):
        return _error(400, "'expected_seq' must be the sequence number you last saw.")
    key = body.get("idempotency_key")
    if key is not None and (not isinstance(key, str) or not 1 <= len(key) <= 64):
        return _error(400, "'idempotency_key' must be a string of 1 to 64 characters.")
    match = match_by_id(match_id=match_id)
    try:
        recorded = match_record_action(match=match, action=body["action"], by=request.user,
                                       expected_seq=expected_seq, idempotency_key=key,
                                       require_scorer=True)
    except Match.DoesNotExist:
        return _error(404, f"There is no match {match_id}.")
    except NotAScorer as error:
        return _error(403, str(error))
    except engine.IllegalAction as error:  # refused before or after the lock: read the seq
        seq = match_seq(match_id=match_id)
        if seq is None:
            return _error(404, f"There is no match {match_id}.")
        return _error(400, error.message, seq=seq)
    except StaleState as stale:
        return _error(409, str(stale), seq=stale.match.seq,
                      state=match_payload(match=stale.match))
    except IdempotencyConflict as error:
        return _error(409, str(error))
    # What changed, not the whole match: the delta fans get (a replayed retry has none; its
    # client reads the state with GET). The full state stays a GET with its ETag.
    delta = recorded.delta if recorded.created else None
    return JsonResponse(
        {"seq": recorded.match.seq, "entry": log_entry_payload(recorded.entry),
         "replayed": not recorded.created, "needs": recorded.match.state["needs"],
         "status": recorded.match.status,
         "delta": delta() if delta else None},
        status=201 if recorded.created else 200,
    )
