// Live scores on the match list, updated in place by polling each live match with ETag.
(function () {
  "use strict";
  const etags = {};
  async function refresh(row) {
    const id = row.dataset.match;
    try {
      const response = await fetch("/api/matches/" + id, {headers: etags[id] ? {"If-None-Match": etags[id]} : {}});
      if (response.status !== 200) return;
      etags[id] = response.headers.get("ETag");
      const match = await response.json();
      row.querySelector("[data-score]").textContent =
        match.innings.map((inn) => inn.runs + "/" + inn.wickets + " (" + inn.overs + ")").join(" · ");
      row.querySelector("[data-status]").textContent = match.result ? match.result.text : match.status.replace("_", " ");
    } catch (error) { /* offline: try again next round */ }
  }
  function tick() {
    document.querySelectorAll('.match[data-live="1"]').forEach(refresh);
    setTimeout(tick, 10000);
  }
  tick();
})();
