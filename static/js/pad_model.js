// The pad's running total while entries wait to be sent (docs/offline.md): the last state the
// server sent (its "pad-snapshot") with the queued forms folded over it. It follows the simple
// cases a scorer needs to keep going without signal — runs, extras, wickets, overs, strike, the
// new batter, the next bowler, undo of a queued entry — and says when it cannot follow
// (``approx``); the engine on the server stays the truth and replaces this as soon as the queue
// is sent. No DOM here.
(function () {
  "use strict";
  const CREDITED_TO_BOWLER = new Set(["bowled", "caught", "caught_and_bowled", "lbw", "stumped",
    "hit_wicket"]);
  const CAUGHT = new Set(["caught", "caught_and_bowled"]);
  const EXTRAS = { wide: "wides", noball: "noballs", bye: "byes", legbye: "legbyes" };

  function copy(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function number(text) {
    const value = parseInt(text || "0", 10);
    return Number.isNaN(value) ? 0 : value;
  }

  // The ball a queued form describes (as scoring/pad_actions.py reads it), or null.
  function ball(fields) {
    const name = fields.action || "";
    const b = { bat: 0, wides: 0, noballs: 0, byes: 0, legbyes: 0, boundary: fields.boundary === "on",
      wicket: null };
    if (name.startsWith("runs-")) {
      b.bat = number(name.slice(5));
      b.boundary = b.bat === 4 || b.bat === 6;
      return b;
    }
    if (name in EXTRAS) {
      b[EXTRAS[name]] = 1;
      return b;
    }
    if (name !== "extras" && name !== "wicket") return null;
    const runs = number(fields.runs);
    const extra = fields.extra || "";
    if (extra === "") b.bat = runs;
    else if (extra === "wide") b.wides = 1 + runs;
    else if (extra === "noball") {
      b.noballs = 1;
      const off = fields.noball_runs || "bat";
      if (off === "bat") b.bat = runs;
      else b[off] = runs;
    } else if (extra in EXTRAS) b[EXTRAS[extra]] = runs;
    if (name === "wicket") b.wicket = { how: fields.how, out: fields.player_out };
    return b;
  }

  // The symbol scorebooks write for a ball (the engine's, cricket/engine/deliveries.py).
  function symbol(b) {
    let text;
    if (b.wides) text = `${b.wides}wd`;
    else if (b.noballs) {
      const runs = b.bat + b.byes + b.legbyes;
      text = runs ? `${runs}nb` : "nb";
    } else if (b.byes) text = `${b.byes}b`;
    else if (b.legbyes) text = `${b.legbyes}lb`;
    else text = String(b.bat);
    if (b.wicket) return text === "0" ? "W" : `${text}+W`;
    return text;
  }

  function needs(m) {
    const inn = m.innings;
    if (m.ended) return null;
    if (!inn || inn.closed) return "start_innings";
    if (!inn.striker || !inn.non_striker) return "new_batter";
    if (!inn.bowler) return "next_bowler";
    return "delivery";
  }

  function swap(inn) {
    [inn.striker, inn.non_striker] = [inn.non_striker, inn.striker];
  }

  function batter(inn, player) {
    if (!inn.batters[player]) inn.batters[player] = { runs: 0, balls: 0, out: false };
    return inn.batters[player];
  }

  function bowler(inn, player) {
    if (!inn.bowlers[player]) inn.bowlers[player] = { balls: 0, maidens: 0, runs: 0, wickets: 0 };
    return inn.bowlers[player];
  }

  function endOver(inn) {
    const maiden = inn.over_runs === 0 && inn.this_over.length > 0;
    if (maiden && inn.bowler) bowler(inn, inn.bowler).maidens += 1;
    inn.last_over = { balls: inn.this_over, runs: inn.over_runs, maiden: maiden, bowler: inn.bowler,
      number: inn.overs_done + 1, before: inn.last_over_bowlers };
    inn.overs_done += 1;
    inn.over_balls = 0;
    inn.over_runs = 0;
    inn.this_over = [];
    inn.last_over_bowlers = inn.bowler ? [inn.bowler] : [];
    inn.bowler = null;
    swap(inn);
  }

  function closeInnings(m, inn, how) {
    inn.closed = how;
    const chasing = inn.target !== null && inn.target !== undefined;
    if (m.innings_per_side !== 1) {
      m.approx = true; // who bats next in a two-innings match is the server's call
    } else if (chasing && inn.runs === inn.target - 1) {
      m.approx = true; // a tie: whether a super over follows is the server's call
    } else if (chasing) {
      m.ended = true;
    } else {
      m.next = { batting_xi: inn.bowling_xi, bowling_xi: inn.batting_xi,
        batting_name: inn.bowling_name, bowling_name: inn.batting_name, target: inn.runs + 1 };
    }
  }

  function deliver(m, b) {
    const inn = m.innings;
    const legal = !b.wides && !b.noballs;
    const conceded = b.bat + b.wides + b.noballs;
    inn.runs += conceded + b.byes + b.legbyes;
    const card = batter(inn, inn.striker);
    card.runs += b.bat;
    if (!b.wides) card.balls += 1;
    const figures = bowler(inn, inn.bowler);
    figures.runs += conceded;
    if (legal) {
      figures.balls += 1;
      inn.legal_balls += 1;
      inn.over_balls += 1;
    }
    inn.over_runs += conceded;
    inn.this_over.push(symbol(b));
    if (m.free_hit_rule) m.free_hit = b.noballs > 0 || (m.free_hit && !legal);
    const ran = b.boundary ? 0 : b.bat + b.byes + b.legbyes + Math.max(0, b.wides - m.wide_runs);
    const caught = b.wicket && CAUGHT.has(b.wicket.how);
    if (ran % 2 === 1 && !(caught && m.catch_on_strike)) swap(inn);
    if (b.wicket) {
      const out = b.wicket.out || inn.striker;
      inn.wickets += 1;
      batter(inn, out).out = true;
      if (CREDITED_TO_BOWLER.has(b.wicket.how)) figures.wickets += 1;
      if (inn.striker === out) inn.striker = null;
      else if (inn.non_striker === out) inn.non_striker = null;
    }
    if (legal && inn.over_balls >= m.balls_per_over) endOver(inn);
    if (inn.target !== null && inn.target !== undefined && inn.runs >= inn.target) {
      closeInnings(m, inn, "target");
    } else if (inn.wickets >= inn.wickets_limit) {
      closeInnings(m, inn, "all_out");
    } else if (inn.max_balls !== null && inn.legal_balls >= inn.max_balls) {
      closeInnings(m, inn, "overs");
    }
  }

  function newBatter(inn, player, onStrike) {
    if (!inn.striker) inn.striker = player;
    else if (!inn.non_striker) inn.non_striker = player;
    if (onStrike === "yes" && inn.striker !== player) swap(inn);
    if (onStrike === "no" && inn.striker === player) swap(inn);
    batter(inn, player);
    inn.retired = inn.retired.filter((p) => p !== player);
  }

  function startInnings(m, fields) {
    const next = m.next;
    if (!next) {
      m.approx = true;
      return;
    }
    m.innings = {
      batting_name: next.batting_name || "", bowling_name: next.bowling_name || "",
      runs: 0, wickets: 0, legal_balls: 0, over_balls: 0, overs_done: 0, over_runs: 0,
      max_balls: m.innings ? m.innings.max_balls : null,
      max_overs: m.innings ? m.innings.max_overs : null,
      target: next.target === undefined ? null : next.target,
      wickets_limit: next.batting_xi.length - 1,
      striker: fields.striker, non_striker: fields.non_striker, bowler: fields.bowler,
      batters: {}, retired: [], bowlers: {}, this_over: [], last_over_bowlers: [],
      batting_xi: next.batting_xi, bowling_xi: next.bowling_xi,
    };
    batter(m.innings, fields.striker);
    batter(m.innings, fields.non_striker);
    bowler(m.innings, fields.bowler);
    m.next = null;
    if (!m.innings.batting_name) m.approx = true; // the first innings' names come from the server
  }

  // One queued entry folded in; answers how many log entries the server will record for it.
  function apply(m, fields) {
    const name = fields.action;
    const b = ball(fields);
    if (m.needs === "delivery" && b) {
      deliver(m, b);
      m.needs = needs(m);
      if (b.wicket && fields.new_batter && m.needs === "new_batter") {
        newBatter(m.innings, fields.new_batter, "");
        m.needs = needs(m);
        return 2;
      }
      return 1;
    }
    const inn = m.innings;
    if (name === "new_batter" && m.needs === "new_batter") newBatter(inn, fields.player, fields.on_strike);
    else if (name === "next_bowler" && m.needs === "next_bowler") {
      inn.bowler = fields.player;
      bowler(inn, fields.player);
    }
    else if (name === "swap_strike" && inn && !inn.closed) swap(inn);
    else if (name === "start_innings" && m.needs === "start_innings") startInnings(m, fields);
    else if (name === "timed_out" && m.needs === "new_batter") {
      inn.wickets += 1;
      batter(inn, fields.player).out = true;
      if (inn.wickets >= inn.wickets_limit) closeInnings(m, inn, "all_out");
    } else m.approx = true; // retirements, penalties, targets, ends: the server will say
    m.needs = needs(m);
    return 1;
  }

  // The snapshot with the queue folded over it: the model the pad shows. Every queued entry is
  // sent, an undo too, so each counts in the seq; an undo takes back the last entry recorded —
  // the entry queued before it, or of a wicket sent with its new batter, only the new batter.
  // An undo of an entry already sent is queued too, but only the server can show its effect.
  function fold(snapshot, queue) {
    const start = copy(snapshot);
    start.approx = false;
    start.ended = false;
    const stack = [{ m: start, entries: 0, fields: null }];
    let seq = snapshot.seq;
    let approx = false;
    const push = (fields) => {
      const m = copy(stack[stack.length - 1].m);
      const entries = apply(m, fields);
      stack.push({ m: m, entries: entries, fields: fields });
      return entries;
    };
    for (const item of queue) {
      if (item.fields.action !== "undo") {
        seq += push(item.fields);
        continue;
      }
      seq += 1; // the undo is an entry of its own
      if (stack.length === 1) {
        approx = true;
        continue;
      }
      const top = stack.pop();
      if (top.entries === 2) push(Object.assign({}, top.fields, { new_batter: "" }));
    }
    const m = stack[stack.length - 1].m;
    m.approx = m.approx || approx;
    m.seq = seq;
    return m;
  }

  // What the list of waiting entries shows for one.
  function label(fields, names) {
    const b = ball(fields);
    if (b) return symbol(b);
    const who = names[fields.player] || "";
    return {
      undo: "undo", new_batter: `in: ${who}`, next_bowler: `bowler: ${who}`,
      swap_strike: "swap strike", start_innings: "start innings", timed_out: `timed out: ${who}`,
    }[fields.action] || fields.action.replace(/_/g, " ");
  }

  // ---- What the pad shows in words (pad.js draws these into the server's markup;
  // tests/js/pad_vectors.test.js holds them to what templates/games/_pad_live.html renders) ----

  function overs(balls, perOver) {
    return `${Math.floor(balls / perOver)}.${balls % perOver}`;
  }

  // Runs per over to two places, half up, in whole numbers: the engine's rounding
  // (cricket/engine/scorecard.py), so 7 off 16 balls is 2.63 on both sides.
  function rate(runs, balls, perOver) {
    if (!balls) return "–";
    const value = Math.floor((200 * runs * perOver + balls) / (2 * balls)) / 100;
    return Number.isInteger(value) ? value.toFixed(1) : String(value);
  }

  function figures(m, card) {
    return `${overs(card.balls, m.balls_per_over)}-${card.maidens}-${card.runs}-${card.wickets}`;
  }

  function texts(m) {
    const inn = m.innings;
    const card = (player) => inn.batters[player] || { runs: 0, balls: 0 };
    const at = (player) => (player ? `${card(player).runs} (${card(player).balls})` : null);
    let rates = `CRR ${rate(inn.runs, inn.legal_balls, m.balls_per_over)}`;
    if (inn.target) {
      const left = inn.max_balls === null ? null : Math.max(0, inn.max_balls - inn.legal_balls);
      const need = Math.max(0, inn.target - inn.runs);
      rates += ` · Target ${inn.target} · Need ${need} from ${left === null ? "–" : left}` +
        ` · RRR ${left === null ? "–" : rate(need, left, m.balls_per_over)}`;
    }
    return {
      score: `${inn.batting_name} ${inn.runs}/${inn.wickets}`,
      // As the umpires called them (the engine's innings_overs): a 7-ball over is one over.
      overs: `(${inn.overs_done}.${inn.over_balls}${inn.max_overs ? "/" + inn.max_overs : ""} ov)`,
      rates: rates, striker: at(inn.striker), non_striker: at(inn.non_striker),
      bowler: inn.bowler ? figures(m, inn.bowlers[inn.bowler] ||
        { balls: 0, maidens: 0, runs: 0, wickets: 0 }) : null,
      "this-over": inn.this_over.slice(),
    };
  }

  // The bowler the next-bowler select starts on (scoring.views.likely_bowler): who bowled the
  // over before last (spells alternate ends), else the first who may bowl the next over.
  function likelyBowler(m) {
    const inn = m.innings;
    const last = new Set(inn.last_over_bowlers);
    const quota = m.bowler_max_overs;
    const done = (p) => Math.floor(((inn.bowlers[p] || {}).balls || 0) / m.balls_per_over);
    const before = (inn.last_over && inn.last_over.before) || [];
    return before.concat(inn.bowling_xi).find((p) => !last.has(p) &&
      (quota === null || done(p) < quota)) || null;
  }

  window.PadModel = { fold: fold, label: label, isBall: (fields) => ball(fields) !== null,
    texts: texts, likelyBowler: likelyBowler, figures: figures };
})();
