// The match centre, live. The realtime feed (WebSocket, else Server-Sent Events) pushes each new
// version of the page as keyed HTML operations rendered once on the server for every fan
// (realtime/page.py: replace, insert, remove a keyed part, or set its attributes), or the page
// whole when this one is too far behind; a ball costs the browser no request. Without either
// feed, it polls the match's version and reads the centre at a version-addressed, immutable URL
// (a cache in front answers all but one fan). The broadcast overlay (data-mode="fetch") learns
// versions from the feed and reads its own version-addressed fragment. Protocol:
// docs/realtime.md.
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
  const pushed = root.dataset.mode !== "fetch"; // the centre: the feed carries the page itself
  const allCommentary = location.search.includes("commentary=all");
  const stream = pushed ? "page" : "delta";
  // The version on screen: the centre's page says it; the overlay's fragment carries it.
  let shown = Number(root.dataset.seq || root.querySelector("[data-seq]").dataset.seq);

  function centre() { // the fragment's root: the centre's panels, or the overlay's
    return root.querySelector("[data-status]");
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

  // ---- applying a version: keyed operations, or a whole rendering ----

  function keyed(key) {
    return root.querySelector('[data-k="' + CSS.escape(key) + '"]');
  }

  function keyOf(html) { // the key of the element an operation's markup starts with
    const found = html.match(/^<[^>]*?\bdata-k="([^"]+)"/);
    return found ? found[1] : "";
  }

  function firstRow(parent) { // the parent's first keyed part (its nearest keyed descendant)
    for (const el of parent.querySelectorAll("[data-k]")) {
      if (el.parentElement.closest("[data-k]") === parent) return el;
    }
    return null;
  }

  function setTag(el, tag) { // the start tag's attributes, parsed in the element's own context
    const holder = document.createElement("template");
    const name = el.tagName.toLowerCase();
    holder.innerHTML = name === "svg" ? tag + "</svg>" : tag + "</" + name + ">";
    let fresh = holder.content.firstElementChild;
    if (!fresh && name === "tbody") { // a table part parses only inside a table
      holder.innerHTML = "<table>" + tag + "</tbody></table>";
      fresh = holder.content.querySelector("tbody");
    }
    if (!fresh) return false;
    for (const attr of Array.from(el.attributes)) if (!fresh.hasAttribute(attr.name)) el.removeAttribute(attr.name);
    for (const attr of Array.from(fresh.attributes)) el.setAttribute(attr.name, attr.value);
    return true;
  }

  // One operation; false if the page does not hold what it names (then catch up whole).
  function apply(op) {
    const kind = op[0];
    const key = kind === "r" ? keyOf(op[1]) : op[1];
    // The page with every over of commentary keeps its old overs and has no "All" link.
    if (allCommentary && ((kind === "d" && key.startsWith("over-")) || (kind === "i" && op[2].includes('data-k="commentary-more"')))) return true;
    const el = keyed(key);
    if (!el) return false;
    if (kind === "r") el.outerHTML = op[1];
    else if (kind === "d") el.remove();
    else if (kind === "a") return setTag(el, op[2]);
    else if (kind === "i") {
      const moved = keyed(keyOf(op[2]));
      if (moved) moved.remove(); // from elsewhere on the page
      const after = op[3] === null ? null : keyed(op[3]);
      if (op[3] !== null && !after) return false;
      const first = after ? null : firstRow(el);
      if (after) after.insertAdjacentHTML("afterend", op[2]);
      else if (first) first.insertAdjacentHTML("beforebegin", op[2]);
      else el.insertAdjacentHTML("beforeend", op[2]);
    } else return false;
    return true;
  }

  function redraw(change) {
    const chosen = root.querySelector("[role=tab][aria-selected=true]");
    const tabsBefore = root.querySelectorAll("[role=tab]").length;
    const ok = change();
    quiet();
    // A new innings selects itself; otherwise the fan stays on the innings they chose.
    setUpTabs(chosen && root.querySelectorAll("[role=tab]").length === tabsBefore ? chosen.id : null);
    const ball = root.querySelector(".commentary li");
    if (ball && latest) latest.textContent = ball.textContent.replace(/\s+/g, " ").trim();
    return ok;
  }

  // A page message: true if applied (or already on screen), false if a version was missed.
  function page(message) {
    if (message.v <= shown) return true;
    if (message.html !== undefined) {
      redraw(() => { root.innerHTML = message.html; return true; });
      shown = message.v;
      return true;
    }
    if (message.v !== shown + 1) return false;
    if (!redraw(() => message.ops.every(apply))) { // not the page they were built for
      shown = -1; // nothing on screen to build on: the page whole
      return false;
    }
    shown = message.v;
    return true;
  }

  // ---- reading a version by URL: the overlay, and polling without a feed ----

  let fetching = false;
  let wanted = shown;

  function versionUrl(version) { // data-centre ends with "/", data-query is the page's options
    return root.dataset.centre + version + (root.dataset.query ? "?" + root.dataset.query : "");
  }

  async function fetchVersion(version) {
    if (fetching) return true;
    fetching = true;
    try {
      const response = await fetch(versionUrl(version));
      if (!response.ok) return false;
      const seq = Number(response.headers.get("X-Seq"));
      const html = await response.text();
      if (seq > shown) {
        shown = seq;
        redraw(() => { root.innerHTML = html; return true; });
      }
      return true;
    } catch (error) {
      return false;
    } finally {
      fetching = false;
      if (wanted > shown) setTimeout(() => fetchVersion(wanted), 250);
    }
  }

  function announce(version) {
    if (version > wanted) wanted = version;
    if (wanted > shown) fetchVersion(wanted);
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

  // false: a version was missed; the caller asks the feed for what it missed.
  function receive(message) {
    if (message.type === "status") status(message);
    else if (message.type === "page") return page(message);
    else if (message.type === "snapshot" || message.type === "delta") announce(message.v);
    return true;
  }

  function since() {
    return shown >= 0 ? "&since=" + shown : "";
  }

  // A reconnect waits a random time up to a ceiling that doubles (full jitter), so that a
  // restarted server's fans do not all come back in the same second.
  function backoff(failures) {
    return Math.random() * Math.min(30000, 2000 * 2 ** failures);
  }

  // 1. WebSocket, resuming from the version on screen.
  let socketFailures = 0;
  function connectSocket() {
    if (!("WebSocket" in window)) return connectEvents();
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const origin = feed ? feed.replace(/^http/, "ws") : scheme + location.host;
    const socket = new WebSocket(origin + "/ws/matches/" + matchId + "/?stream=" + stream + since());
    let opened = false;
    socket.onopen = () => { opened = true; socketFailures = 0; live("live"); };
    socket.onmessage = (event) => {
      if (!receive(JSON.parse(event.data))) socket.send(JSON.stringify(shown >= 0 ? { type: "resync", since: shown } : { type: "resync" }));
    };
    socket.onclose = (event) => {
      if (event.code === 4404) { setConnection("offline", "match not found"); return; }
      socketFailures += opened ? 0 : 1;
      if (socketFailures >= 3) return connectEvents();
      setConnection("reconnecting", "reconnecting…");
      setTimeout(connectSocket, backoff(socketFailures));
    };
  }

  // 2. Server-Sent Events: the same messages; after a missed version, reopen from the one shown.
  function connectEvents() {
    if (!("EventSource" in window)) return poll();
    const source = new EventSource(feed + "/matches/" + matchId + "/stream?stream=" + stream + since());
    let errors = 0;
    const handle = (event) => {
      errors = 0;
      live("live (stream)");
      if (!receive(JSON.parse(event.data))) { source.close(); connectEvents(); }
    };
    for (const kind of ["snapshot", "delta", "page", "status"]) source.addEventListener(kind, handle);
    source.onerror = () => {
      setConnection("reconnecting", "reconnecting…");
      if (++errors >= 5) { source.close(); poll(); }
    };
  }

  // 3. Polling: the match's version (cacheable for a second or two), then the version's URL.
  async function poll() {
    try {
      const response = await fetch(root.dataset.version);
      if (!response.ok) throw new Error(String(response.status));
      const version = (await response.json()).v;
      announce(version);
      delayed = false; // each poll reads the match itself: never behind the scorers
      live("live (polling)");
    } catch (error) {
      setConnection("offline", "offline");
    }
    setTimeout(poll, 5000);
  }

  window.addEventListener("offline", () => setConnection("offline", "offline"));
  setUpTabs(null);
  connectSocket();
})();
