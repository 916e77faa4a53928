// Progressive enhancement for the scoring pad: keyboard shortcuts, form posts without a page
// reload, and scoring without signal (docs/offline.md). Every form still works without this.
//
// Each form the scorer sends is queued on the device first (pad_queue.js) and the queue is
// sent in order; while entries wait, the pad shows the server's last state with them folded in
// (pad_model.js) in the same markup the server renders, and says how many wait. With signal the
// queue empties at once and the pad is the server's answer, as before.
(function () {
  "use strict";
  const main = document.querySelector("main");
  const first = document.getElementById("pad-root");
  if (!first) return;
  const match = Number(first.dataset.match);
  const PAGES = "pad-pages"; // the service worker's cache of pad pages (templates/games/pad_sw.js)
  const RETRY_MS = 5000;
  let busy = false; // a double tap queues one entry
  let sending = false;
  let offline = !navigator.onLine;
  let stopped = null; // {kind: "stale" | "refused" | "signedOut", mine}: waiting for the scorer

  function bind(name) {
    return document.querySelector(`#pad-root [data-bind="${name}"]`);
  }

  function snapshot() {
    return JSON.parse(document.getElementById("pad-snapshot").textContent);
  }

  function csrf() {
    const input = document.querySelector("#pad-root [name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(text) {
    let note = document.getElementById("pad-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "pad-note";
      note.className = "error";
      note.setAttribute("role", "alert");
      main.prepend(note);
    }
    note.textContent = text;
  }

  // The page as the server last sent it, kept for a reload without signal.
  function keep(html) {
    if (!window.caches) return;
    caches.open(PAGES).then((cache) => cache.put(location.origin + location.pathname,
      new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } })))
      .catch(() => {});
  }

  function swap(html) {
    const page = new DOMParser().parseFromString(html, "text/html");
    const fresh = page.querySelector("main");
    if (fresh) main.innerHTML = fresh.innerHTML;
    document.title = page.title;
  }

  // ---- the model drawn into the server's markup ----

  function plural(n, word, many) {
    return `${n} ${n === 1 ? word : many || word + "s"}`;
  }

  function chips(target, symbols, marked) {
    target.replaceChildren(...symbols.map((symbol) => {
      const chip = document.createElement("b");
      chip.className = marked && symbol.includes("W") ? "ball ball-w" : "ball";
      chip.textContent = symbol;
      return chip;
    }));
    if (!symbols.length) {
      const none = document.createElement("span");
      none.className = "muted";
      none.textContent = "—";
      target.append(none);
    }
  }

  function fill(select, entries, chosen) {
    const blank = select.dataset.blank === undefined ? [] : [["", select.dataset.blank]];
    const all = blank.concat(entries);
    // A form the scorer is filling in keeps their choice while it is still a choice.
    if (select.form && select.form.dataset.editing && all.some(([value]) => value === select.value)) {
      chosen = select.value;
    }
    // Chosen by default too: a form reset, and the page kept for a reload, start on it.
    select.replaceChildren(...all.map(([value, text]) =>
      new Option(text, value, value === chosen, value === chosen)));
  }

  function crease(m, slot, player, text) {
    const row = bind(slot);
    row.hidden = !player;
    if (!player) return;
    row.querySelector("th").textContent = m.names[player] + (slot === "striker" ? "*" : "");
    row.querySelector("td").textContent = text;
  }

  function drawScore(m) {
    const inn = m.innings;
    bind("live").hidden = !inn;
    const notStarted = bind("not-started");
    if (notStarted) notStarted.hidden = Boolean(inn);
    if (!inn) return;
    const shown = PadModel.texts(m);
    bind("score").textContent = shown.score;
    bind("overs").textContent = shown.overs;
    const rates = bind("rates");
    rates.textContent = shown.rates;
    if (m.free_hit) {
      const bold = document.createElement("b");
      bold.textContent = "FREE HIT";
      rates.append(" · ", bold);
    }
    crease(m, "striker", inn.striker, shown.striker);
    crease(m, "non_striker", inn.non_striker, shown.non_striker);
    crease(m, "bowler", inn.bowler, shown.bowler);
    chips(bind("this-over"), shown["this-over"], false);
  }

  function drawChoices(m) {
    const inn = m.innings;
    const named = (players, suffix) => players.map((p) => [p, m.names[p] + (suffix ? suffix(p) : "")]);
    for (const select of document.querySelectorAll("#pad-root select[data-options]")) {
      const kind = select.dataset.options;
      if (kind === "waiting" && inn) {
        const waiting = inn.batting_xi.filter((p) => p !== inn.striker && p !== inn.non_striker &&
          (!inn.batters[p] || inn.retired.includes(p)));
        fill(select, named(waiting));
      } else if (kind === "at_crease" && inn) {
        fill(select, named([inn.striker, inn.non_striker].filter(Boolean),
          (p) => (p === inn.striker ? " (striker)" : "")));
      } else if (kind === "bowlers" && inn) {
        const last = new Set(inn.last_over_bowlers);
        fill(select, named(inn.bowling_xi, (p) => (last.has(p) ? " (bowled the last over)" : "")),
          select.dataset.pick === "none" ? undefined : PadModel.likelyBowler(m) || undefined);
      } else if (kind === "next_batters" && m.next) {
        fill(select, named(m.next.batting_xi), m.next.batting_xi[Number(select.dataset.pick || 1) - 1]);
      } else if (kind === "next_bowlers" && m.next) {
        fill(select, named(m.next.bowling_xi));
      }
    }
  }

  function drawOverSummary(m) {
    const inn = m.innings;
    const last = inn && inn.last_over;
    if (m.needs !== "next_bowler" || !last) return; // the server's summary stands
    bind("over-heading").textContent = `End of over ${last.number}`;
    chips(bind("over-balls"), last.balls, true);
    const wickets = last.balls.filter((symbol) => symbol.includes("W")).length;
    const runs = document.createElement("b");
    runs.textContent = plural(last.runs, "run");
    bind("over-total").replaceChildren(runs, `${wickets ? ", " + plural(wickets, "wicket") : ""}` +
      `${last.maiden ? " · maiden" : ""} · ${inn.batting_name} ${inn.runs}/${inn.wickets}`);
    const card = inn.bowlers[last.bowler];
    bind("over-bowler").textContent = card ? `${m.names[last.bowler]} ${PadModel.figures(m, card)}` : "";
    bind("over-summary").hidden = false;
  }

  function draw(m) {
    drawScore(m);
    for (const panel of document.querySelectorAll("#pad-root [data-needs]")) {
      panel.hidden = panel.dataset.needs !== m.needs;
    }
    drawChoices(m);
    drawOverSummary(m);
  }

  function scoreText(m) {
    const inn = m.innings;
    return inn ? `${inn.batting_name} ${inn.runs}/${inn.wickets} (${inn.overs_done}.${inn.over_balls} ov)`
      : "";
  }

  // The server's answer to a recorded entry while the pad keeps its shape: the new state drawn
  // into this page's markup, the forms given the new seq and key. A page that shows more than
  // the pad (an error, a warning, a message) or lacks the panel now needed is fetched whole.
  async function show(answer) {
    const root = document.getElementById("pad-root");
    const fits = root.querySelector(`[data-needs="${answer.snapshot.needs}"]`) &&
      root.querySelector("form.undo") && !root.querySelector(".error, .warning, .notice");
    if (!fits) {
      await refresh();
      return;
    }
    document.getElementById("pad-snapshot").textContent = JSON.stringify(answer.snapshot);
    root.dataset.seq = answer.seq;
    for (const form of root.querySelectorAll("form")) {
      if (!form.dataset.editing) form.reset(); // as a fresh page has them
    }
    for (const input of root.querySelectorAll("input[name=expected_seq]")) input.value = answer.seq;
    for (const input of root.querySelectorAll("input[name=idempotency_key]")) {
      input.value = input.closest("form.undo") ? `undo-${answer.seq}` : answer.key;
    }
    draw(PadModel.fold(answer.snapshot, []));
    keep("<!doctype html>\n" + document.documentElement.outerHTML);
  }

  // ---- the queue: what waits, and what the scorer must decide ----

  async function render() {
    const queue = await PadQueue.items(match);
    const box = document.getElementById("pad-queue");
    if (!box) return;
    if (!queue.length) {
      stopped = null;
      box.hidden = true;
      return;
    }
    const snap = snapshot();
    const model = PadModel.fold(snap, queue);
    model.server = snap;
    if (!stopped) draw(model);
    const balls = queue.filter((item) => PadModel.isBall(item.fields)).length;
    const others = queue.length - balls;
    const count = plural(balls, "ball") + (others ? ` and ${plural(others, "other entry", "other entries")}` : "");
    let text;
    let help = "";
    if (stopped && stopped.kind === "stale") {
      text = "Someone else scored this match while yours waited.";
      help = `Theirs, recorded (shown below): ${scoreText(model.server)}. Yours, not sent: ` +
        `${count}${stopped.mine ? `, which would make it ${stopped.mine}` : ""}.`;
    } else if (stopped && stopped.kind === "refused") {
      text = `That entry was refused and not recorded (see below).`;
      help = `${count} entered after it ${queue.length === 1 ? "is" : "are"} still waiting.`;
    } else if (stopped && stopped.kind === "signedOut") {
      text = `Signed out: ${count} waiting to send.`;
      help = "Sign in again (in another tab) to send them; they are kept on this device.";
    } else if (offline) {
      text = `Offline — ${count} waiting to send.`;
      help = "Keep scoring: they are kept on this device and sent in order when the signal returns.";
    } else {
      text = `Sending ${count}…`;
    }
    if (model.approx && !stopped) help += " Until they are sent the score shown is approximate.";
    bind("queue-text").textContent = text;
    bind("queue-help").textContent = help;
    chips(bind("queue-balls"), queue.map((item) => PadModel.label(item.fields, snap.names)), false);
    bind("queue-balls").querySelectorAll(".ball").forEach((chip) => chip.classList.add("pending"));
    const choice = bind("queue-choice");
    choice.hidden = !stopped || stopped.kind === "signedOut";
    const [append, discard] = choice.querySelectorAll("button");
    append.textContent = stopped && stopped.kind === "refused" ? "Send the rest" : "Add mine after theirs";
    discard.textContent = stopped && stopped.kind === "refused" ? "Discard the rest" : "Discard mine";
    box.classList.toggle("queue-offline", offline || Boolean(stopped));
    box.hidden = false;
  }

  async function refresh() {
    try {
      const response = await fetch(location.pathname, { credentials: "same-origin" });
      if (response.ok && !response.redirected) {
        const html = await response.text();
        keep(html);
        swap(html);
      }
    } catch (error) {
      offline = true;
    }
  }

  async function flush() {
    if (sending || stopped) return;
    sending = true;
    try {
      const before = snapshot();
      const waiting = (await PadQueue.items(match)).length;
      let recorded = 0;
      const result = await PadQueue.send(match, location.pathname, csrf, async (answer) => {
        offline = false;
        recorded += 1;
        if (typeof answer === "string") {
          keep(answer);
          swap(answer);
        } else {
          await show(answer);
        }
        render();
      });
      if (result.done && waiting && !recorded) {
        await refresh(); // another tab of this pad sent them: this page is behind
      } else if (result.offline) {
        offline = true;
      } else if (result.signedOut) {
        stopped = { kind: "signedOut" };
      } else if (result.stale) {
        offline = false;
        stopped = { kind: "stale", mine: scoreText(PadModel.fold(before, await PadQueue.items(match))) };
        keep(result.html);
        swap(result.html);
      } else if (result.refused) {
        offline = false;
        swap(result.html);
        if ((await PadQueue.items(match)).length) stopped = { kind: "refused" };
      } else {
        offline = false;
      }
    } finally {
      sending = false;
    }
    await render();
    // An entry queued while this send was finishing waits for no one.
    if (!stopped && !offline && (await PadQueue.items(match)).length) flush();
  }

  document.addEventListener("click", async function (event) {
    const button = event.target.closest("#pad-root [data-queue]");
    if (!button || !stopped) return;
    if (button.dataset.queue === "append") {
      await PadQueue.rebase(match, snapshot().seq); // after theirs: the seq the pad now shows
    } else {
      await PadQueue.clear(match);
    }
    stopped = null;
    await render();
    flush();
  });

  // Forms the scorer has started filling in (kept as they are when an answer is drawn).
  document.addEventListener("input", function (event) {
    const form = event.target.closest("#pad-root form");
    if (form) form.dataset.editing = "1";
  });

  document.addEventListener("submit", async function (event) {
    const form = event.target;
    if (!form.closest("#pad-root") || (form.getAttribute("method") || "").toLowerCase() !== "post") {
      return;
    }
    event.preventDefault();
    delete form.dataset.editing;
    if (busy) return;
    if (stopped && stopped.kind !== "signedOut") {
      say("First choose what becomes of your waiting entries (above).");
      return;
    }
    busy = true;
    try {
      const data = new FormData(form, event.submitter);
      const fields = {};
      for (const [name, value] of data) {
        if (!["csrfmiddlewaretoken", "expected_seq", "idempotency_key"].includes(name)) {
          fields[name] = value;
        }
      }
      const queue = await PadQueue.items(match);
      // The form's own key and seq are right only for the state the server rendered it in:
      // not while a send is under way (its answer may not be on the page yet).
      const fresh = !queue.length && !sending;
      await PadQueue.add({
        match: match, fields: fields, at: Date.now(),
        expected: fresh ? Number(data.get("expected_seq")) : PadModel.fold(snapshot(), queue).seq,
        key: fresh ? data.get("idempotency_key") : PadQueue.newKey(),
      });
      const panel = form.closest("details");
      if (panel) panel.open = false;
      document.getElementById("pad-note")?.remove();
    } catch (error) {
      say("This browser cannot keep entries on the device; reload the page and try again.");
      return;
    } finally {
      busy = false;
    }
    await render();
    flush();
  });

  // The pad's W opens the wicket form and puts the scorer on its first choice.
  document.addEventListener("click", function (event) {
    const opener = event.target.closest("#pad-root [data-open]");
    if (!opener) return;
    const panel = document.getElementById(opener.dataset.open);
    if (!panel) return;
    event.preventDefault();
    panel.open = true;
    panel.scrollIntoView({ block: "start" });
    const firstField = panel.querySelector("select, input:not([type=hidden])");
    if (firstField) firstField.focus();
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, select, textarea")) return;
    const key = CSS.escape(event.key);
    const target = document.querySelector(`#pad-root [data-key="${key}"]`);
    if (target && !target.disabled && !target.closest("[hidden]")) {
      event.preventDefault();
      target.click();
    }
  });

  window.addEventListener("online", () => { offline = false; flush(); });
  window.addEventListener("offline", () => { offline = true; render(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") render().then(flush);
  });
  setInterval(() => { if (offline && !stopped) flush(); }, RETRY_MS);

  keep("<!doctype html>\n" + document.documentElement.outerHTML);
  if ("serviceWorker" in navigator && first.dataset.sw) {
    const worker = new URL(first.dataset.sw, location.href);
    navigator.serviceWorker.register(worker, { scope: new URL(".", worker).pathname })
      .catch(() => {});
  }
  render().then(flush);
})();
