// The match centre, live: the realtime feed (WebSocket, else Server-Sent Events, else polling)
// says when the match has a newer version, and the page fetches the centre's panels again —
// the same server-rendered fragment the page was built from (games.views.match_centre), so
// there is one markup and one catch-up path. Protocol: docs/realtime.md.
(function () {
  "use strict";
  const root = document.getElementById("scoreboard");
  if (!root) return;
  const matchId = root.dataset.match;
  // Where the live feed is served: this page's origin (""), another origin, or ":port" — this
  // page's host on the realtime processes' port.
  const feedSetting = root.dataset.feed || "";
  const feed = feedSetting.startsWith(":") ? location.protocol + "//" + location.hostname + feedSetting : feedSetting;
  const conn = document.getElementById("conn");
  const latest = document.getElementById("latest");
  const QUIET = ["upcoming", "completed", "abandoned", "no_result"];
  const centreUrl = root.dataset.centre + (location.search.includes("commentary=all") ? "?commentary=all" : "");
  let shown = Number(centre().dataset.seq); // the version on screen
  let wanted = shown; // the newest version the feed has announced
  let fetching = false;
  let etag = null;

  function centre() { // the fragment's root: the centre's panels, or the overlay's
    return root.querySelector("[data-seq]");
  }

  function setConnection(kind, text, detail) {
    if (!conn) return; // the overlay shows no connection pill
    conn.className = "conn conn-" + kind;
    conn.textContent = text;
    conn.title = detail || "";
    quiet();
  }

  // A match not begun or finished is not "live": the feed stays open (for the first ball, or
  // a correction), quietly.
  function quiet() {
    if (!conn) return;
    conn.hidden = conn.classList.contains("conn-live") && QUIET.includes(centre().dataset.status);
  }

  // ---- tabs (WAI-ARIA tabs pattern; without script every innings is shown) ----

  function selectTab(tab, focus) {
    const list = tab.closest("[role=tablist]");
    for (const other of list.querySelectorAll("[role=tab]")) {
      const on = other === tab;
      other.setAttribute("aria-selected", String(on));
      other.tabIndex = on ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
  }

  function setUpTabs(chosen) {
    const list = root.querySelector("[role=tablist]");
    if (!list) return;
    list.hidden = false;
    const tabs = Array.from(list.querySelectorAll("[role=tab]"));
    const tab = tabs.find((t) => t.id === chosen) || tabs.find((t) => t.getAttribute("aria-selected") === "true");
    if (tab) selectTab(tab, false);
  }

  root.addEventListener("click", (event) => {
    const tab = event.target.closest("[role=tab]");
    if (tab) selectTab(tab, false);
  });

  root.addEventListener("keydown", (event) => {
    const tab = event.target.closest("[role=tab]");
    if (!tab || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
    const tabs = Array.from(tab.parentElement.querySelectorAll("[role=tab]"));
    const at = tabs.indexOf(tab);
    const next = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: tabs.length - 1 }[event.key];
    event.preventDefault();
    selectTab(tabs[(next + tabs.length) % tabs.length], true);
  });

  // ---- the one catch-up path: the centre's panels for the newest version ----

  function swap(html) {
    const chosen = root.querySelector("[role=tab][aria-selected=true]");
    const tabsBefore = root.querySelectorAll("[role=tab]").length;
    root.innerHTML = html;
    quiet();
    // A new innings selects itself; otherwise the fan stays on the innings they chose.
    setUpTabs(chosen && root.querySelectorAll("[role=tab]").length === tabsBefore ? chosen.id : null);
    const ball = root.querySelector(".commentary li");
    if (ball && latest) latest.textContent = ball.textContent.replace(/\s+/g, " ").trim();
  }

  async function refresh() {
    if (fetching) return;
    fetching = true;
    try {
      const response = await fetch(centreUrl, { headers: etag ? { "If-None-Match": etag } : {} });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        const seq = Number(response.headers.get("X-Seq"));
        const html = await response.text();
        if (seq >= shown) {
          shown = seq;
          swap(html);
        }
      }
      return response.ok || response.status === 304;
    } catch (error) {
      return false;
    } finally {
      fetching = false;
      if (wanted > shown) setTimeout(refresh, 250); // announced meanwhile (or not yet readable)
    }
  }

  function announce(version) {
    if (version > wanted) wanted = version;
    if (wanted > shown) refresh();
  }

  // The server says its live feed is held up (its Redis is down) or current again.
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

  function receive(message) {
    if (message.type === "status") status(message);
    else if (message.type === "snapshot" || message.type === "delta") announce(message.v);
  }

  // 1. WebSocket, resuming from the version on screen.
  let socketFailures = 0;
  function connectSocket() {
    if (!("WebSocket" in window)) return connectEvents();
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const origin = feed ? feed.replace(/^http/, "ws") : scheme + location.host;
    const socket = new WebSocket(origin + "/ws/matches/" + matchId + "/?since=" + shown);
    let opened = false;
    socket.onopen = () => { opened = true; socketFailures = 0; live("live"); };
    socket.onmessage = (event) => receive(JSON.parse(event.data));
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
    const source = new EventSource(feed + "/matches/" + matchId + "/stream?since=" + shown);
    let errors = 0;
    const handle = (event) => { errors = 0; live("live (stream)"); receive(JSON.parse(event.data)); };
    source.addEventListener("snapshot", handle);
    source.addEventListener("delta", handle);
    source.addEventListener("status", handle);
    source.onerror = () => {
      setConnection("reconnecting", "reconnecting…");
      if (++errors >= 5) { source.close(); poll(); }
    };
  }

  // 3. Polling the centre itself with its ETag: 304 while nothing changed.
  async function poll() {
    if (await refresh()) {
      delayed = false; // each poll reads the database itself: never behind the scorers
      live("live (polling)");
    } else {
      setConnection("offline", "offline");
    }
    setTimeout(poll, 5000);
  }

  window.addEventListener("offline", () => setConnection("offline", "offline"));
  setUpTabs(null);
  connectSocket();
})();
