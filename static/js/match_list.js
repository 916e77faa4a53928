// The match list, current without a reload: one request every 10 s for all its matches (the
// server answers 304 while nothing in the lists changed), swapping in the lists the server
// renders — the same template as the page. The tournament filter applies as it changes.
(function () {
  "use strict";
  const lists = () => document.getElementById("match-lists");
  const filter = document.querySelector("[data-filter]");
  let etag = null;

  function url() {
    const params = new URLSearchParams(location.search);
    params.set("fragment", "1");
    return location.pathname + "?" + params.toString();
  }

  async function refresh() {
    try {
      const response = await fetch(url(), { headers: etag ? { "If-None-Match": etag } : {} });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        lists().replaceWith(page.getElementById("match-lists"));
      }
    } catch (error) { /* offline: try again next round */ }
  }

  if (filter) {
    filter.querySelector("button").hidden = true; // the select applies itself
    filter.addEventListener("change", () => {
      const params = new URLSearchParams(new FormData(filter));
      if (!params.get("tournament")) params.delete("tournament");
      history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : ""));
      etag = null;
      refresh();
    });
  }
  setInterval(refresh, 10000);
})();
