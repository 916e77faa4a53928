"""Playing conditions: the rules that differ by competition and era, as data.

Each preset is a competition's conditions from a date until the next preset of the same
competition replaces them. ``conditions_for`` picks the one in force on a match's date; the
result is a dict of ``MatchConfig`` fields, snapshotted onto a match when it is created (so a
later change to the presets never rescores a finished match). Staff keep these as editable rows
(``games.PlayingConditions``); this module is their seed and the engine-only replay's source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Law 18.11 (2022 Code): after a catch the new batter takes strike even if the batters crossed.
STRIKE_AFTER_CATCH_LAW = "2022-10-01"
# ICC: free hits after front-foot no-balls from October 2007, after every no-ball from July 2015.
FREE_HIT_FRONT_FOOT = "2007-10-05"
FREE_HIT_ALL = "2015-07-05"
# ICC: super overs replaced bowl-outs in T20Is; a tied super over is repeated from October 2019
# (before: boundary count-back, as in the 2019 World Cup final).
SUPER_OVER_T20I = "2008-10-01"
SUPER_OVER_REPEAT = "2019-10-14"

CONDITION_FIELDS = (
    "overs", "balls_per_over", "innings_per_side", "bowler_max_overs", "super_over",
    "super_over_tie", "bowl_out", "free_hit", "follow_on_lead",
    "new_batter_on_strike_after_catch",
)


@dataclass(frozen=True)
class Preset:
    key: str  # competition: t20i, odi, test, ipl, club_t20, club_odi
    name: str
    valid_from: str  # ISO date
    fields: dict = field(default_factory=dict)


def _eras(key: str, label: str, base: dict, changes: list[tuple[str, str, dict]]) -> list[Preset]:
    presets, current = [], dict(base)
    for valid_from, note, change in changes:
        current = {**current, **change}
        presets.append(Preset(key=key, name=f"{label} ({note})", valid_from=valid_from,
                              fields=dict(current)))
    return presets


_LIMITED = {"balls_per_over": 6, "innings_per_side": 1, "follow_on_lead": 0,
            "new_batter_on_strike_after_catch": False, "super_over_tie": "boundaries",
            "bowl_out": False}
_T20 = {**_LIMITED, "overs": 20, "bowler_max_overs": 4}
_ODI = {**_LIMITED, "overs": 50, "bowler_max_overs": 10, "super_over": False}

PRESETS: list[Preset] = [
    *_eras("t20i", "ICC T20I", _T20, [
        ("2005-01-01", "bowl-outs, no free hits",
         {"super_over": False, "bowl_out": True, "free_hit": "none"}),
        (FREE_HIT_FRONT_FOOT, "free hits after front-foot no-balls", {"free_hit": "front_foot"}),
        (SUPER_OVER_T20I, "super overs", {"super_over": True, "bowl_out": False}),
        (FREE_HIT_ALL, "free hits after every no-ball", {"free_hit": "all"}),
        (SUPER_OVER_REPEAT, "repeated super overs", {"super_over_tie": "repeat"}),
        (STRIKE_AFTER_CATCH_LAW, "2022 Laws", {"new_batter_on_strike_after_catch": True}),
    ]),
    *_eras("odi", "ICC ODI", _ODI, [
        ("1971-01-01", "no free hits", {"free_hit": "none"}),
        (FREE_HIT_FRONT_FOOT, "free hits after front-foot no-balls", {"free_hit": "front_foot"}),
        (FREE_HIT_ALL, "free hits after every no-ball", {"free_hit": "all"}),
        (SUPER_OVER_REPEAT, "repeated super overs where played", {"super_over_tie": "repeat"}),
        (STRIKE_AFTER_CATCH_LAW, "2022 Laws", {"new_batter_on_strike_after_catch": True}),
    ]),
    *_eras("test", "ICC Test", {
        "overs": None, "balls_per_over": 6, "innings_per_side": 2, "bowler_max_overs": None,
        "super_over": False, "super_over_tie": "stands", "bowl_out": False, "free_hit": "none",
        "follow_on_lead": 200, "new_batter_on_strike_after_catch": False,
    }, [
        ("1877-01-01", "five days", {}),
        (STRIKE_AFTER_CATCH_LAW, "2022 Laws", {"new_batter_on_strike_after_catch": True}),
    ]),
    *_eras("ipl", "IPL", {**_T20, "super_over": True}, [
        ("2008-01-01", "2008-2015 seasons", {"free_hit": "front_foot"}),
        ("2016-01-01", "2016-2019 seasons", {"free_hit": "all"}),
        ("2020-01-01", "2020 season on", {"super_over_tie": "repeat"}),
        ("2023-01-01", "2023 season on", {"new_batter_on_strike_after_catch": True}),
    ]),
    *_eras("club_t20", "Club T20", {**_T20, "super_over": False, "super_over_tie": "stands",
                                    "free_hit": "all", "new_batter_on_strike_after_catch": True},
           [("2000-01-01", "club defaults", {})]),
    *_eras("club_odi", "Club 40 overs", {**_ODI, "overs": 40, "bowler_max_overs": 8,
                                         "super_over_tie": "stands", "free_hit": "all",
                                         "new_batter_on_strike_after_catch": True},
           [("2000-01-01", "club defaults", {})]),
]

# Cricsheet's match types and competitions -> the preset family.
_BY_EVENT = {"Indian Premier League": "ipl"}
_BY_MATCH_TYPE = {"T20": "t20i", "IT20": "t20i", "ODI": "odi", "ODM": "odi", "Test": "test",
                  "MDM": "test"}


def competition_for(match_type: str, event: str = "") -> str:
    return _BY_EVENT.get(event) or _BY_MATCH_TYPE.get(match_type, "club_t20")


def preset_for(competition: str, date: str) -> Preset:
    """The preset of ``competition`` in force on ``date`` (the earliest one before any)."""
    family = sorted((p for p in PRESETS if p.key == competition), key=lambda p: p.valid_from)
    if not family:
        raise KeyError(f"No playing conditions for {competition!r}.")
    chosen = family[0]
    for preset in family:
        if preset.valid_from <= date:
            chosen = preset
    return chosen


def conditions_for(competition: str, date: str, **overrides) -> dict:
    """``MatchConfig`` fields for a match of ``competition`` on ``date``."""
    return {**preset_for(competition, date).fields, **overrides}


def follow_on_lead(days: int) -> int:
    """Law 14.1.1: the lead that allows the follow-on, by the match's scheduled length."""
    return 200 if days >= 5 else 150 if days >= 3 else 100 if days == 2 else 75
