// Live scoreboard: WebSocket deltas with resume, falling back to Server-Sent Events, then to
// polling with ETag. Protocol: docs/realtime.md.
(function () {
  "use strict";
  const root = document.getElementById("scoreboard");
  if (!root) return;
  const matchId = root.dataset.match;
  let state = JSON.parse(document.getElementById("initial-state").textContent);
  let version = Number(root.dataset.version);
  let tab = null;
  const conn = document.getElementById("conn");

  function setConnection(kind, text, detail) {
    conn.className = "conn conn-" + kind;
    conn.textContent = text;
    conn.title = detail || "";
  }

  // RFC 7386 JSON Merge Patch.
  function applyPatch(target, patch) {
    const result = Object.assign({}, target);
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete result[key];
      else if (typeof value === "object" && !Array.isArray(value) &&
               typeof result[key] === "object" && result[key] !== null && !Array.isArray(result[key]))
        result[key] = applyPatch(result[key], value);
      else result[key] = value;
    }
    return result;
  }

  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
  const field = (name) => root.querySelector('[data-field="' + name + '"]');
  const ordered = (rows) => Object.values(rows || {}).sort((a, b) => a.order - b.order);
  const innings = () => Object.values(state.innings || {}).sort((a, b) => a.number - b.number);

  function render() {
    const all = innings();
    const current = all[all.length - 1];
    field("result").textContent = (state.result && state.result.text) || "";
    field("lines").innerHTML = all.length ? all.map((inn) =>
      '<div class="line' + (inn === current && !inn.closed ? " live" : "") + '"><span class="team">' +
      esc(inn.batting_name) + (inn.super_over ? " (super over)" : "") + '</span><span class="big">' +
      inn.runs + "/" + inn.wickets + '</span><span class="overs">(' + inn.overs +
      (inn.max_overs ? "/" + inn.max_overs : "") + " ov)</span></div>").join("")
      : '<p class="muted">The match has not started.</p>';
    if (!current) return;
    let rates = "CRR " + (current.run_rate ?? "–");
    if (current.target) rates += " · Target " + current.target + " · Need " + current.runs_needed +
      " from " + current.balls_left + " · RRR " + (current.required_rate ?? "–");
    field("rates").textContent = rates;
    const bat = (b, star) => b ? "<div>" + esc(b.name) + star + " " + b.runs + " (" + b.balls + ")</div>" : "";
    const bowler = current.bowler;
    field("crease").innerHTML = bat(current.striker, "*") + bat(current.non_striker, "") +
      (bowler ? '<div class="bowler">' + esc(bowler.name) + " " + bowler.overs + "-" + bowler.maidens +
        "-" + bowler.runs + "-" + bowler.wickets + "</div>" : "");
    const balls = (list) => (list || []).map((b) => '<b class="ball">' + esc(b) + "</b>").join("");
    field("this_over").innerHTML = balls(current.this_over);
    field("recent").innerHTML = balls(current.recent_balls);
    renderTabs(all);
  }

  function renderTabs(all) {
    if (tab === null || tab > all.length) tab = all.length;
    field("tabs").innerHTML = all.map((inn) => '<button type="button" data-tab="' + inn.number +
      '" aria-selected="' + (inn.number === tab) + '">' + esc(inn.batting_name) +
      (inn.super_over ? " SO" : "") + "</button>").join("");
    const inn = all.find((i) => i.number === tab);
    if (!inn) return;
    const batting = ordered(inn.batting_card).map((r) => "<tr><td>" + esc(r.name) + "<br><small>" +
      esc(r.how_out) + "</small></td><td>" + r.runs + "</td><td>" + r.balls + "</td><td>" + r.fours +
      "</td><td>" + r.sixes + "</td><td>" + (r.strike_rate ?? "–") + "</td></tr>").join("");
    const bowling = ordered(inn.bowling_card).map((r) => "<tr><td>" + esc(r.name) + "</td><td>" +
      r.overs + "</td><td>" + r.maidens + "</td><td>" + r.runs + "</td><td>" + r.wickets +
      "</td><td>" + (r.economy ?? "–") + "</td></tr>").join("");
    const e = inn.extras || {};
    field("card").innerHTML =
      "<table><tr><th>Batter</th><th>R</th><th>B</th><th>4s</th><th>6s</th><th>SR</th></tr>" + batting +
      "</table><p>Extras " + inn.extras_total + " (w " + e.wides + ", nb " + e.noballs + ", b " + e.byes +
      ", lb " + e.legbyes + ", pen " + e.penalty + ")</p>" +
      "<table><tr><th>Bowler</th><th>O</th><th>M</th><th>R</th><th>W</th><th>Econ</th></tr>" + bowling + "</table>";
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-tab]");
    if (button) { tab = Number(button.dataset.tab); render(); }
  });

  // The server says its live feed is held up (its Redis is down) or current again; whatever
  // arrives next from the feed or a catch-up snapshot brings the page level again.
  let delayed = false;
  let liveLabel = "live";
  function status(message) {
    delayed = message.delayed;
    if (delayed) setConnection("behind", "updates delayed", message.message);
    else setConnection("live", liveLabel);
  }
  function live(label) {
    liveLabel = label;
    if (!delayed) setConnection("live", label);
  }

  // Returns false when a gap means the client must resync.
  function receive(message) {
    if (message.type === "status") { status(message); return true; }
    if (message.type === "snapshot") {
      state = message.state; version = message.v; render(); return true;
    }
    if (message.type !== "delta") return true;
    if (message.v <= version) return true;  // already have it
    if (message.v !== version + 1) return false;  // a gap: ask for what is missing
    state = applyPatch(state, message.patch); version = message.v; render(); return true;
  }

  // 1. WebSocket, resuming from the last version seen.
  let socketFailures = 0;
  function connectSocket() {
    if (!("WebSocket" in window)) return connectEvents();
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + "/ws/matches/" + matchId + "/?since=" + version);
    let opened = false;
    socket.onopen = () => { opened = true; socketFailures = 0; live("live"); };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (!receive(message)) socket.send(JSON.stringify({type: "resync", since: version}));
    };
    socket.onclose = (event) => {
      if (event.code === 4404) { setConnection("offline", "match not found"); return; }
      socketFailures += opened ? 0 : 1;
      if (socketFailures >= 3) return connectEvents();
      setConnection("reconnecting", "reconnecting…");
      setTimeout(connectSocket, Math.min(30000, 1000 * 2 ** socketFailures) + Math.random() * 500);
    };
  }

  // 2. Server-Sent Events; the browser resumes with Last-Event-ID by itself.
  function connectEvents() {
    if (!("EventSource" in window)) return poll();
    const source = new EventSource("/matches/" + matchId + "/stream?since=" + version);
    let errors = 0;
    const handle = (event) => {
      errors = 0; live("live (stream)");
      if (!receive(JSON.parse(event.data))) { source.close(); connectEvents(); }
    };
    source.addEventListener("snapshot", handle);
    source.addEventListener("delta", handle);
    source.addEventListener("status", handle);
    source.onerror = () => {
      setConnection("reconnecting", "reconnecting…");
      if (++errors >= 5) { source.close(); poll(); }
    };
  }

  // 3. Polling the JSON API with ETag: 304 while nothing changed.
  let etag = null;
  function keyed(payload) {
    const view = Object.assign({}, payload, {innings: {}});
    for (const inn of payload.innings) {
      const copy = Object.assign({}, inn);
      for (const [name, key] of [["batting_card", "player"], ["bowling_card", "player"], ["partnerships", "wicket"]])
        copy[name] = Object.fromEntries(inn[name].map((row, i) => [String(row[key]), Object.assign({order: i}, row)]));
      view.innings[String(inn.number)] = copy;
    }
    return view;
  }
  async function poll() {
    try {
      const response = await fetch("/api/matches/" + matchId, {headers: etag ? {"If-None-Match": etag} : {}});
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        const payload = await response.json();
        receive({type: "snapshot", v: payload.seq, state: keyed(payload)});
      }
      delayed = false;  // each poll reads the database itself: never behind the scorers
      live("live (polling)");
    } catch (error) {
      setConnection("offline", "offline");
    }
    setTimeout(poll, 5000);
  }

  window.addEventListener("offline", () => setConnection("offline", "offline"));
  render();
  connectSocket();
})();
