"""A real browser (Playwright driving Debian's Chromium, headless) scores an over on the pad:
logs in, starts the innings, taps balls (buttons and keyboard shortcuts), records a wide and a
wicket with the new batter, chooses the next bowler, undoes a ball and checks the scorecard.
Screenshots of the pad at 360 px and 1280 px go to test-artifacts/."""

import pytest

from tests.browser import ARTIFACTS, launch_chromium
from tests.games.factories import make_match, make_user
from tests.servers import child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_scorer_scores_an_over_in_a_real_browser():
    from playwright.sync_api import expect, sync_playwright

    from devtools.embedded import _free_port

    scorer = make_user("pad-scorer")
    match = make_match(scorer=scorer)
    names = match.engine_config().names
    a, b = [names[p] for p in match.a_ids], [names[p] for p in match.b_ids]
    env = child_env()
    port = _free_port()
    server = start_server(port, env)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 360, "height": 800})
            page.goto(f"http://127.0.0.1:{port}/score/{match.pk}/")
            page.fill('input[name="username"]', "pad-scorer")  # sent to log in first
            page.fill('input[name="password"]', "pw-pad-scorer")
            page.click('button[type="submit"]')
            expect(page.get_by_role("button", name="Start innings")).to_be_visible()
            pad = page.locator("#pad-root")
            score = page.locator(".now .big")

            def at(seq: int) -> None:
                expect(pad).to_have_attribute("data-seq", str(seq), timeout=10_000)

            page.click('button[value="start_innings"]')  # A1, A2 open; B1 bowls (defaults)
            at(1)
            page.click('button[data-key="1"]')
            at(2)
            page.click('button[data-key="w"]')  # a wide
            at(3)
            page.keyboard.press("4")  # keyboard shortcut
            at(4)
            expect(score).to_contain_text("6/0")
            page.keyboard.press("0")
            at(5)
            page.click('button[data-key="0"]')
            at(6)
            page.locator("summary", has_text="Wicket").click()
            wicket = page.locator('form:has(button[value="wicket"])')
            wicket.locator('select[name="how"]').select_option("caught")
            wicket.locator('select[name="fielder"]').select_option(label=b[4])
            wicket.locator('select[name="new_batter"]').select_option(label=a[2])
            wicket.locator('button[value="wicket"]').click()
            at(8)  # the wicket and the new batter: two entries from one form
            page.click('button[data-key="0"]')
            at(9)
            # Marked, not blocked: the umpires may allow it (recorded with a warning).
            expect(page.get_by_label("Next bowler").locator(
                "option", has_text="bowled the last over")).to_have_text(
                f"{b[0]} (bowled the last over)")
            page.get_by_label("Next bowler").select_option(label=b[1])
            page.click('button[value="next_bowler"]')
            at(10)
            page.click('button[data-key="2"]')
            at(11)
            page.screenshot(path=str(ARTIFACTS / "scoring-pad-360.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
            page.screenshot(path=str(ARTIFACTS / "scoring-pad-1280.png"), full_page=True)
            page.click('button[value="undo"]')  # takes back the 2
            at(12)
            expect(page.locator(".now .big")).to_contain_text("6/1")

            page.click("text=Scorecard")
            card = page.locator("#innings-1")
            expect(card).to_contain_text("6/1 (1.0 ov)")
            opener = card.locator("tbody tr", has_text=a[1])
            expect(opener).to_contain_text(f"c {b[4]} b {b[0]}")
            bowler = card.locator("tbody tr", has_text=b[0]).last
            expect(bowler.locator("td")).to_have_text(
                ["1.0", "0", "6", "1", "6.0", "1", "0"])
            page.screenshot(path=str(ARTIFACTS / "scorer-scorecard-1280.png"), full_page=True)
            browser.close()
    finally:
        stop_server(server)
    match.refresh_from_db()
    inn = match.state["innings"][0]
    assert (inn["runs"], inn["wickets"], inn["legal_balls"], inn["extras"]["wides"]) == (6, 1, 6, 1)
