// The scoring pad's service worker (docs/offline.md). It keeps the pad usable with no signal:
// the pad's assets are cached when it installs, and each pad page is fetched from the network
// first and kept, so that a reload without signal opens the last pad the server sent. The
// balls scored meanwhile live in IndexedDB (static/js/pad_queue.js), not here: this worker
// never sees a POST.
"use strict";
const STATIC = "pad-static-{{ version }}";
const PAGES = "pad-pages"; // pad.js also writes here: the page each answer brought
const ASSETS = {{ assets|safe }};
const PAD = /^\/score\/\d+\/$/;
const PATIENCE_MS = 4000; // a pad page that takes longer than this is served from the cache

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(ASSETS))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys
    .filter((key) => key.startsWith("pad-static-") && key !== STATIC)
    .map((key) => caches.delete(key)))).then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && PAD.test(url.pathname)) {
    event.respondWith(padPage(request, url.origin + url.pathname));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request, { cacheName: STATIC, ignoreSearch: true })
      .then((hit) => hit || fetch(request)));
  }
});

async function padPage(request, key) {
  const cache = await caches.open(PAGES);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), PATIENCE_MS);
  try {
    const response = await fetch(request, { signal: abort.signal });
    // A redirect (to the login page) or an error page is not the pad: keep the last good one.
    if (response.ok && !response.redirected) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(key);
    return kept || new Response(
      "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
      "<title>Offline</title><p style='font:18px system-ui;padding:1rem'>No signal, and this " +
      "pad was not opened on this device before. Open it once with signal to score offline.",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
  } finally {
    clearTimeout(timer);
  }
}
