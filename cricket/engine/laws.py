"""Facts from the Laws of cricket that the engine consults: dismissal kinds and what they allow."""

DISMISSALS = {
    "bowled", "caught", "caught_and_bowled", "lbw", "stumped", "run_out", "hit_wicket",
    "hit_ball_twice", "obstructing_field", "handled_ball",
}
# Dismissals recorded on their own, not on a delivery.
TIMED_OUT = "timed_out"
RETIREMENTS = {"retired_hurt", "retired_not_out", "retired_out"}
# Only retired out is a wicket; retired hurt / not out batters may resume their innings.
RETIREMENTS_THAT_ARE_WICKETS = {"retired_out"}

CREDITED_TO_BOWLER = {"bowled", "caught", "caught_and_bowled", "lbw", "stumped", "hit_wicket"}
# Law 22.7: off a wide a batter can be out only these ways.
POSSIBLE_OFF_WIDE = {"stumped", "run_out", "hit_wicket", "obstructing_field", "handled_ball"}
# Law 21.18: off a no-ball (and on a free hit) only these.
POSSIBLE_OFF_NOBALL = {"run_out", "hit_ball_twice", "obstructing_field", "handled_ball"}
POSSIBLE_ON_FREE_HIT = POSSIBLE_OFF_NOBALL
# The non-striker can be out only by being run out or obstructing the field.
POSSIBLE_FOR_NON_STRIKER = {"run_out", "obstructing_field", "handled_ball"}
NEEDS_FIELDER = {"caught", "stumped"}
# Runs completed before these dismissals stand; for the rest no run can count.
RUNS_STAND = {"run_out", "obstructing_field", "handled_ball"}

# What each kind is called wherever a person reads it (the pad, forms, messages, admin):
# the one table of names; code names never reach a page.
NAMES = {
    "bowled": "bowled", "caught": "caught", "caught_and_bowled": "caught and bowled",
    "lbw": "lbw", "stumped": "stumped", "run_out": "run out", "hit_wicket": "hit wicket",
    "hit_ball_twice": "hit the ball twice", "obstructing_field": "obstructing the field",
    "handled_ball": "handled the ball", "timed_out": "timed out", "retired_hurt": "retired hurt",
    "retired_not_out": "retired not out", "retired_out": "retired out",
}
# A scorecard's how-out column abbreviates four of them ("c Smith b Jones").
LABELS = {**NAMES, "bowled": "b", "caught": "c", "caught_and_bowled": "c & b", "stumped": "st"}
# The pad's order: the commonest first.
PAD_ORDER = ("caught", "bowled", "lbw", "run_out", "stumped", "caught_and_bowled", "hit_wicket",
             "obstructing_field", "hit_ball_twice", "handled_ball")


def choices(kinds) -> list[tuple[str, str]]:
    """(kind, name) pairs for a form's select, in the pad's order."""
    order = {kind: i for i, kind in enumerate(PAD_ORDER)}
    return [(kind, NAMES[kind]) for kind in sorted(kinds, key=lambda k: (order.get(k, 99), k))]
