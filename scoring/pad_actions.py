"""Turning the scoring pad's form posts into engine actions (docs/api.md).

Parsing only: whether an action is legal is the engine's call, so a bad value becomes an action
the engine rejects with its own message rather than a second set of rules here.
"""

from __future__ import annotations

from django.http import QueryDict

# One-tap buttons: the pad's most common balls.
PAD_ACTIONS = {
    **{f"runs-{n}": {"kind": "delivery", "runs": n, **({"boundary": True} if n in (4, 6) else {})}
       for n in range(7)},
    "wide": {"kind": "delivery", "extras": {"wides": 1}},
    "noball": {"kind": "delivery", "extras": {"noballs": 1}},
    "bye": {"kind": "delivery", "extras": {"byes": 1}},
    "legbye": {"kind": "delivery", "extras": {"legbyes": 1}},
}
PAD_LABELS = {"wide": "Wd", "noball": "Nb", "bye": "B", "legbye": "Lb"}
# Keyboard shortcuts for the buttons (static/js/pad.js reads them from data-key).
PAD_KEYS = {**{f"runs-{n}": str(n) for n in range(7)},
            "wide": "w", "noball": "n", "bye": "b", "legbye": "l"}

EXTRA_KINDS = {"wide": "wides", "noball": "noballs", "bye": "byes", "legbye": "legbyes"}


class FormError(ValueError):
    """A form value that cannot be read at all (not a number, say): the message says which,
    ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _int(post: QueryDict, name: str, label: str, default: int | None = 0) -> int | None:
    raw = (post.get(name) or "").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise FormError(f"{label} must be a whole number, not {raw!r}.", name) from error


def _wickets(post: QueryDict) -> list[dict]:
    how = post.get("how")
    if not how:
        return []
    fielders = [post["fielder"]] if post.get("fielder") else []
    return [{"kind": how, "player_out": post.get("player_out"), "fielders": fielders}]


def ball_action(post: QueryDict, *, fair: bool = False) -> dict:
    """The ball a form describes: a wide with runs run (all wides), a no-ball with runs off the
    bat or byes/leg-byes, byes and leg-byes of any number (4 with ``boundary``), and — where
    ``fair`` allows it, as on the wicket form — a fair ball with runs off the bat."""
    extra = post.get("extra") or ""
    if extra not in EXTRA_KINDS and not (fair and extra == ""):
        raise FormError("Choose the extra: wide, no-ball, bye or leg-bye.", "extra")
    runs = _int(post, "runs", "Runs")
    action: dict = {"kind": "delivery"}
    if extra == "":
        action["runs"] = runs
    elif extra == "wide":
        action["extras"] = {"wides": 1 + runs}
    elif extra == "noball":
        off = post.get("noball_runs", "bat")
        if off == "bat":
            action["runs"], action["extras"] = runs, {"noballs": 1}
        elif off in ("byes", "legbyes"):
            action["extras"] = {"noballs": 1, **({off: runs} if runs else {})}
        else:
            raise FormError("Say whether the no-ball's runs came off the bat, as byes or as "
                            "leg-byes.", "noball_runs")
    else:
        action["extras"] = {EXTRA_KINDS[extra]: runs}
    if post.get("boundary") == "on":
        action["boundary"] = True
    wickets = _wickets(post)
    if wickets:
        action["wickets"] = wickets
    return action


def delivery_action(post: QueryDict) -> dict:
    """A delivery spelled out field by field (the edit-a-past-ball form)."""
    extras = {}
    for field, label in (("wides", "Wides"), ("noballs", "No-balls"), ("byes", "Byes"),
                         ("legbyes", "Leg-byes")):
        value = _int(post, field, label)
        if value:
            extras[field] = value
    action: dict = {"kind": "delivery", "runs": _int(post, "runs", "Runs off the bat")}
    if extras:
        action["extras"] = extras
    if post.get("boundary") == "on":
        action["boundary"] = True
    wickets = _wickets(post)
    if wickets:
        action["wickets"] = wickets
    return action


def form_action(post: QueryDict) -> dict | None:
    """The engine action a pad form posts, or None for an unknown button."""
    name = post.get("action", "")
    if name in PAD_ACTIONS:
        return dict(PAD_ACTIONS[name])
    if name == "undo":
        return {"kind": "undo"}
    if name == "extras":
        return ball_action(post)
    if name == "wicket":  # on any ball: fair, wide, no-ball, bye or leg-bye
        action = ball_action(post, fair=True)
        action.setdefault("wickets", [{"kind": None, "player_out": post.get("player_out")}])
        return action
    if name == "correct":
        return {"kind": "correct", "target_seq": _int(post, "target_seq", "Ball", None),
                "action": delivery_action(post)}
    if name == "start_innings":
        return {"kind": "start_innings", "striker": post.get("striker"),
                "non_striker": post.get("non_striker"), "bowler": post.get("bowler")}
    if name in ("next_bowler", "change_bowler"):
        return {"kind": name, "player": post.get("player")}
    if name == "new_batter":
        action = {"kind": "new_batter", "player": post.get("player")}
        if post.get("on_strike") in ("yes", "no"):
            action["on_strike"] = post["on_strike"] == "yes"
        return action
    if name in ("swap_strike", "end_over", "continue_over", "play_on"):
        return {"kind": name}
    if name in ("absent_hurt", "timed_out"):
        return {"kind": name, "player": post.get("player")}
    if name == "retire":
        return {"kind": "retire", "player": post.get("player"), "how": post.get("how")}
    if name == "revise_target":
        return {"kind": "revise_target", "runs": _int(post, "runs", "Target", None),
                "overs": _int(post, "overs", "Overs", None),
                "method": post.get("method") or "DLS"}
    if name == "revise_overs":
        return {"kind": "revise_overs", "overs": _int(post, "overs", "Overs", None)}
    if name == "end_innings":
        return {"kind": "end_innings", "how": post.get("how")}
    if name == "end_match":
        action = {"kind": "end_match", "result": post.get("result")}
        if action["result"] == "won":
            action.update(winner=post.get("winner"), unit=post.get("unit"),
                          margin=_int(post, "margin", "Margin", None))
        return action
    if name == "penalty":
        return {"kind": "penalty", "team": post.get("team"), "runs": _int(post, "runs", "Runs", 5)}
    return None
