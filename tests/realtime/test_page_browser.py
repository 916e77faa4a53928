"""Fans' pages in a real Chromium, as production serves them (the web role on Gunicorn, the live
feed on its own Uvicorn process): the match centre at 360 and 1280 px follows a whole short
match — balls, a wicket, the innings break, the chase and the result — from what the feed
pushes, with no HTTP request after the page loaded, stays equal to a freshly loaded page, and
carries on after the realtime process is killed and started again."""

import os
import re
import signal

import pytest

from config.processes import gunicorn_command, uvicorn_command
from games.services import match_record_action
from realtime.page_feed import watch_key
from realtime.shards import client_for_match
from tests.browser import ARTIFACTS, launch_chromium, record_in_thread
from tests.games.factories import make_match
from tests.servers import child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _ball(runs: int = 0, **fields) -> dict:
    return {"kind": "delivery", "runs": runs, "boundary": runs in (4, 6), **fields}


def _out(inn: dict) -> dict:
    return _ball(0, wickets=[{"kind": "bowled", "player_out": inn["striker"]}])


def _short_match(a: list, b: list) -> list:
    """Two overs a side after the first innings' start: 23 to win, a wicket in each innings,
    a wide, fours and sixes; the chase won in the last over (29 actions)."""
    return [
        _ball(1), _ball(extras={"wides": 1}), _ball(4), _ball(0), _out,
        {"kind": "new_batter", "player": a[2]}, _ball(2), _ball(6),
        {"kind": "next_bowler", "player": b[1]},
        _ball(0), _ball(1), _ball(1), _ball(4), _ball(0), _ball(2),
        {"kind": "start_innings", "striker": b[0], "non_striker": b[1], "bowler": a[0]},
        _ball(4), _ball(4), _ball(6), _ball(6), _ball(1), _ball(0),
        {"kind": "next_bowler", "player": a[1]},
        _ball(0), _out, {"kind": "new_batter", "player": b[2]}, _ball(1), _ball(4),
    ]


def _text(page) -> str:
    """What the centre shows, as laid out (white space between rows is not shown)."""
    return re.sub(r"\s+", " ", page.locator("#scoreboard").inner_text()).strip()


def test_the_centre_follows_a_match_from_the_feed_alone_and_survives_a_killed_feed():
    from playwright.sync_api import expect, sync_playwright

    from devtools.embedded import _free_port

    match = make_match(overs=2, bowler_max_overs=1)
    a, b = match.a_ids, match.b_ids
    match_record_action(match=match, action={
        "kind": "start_innings", "striker": a[0], "non_striker": a[1], "bowler": b[0]})
    actions = _short_match(a, b)
    client_for_match(match.pk).delete(watch_key(match.pk))
    web_port, feed_port = _free_port(), _free_port()
    env = child_env(REALTIME_URL=f":{feed_port}", WEB_CONCURRENCY="1")
    web = start_server(web_port, env, gunicorn_command("127.0.0.1", str(web_port)))
    feed_command = uvicorn_command("127.0.0.1", str(feed_port), "realtime_application")
    feed = start_server(feed_port, env, feed_command)
    url = f"http://127.0.0.1:{web_port}/matches/{match.pk}/"
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            fans, requests = [], []
            for width in (360, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url)
                expect(page.locator("#conn")).to_have_text("live", timeout=15_000)
                page.on("request", lambda r, w=width: requests.append((w, r.url)))
                fans.append(page)
            score = [p.locator(".innings-lines .big").last for p in fans]

            seen_wicket = seen_break = False
            pending, count = list(actions), 0
            while pending and match.state["status"] != "completed":
                action = pending.pop(0)
                if callable(action):  # the wicket falls to whoever is on strike
                    action = action(match.state["innings"][-1])
                count += 1
                if count == 14:
                    # The realtime process dies; a ball is scored meanwhile; it comes back.
                    os.kill(feed.pid, signal.SIGKILL)
                    feed.wait()
                    for page in fans:
                        expect(page.locator("#conn")).to_have_text("reconnecting…",
                                                                   timeout=10_000)
                    record_in_thread(match, action)
                    feed = start_server(feed_port, env, feed_command)
                    for page in fans:
                        expect(page.locator("#conn")).to_have_text("live", timeout=40_000)
                else:
                    record_in_thread(match, action)
                inn = match.state["innings"][-1]
                for box in score:
                    expect(box).to_have_text(f"{inn['runs']}/{inn['wickets']}", timeout=10_000)
                seen_wicket |= bool(action.get("wickets"))
                if match.state["status"] == "innings_break" and not seen_break:
                    seen_break = True
                    for page in fans:
                        expect(page.locator(".badge")).to_have_text("Innings break")
                        page.screenshot(path=str(ARTIFACTS / (
                            f"centre-pushed-break-{page.viewport_size['width']}.png")),
                            full_page=True)
            assert match.state["status"] == "completed" and seen_wicket and seen_break
            assert count >= 28  # thirty actions or so: a short match's worth
            for page in fans:
                expect(page.locator(".badge")).to_have_text("Result")
                expect(page.locator(".centre-head .result")).to_have_text(match.result_text)
                page.screenshot(path=str(ARTIFACTS / (
                    f"centre-pushed-result-{page.viewport_size['width']}.png")), full_page=True)

            # Not one HTTP request after load: every version came over the socket.
            assert requests == [], requests[:5]
            # What the pushed page shows is what a fresh load of it shows.
            fresh = browser.new_page(viewport={"width": 1280, "height": 900})
            fresh.goto(url)
            for page in fans:
                assert _text(page) == _text(fresh)
            browser.close()
    finally:
        stop_server(feed)
        stop_server(web)
