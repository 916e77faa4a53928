"""A team's manager finds a guest XI of their team and accepts it, and an appointee answers an
invitation, in Chromium at 360 and 1280 px (screenshots in test-artifacts/)."""

import pytest

from games.models import Appointment, Match, Team
from games.setup import match_setup, team_save
from tests.browser import ARTIFACTS, launch_chromium
from tests.games.factories import make_user
from tests.servers import child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

XI = [f"Regular {i}" for i in range(1, 12)]


def test_a_manager_accepts_a_guest_xi_and_an_invitee_accepts_a_match(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    from devtools.embedded import _free_port

    alice = make_user("alice")
    team_save(team=Team(name="Ruddington CC"), names=XI, by=alice)
    visitor = make_user("visitor")
    match = match_setup(team_a_name="ruddington cc", team_b_name="Keyworth CC",
                        names_a=XI[:6] + [f"Newcomer {i}" for i in range(5)],
                        names_b=[f"Key {i}" for i in range(11)], toss_winner="a",
                        toss_decision="bat", created_by=visitor, scorers=[alice])
    assert match.is_friendly
    port = _free_port()
    server = start_server(port, child_env())
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for width in (360, 1280):
                page = browser.new_page(viewport={"width": width, "height": 800})
                page.goto(f"{base}/matches/{match.pk}/")
                expect(page.locator("text=Played by a guest XI")).to_be_visible()
                page.screenshot(path=str(ARTIFACTS / f"guest-match-{width}.png"))
                page.close()
            page = browser.new_page(viewport={"width": 360, "height": 800})
            page.goto(f"{base}/accounts/login/?next=/score/")
            page.fill('input[name="username"]', "alice")
            page.fill('input[name="password"]', "pw-alice")
            page.click("button[type=submit], input[type=submit]")
            expect(page.locator("text=1 invitation")).to_be_visible()
            page.click("text=1 invitation")
            expect(page.locator("li", has_text="scorer of")).to_contain_text("from visitor")
            page.screenshot(path=str(ARTIFACTS / "invitations-360.png"), full_page=True)
            page.click("button:has-text(\"Accept\")")
            expect(page.locator(".notice")).to_contain_text("Accepted: scorer of")
            page.goto(f"{base}/score/organised/")
            page.click("text=1 guest XI of your teams waits")
            expect(page.locator("li", has_text="as fielded by visitor")).to_contain_text(
                "Newcomer 0")
            page.screenshot(path=str(ARTIFACTS / "guest-links-360.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 800})
            page.screenshot(path=str(ARTIFACTS / "guest-links-1280.png"), full_page=True)
            page.click("button:has-text(\"It was us\")")
            expect(page.locator(".notice")).to_contain_text("1 match(es) now Ruddington CC's")
            browser.close()
    finally:
        stop_server(server)
    match = Match.objects.get(pk=match.pk)
    assert not match.is_friendly and match.team_a.name == "Ruddington CC"
    assert match.scorers.filter(pk=alice.pk).exists() and not Appointment.objects.exists()
