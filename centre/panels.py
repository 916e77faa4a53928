"""The match centre (docs/match-centre.md): a match as fans read it — what state it is in, the
live panel, ball-by-ball commentary grouped by over, and the charts (worm, Manhattan, run rate).

Built from the match's state and one fold of its log, and rendered once per version of the
match (centre.views caches the fragment by seq), so a thousand fans cost one build a ball.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cricket import engine
from cricket.engine.scorecard import how_out
from games.models import Match

COMMENTARY_OVERS = 12  # overs of commentary on the page; the rest behind "all commentary"
STATUS_LABELS = {"upcoming": "Upcoming", "live": "Live", "innings_break": "Innings break",
                 "completed": "Result", "abandoned": "Abandoned", "no_result": "No result"}


def team_colours(match: Match) -> dict[str, str]:
    """The sides' colours (set in admin) by engine team id; a side without one is left out."""
    return {str(team.pk): team.colour for team in (match.team_a, match.team_b) if team.colour}


def match_status(view: dict) -> str:
    """upcoming | live | innings_break | completed | abandoned | no_result."""
    result = view["result"] or {}
    if result.get("kind") == "no_result":
        return "no_result"
    return {"scheduled": "upcoming"}.get(view["status"], view["status"])


def toss_text(match: Match) -> str:
    if match.toss_winner_id is None:
        return ""
    choice = "bat" if match.toss_decision == "bat" else "field"
    return f"{match.toss_winner.name} won the toss and chose to {choice}"


def live_panel(view: dict, config: engine.MatchConfig) -> dict | None:
    """The current innings as the live panel shows it: batters with their boundaries and strike
    rates, the bowler, the partnership, rates and — batting first in a limited-overs match — the
    projected score at the current rate."""
    if not view["innings"] or view["status"] != "live":
        return None
    inn = view["innings"][-1]
    if inn["closed"]:
        return None
    cards = {row["player"]: row for row in inn["batting_card"]}
    bowlers = {row["player"]: row for row in inn["bowling_card"]}
    # In batting order, the striker starred (as a scorecard lists them): a single that changes
    # the strike does not reorder the rows.
    at_crease = {b["player"]: slot == "striker"
                 for slot in ("striker", "non_striker") if (b := inn.get(slot))}
    order = list(cards)
    batters = [cards[p] | {"on_strike": on_strike}
               for p, on_strike in sorted(at_crease.items(), key=lambda i: order.index(i[0]))]
    projected = None
    if inn["target"] is None and inn["balls_left"] is not None and inn["run_rate"] is not None:
        projected = round(inn["runs"] + inn["run_rate"] * inn["balls_left"] / config.balls_per_over)
    return {
        "innings": inn, "batters": batters,
        "bowler": bowlers.get(inn["bowler"]["player"]) if inn.get("bowler") else None,
        "partnership": inn.get("partnership"), "projected": projected,
    }


@dataclass
class Over:
    """One over of commentary: its balls (newest first) and, once bowled, how it ended."""

    innings: int
    batting: str
    number: int  # 1-based
    balls: list[dict] = field(default_factory=list)
    end: dict | None = None
    score: tuple[int, int] = (0, 0)  # the innings' (runs, legal balls) after its last ball


@dataclass
class InningsStory:
    number: int
    batting: str
    super_over: bool = False
    colour: str = ""  # the batting side's colour, when it has one
    worm: list[tuple[int, int]] = field(default_factory=lambda: [(0, 0)])  # (legal balls, runs)
    wickets: list[tuple[int, int]] = field(default_factory=list)
    overs: list[dict] = field(default_factory=list)  # {"number", "runs", "wickets", "rate"}


def match_story(match: Match) -> dict:
    """Commentary and chart series from one fold of the log: {"overs": [Over, newest first],
    "innings": [InningsStory]}."""
    config = match.engine_config()
    # Up to the version told (a publisher renders the version it commits, whatever came after).
    entries = list(match.log.filter(seq__lte=match.seq).order_by("seq")
                   .values_list("seq", "payload"))
    state, overs, stories, colours = engine.new_state(), [], {}, team_colours(match)
    for seq, action in engine.effective_actions(entries):
        inn = state["innings"][-1] if state["innings"] else None
        before = None if inn is None else {
            "overs_done": inn["overs_done"], "over_balls": inn["over_balls"],
            "wickets": inn["wickets"], "free_hit": bool(state["free_hit"]),
            "striker": inn["striker"], "bowler": inn["bowler"], "number": inn["number"]}
        engine.apply_in_place(config, state, action)
        if action.get("kind") != "delivery" or before is None:
            continue
        inn = state["innings"][-1]
        story = stories.setdefault(inn["number"], InningsStory(
            inn["number"], config.team(inn["batting"]).name, inn["super_over"],
            colours.get(inn["batting"], "")))
        number = before["overs_done"] + 1
        if not overs or (overs[-1].innings, overs[-1].number) != (inn["number"], number):
            overs.append(Over(inn["number"], story.batting, number))
        over = overs[-1]
        over.balls.insert(0, _ball(config, inn, action, before) | {"seq": seq})
        over.score = (inn["runs"], inn["legal_balls"])
        story.worm.append((inn["legal_balls"], inn["runs"]))
        if inn["wickets"] > before["wickets"]:
            story.wickets.append((inn["legal_balls"], inn["runs"]))
        if inn["overs_done"] > before["overs_done"] or inn["closed"]:
            over.end = _over_end(config, inn, before["bowler"]) | {
                "runs": sum(b["runs"] for b in over.balls),
                "innings_over": inn["overs_done"] == before["overs_done"]}
    for over in overs:  # the Manhattan and run rate, the over in progress included
        runs, legal = over.score
        stories[over.innings].overs.append({
            "number": over.number, "runs": sum(b["runs"] for b in over.balls),
            "wickets": sum(1 for b in over.balls if b["wicket"]),
            "rate": round(runs * config.balls_per_over / legal, 2) if legal else 0,
            "done": over.end is not None})
    overs.reverse()
    return {"overs": overs, "innings": [stories[n] for n in sorted(stories)]}


def _ball(config: engine.MatchConfig, inn: dict, action: dict, before: dict) -> dict:
    extras = action.get("extras") or {}
    runs = action.get("runs", 0)
    total = runs + sum(extras.values())
    four = action.get("boundary") and runs == 4
    six = action.get("boundary") and runs == 6
    parts = []
    if extras.get("wides"):
        parts.append("wide" if extras["wides"] == 1 else f"{extras['wides']} wides")
    if extras.get("noballs"):
        parts.append("no ball")
    for kind, word in (("byes", "bye"), ("legbyes", "leg bye")):
        if extras.get(kind):
            parts.append(f"{extras[kind]} {word}{'s' if extras[kind] > 1 else ''}")
    if four:
        parts.append("FOUR")
    elif six:
        parts.append("SIX")
    elif runs:
        parts.append(f"{runs} run{'s' if runs > 1 else ''}")
    if not parts:
        parts.append("no run")
    out = []
    for wicket in action.get("wickets") or []:
        card = inn["batters"].get(wicket.get("player_out"), {})
        out.append(f"{config.name(wicket.get('player_out'))} {how_out(config, card.get('out'))} "
                   f"{card.get('runs', 0)} ({card.get('balls', 0)})")
    return {
        "label": f"{before['overs_done']}.{before['over_balls'] + 1}",
        "text": f"{config.name(before['bowler'])} to {config.name(before['striker'])}, "
                + ", ".join(parts),
        "symbol": inn["recent_balls"][-1] if inn["recent_balls"] else "",
        "runs": total, "four": bool(four), "six": bool(six), "wicket": out,
        "free_hit": before.get("free_hit", False),  # bowled as a free hit (after a no-ball)
    }


def _over_end(config: engine.MatchConfig, inn: dict, bowler: str | None) -> dict:
    card = inn["bowlers"].get(bowler) if bowler else None
    return {
        "score": f"{inn['runs']}/{inn['wickets']}",
        "bowler": None if card is None else (
            f"{config.name(bowler)} {engine.overs_text(card['balls'], config.balls_per_over)}-"
            f"{card['maidens']}-{card['runs']}-{card['wickets']}"),
        "batters": [f"{config.name(p)} {inn['batters'][p]['runs']} ({inn['batters'][p]['balls']})"
                    for p in (inn["striker"], inn["non_striker"]) if p],
    }


def centre_context(match: Match, *, all_commentary: bool = False) -> dict:
    """Everything templates/games/_centre.html shows, for one version of the match."""
    from centre import charts
    from games.selectors import match_payload, match_roles

    config = match.engine_config()
    view = match_payload(match=match, config=config)
    story = match_story(match)
    status = match_status(view)
    # Super overs are told in the commentary but kept off the charts (their scale is an over).
    main = [s for s in story["innings"] if not s.super_over]
    bpo, overs = config.balls_per_over, config.overs
    return {
        "match": match, "view": view, "status": status, "status_label": STATUS_LABELS[status],
        "toss": toss_text(match), "live": live_panel(view, config),
        "chasing": _chase(view, config) if status == "innings_break" else None,
        "xis": _xis(config) if status == "upcoming" else None,
        "commentary": story["overs"] if all_commentary else story["overs"][:COMMENTARY_OVERS],
        "more_commentary": not all_commentary and len(story["overs"]) > COMMENTARY_OVERS,
        "worm": charts.worm(main, bpo, overs, target=_chase_target(view, config)),
        "manhattan": charts.manhattan(main, overs),
        "run_rate": charts.run_rate(main, overs), "roles": match_roles(match=match),
        "colours": team_colours(match),
        "tabs": len(view["innings"]) > 1,
    }


def _chase_target(view: dict, config: engine.MatchConfig) -> int | None:
    """The target of a one-innings match's chase (its revised one after a rain rule), for the
    worm's line; none before the chase or in a two-innings match, or in a super over."""
    main = [inn for inn in view["innings"] if not inn["super_over"]]
    if config.innings_per_side != 1 or len(main) != 2:
        return None
    return main[1].get("target")


def _chase(view: dict, config: engine.MatchConfig) -> str:
    """What the innings break leads to: in a one-innings match, the chase ahead."""
    done = view["innings"][-1] if view["innings"] else None
    if done is None:
        return ""
    if config.innings_per_side == 1 and len(view["innings"]) == 1:
        chasing = config.team(config.other(done["batting"])).name
        quota = done["max_overs"]
        overs = f" from {quota} over{'' if quota == '1' else 's'}" if quota else ""
        return f"{chasing} need {done['runs'] + 1} to win{overs}"
    return f"{done['batting_name']} {done['runs']}/{done['wickets']} ({done['overs']} ov)"


def _xis(config: engine.MatchConfig) -> list[dict]:
    """Both playing XIs in batting order, for a match not yet begun."""
    return [{"name": team.name, "players": [config.name(p) for p in team.players]}
            for team in config.teams]


OVERLAY_MODES = ("bug", "strip", "card")
OVERLAY_THEMES = ("dark", "light")


def overlay_context(match: Match, modes: list[str]) -> dict:
    """What the broadcast overlay shows (templates/games/_overlay.html): the live panel's facts,
    without the log's fold — an overlay refreshes every ball and tells no story."""
    from games.selectors import match_payload

    config = match.engine_config()
    view = match_payload(match=match, config=config)
    status = match_status(view)
    current = view["innings"][-1] if view["innings"] else None
    return {
        "match": match, "view": view, "status": status, "status_label": STATUS_LABELS[status],
        "live": live_panel(view, config), "current": current, "modes": modes,
        "chasing": _chase(view, config) if status == "innings_break" else None,
        "opponent": None if current is None else config.team(current["bowling"]).name,
        "colour": None if current is None else team_colours(match).get(current["batting"]),
    }


def share_card(match: Match) -> dict:
    """The share image's content (templates/games/card.svg): each innings' score with its two
    best batters and bowlers, and the result or the state of play."""
    from games.selectors import match_payload

    config = match.engine_config()
    view = match_payload(match=match, config=config)
    status = match_status(view)
    innings = []
    for inn in view["innings"][-4:]:
        batters = sorted(inn["batting_card"], key=lambda b: (-b["runs"], b["balls"]))[:2]
        bowlers = sorted(inn["bowling_card"], key=lambda b: (-b["wickets"], b["runs"]))[:2]
        innings.append({"inn": inn, "batters": batters, "bowlers": bowlers})
    rows = len(innings)
    return {"match": match, "view": view, "status": status, "status_label": STATUS_LABELS[status],
            "innings": innings, "row_height": 380 // max(rows, 1),
            "line": view["result"]["text"] if view["result"] else (
                _chase(view, config) if status == "innings_break" else STATUS_LABELS[status])}


def centre_panels_html(match: Match, *, all_commentary: bool = False) -> str:
    """The centre's panels for ``match`` as it stands: what a page loads and realtime pushes."""
    from django.template.loader import render_to_string

    return render_to_string("games/_centre.html",
                            centre_context(match, all_commentary=all_commentary))
