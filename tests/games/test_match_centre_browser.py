"""The match centre in Debian's Chromium (issue 16), against a real Uvicorn: before the start,
live (balls recorded through the service while the page is open: the score, the commentary and
both charts change with no reload), at the innings break and completed; at 360 and 1280 px.
With JavaScript disabled the page still has the full scorecard."""

import pytest

from games.services import match_record_action
from tests.browser import ARTIFACTS, served_chromium
from tests.games.factories import make_match, start_action

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _shots(page, name):
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(ARTIFACTS / f"centre-{name}-360.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS / f"centre-{name}-1280.png"), full_page=True)


def _ball(match, **action):
    match.refresh_from_db()
    match_record_action(match=match, action={"kind": "delivery", **action})


def test_the_match_centre_from_the_toss_to_the_result(monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    match = make_match(overs=2, players=4, venue="Lord's")
    a, b = match.a_ids, match.b_ids
    with served_chromium() as (url, browser):
        page = browser.new_page(viewport={"width": 360, "height": 800})
        page.goto(f"{url}/matches/{match.pk}/")
        expect(page.locator(".badge")).to_have_text("Upcoming")
        expect(page.locator(".centre-head")).to_contain_text("Lord's")
        expect(page.locator("#conn")).to_have_text("live", timeout=15_000)
        _shots(page, "upcoming")

        match_record_action(match=match, action=start_action(match))
        _ball(match, runs=4, boundary=True)
        _ball(match, runs=1)
        expect(page.locator(".badge")).to_have_text("Live", timeout=10_000)
        expect(page.locator(".innings-lines .big")).to_have_text("5/0")
        commentary = page.locator(".commentary")
        expect(commentary.locator("li").first).to_contain_text("1 run")
        expect(commentary).to_contain_text("FOUR")
        worm = page.locator("figure.chart", has_text="Worm")
        points = worm.locator("polyline").get_attribute("points")
        for runs in (0, 0, 0, 6):  # the over ends: Manhattan and run rate appear
            _ball(match, runs=runs, **({"boundary": True} if runs == 6 else {}))
        expect(page.locator(".innings-lines .big")).to_have_text("11/0", timeout=10_000)
        expect(worm.locator("polyline")).not_to_have_attribute("points", points)
        manhattan = page.locator("figure.chart", has_text="Manhattan")
        expect(manhattan.locator("rect")).to_have_count(1)
        expect(commentary.locator("h3").first).to_contain_text("End of over 1")
        match.refresh_from_db()
        match_record_action(match=match, action={"kind": "next_bowler", "player": b[1]})
        _ball(match, runs=0, wickets=[{"kind": "bowled", "player_out": a[0]}])
        expect(commentary.locator("li").first).to_contain_text("OUT!", timeout=10_000)
        expect(page.locator(".live-panel")).to_be_visible()
        _shots(page, "live")

        for _ in range(5):  # the innings ends on its 12th ball
            match.refresh_from_db()
            if match.state["needs"] == "new_batter":
                match_record_action(match=match, action={"kind": "new_batter",
                                                         "player": a[2]})
            _ball(match, runs=1)
        expect(page.locator(".badge")).to_have_text("Innings break", timeout=10_000)
        expect(page.locator(".live-panel")).to_have_count(0)
        _shots(page, "break")

        match.refresh_from_db()
        match_record_action(match=match, action={"kind": "start_innings", "striker": b[0],
                                                 "non_striker": b[1], "bowler": a[0]})
        for runs in (6, 6, 6):  # 18 chases 17
            _ball(match, runs=runs, boundary=True)
        expect(page.locator(".badge")).to_have_text("Result", timeout=10_000)
        expect(page.locator(".result")).to_contain_text("won by")
        expect(page.locator("#conn")).to_be_hidden()  # connected, but nothing is "live" now
        tabs = page.get_by_role("tab")
        expect(tabs).to_have_count(2)
        tabs.first.click()
        expect(page.locator("#innings-1")).to_be_visible()
        expect(page.locator("#innings-2")).to_be_hidden()
        _shots(page, "completed")
        page.set_viewport_size({"width": 1200, "height": 630})
        page.goto(f"{url}/matches/{match.pk}/card.svg")
        page.screenshot(path=str(ARTIFACTS / "centre-share-image.png"))
        page.goto(f"{url}/matches/{match.pk}/scorecard/")
        page.emulate_media(media="print")
        expect(page.locator(".site-nav")).to_be_hidden()
        page.screenshot(path=str(ARTIFACTS / "centre-printable.png"), full_page=True)

        # No script: everything is on the page, every innings' full scorecard included.
        context = browser.new_context(java_script_enabled=False,
                                      viewport={"width": 360, "height": 800})
        page = context.new_page()
        page.goto(f"{url}/matches/{match.pk}/")
        expect(page.locator("#innings-1")).to_be_visible()
        expect(page.locator("#innings-2")).to_be_visible()
        expect(page.locator("#innings-1")).to_contain_text("Fall of wickets")
        expect(page.locator(".commentary")).to_contain_text("End of over 1")
        page.screenshot(path=str(ARTIFACTS / "centre-no-script-360.png"), full_page=True)


SAFE = {"left": 96, "top": 54, "right": 1920 - 96, "bottom": 1080 - 54}


def test_the_broadcast_overlay_is_transparent_safe_and_live(monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    match = make_match(overs=20)
    match_record_action(match=match, action=start_action(match))
    _ball(match, runs=4, boundary=True)
    with served_chromium() as (url, browser):
        base = f"{url}/matches/{match.pk}/overlay/"
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        for query, name in (("mode=bug,strip", "bug-strip-dark"),
                            ("mode=card&theme=light&accent=1f4e9a", "card-light")):
            page.goto(f"{base}?{query}")
            page.wait_for_selector(".ov")
            layout = page.evaluate("""() => ({
                background: getComputedStyle(document.body).backgroundColor,
                cursor: getComputedStyle(document.body).cursor,
                scroll: [document.scrollingElement.scrollWidth,
                         document.scrollingElement.scrollHeight],
                boxes: [...document.querySelectorAll('.ov > section')].map((s) => {
                    const r = s.getBoundingClientRect();
                    return [r.left, r.top, r.right, r.bottom]; }),
            })""")
            assert layout["background"] == "rgba(0, 0, 0, 0)"  # OBS sees through it
            assert layout["cursor"] == "none" and layout["scroll"] == [1920, 1080]
            assert layout["boxes"], name
            for left, top, right, bottom in layout["boxes"]:
                assert left >= SAFE["left"] and top >= SAFE["top"], (name, layout)
                assert right <= SAFE["right"] and bottom <= SAFE["bottom"], (name, layout)
            page.screenshot(path=str(ARTIFACTS / f"overlay-{name}.png"), omit_background=True)
        page.goto(f"{base}?mode=bug,strip")
        expect(page.locator(".ov-score")).to_have_text("4/0")
        _ball(match, runs=6, boundary=True)  # live, no reload
        expect(page.locator(".ov-score")).to_have_text("10/0", timeout=10_000)
        expect(page.locator(".ov-strip .ball-6")).to_have_count(1)


def test_the_points_table_keeps_pts_and_nrr_on_a_phone(monkeypatch):
    from games.models import Team, Tournament
    from leaderboards.services import leaderboards_catch_up
    from tests.leaderboards.play import completed_match

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    cup = Tournament.objects.create(name="Long Names Premier League", season="2026")
    for n in range(2):
        match = completed_match([1, 4, 0, 2, 6, 1, 3], tournament=cup)
        Team.objects.filter(pk=match.team_a_id).update(name=f"Royal Challengers Bengaluru {n}")
        Team.objects.filter(pk=match.team_b_id).update(name=f"Sunrisers Hyderabad Women {n}")
    leaderboards_catch_up()
    with served_chromium() as (url, browser):
        page = browser.new_page(viewport={"width": 360, "height": 800})
        page.goto(f"{url}/tournaments/{cup.slug}/")
        table = page.get_by_role("table", name="Points table")
        for column in ("Pts", "NRR"):
            box = table.get_by_role("columnheader", name=column, exact=True).bounding_box()
            assert box and box["x"] + box["width"] <= 360, (column, box)
        page.screenshot(path=str(ARTIFACTS / "points-table-360.png"), full_page=True)
