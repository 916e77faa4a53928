// The pad's queue of entries not yet recorded (docs/offline.md). Every form the scorer sends
// goes here first, in IndexedDB, so it survives a dead connection, a reload and a restarted
// phone; `send` then posts the queue to the pad one entry at a time, in order, each with its
// idempotency key and the seq it follows, and stops at the first answer that is not "recorded":
// no signal (try again later), someone else scored first (the scorer chooses), or refused.
// Only one tab of a pad sends at a time (a Web Lock); the keys make a second send harmless.
(function () {
  "use strict";
  const DB = "scorekeeper-pad";
  const STORE = "queue";
  let opened = null;

  function database() {
    if (!opened) {
      opened = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB, 1);
        request.onupgradeneeded = () => {
          request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true })
            .createIndex("match", "match");
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return opened;
  }

  async function run(mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  // The match's waiting entries, oldest first.
  function items(match) {
    return run("readonly", (store) => store.index("match").getAll(match))
      .then((all) => all.sort((a, b) => a.id - b.id));
  }

  function add(item) {
    return run("readwrite", (store) => store.add(item));
  }

  function remove(id) {
    return run("readwrite", (store) => store.delete(id));
  }

  async function clear(match) {
    for (const item of await items(match)) await remove(item.id);
  }

  // The oldest entry now follows `seq`: after one of ours was recorded, or when the scorer
  // chose to add theirs after someone else's. A key the server may have seen for a different
  // state ("undo-<seq>") is renewed.
  async function rebase(match, seq) {
    const [head] = await items(match);
    if (!head) return;
    head.expected = seq;
    if (head.key.startsWith("undo-")) head.key = `undo-${seq}-${newKey()}`;
    await run("readwrite", (store) => store.put(head));
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Array.from(crypto.getRandomValues(new Uint8Array(16)),
      (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  // Post the queue in order. `onRecorded(answer)` gets what the server answered each recorded
  // entry with: {seq, key, snapshot} to draw while the pad keeps its shape, else the whole pad's
  // HTML. Answers {done} | {offline} | {signedOut} | {stale, html} | {refused, html}.
  function send(match, url, csrfToken, onRecorded) {
    const work = async () => {
      let next = null; // once one of ours is recorded, the next follows the server's seq
      for (;;) {
        const [item] = await items(match);
        if (!item) return { done: true };
        const body = new URLSearchParams(); // urlencoded: cheaper to send and to parse than multipart
        for (const [name, value] of Object.entries(item.fields)) body.append(name, value);
        body.set("expected_seq", String(next === null ? item.expected : next));
        body.set("idempotency_key", item.key);
        body.set("csrfmiddlewaretoken", csrfToken());
        let response;
        try {
          response = await fetch(url, { method: "POST", body: body, credentials: "same-origin",
            headers: { "X-Pad-Fetch": "snapshot" } });
        } catch (error) {
          return { offline: true };
        }
        const outcome = response.headers.get("X-Pad-Outcome");
        if (!outcome) { // the login page, or the server could not answer: keep it, try later
          return new URL(response.url).pathname === new URL(url, location.href).pathname
            ? { offline: true } : { signedOut: true };
        }
        const json = (response.headers.get("Content-Type") || "").startsWith("application/json");
        const answer = json ? await response.json() : await response.text();
        if (outcome === "stale") return { stale: true, html: answer };
        await remove(item.id);
        if (outcome === "refused") return { refused: true, html: answer };
        next = Number(response.headers.get("X-Pad-Seq"));
        await rebase(match, next); // kept for a later send (after a reload)
        await onRecorded(answer);
      }
    };
    if (!navigator.locks) return work();
    return navigator.locks.request(`pad-send-${match}`, work);
  }

  window.PadQueue = { items: items, add: add, clear: clear, rebase: rebase, send: send,
    newKey: newKey };
})();
