"""Undo and correction entries in the log: which actions are in effect."""

from __future__ import annotations

from .errors import IllegalAction


def effective_actions(entries: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """The (seq, action) pairs in effect after applying undo and correct entries in order.

    ``undo`` removes the latest action still in effect; ``correct`` replaces the action of an
    earlier entry (``target_seq``) with its ``action``. Both stay in the log as its audit trail.
    """
    in_effect: list[tuple[int, dict]] = []
    for seq, action in entries:
        kind = action.get("kind")
        if kind == "undo":
            if not in_effect:
                raise IllegalAction("There is nothing left to undo.")
            in_effect.pop()
        elif kind == "correct":
            target = action.get("target_seq")
            for index, (entry_seq, _) in enumerate(in_effect):
                if entry_seq == target:
                    in_effect[index] = (entry_seq, action["action"])
                    break
            else:
                raise IllegalAction(f"Entry {target} is not in effect, so cannot be corrected.")
        else:
            in_effect.append((seq, action))
    return in_effect
