"""The match centre's charts as SVG geometry (templates/games/_charts.html draws them): the worm
(runs against balls, wickets marked), the Manhattan (runs per over, wickets on top) and the run
rate (after each over). Server-rendered, so they need no script and no charting library; the
page's live updates bring the new SVG with the rest of the fragment."""

from __future__ import annotations

import dataclasses
import math

WIDTH, HEIGHT = 480, 220  # user units; text is 14 of them, readable at 360 px
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 10, 26  # room for the axes' labels
# Where the template draws the axes and their labels.
FRAME = {"left": LEFT, "right": WIDTH - RIGHT, "base": HEIGHT - BOTTOM, "labels": HEIGHT - 6,
         "width": WIDTH, "height": HEIGHT}


def _ceiling(value: float, steps=(5, 10, 20, 25, 50, 100, 200)) -> tuple[int, int]:
    """A round top for an axis and the step between its grid lines (about four of them)."""
    value = max(value, 1)
    for step in steps:
        if value <= step * 5:
            return int(math.ceil(value / step) * step), step
    step = steps[-1] * 5
    return int(math.ceil(value / step) * step), step


def _x(value: float, top: float) -> float:
    return round(LEFT + (WIDTH - LEFT - RIGHT) * value / top, 1)


def _y(value: float, top: float) -> float:
    return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / top, 1)


def _grid(top: int, step: int) -> list[dict]:
    return [{"y": _y(v, top), "label": v} for v in range(0, top + 1, step)]


def _over_ticks(overs: int) -> list[dict]:
    every = 1 if overs <= 10 else 5 if overs <= 50 else 10 if overs <= 100 else 20
    return [{"x": _x(o, overs), "label": o} for o in range(0, overs + 1, every)]


def worm(stories: list, balls_per_over: int, max_overs: int | None,
         target: int | None = None) -> dict | None:
    """The worm; with ``target`` (a chase's, revised or not) its line across the chart."""
    if not any(len(s.worm) > 1 for s in stories):
        return None
    overs = _axis_overs(max_overs, [math.ceil(s.worm[-1][0] / balls_per_over) for s in stories])
    # At least a run a ball in a limited-overs match: the scale (and every point) moves only
    # when a side outscores it, not every few runs.
    top, step = _ceiling(max([s.worm[-1][1] for s in stories] + [balls_per_over *
                                                                (max_overs or 0), target or 0]))
    balls = overs * balls_per_over
    return {
        "target": None if not target else {"runs": target, "y": _y(target, top)},
        "frame": FRAME, "grid": _grid(top, step), "ticks": _over_ticks(overs),
        "lines": [{"series": i % 4, "colour": s.colour, "name": s.batting, "number": s.number,
                   "segments": _worm_segments(s.worm, balls_per_over, balls, top),
                   "wickets": [{"x": _x(b, balls), "y": _y(r, top)} for b, r in s.wickets],
                   "runs": s.worm[-1][1]}
                  for i, s in enumerate(stories)],
    }


UNLIMITED_AXIS_STEP = 20  # overs: an unlimited innings' axis grows by this much at a time


def _axis_overs(max_overs: int | None, played: list[int]) -> int:
    """The overs axis: the innings' quota; without one (a Test), what was played rounded up to
    the next 20 overs, so the scale — and every point drawn on it — moves every 20 overs, not
    every over (the page's live updates then send one over's points, not the whole chart)."""
    longest = max(played, default=0)
    if max_overs:
        return max(max_overs, longest)
    step = UNLIMITED_AXIS_STEP
    return max(step, math.ceil(longest / step) * step)


def _done(story):
    """The story with its completed overs only."""
    return dataclasses.replace(story, overs=[o for o in story.overs if o.get("done", True)])


def _worm_segments(worm: list[tuple[int, int]], balls_per_over: int, balls: int,
                   top: int) -> list[dict]:
    """The worm as one line per over, each from where the over before ended: a ball redraws
    only its own over's few points (the page's live updates send what changed)."""
    segments: list[dict] = []
    previous = worm[0]
    for point in worm[1:]:
        over = max(1, math.ceil(point[0] / balls_per_over))
        if not segments or segments[-1]["over"] != over:
            segments.append({"over": over, "points": [previous]})
        segments[-1]["points"].append(point)
        previous = point
    return [{"over": s["over"], "points": " ".join(f"{_x(b, balls)},{_y(r, top)}"
                                                    for b, r in s["points"])}
            for s in segments]


def manhattan(stories: list, max_overs: int | None) -> dict | None:
    if not any(s.overs for s in stories):
        return None
    overs = _axis_overs(max_overs, [len(s.overs) for s in stories])
    top, step = _ceiling(max(o["runs"] for s in stories for o in s.overs))
    slot = (WIDTH - LEFT - RIGHT) / overs
    width = max(1.0, slot * 0.8 / len(stories))
    bars = []
    for i, story in enumerate(stories):
        for over in story.overs:
            x = LEFT + slot * (over["number"] - 1) + slot * 0.1 + width * i
            y = _y(over["runs"], top)
            bars.append({"series": i % 4, "colour": story.colour, "x": round(x, 1), "y": y,
                         "width": round(width, 1),
                         "height": round(HEIGHT - BOTTOM - y, 1), "over": over["number"],
                         "runs": over["runs"], "name": story.batting,
                         "wickets": [{"x": round(x + width / 2, 1), "y": round(y - 7 - 11 * k, 1)}
                                     for k in range(over["wickets"])]})
    ticks = [{"x": round(LEFT + slot * (o - 0.5), 1), "label": o}
             for o in range(1, overs + 1) if overs <= 20 or o % 5 == 0]
    return {"frame": FRAME, "grid": _grid(top, step), "ticks": ticks, "bars": bars,
            "names": [{"series": i % 4, "colour": s.colour, "name": s.batting}
                      for i, s in enumerate(stories)]}


def run_rate(stories: list, max_overs: int | None) -> dict | None:
    """The rate after each completed over (the over in progress would move every ball)."""
    stories = [_done(s) for s in stories]
    if not any(s.overs for s in stories):
        return None
    overs = _axis_overs(max_overs, [len(s.overs) for s in stories])
    top, step = _ceiling(max(o["rate"] for s in stories for o in s.overs), steps=(2, 4, 5, 10))
    return {
        "frame": FRAME, "grid": _grid(top, step), "ticks": _over_ticks(overs),
        "lines": [{"series": i % 4, "colour": s.colour, "name": s.batting, "number": s.number,
                   "segments": [{"over": o["number"], "points": " ".join(
                       f"{_x(p['number'], overs)},{_y(p['rate'], top)}"
                       for p in s.overs[max(0, k - 1):k + 1])} for k, o in enumerate(s.overs)],
                   "dots": [{"x": _x(o["number"], overs), "y": _y(o["rate"], top)}
                            for o in s.overs],
                   "rate": s.overs[-1]["rate"] if s.overs else None}
                  for i, s in enumerate(stories) if s.overs],
    }
