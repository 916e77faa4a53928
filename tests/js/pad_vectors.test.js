// The pad's model (static/js/pad_model.js) against the engine, with no browser: each vector
// (tests/games/pad_vectors.py) is a snapshot the server sent and the taps that followed, with
// what the server showed after each tap. The model folds the taps over the snapshot; wherever
// it does not say "approximate", what it shows must be what the server shows.
//   VECTORS=<file.json> PAD_MODEL=static/js/pad_model.js node --test tests/js/pad_vectors.test.js
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const vm = require("node:vm");

function loadModel(path) {
  const context = { window: {} };
  vm.createContext(context);
  vm.runInContext(fs.readFileSync(path, "utf8"), context, { filename: path });
  return context.window.PadModel;
}

// The fields the pad draws from the model, as the server's snapshot has them.
const INNINGS = ["runs", "wickets", "legal_balls", "over_balls", "overs_done", "striker",
  "non_striker", "bowler", "batters", "bowlers", "this_over", "target"];

function shown(model, m) {
  const inn = m.innings;
  return {
    needs: m.needs, free_hit: Boolean(m.free_hit), seq: m.seq,
    innings: inn && !inn.closed ? Object.fromEntries(INNINGS.map((k) => [k, inn[k] ?? null])) : null,
    texts: inn && !inn.closed ? model.texts(m) : null,
    likely_bowler: inn && !inn.closed && m.needs === "next_bowler" ? model.likelyBowler(m) : null,
  };
}

function expected(view) {
  const inn = view.snapshot.innings;
  return {
    needs: view.snapshot.needs, free_hit: view.snapshot.free_hit, seq: view.snapshot.seq,
    innings: inn ? Object.fromEntries(INNINGS.map((k) => [k, inn[k] ?? null])) : null,
    texts: view.texts, likely_bowler: view.likely_bowler,
  };
}

test("the pad's model shows what the server shows", () => {
  const model = loadModel(process.env.PAD_MODEL);
  const vectors = JSON.parse(fs.readFileSync(process.env.VECTORS, "utf8"));
  const disagreements = [];
  let compared = 0;
  for (const v of vectors) {
    const queue = [];
    v.taps.forEach((fields, i) => {
      queue.push({ fields });
      const m = model.fold(v.snapshot, queue);
      if (m.approx) return;
      compared += 1;
      const got = JSON.parse(JSON.stringify(shown(model, m)));
      const want = expected(v.views[i]);
      try {
        assert.deepStrictEqual(got, want);
      } catch (error) {
        disagreements.push({ seed: v.seed, tap: i, fields, got, want });
      }
    });
  }
  fs.writeFileSync(process.env.VECTORS + ".report.json",
    JSON.stringify({ compared, disagreements: disagreements.length, first: disagreements.slice(0, 40) }));
  assert.strictEqual(disagreements.length, 0,
    `${disagreements.length} of ${compared} disagree; first: ${JSON.stringify(disagreements[0])}`);
});
