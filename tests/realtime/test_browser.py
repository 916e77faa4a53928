"""A real browser (Playwright driving Debian's Chromium) watches the fan page update live, and
catch up after its connection is cut (the server process killed) and restored."""


import pytest

from games.services import match_record_action
from tests.browser import ARTIFACTS, launch_chromium, record_in_thread
from tests.games.factories import make_match, start_action
from tests.servers import child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_fan_page_updates_live_and_catches_up_after_a_cut():
    from playwright.sync_api import expect, sync_playwright

    from devtools.embedded import _free_port

    match = make_match()
    match_record_action(match=match, action=start_action(match))
    env = child_env()
    port = _free_port()
    server = start_server(port, env)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 360, "height": 740})
            page.goto(f"http://127.0.0.1:{port}/matches/{match.pk}/")
            expect(page.locator("#conn")).to_have_text("live", timeout=15_000)
            score = page.locator(".innings-lines .big").first
            expect(score).to_have_text("0/0")

            record_in_thread(match, {"kind": "delivery", "runs": 4, "boundary": True})
            expect(score).to_have_text("4/0", timeout=10_000)  # no reload
            page.screenshot(path=str(ARTIFACTS / "fan-page-live-360.png"), full_page=True)

            stop_server(server)  # cut the connection
            expect(page.locator("#conn")).to_have_text("reconnecting…", timeout=10_000)
            record_in_thread(match, {"kind": "delivery", "runs": 1})
            record_in_thread(match, {"kind": "delivery", "runs": 0, "wickets": [
                {"kind": "bowled", "player_out": match.a_ids[1]}]})
            server = start_server(port, env)  # restore it: the page resumes with ?since=
            expect(page.locator("#conn")).to_have_text("live", timeout=30_000)
            expect(score).to_have_text("5/1", timeout=10_000)
            expect(page.locator('[data-k="live-over"] .ball')).to_have_count(3)
            page.screenshot(path=str(ARTIFACTS / "fan-page-resumed-360.png"), full_page=True)
            browser.close()
    finally:
        stop_server(server)
