// Progressive enhancement for the scoring pad: keyboard shortcuts, and form posts sent with
// fetch so the pad updates without a full-page reload. Every form still works without this.
(function () {
  "use strict";
  const main = document.querySelector("main");
  let busy = false;

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

  function swap(html) {
    const page = new DOMParser().parseFromString(html, "text/html");
    const fresh = page.querySelector("main");
    if (fresh) main.innerHTML = fresh.innerHTML;
    document.title = page.title;
  }

  document.addEventListener("submit", async function (event) {
    const form = event.target;
    if (!form.closest("#pad-root") || form.getAttribute("method").toLowerCase() !== "post") return;
    event.preventDefault();
    if (busy) return; // a double tap sends one request (the idempotency key covers the rest)
    busy = true;
    const body = new FormData(form, event.submitter);
    form.querySelectorAll("button").forEach((b) => (b.disabled = true));
    try {
      // getAttribute: the buttons are named "action", which shadows form.action.
      const response = await fetch(form.getAttribute("action") || location.href, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-Pad-Fetch": "1" }, // answer with the new pad, not a redirect
      });
      if (!response.url.includes("/score/")) { // signed out: follow to the login page
        location.href = response.url;
        return;
      }
      swap(await response.text());
    } catch (error) {
      // Not sent or no answer: the same form (same idempotency key) can be sent again safely.
      form.querySelectorAll("button").forEach((b) => (b.disabled = false));
      say("Not sent: no connection. Tap again; the ball will be recorded once.");
    } finally {
      busy = false;
    }
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
    const first = panel.querySelector("select, input:not([type=hidden])");
    if (first) first.focus();
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, select, textarea")) return;
    const key = CSS.escape(event.key);
    const target = document.querySelector(`#pad-root [data-key="${key}"]`);
    if (target && !target.disabled) {
      event.preventDefault();
      target.click();
    }
  });
})();
