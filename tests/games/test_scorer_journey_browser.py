"""A new club scorer's first match in a real browser at 360 px (Playwright + Debian Chromium):
sign up, keep two squads, set up a T20 from its preset with both XIs typed ahead from the
squads, then score two overs with a wide + 2, a no-ball + 4, a stumping off a wide, a run out
off a no-ball, a catch first sent without the fielder and then completed, the end-of-over
summary, an undo and an edit of a past ball; the scorecard says what happened in words.
Screenshots at 360 and 1280 px go to test-artifacts/."""

import re

import pytest

from games.models import LogEntry, Match, Player
from tests.browser import ARTIFACTS, launch_chromium
from tests.servers import child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

HOME = [f"Rudd Player {i}" for i in range(1, 14)]
AWAY = [f"Key Player {i}" for i in range(1, 13)]


def test_a_new_scorer_signs_up_sets_up_and_scores_two_overs(monkeypatch, tmp_path):
    # The test reads the database between pages, inside Playwright's (sync) event loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    from devtools.embedded import _free_port

    port = _free_port()
    outbox = tmp_path / "mail"  # the server's mail, one file a message
    server = start_server(port, child_env(EMAIL_URL=f"filemail:///{outbox}"))
    base = f"http://127.0.0.1:{port}"
    shot = lambda page, name: page.screenshot(  # noqa: E731
        path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 360, "height": 800})
            # Sign up from the login page.
            page.goto(f"{base}/score/")
            page.click("text=Sign up")
            page.fill('input[name="username"]', "club-scorer")
            page.fill('input[name="email"]', "scorer@club.example")
            page.fill('input[name="password1"]', "Sunday-Cricket-2026")
            page.fill('input[name="password2"]', "Sunday-Cricket-2026")
            page.click("text=Create account")
            expect(page.locator("h1")).to_have_text("My matches")
            # Nothing is set up until the address is confirmed, by the link mailed to it.
            page.click("text=My tournaments and teams")
            page.click("text=+ New team")
            expect(page.locator("h1")).to_have_text("Confirm your email address first")
            shot(page, "confirm-360")
            mailed = "".join(path.read_text() for path in outbox.iterdir())
            page.goto(re.search(r"http://\S+/accounts/confirm/\S+/", mailed).group(0))
            expect(page.locator("h1")).to_have_text("Address confirmed")
            page.click("text=My matches")

            # Two squads.
            for name, squad in (("Ruddington CC", HOME), ("Keyworth CC", AWAY)):
                page.click("text=My tournaments and teams")
                page.click("text=+ New team")
                page.fill('input[name="name"]', name)
                page.fill('textarea[name="squad"]', "\n".join(squad))
                page.click("text=Save squad")
                expect(page.locator(".notice")).to_contain_text(f"squad of {len(squad)} saved")
            shot(page, "teams-360")

            # A T20 from the preset, XIs from the squads.
            page.click("nav[aria-label=Site] >> text=Score")
            page.click("text=+ New match")
            page.fill('input[name="team_a"]', "Ruddington CC")
            page.fill('input[name="team_b"]', "Keyworth CC")
            page.select_option('select[name="format"]', "club_t20")
            page.fill('input[name="venue"]', "Elms Park")
            shot(page, "setup-1-360")
            page.click("text=Next: pick the XIs")
            expect(page.locator("#squad-a option")).to_have_count(13)
            home, away = page.locator('input[name="players_a"]'), page.locator(
                'input[name="players_b"]')
            expect(home).to_have_count(11)
            for i in range(11):
                home.nth(i).fill(HOME[i])
                away.nth(i).fill(AWAY[i] if i < 10 else "New Lad")  # a newcomer in place
            page.check('input[name="captain_a"][value="0"]')
            page.check('input[name="keeper_a"][value="5"]')
            page.check('input[name="captain_b"][value="1"]')
            page.check('input[name="keeper_b"][value="6"]')
            page.get_by_label("Keyworth CC", exact=True).check()  # the toss, by team name
            page.get_by_label("bowl", exact=True).check()
            shot(page, "setup-2-360")
            page.set_viewport_size({"width": 1280, "height": 900})
            shot(page, "setup-2-1280")
            page.set_viewport_size({"width": 360, "height": 800})
            page.click("text=Create match")
            expect(page.get_by_role("button", name="Start innings")).to_be_visible()

            match = Match.objects.get()
            assert (match.overs, match.bowler_max_overs) == (20, 4)
            ids = {p.name: str(p.pk) for p in Player.objects.all()}
            pad = page.locator("#pad-root")

            def at(seq: int) -> None:
                expect(pad).to_have_attribute("data-seq", str(seq), timeout=10_000)

            def extra(kind: str, runs: int, *, boundary: bool = False) -> None:
                page.locator("summary", has_text="Extras with runs").click()
                form = page.locator('form:has(button[value="extras"])')
                form.locator('select[name="extra"]').select_option(kind)
                form.locator('input[name="runs"]').fill(str(runs))
                if boundary:
                    form.locator('input[name="boundary"]').check()
                form.locator('button[value="extras"]').click()

            def wicket(how: str, out: str, *, fielder: str = "", on: str = "", runs: int = 0,
                       new: str = "") -> None:
                if not page.locator("#wicket").evaluate("d => d.open"):
                    page.click("a.wicket-button")  # the pad's W
                form = page.locator('form:has(button[value="wicket"])')
                form.locator('select[name="how"]').select_option(how)
                form.locator('select[name="player_out"]').select_option(ids[out])
                form.locator('select[name="fielder"]').select_option(
                    ids[fielder] if fielder else "")
                form.locator('select[name="extra"]').select_option(on)
                form.locator('input[name="runs"]').fill(str(runs))
                if new:
                    form.locator('select[name="new_batter"]').select_option(ids[new])
                form.locator('button[value="wicket"]').click()

            page.click('button[value="start_innings"]')  # Rudd 1 and 2 open, Key 1 bowls
            at(1)
            extra("wide", 2)  # 3 wides
            at(2)
            extra("noball", 4, boundary=True)  # 4 off the bat + 1
            at(3)
            wicket("stumped", HOME[0], fielder=AWAY[6], on="wide", new=HOME[2])  # keeper
            at(5)
            page.click('button[data-key="1"]')
            at(6)
            # Run out off a no-ball, one run completed off the bat.
            wicket("run_out", HOME[2], fielder=AWAY[4], on="noball", runs=1, new=HOME[3])
            at(8)
            for n in (9, 10, 11):
                page.click('button[data-key="0"]')
                at(n)
            # A catch sent without the fielder comes back as a catch; then completed.
            striker = pad.locator(".crease-table th").first.inner_text().rstrip("*")
            wicket("caught", striker, new=HOME[4])
            expect(page.locator("#wicket .error")).to_have_text("Say who took the catch.")
            form = page.locator('form:has(button[value="wicket"])')
            expect(form.locator('select[name="how"]')).to_have_value("caught")
            expect(form.locator('select[name="new_batter"]')).to_have_value(ids[HOME[4]])
            shot(page, "catch-error-360")
            form.locator('select[name="fielder"]').select_option(ids[AWAY[2]])
            form.locator('button[value="wicket"]').click()
            at(13)
            page.click('button[data-key="2"]')
            at(14)
            summary = page.locator(".over-summary")
            expect(page.locator("h2", has_text="End of over 1")).to_be_visible()
            expect(summary).to_contain_text("3 wickets")
            expect(summary).to_contain_text(f"{AWAY[0]} 1.0-0-")
            shot(page, "over-summary-360")
            # The select starts on someone who may bowl it, not the last over's bowler.
            expect(page.get_by_label("Next bowler")).to_have_value(ids[AWAY[1]])
            page.get_by_label("Next bowler").select_option(ids[AWAY[1]])
            page.click('button[value="next_bowler"]')
            at(15)
            for key, seq in (("4", 16), ("1", 17)):
                page.click(f'button[data-key="{key}"]')
                at(seq)
            page.click('button[value="undo"]')  # takes back the 1
            at(18)
            for key, seq in (("1", 19), ("0", 20), ("0", 21), ("6", 22), ("1", 23)):
                page.click(f'button[data-key="{key}"]')
                at(seq)
            expect(page.locator("h2", has_text="End of over 2")).to_be_visible()
            shot(page, "pad-360")
            page.set_viewport_size({"width": 1280, "height": 900})
            shot(page, "pad-1280")
            page.set_viewport_size({"width": 360, "height": 800})

            # Edit a past ball: over 2's second dot becomes a two.
            page.click("text=Edit a past ball")
            page.locator(".ball-list a", has_text="1.4").click()
            expect(page.locator('select[name="player_out"] option')).to_have_count(3)  # —, 2
            page.fill('input[name="runs"]', "2")
            page.click('button[value="correct"]')
            expect(page.locator(".notice")).to_contain_text("corrected")

            page.click("text=Scorecard")
            card = page.locator("#innings-1")
            expect(card.locator("tbody tr", has_text=HOME[0]).locator("th")).to_have_text(
                f"{HOME[0]} (c)")  # the captain marked
            expect(card.locator("tbody tr", has_text=HOME[0])).to_contain_text(
                f"st {AWAY[6]} b {AWAY[0]}")
            expect(card.locator("tbody tr", has_text=HOME[2])).to_contain_text(
                f"run out ({AWAY[4]})")
            expect(card.locator("tbody tr", has_text=striker)).to_contain_text(
                f"c {AWAY[2]} b {AWAY[0]}")
            shot(page, "scorecard-360")
            page.set_viewport_size({"width": 1280, "height": 900})
            shot(page, "scorecard-1280")
            browser.close()
    finally:
        stop_server(server)
    match.refresh_from_db()
    inn = match.state["innings"][0]
    # 3wd, 4+1nb, 1wd+W, 1, 1+1nb+W, 0, 0, 0, W, 2 | 4, 1, 0→2, 0, 6, 1
    assert (inn["wickets"], inn["legal_balls"]) == (3, 12)
    assert inn["runs"] == 3 + 5 + 1 + 1 + 2 + 2 + 4 + 1 + 2 + 6 + 1
    caught = [e.payload for e in LogEntry.objects.filter(match=match, kind="delivery")
              if any(w["kind"] == "caught" for w in e.payload.get("wickets", []))]
    assert caught and caught[0]["wickets"][0]["fielders"] == [ids[AWAY[2]]]
