"""Writes to matches. Every scoring action goes through ``match_record_action``.

One transaction per action: lock the match row, check the client's ``expected_seq`` and the
idempotency key, apply the action with the engine, append the log entry, store the new state on
the match, and announce the committed action (``games.signals.action_recorded``) inside the same
transaction so subscribers can write their own rows atomically and publish after commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction

from cricket import engine
from cricket.engine.schema import check_action
from games.jsontext import from_json, to_json
from games.models import LogEntry, Match, MatchPlayer, Player, Team
from games.permissions import can_score
from games.selectors import WRITE_FACTS_COLUMNS, WRITE_FACTS_FROM, match_fill_write_facts
from games.signals import action_recorded

LOG_ONLY_KINDS = {"undo", "correct"}


class StaleState(Exception):
    """The client scored against an older state than the one stored (409)."""

    def __init__(self, match: Match):
        super().__init__(
            f"Someone else scored first: the match is now at entry {match.seq}. "
            "Here is the current state; check it and enter the ball again if it is still needed."
        )
        self.match = match


class IdempotencyConflict(Exception):
    """The idempotency key was already used for a different action (409)."""


class NotAScorer(Exception):
    """``require_scorer``: the user is not one of the match's scorers, nor staff (403)."""


@dataclass(frozen=True)
class Recorded:
    entry: LogEntry
    match: Match
    created: bool  # False when an idempotent retry returned the first result
    # What the fans get for this action, built on demand by whoever announced it to them (the
    # answer of an ``action_recorded`` receiver: realtime's delta builder), so the scorer's
    # answer can carry it; None on a replayed retry or with nobody to build it.
    delta: Callable[[], dict | None] | None = None


def _validated_action(action: dict) -> dict:
    """The action's shape (known fields, types, bounds) before the fold judges it."""
    return check_action(action)


def _corrected_payload(entries: list[tuple[int, dict]], action: dict) -> dict:
    """The payload a correction replaces, after checking the correction makes sense."""
    target = action.get("target_seq")
    by_seq = dict(entries)
    if not isinstance(action.get("action"), dict) or target not in by_seq:
        raise engine.IllegalAction("A correction needs the entry to correct and its new action.")
    if by_seq[target].get("kind") in LOG_ONLY_KINDS:
        raise engine.IllegalAction("An undo or a correction cannot itself be corrected.")
    if action["action"].get("kind") != by_seq[target].get("kind"):
        raise engine.IllegalAction("A correction must keep the kind of the entry it corrects.")
    return by_seq[target]


def _refold(match: Match, config: engine.MatchConfig, action: dict) -> tuple[dict, dict]:
    """(state, payload to log) for an undo or a correction: re-fold the log with it applied."""
    entries = list(match.log.order_by("seq").values_list("seq", "payload"))
    payload = dict(action)
    if action["kind"] == "correct":
        payload["before"] = _corrected_payload(entries, action)
    else:  # undo: record what it undid, so the log alone is the audit trail
        in_effect = engine.effective_actions(entries)
        if in_effect:
            payload["undone_seq"], payload["undone"] = in_effect[-1]
    effective = engine.effective_actions([*entries, (match.seq + 1, action)])
    state = engine.new_state()
    for seq, later in effective:
        where = _where(config, state)
        try:
            engine.apply_in_place(config, state, later)
        except engine.IllegalAction as error:
            raise engine.IllegalAction(
                f"That would make a later entry illegal: entry {seq} ({where}"
                f"{_describe(later)}): {error.message}", field=error.field,
            ) from error
    return state, payload


def _where(config: engine.MatchConfig, state: dict) -> str:
    """Where the next entry falls, as a scorer reads it: "innings 2, over 14.3, "."""
    if not state["innings"]:
        return ""
    inn = state["innings"][-1]
    per = config.balls_per_over
    over, ball = divmod(inn["legal_balls"], per)
    return f"innings {inn['number']}, over {over}.{ball + 1}, "


def _describe(action: dict) -> str:
    kind = action.get("kind", "")
    if kind == "delivery":
        return "the ball" + (" with a wicket" if action.get("wickets") else "")
    return kind.replace("_", " ")


def _same_action(payload: dict, action: dict) -> bool:
    recorded = {k: v for k, v in payload.items() if k not in ("before", "undone", "undone_seq")}
    return recorded == action


# The hot path is two statements and a commit: lock the match (reading in the same round trip
# the idempotency key, the right to score and what the delta shows besides the state: the toss
# and the tournament), then append the entry and store the state in one statement. The ORM would
# take six round trips and several times the CPU for the same work; everything else uses it.
_LOCK_SQL = (
    "SELECT m.seq, m.state, m.config, (SELECT l.id FROM games_logentry l"
    f" WHERE l.match_id = m.id AND l.idempotency_key = %s), {WRITE_FACTS_COLUMNS}"
    f"{WRITE_FACTS_FROM} WHERE m.id = %s FOR UPDATE OF m"
)
_APPEND_SQL = (
    "WITH entry AS (INSERT INTO games_logentry"
    " (match_id, seq, kind, payload, recorded_by_id, recorded_at, idempotency_key, warnings)"
    " VALUES (%s, %s, %s, %s::jsonb, %s, now(), %s, %s::jsonb) RETURNING id, recorded_at),"
    " saved AS (UPDATE games_match SET seq = %s, state = %s::jsonb, status = %s,"
    " result_text = %s, updated_at = now() WHERE id = %s)"
    " SELECT id, recorded_at FROM entry"
)


_APPEND_LOG_SQL = (
    "WITH entries AS (INSERT INTO games_logentry"
    " (match_id, seq, kind, payload, recorded_by_id, recorded_at, warnings)"
    " SELECT %s, r.seq, r.kind, r.payload, %s, now(), r.warnings"
    " FROM jsonb_to_recordset(%s::jsonb) AS r(seq int, kind text, payload jsonb, warnings jsonb))"
    " UPDATE games_match SET seq = %s, state = %s::jsonb, status = %s, result_text = %s,"
    " updated_at = now() WHERE id = %s"
)


def match_record_action(
    *, match: Match, action: dict, by=None, expected_seq: int | None = None,
    idempotency_key: str | None = None, require_scorer: bool = False,
) -> Recorded:
    """Append one action to a match's log and store the resulting state.

    ``match`` is updated in place with the new seq, state, status and result text; it may be
    loaded by id alone (``selectors.match_by_id``): the lock reads the rest. ``require_scorer``:
    the right to score (``can_score``) is read with the lock, and ``NotAScorer`` raised before
    anything else is looked at.
    """
    action = _validated_action(action)
    user = by if by is not None and by.is_authenticated else None
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_LOCK_SQL, [idempotency_key, user.pk if user else None, match.pk])
            row = cursor.fetchone()
        if row is None:
            raise Match.DoesNotExist(f"There is no match {match.pk}.")
        seq, stored_state, stored_config, replayed_id = row[:4]
        match_fill_write_facts(match, row[4:])
        if require_scorer and (by is None or not can_score(by, match)):
            raise NotAScorer("Only this match's scorers can score it.")
        if replayed_id is None and idempotency_key and expected_seq != seq:
            # We may have waited on the lock for our own first attempt (a retry racing it):
            # the lock query's snapshot predates that commit, so look for the key again.
            replayed_id = LogEntry.objects.filter(
                match_id=match.pk, idempotency_key=idempotency_key).values_list(
                "id", flat=True).first()
        if replayed_id is not None:
            first = LogEntry.objects.get(pk=replayed_id)
            if not _same_action(first.payload, action):
                raise IdempotencyConflict(
                    "This idempotency key was already used for a different action."
                )
            match.refresh_from_db()
            return Recorded(entry=first, match=match, created=False)
        if expected_seq is not None and expected_seq != seq:
            match.refresh_from_db()
            raise StaleState(match)
        match.seq, match.config = seq, from_json(stored_config)
        config = match.engine_config()
        before = from_json(stored_state) or engine.new_state()
        match.state = before
        if action["kind"] in LOG_ONLY_KINDS:
            state, payload = _refold(match, config, action)
        else:  # a second parse of the stored text is the cheapest copy of ``before``
            state, payload = from_json(stored_state) or engine.new_state(), action
            engine.apply_in_place(config, state, action)
        status, text = state["status"], engine.result_text(config, state)
        try:
            with connection.cursor() as cursor:
                cursor.execute(_APPEND_SQL, [
                    match.pk, seq + 1, action["kind"], to_json(payload),
                    user.pk if user else None, idempotency_key or None,
                    to_json(state["warnings"]),
                    seq + 1, to_json(state), status, text, match.pk,
                ])
                entry_id, recorded_at = cursor.fetchone()
        except IntegrityError as error:  # the unique constraints are the last line of defence
            raise StaleState(match) from error
        entry = LogEntry(id=entry_id, match=match, seq=seq + 1, kind=action["kind"],
                         payload=payload, recorded_by=user, recorded_at=recorded_at,
                         idempotency_key=idempotency_key or None, warnings=state["warnings"])
        entry._state.adding = False
        match.seq, match.state, match.status, match.result_text = seq + 1, state, status, text
        answers = action_recorded.send(sender=Match, match=match, entry=entry, before=before,
                                       after=state, config=config)
    builders = [answer for _, answer in answers if callable(answer)]
    return Recorded(entry=entry, match=match, created=True,
                    delta=builders[0] if builders else None)


def match_record_log(
    *, match: Match, record: Callable[[Callable[[dict], dict]], object], by=None,
) -> Match:
    """Write a whole match's log at once (a bulk import) and store its final state, in one
    transaction; the log and state are the ones ``match_record_action`` would have produced
    action by action.

    ``record(apply)`` enters the actions: ``apply(action)`` folds one in memory and returns the
    state (with its ``warnings``), so a replay can decide the next action from it, as a scorer
    would; every entry is then inserted in one statement. The hook is announced once for the
    whole log (``before`` is a new match): receivers write their rows for the match (domain
    events, a leaderboard run), not per ball.
    """
    user = by if by is not None and by.is_authenticated else None
    with transaction.atomic():
        locked = Match.objects.select_for_update().only("seq").get(pk=match.pk)
        if locked.seq:
            raise engine.IllegalAction("A whole log can only be written to a match with none.")
        config = match.engine_config()
        state, rows = engine.new_state(), []

        def apply(action: dict) -> dict:
            if _validated_action(action)["kind"] in LOG_ONLY_KINDS:
                raise engine.IllegalAction("An imported log holds no undo or correction.")
            warnings = engine.apply_in_place(config, state, action)
            rows.append({"seq": len(rows) + 1, "kind": action["kind"], "payload": action,
                         "warnings": warnings})
            return state

        record(apply)
        text = engine.result_text(config, state)
        with connection.cursor() as cursor:  # the whole log and the state in one statement
            cursor.execute(_APPEND_LOG_SQL, [match.pk, user.pk if user else None,
                                             to_json(rows), len(rows), to_json(state),
                                             state["status"], text, match.pk])
        match.seq, match.state, match.status, match.result_text = \
            len(rows), state, state["status"], text
        if rows:
            last = rows[-1]
            entry = LogEntry(match=match, seq=last["seq"], kind=last["kind"],
                             payload=last["payload"], recorded_by=user,
                             warnings=last["warnings"])
            action_recorded.send(sender=Match, match=match, entry=entry,
                                 before=engine.new_state(), after=state, config=config)
    return match


def match_replay_state(*, match: Match) -> dict:
    """The state folded from the log alone; equals ``match.state`` (tests and repairs use it)."""
    entries = list(match.log.order_by("seq").values_list("seq", "payload"))
    effective = engine.effective_actions(entries)
    return engine.fold(match.engine_config(), [a for _, a in effective])


def match_create(
    *, team_a: Team, team_b: Team, players_a: list[Player], players_b: list[Player],
    toss_winner: Team, toss_decision: str, created_by=None, tournament=None,
    substitutes_a: list[Player] = (), substitutes_b: list[Player] = (),
    captains: tuple[Player, ...] = (), keepers: tuple[Player, ...] = (), **format_fields,
) -> Match:
    """Create a match with its playing XIs (in batting order) and toss. Everyone who plays for
    a team joins its squad, so the next match picks them by name."""
    if team_a == team_b:
        raise engine.IllegalAction("A match needs two different teams.")
    if toss_winner not in (team_a, team_b):
        raise engine.IllegalAction("The toss winner must be one of the two teams.")
    everyone = [*players_a, *players_b, *substitutes_a, *substitutes_b]
    if len({p.pk for p in everyone}) != len(everyone):
        raise engine.IllegalAction("A player can appear only once in a match.")
    with transaction.atomic():
        match = Match.objects.create(
            team_a=team_a, team_b=team_b, toss_winner=toss_winner, toss_decision=toss_decision,
            created_by=created_by, tournament=tournament, **format_fields,
        )
        rows = []
        for team, squad, substitute in ((team_a, players_a, False), (team_b, players_b, False),
                                        (team_a, substitutes_a, True),
                                        (team_b, substitutes_b, True)):
            rows += [MatchPlayer(match=match, team=team, player=player, order=order,
                                 substitute=substitute, captain=player in captains,
                                 keeper=player in keepers)
                     for order, player in enumerate(squad)]
            team.squad.add(*squad)
        MatchPlayer.objects.bulk_create(rows)
        match_refresh_config(match=match)
        if created_by is not None:
            match.scorers.add(created_by)
    return match


def match_refresh_config(*, match: Match) -> Match:
    """Rebuild the stored engine config after the format or the sides change."""
    config = match.build_engine_config()  # raises IllegalAction for an impossible format
    match.config = config.to_dict()
    if not match.state:
        match.state = engine.new_state()
    match.save(update_fields=["config", "state", "updated_at"])
    return match


def match_refold(*, match: Match) -> Match:
    """Recompute and store a match's state from its log (after an engine schema change)."""
    with transaction.atomic():
        match = Match.objects.select_for_update().get(pk=match.pk)
        config = match.build_engine_config()
        match.config = config.to_dict()
        match.state = match_replay_state(match=match)
        match.status = match.state["status"]
        match.result_text = engine.result_text(config, match.state)
        match.save(update_fields=["config", "state", "status", "result_text", "updated_at"])
    return match
