"""The one hook point where a committed scoring action is announced.

``action_recorded`` is sent by ``games.services.match_record_action`` *inside* the transaction
that appended the entry, with ``match``, ``entry``, ``before`` and ``after`` (states) and
``config``. A receiver that writes rows (the events outbox) joins that transaction, so a rolled
back action leaves nothing behind; a receiver that publishes must use ``transaction.on_commit``.
A receiver may answer with a function that builds the fans' delta of the action: the write
service returns it as ``Recorded.delta`` (the JSON API's answer carries the delta).
"""

from django.dispatch import Signal

action_recorded = Signal()
# Sent inside ``games.players.player_merge``'s transaction with ``keep`` and ``match_ids``: the
# matches whose logs now name another player (their contributions must be recomputed).
players_merged = Signal()
# Sent inside ``games.teams.team_link_accept``'s transaction with ``team`` and ``match_ids``:
# a guest XI's matches now belong to the real team (and count on the official boards).
teams_linked = Signal()
