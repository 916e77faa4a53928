"""pad.js draws the server's answer to each recorded entry (a snapshot) into the page it has,
instead of loading a new page (issue 15). The pad it draws must be the pad the server renders for
the same state: after every entry of an over with extras, a wicket with the new batter, the
next bowler, a retirement, a change of bowler and an undo, the drawn page and a fresh
server-rendered page (scripts stripped) show the same figures, panels and choices."""

import re

import pytest

from games.models import Match
from tests.browser import ARTIFACTS, launch_chromium
from tests.games.factories import make_match, make_user
from tests.servers import child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# What a scorer sees of the pad and could send: every bound figure, which panels show, every
# select's options (and which is chosen) outside hidden panels, and the seq every form carries.
READ_PAD = """() => {
  const root = document.getElementById("pad-root");
  const shown = (el) => !el.closest("[hidden]");
  const text = (el) => {  // what shows: hidden parts left out
    const parts = [];
    const walk = (node) => {
      if (node.nodeType === 3) parts.push(node.data);
      else if (node.nodeType === 1 && !node.hidden) node.childNodes.forEach(walk);
    };
    walk(el);
    return parts.join("").replace(/\\s+/g, " ").trim();
  };
  const out = {seq: root.dataset.seq, bound: {}, panels: [], selects: [], seqs: []};
  for (const el of root.querySelectorAll("[data-bind]")) {
    if (shown(el) && !el.dataset.bind.startsWith("queue")) out.bound[el.dataset.bind] = text(el);
  }
  for (const el of root.querySelectorAll("[data-needs]")) {
    const title = el.querySelector("h2, h3, button");
    if (shown(el)) out.panels.push(el.dataset.needs + ":" + text(title));
  }
  for (const select of root.querySelectorAll("select")) {
    if (!shown(select)) continue;
    out.selects.push([select.name, Array.from(select.options, (o) => [o.value, o.text]),
                      select.value]);
  }
  for (const input of root.querySelectorAll("input[name=expected_seq]")) out.seqs.push(input.value);
  return out;
}"""
SCRIPT = re.compile(r"<script\b[^>]*>(?!\s*\{)[\s\S]*?</script>", re.I)  # keeps the JSON one


def test_the_pad_drawn_from_each_answer_is_the_pad_the_server_renders(monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    from devtools.embedded import _free_port

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the test reads the DB meanwhile
    scorer = make_user("drawn-pad")
    match = make_match(scorer=scorer, overs=20)
    names = match.engine_config().names
    a, b = match.a_ids, match.b_ids
    port = _free_port()
    server = start_server(port, child_env())
    answers = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            context = browser.new_context(viewport={"width": 360, "height": 800},
                                          service_workers="block")
            page = context.new_page()
            page.on("response", lambda r: r.request.method == "POST" and answers.append(
                r.headers.get("content-type", "").split(";")[0]))
            url = f"http://127.0.0.1:{port}/score/{match.pk}/"
            page.goto(url)
            page.fill('input[name="username"]', scorer.username)
            page.fill('input[name="password"]', f"pw-{scorer.username}")
            page.click('button[type="submit"]')
            rendered = browser.new_page()  # the server's pad for the same state, no scripts

            def same_as_server(seq: int) -> None:
                expect(page.locator("#pad-root")).to_have_attribute("data-seq", str(seq))
                expect(page.locator("#pad-queue")).to_be_hidden()
                assert Match.objects.get(pk=match.pk).seq == seq
                html = context.request.get(url).text()
                rendered.set_content(SCRIPT.sub("", html))
                drawn, served = page.evaluate(READ_PAD), rendered.evaluate(READ_PAD)
                for part in ("bound", "panels", "seqs"):
                    assert drawn[part] == served[part], (seq, part)
                assert len(drawn["selects"]) == len(served["selects"]), seq
                for mine, theirs in zip(drawn["selects"], served["selects"], strict=True):
                    assert mine == theirs, (seq, mine[0])

            def more(action: str) -> None:
                page.locator("#more summary").click()
                page.click(f'#more button[value="{action}"]')

            page.click('button[value="start_innings"]')
            same_as_server(1)
            for seq, key in enumerate(["1", "w", "4", "0", "0"], start=2):
                page.click(f'button[data-key="{key}"]')
                same_as_server(seq)
            page.click('a[data-open="wicket"]')  # caught, the new batter in the same form
            wicket = page.locator("#wicket form")
            wicket.locator('select[name="how"]').select_option("caught")
            wicket.locator('select[name="fielder"]').select_option(b[3])
            wicket.locator('select[name="new_batter"]').select_option(a[2])
            wicket.locator('button[value="wicket"]').click()
            same_as_server(8)
            page.locator("#extras summary").click()  # a no-ball hit for two: a free hit
            extras = page.locator("#extras form")
            extras.locator('select[name="extra"]').select_option("noball")
            extras.locator('input[name="runs"]').fill("2")
            extras.locator('button[value="extras"]').click()
            same_as_server(9)
            expect(page.locator('[data-bind="rates"]')).to_contain_text("FREE HIT")
            page.click('button[data-key="6"]')  # the over's sixth legal ball
            same_as_server(10)
            expect(page.get_by_role("heading", name="End of over 1")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "pad-drawn-over-end-360.png"), full_page=True)
            page.get_by_label("Next bowler").select_option(b[1])
            page.click('button[value="next_bowler"]')
            same_as_server(11)
            page.click('button[data-key="2"]')
            same_as_server(12)
            more("swap_strike")
            same_as_server(13)
            striker = Match.objects.get(pk=match.pk).state["innings"][0]["striker"]
            page.locator("#more summary").click()  # the striker retires hurt
            retire = page.locator('form:has(button[value="retire"])')
            expect(retire.locator('select[name="player"] option').first).to_have_text(
                f"{names[striker]} (striker)")
            retire.locator('select[name="how"]').select_option("retired_hurt")
            retire.locator('button[value="retire"]').click()
            same_as_server(14)
            page.get_by_label("Who comes in").select_option(a[3])
            page.click('button[value="new_batter"]')
            same_as_server(15)
            page.locator("#more summary").click()  # injured mid-over: another finishes it
            change = page.locator('form:has(button[value="change_bowler"])')
            change.locator('select[name="player"]').select_option(b[2])
            change.locator('button[value="change_bowler"]').click()
            same_as_server(16)
            page.click('button[data-key="4"]')
            same_as_server(17)
            page.click('button[value="undo"]')
            same_as_server(18)
            for seq in range(19, 24):  # the rest of the over
                page.click('button[data-key="0"]')
                same_as_server(seq)
            # The next bowler starts on who bowled from this end (the over before last).
            expect(page.get_by_label("Next bowler").locator("option:checked")).to_have_text(
                names[b[0]])
            page.screenshot(path=str(ARTIFACTS / "pad-drawn-360.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
            page.screenshot(path=str(ARTIFACTS / "pad-drawn-1280.png"), full_page=True)
            browser.close()
    finally:
        stop_server(server)
    # Most answers were drawn, not loaded: the whole pad only where it changed shape (the
    # innings started on a page without its panels).
    assert answers.count("application/json") >= 12, answers
    inn = Match.objects.get(pk=match.pk).state["innings"][0]
    assert (inn["runs"], inn["wickets"], inn["legal_balls"]) == (1 + 1 + 4 + 3 + 6 + 2, 1, 12)
