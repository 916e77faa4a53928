"""Test vectors for the pad's JavaScript (static/js/pad_model.js): random tap sequences from
the pad's own vocabulary, scored by the engine as the server scores them (the same form reading,
``scoring.pad_actions.form_action``, and a wicket's new batter as a second entry), each with
what the server then shows: the pad's snapshot (``games.selectors.pad_snapshot``), the live
panel's texts as its template renders them, and the bowler the next-bowler select starts on.
tests/js/pad_vectors.test.js folds the same taps over the first snapshot with the pad's model
and compares."""

from __future__ import annotations

import random
from html.parser import HTMLParser
from types import SimpleNamespace

from django.http import QueryDict
from django.template.loader import render_to_string

from cricket.engine import IllegalAction, apply, new_state
from cricket.engine.innings import next_batting_team
from games.selectors import match_payload, pad_snapshot
from scoring.pad_actions import form_action
from scoring.views import likely_bowler
from tests.games.builders import config as make_config

HOW = ["bowled", "caught", "lbw", "stumped", "run_out", "hit_wicket", "caught_and_bowled"]


class _Texts(HTMLParser):
    """The text of each ``data-bind`` element of the live panel: a row's figures cell (not the
    name), None for a hidden row, and the balls of this over as a list."""

    def __init__(self):
        super().__init__()
        self.texts: dict[str, str | list | None] = {}
        self.open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        bind = attrs.get("data-bind")
        self.open.append((tag, bind))
        if bind:
            self.texts[bind] = None if "hidden" in attrs else [] if bind == "this-over" else ""
        elif tag == "b" and self._bind() == "this-over":
            self.texts["this-over"].append("")

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass

    def _bind(self) -> str | None:
        binds = [bind for _, bind in self.open if bind]
        return binds[-1] if binds else None

    def handle_data(self, data):
        bind = self._bind()
        if bind is None or self.texts.get(bind) is None:
            return
        if bind == "this-over":
            if self.open[-1][0] == "b":
                self.texts[bind][-1] += data.strip()
        elif not any(tag == "th" for tag, _ in self.open):  # a row's name is the pad's own
            self.texts[bind] += data


def _match(cfg, state, seq):
    return SimpleNamespace(pk=1, seq=seq, tournament_id=None, toss_winner_id=None, state=state,
                           engine_config=lambda: cfg)


def server_view(cfg, state, seq) -> dict:
    """What the pad shows after ``state``: its snapshot, its live panel's texts and the bowler
    the next-bowler select starts on."""
    match = _match(cfg, state, seq)
    view = match_payload(match=match, config=cfg, state=state, seq=seq)
    parser = _Texts()
    parser.feed(render_to_string("games/_pad_live.html", {"view": view}))
    texts = {k: " ".join(v.split()) if isinstance(v, str) else v
             for k, v in parser.texts.items()}
    if texts.get("rates"):
        texts["rates"] = texts["rates"].replace(" · FREE HIT", "")
    inn = state["innings"][-1] if state["innings"] else None
    live = inn is not None and not inn["closed"]
    last = set(inn["last_over_bowlers"]) if live else set()
    return {"snapshot": pad_snapshot(match=match),
            "texts": {k: texts.get(k) for k in ("score", "overs", "rates", "striker",
                                                "non_striker", "bowler", "this-over")}
            if live else None,
            "likely_bowler": likely_bowler(cfg, inn, inn["bowling"], last)
            if live and state["needs"] == "next_bowler" else None}


def _tap(rng: random.Random, cfg, state) -> dict:
    """A form the pad offers now, filled as a scorer might."""
    needs = state["needs"]
    if needs == "start_innings":
        batting, _ = next_batting_team(cfg, state, False)
        xi = list(cfg.team(batting).players)
        pair = rng.sample(xi, 2)
        return {"action": "start_innings", "striker": pair[0], "non_striker": pair[1],
                "bowler": rng.choice(cfg.team(cfg.other(batting)).players)}
    inn = state["innings"][-1]
    if needs == "new_batter":
        waiting = [p for p in cfg.team(inn["batting"]).players
                   if p not in inn["batters"] and p not in (inn["striker"], inn["non_striker"])]
        return {"action": "new_batter", "player": rng.choice(waiting or ["nobody"]),
                "on_strike": rng.choice(["", "", "yes", "no"])}
    if needs == "next_bowler":
        bowlers = [p for p in cfg.team(inn["bowling"]).players
                   if p not in inn["last_over_bowlers"]]
        return {"action": "next_bowler", "player": rng.choice(bowlers)}
    roll = rng.random()
    if roll < 0.55:
        return {"action": f"runs-{rng.choice([0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 6])}"}
    if roll < 0.65:
        return {"action": rng.choice(["wide", "noball", "bye", "legbye"])}
    if roll < 0.75:
        extra = rng.choice(["wide", "noball", "bye", "legbye"])
        fields = {"action": "extras", "extra": extra, "runs": str(rng.choice([0, 1, 1, 2, 4]))}
        if extra == "noball":
            fields["noball_runs"] = rng.choice(["bat", "bat", "byes", "legbyes"])
        if fields["runs"] == "4" and rng.random() < 0.5:
            fields["boundary"] = "on"
        return fields
    if roll < 0.9:
        how = rng.choice(HOW)
        out = inn["striker"]
        fields = {"action": "wicket", "how": how, "extra": "", "runs": "0"}
        if how == "run_out":
            fields["runs"] = str(rng.choice([0, 1, 1, 2]))
            out = rng.choice([inn["striker"], inn["non_striker"]])
            fields["extra"] = rng.choice(["", "", "wide", "noball", "bye"])
        elif how == "stumped":
            fields["extra"] = rng.choice(["", "", "wide"])
        fields["player_out"] = out
        if how in ("caught", "run_out", "stumped"):
            fields["fielder"] = rng.choice(cfg.team(inn["bowling"]).players)
        waiting = [p for p in cfg.team(inn["batting"]).players
                   if p not in inn["batters"] and p not in (inn["striker"], inn["non_striker"])]
        if waiting and rng.random() < 0.6:
            fields["new_batter"] = rng.choice(waiting)
        return fields
    if roll < 0.95:
        return {"action": "swap_strike"}
    return {"action": "undo"}


def _post(fields: dict) -> QueryDict:
    post = QueryDict(mutable=True)
    post.update(fields)
    return post


def vector(seed: int) -> dict:
    """One sequence: a random match and prefix (scored), the snapshot then, the taps that
    follow (those the engine took), and what the server shows after each tap."""
    rng = random.Random(seed)
    cfg = make_config(players=rng.choice([3, 5, 11]), overs=rng.choice([1, 2, 3, 20]),
                      bowler_max_overs=rng.choice([None, None, 1]),
                      balls_per_over=rng.choice([6, 6, 6, 5]),
                      free_hit=rng.choice(["all", "all", "none"]),
                      new_batter_on_strike_after_catch=rng.choice([True, False]))
    states = [new_state()]  # one per effective entry: an undo steps back one
    seq = 0  # entries in the log, undos included (the server's seq)
    taps, views, first = [], [], None
    prefix = rng.randint(0, 40)
    for step in range(prefix + rng.randint(1, 24)):
        state = states[-1]
        if state["needs"] is None:
            break
        fields = _tap(rng, cfg, state)
        if step == prefix:
            first = server_view(cfg, state, seq)["snapshot"]
        try:
            if fields["action"] == "undo":
                if len(states) == 1:
                    continue
                states.pop()
                seq += 1
            else:
                states.append(apply(cfg, state, form_action(_post(fields))))
                seq += 1
                incoming = fields.get("new_batter")
                if incoming and states[-1]["needs"] == "new_batter":
                    try:
                        states.append(apply(cfg, states[-1], {"kind": "new_batter",
                                                              "player": incoming}))
                        seq += 1
                    except IllegalAction:
                        pass
        except IllegalAction:
            continue  # refused: the pad shows the engine's message; it is not queued
        if step >= prefix:
            taps.append(fields)
            views.append(server_view(cfg, states[-1], seq))
    if first is None or not taps:
        return {"seed": seed, "snapshot": None, "taps": [], "views": []}
    return {"seed": seed, "snapshot": first, "taps": taps, "views": views}
