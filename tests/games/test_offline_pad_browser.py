"""The pad without signal (issue 17), in Debian's Chromium at 360 px against a real Uvicorn.

"No signal" is made real twice over: the browser context goes offline, and for the reload the
server process itself is stopped, so the service worker's own fetch fails too and the pad must
come from its cache. Each test then brings the server back, goes online and reads the match's
log from PostgreSQL: every queued action recorded once, in order."""

import time

import pytest

from cricket.engine import apply, new_state
from games.models import LogEntry, Match
from games.services import match_record_action
from scoring.pad_actions import form_action
from tests.browser import ARTIFACTS, launch_chromium
from tests.games.factories import make_match, make_user
from tests.servers import child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _entries(match) -> list[tuple[str, dict]]:
    return [(e.kind, e.payload) for e in LogEntry.objects.filter(match=match).order_by("seq")]


def _wait_for_seq(match, seq: int, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if Match.objects.get(pk=match.pk).seq >= seq:
            return
        time.sleep(0.1)
    raise AssertionError(f"the log did not reach {seq} in {within} s "
                         f"(at {Match.objects.get(pk=match.pk).seq})")


def _open_pad(browser, port, match, user, *, worker=True):
    context = browser.new_context(viewport={"width": 360, "height": 800},
                                  service_workers="allow" if worker else "block")
    page = context.new_page()
    base = f"http://127.0.0.1:{port}"
    page.goto(f"{base}/score/{match.pk}/")
    page.fill('input[name="username"]', user.username)
    page.fill('input[name="password"]', f"pw-{user.username}")
    page.click('button[type="submit"]')
    page.wait_for_selector("#pad-root")
    if worker:  # offline reloads need the service worker in charge (it claims on activation)
        page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    return context, page


def _start_innings(page, expect):
    page.click('button[value="start_innings"]')
    expect(page.locator("#pad-root")).to_have_attribute("data-seq", "1")


@pytest.fixture
def server(monkeypatch):
    from devtools.embedded import _free_port

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the test reads the DB meanwhile
    env, port = child_env(), _free_port()
    running = {"proc": start_server(port, env)}

    class Server:
        def stop(self):
            stop_server(running["proc"])

        def start(self):
            running["proc"] = start_server(port, env)

    Server.port = port
    yield Server()
    stop_server(running["proc"])


def test_eight_actions_scored_offline_survive_a_reload_and_are_recorded_once_in_order(server):
    from playwright.sync_api import expect, sync_playwright

    scorer = make_user("offline-scorer")
    match = make_match(scorer=scorer, overs=20)
    names = match.engine_config().names
    a, b = match.a_ids, match.b_ids
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context, page = _open_pad(browser, server.port, match, scorer)
        _start_innings(page, expect)
        for key in ("1", "0", "2"):  # online: three balls of the first over
            page.click(f'button[data-key="{key}"]')
        expect(page.locator("#pad-root")).to_have_attribute("data-seq", "4")
        score, queue = page.locator(".now .big"), page.locator("#pad-queue")

        context.set_offline(True)
        page.click('button[data-key="w"]')  # 1: a wide
        expect(queue).to_contain_text("Offline — 1 ball waiting to send")
        page.click('button[data-key="1"]')  # 2
        page.click('a[data-open="wicket"]')  # 3: caught, and the new batter in the same form
        wicket = page.locator('form:has(button[value="wicket"])')
        wicket.locator('select[name="how"]').select_option("caught")
        wicket.locator('select[name="fielder"]').select_option(b[3])
        striker = a[0]  # the online single gave A2 the strike; the offline one gave it back
        expect(wicket.locator('select[name="player_out"] option').first).to_have_text(
            f"{names[striker]} (striker)")
        wicket.locator('select[name="new_batter"]').select_option(a[2])
        wicket.locator('button[value="wicket"]').click()
        page.click('button[data-key="4"]')  # 4: the over's sixth ball
        expect(page.get_by_role("heading", name="End of over 1")).to_be_visible()
        expect(page.locator('[data-bind="over-balls"]')).to_have_text("1021wd1W4")
        bowler = page.get_by_label("Next bowler")
        expect(bowler.locator("option:checked")).to_have_text(names[b[1]])
        expect(bowler.locator(f'option[value="{b[0]}"]')).to_have_text(
            f"{names[b[0]]} (bowled the last over)")
        page.screenshot(path=str(ARTIFACTS / "offline-over-end-360.png"), full_page=True)
        page.click('button[value="next_bowler"]')  # 5: B2 (the pad's own choice)
        page.click('button[data-key="0"]')  # 6
        page.click('button[data-key="6"]')  # 7
        page.click('button[data-key="2"]')  # 8
        expect(queue).to_contain_text("Offline — 7 balls and 1 other entry waiting to send")
        expect(queue.locator(".ball.pending")).to_have_text(
            ["1wd", "1", "W", "4", f"bowler: {names[b[1]]}", "0", "6", "2"])
        expect(score).to_contain_text("17/1")  # 1+0+2 online, 1+1+0+4+0+6+2 offline, 1 out
        expect(page.locator('[data-bind="overs"]')).to_have_text("(1.3/20 ov)")
        # A3 came in on strike (caught), hit the over's last ball for 4; A2 faces the new over.
        expect(page.locator('[data-bind="striker"]')).to_contain_text(f"{names[a[1]]}*")
        expect(page.locator('[data-bind="non_striker"]')).to_contain_text(names[a[2]])
        expect(page.locator('[data-bind="bowler"]')).to_contain_text("0.3-0-8-0")

        # The phone loses the server too: the reload must come from the service worker's cache.
        server.stop()
        page.reload()
        expect(page.locator("#pad-queue")).to_contain_text("7 balls and 1 other entry")
        expect(page.locator(".now .big")).to_contain_text("17/1")
        page.screenshot(path=str(ARTIFACTS / "offline-pad-360.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(ARTIFACTS / "offline-pad-1280.png"), full_page=True)
        page.set_viewport_size({"width": 360, "height": 800})
        assert Match.objects.get(pk=match.pk).seq == 4  # nothing reached the server

        server.start()
        context.set_offline(False)
        _wait_for_seq(match, 4 + 9)  # 8 actions; the wicket form's new batter is its own entry
        expect(page.locator("#pad-queue")).to_be_hidden()
        expect(page.locator("#pad-root")).to_have_attribute("data-seq", "13")
        expect(page.locator(".now .big")).to_contain_text("17/1")
        browser.close()
    log = _entries(match)[4:]
    assert [(kind, payload.get("runs"), payload.get("extras"), payload.get("player"))
            for kind, payload in log] == [
        ("delivery", None, {"wides": 1}, None),
        ("delivery", 1, None, None),
        ("delivery", 0, None, None),
        ("new_batter", None, None, a[2]),
        ("delivery", 4, None, None),
        ("next_bowler", None, None, b[1]),
        ("delivery", 0, None, None),
        ("delivery", 6, None, None),
        ("delivery", 2, None, None),
    ]
    assert log[2][1]["wickets"] == [{"kind": "caught", "player_out": striker,
                                     "fielders": [b[3]]}]
    inn = Match.objects.get(pk=match.pk).state["innings"][0]
    assert (inn["runs"], inn["wickets"], inn["legal_balls"]) == (17, 1, 9)


def test_a_co_scorer_meanwhile_is_a_conflict_the_scorer_resolves(server):
    from playwright.sync_api import expect, sync_playwright

    scorer, colleague = make_user("offline-first"), make_user("offline-second")
    match = make_match(scorer=scorer, overs=20)
    match.scorers.add(colleague)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context, page = _open_pad(browser, server.port, match, scorer)
        _start_innings(page, expect)
        queue = page.locator("#pad-queue")

        # Round 1: theirs, then mine after theirs.
        context.set_offline(True)
        page.click('button[data-key="4"]')
        page.click('button[data-key="1"]')
        expect(queue).to_contain_text("Offline — 2 balls waiting to send")
        match.refresh_from_db()
        match_record_action(match=match, action={"kind": "delivery", "runs": 6}, by=colleague,
                            expected_seq=1, idempotency_key="colleague-six")
        context.set_offline(False)
        expect(queue).to_contain_text("Someone else scored this match while yours waited")
        expect(queue).to_contain_text("which would make it")
        expect(page.locator(".now .big")).to_contain_text("6/0")  # theirs, as recorded
        page.screenshot(path=str(ARTIFACTS / "offline-conflict-360.png"), full_page=True)
        assert Match.objects.get(pk=match.pk).seq == 2  # nothing of mine sent yet
        page.get_by_role("button", name="Add mine after theirs").click()
        _wait_for_seq(match, 4)
        expect(queue).to_be_hidden()
        expect(page.locator(".now .big")).to_contain_text("11/0")

        # Round 2: theirs again; this time mine are discarded.
        context.set_offline(True)
        page.click('button[data-key="2"]')
        expect(queue).to_contain_text("Offline — 1 ball waiting to send")
        match.refresh_from_db()
        match_record_action(match=match, action={"kind": "delivery", "runs": 3}, by=colleague,
                            expected_seq=4, idempotency_key="colleague-three")
        context.set_offline(False)
        expect(page.get_by_role("button", name="Discard mine")).to_be_visible()
        page.get_by_role("button", name="Discard mine").click()
        expect(queue).to_be_hidden()
        expect(page.locator(".now .big")).to_contain_text("14/0")
        browser.close()
    runs = [payload.get("runs") for kind, payload in _entries(match) if kind == "delivery"]
    assert runs == [6, 4, 1, 3]


def test_the_same_queue_sent_from_two_tabs_and_after_a_lost_answer_records_once(server):
    from playwright.sync_api import expect, sync_playwright

    scorer = make_user("offline-tabs")
    match = make_match(scorer=scorer, overs=20)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        # Without the service worker, so that the test can route the pad's posts (Playwright
        # does not see requests that pass through one); the queue is the same.
        context, page = _open_pad(browser, server.port, match, scorer, worker=False)
        _start_innings(page, expect)

        # A lost answer: the server records the ball, the phone never hears back.
        lost = []

        def drop_answer(route):
            if route.request.method == "POST" and not lost:
                lost.append(route.fetch().status)  # reaches the server, which records it
                route.abort("internetdisconnected")
            else:
                route.continue_()

        context.route(f"**/score/{match.pk}/", drop_answer)
        page.click('button[data-key="3"]')
        expect(page.locator("#pad-queue")).to_contain_text("Offline — 1 ball waiting to send")
        assert lost == [200] and Match.objects.get(pk=match.pk).seq == 2
        context.unroute(f"**/score/{match.pk}/")
        page.evaluate("window.dispatchEvent(new Event('online'))")  # the retry, same key
        expect(page.locator("#pad-queue")).to_be_hidden()
        assert Match.objects.get(pk=match.pk).seq == 2  # answered as a replay, not recorded

        # Two tabs of the same pad; both send when the signal returns.
        second = context.new_page()
        second.goto(f"http://127.0.0.1:{server.port}/score/{match.pk}/")
        context.set_offline(True)
        for key in ("1", "2", "4"):
            page.click(f'button[data-key="{key}"]')
        expect(page.locator("#pad-queue")).to_contain_text("3 balls waiting to send")
        second.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        expect(second.locator("#pad-queue")).to_contain_text("3 balls waiting to send")
        context.set_offline(False)
        _wait_for_seq(match, 5)
        expect(page.locator("#pad-queue")).to_be_hidden()
        expect(second.locator("#pad-queue")).to_be_hidden()
        # The tab that found the queue sent already shows the match as recorded.
        expect(second.locator("#pad-root")).to_have_attribute("data-seq", "5")
        time.sleep(1)  # a second send would land meanwhile
        browser.close()
    runs = [payload.get("runs") for kind, payload in _entries(match) if kind == "delivery"]
    assert runs == [3, 1, 2, 4]
    keys = list(LogEntry.objects.filter(match=match).values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys))


def test_the_model_follows_the_engine_for_the_simple_cases():
    """pad_model.js mirrors the engine's scoring of the balls it follows: the same taps give the
    same runs, wickets, overs and strike as cricket.engine (a guard against the two drifting)."""
    from playwright.sync_api import sync_playwright

    from config.settings.base import BASE_DIR
    from games.selectors import pad_snapshot

    match = make_match(overs=3)
    config = match.engine_config()
    a, b = match.a_ids, match.b_ids
    state = apply(config, match.state or new_state(), {"kind": "start_innings", "striker": a[0],
                                        "non_striker": a[1], "bowler": b[0]})
    match.state, match.seq = state, 1
    snapshot = pad_snapshot(match=match)
    forms = [{"action": "runs-1"}, {"action": "wide"}, {"action": "extras", "extra": "noball",
             "runs": "2", "noball_runs": "bat"}, {"action": "runs-4"},
             {"action": "extras", "extra": "legbye", "runs": "1"},
             {"action": "wicket", "how": "bowled", "player_out": "", "extra": "",
              "runs": "0", "new_batter": a[2]},
             {"action": "runs-3"}, {"action": "runs-0"}, {"action": "next_bowler", "player": b[1]},
             {"action": "extras", "extra": "wide", "runs": "1"},
             {"action": "wicket", "how": "run_out", "player_out": "", "extra": "",
              "runs": "1", "fielder": b[2]}, {"action": "new_batter", "player": a[3]},
             {"action": "runs-2"}, {"action": "undo"}, {"action": "runs-6"},
             *[{"action": "runs-0"}] * 4, {"action": "next_bowler", "player": b[0]},
             {"action": "runs-0"}, {"action": "bye"},  # a bye: no run off the bowler
             {"action": "wicket", "how": "caught", "player_out": "", "extra": "", "runs": "0",
              "fielder": b[4], "new_batter": a[4]},
             *[{"action": "runs-0"}] * 3]  # a maiden, and the innings' last ball
    states = [state]  # an undo takes back the last one
    for form in forms:
        if form["action"] == "undo":
            states.pop()
            continue
        if form["action"] == "wicket" and not form["player_out"]:
            form["player_out"] = states[-1]["innings"][0]["striker"]
        after = apply(config, states[-1], form_action(form))
        if form.get("new_batter"):
            after = apply(config, after, {"kind": "new_batter", "player": form["new_batter"]})
        states.append(after)
    state = states[-1]
    script = (BASE_DIR / "static/js/pad_model.js").read_text()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.set_content("<!doctype html><title>model</title>")
        page.add_script_tag(content=script)
        model = page.evaluate("([snap, queue]) => PadModel.fold(snap, queue)",
                              [snapshot, [{"fields": f} for f in forms]])
        browser.close()
    inn, mine = state["innings"][0], model["innings"]
    for field in ("runs", "wickets", "legal_balls", "overs_done", "over_balls", "striker",
                  "non_striker", "bowler", "this_over"):
        assert mine[field] == inn[field], field
    for player, card in inn["batters"].items():
        assert (mine["batters"][player]["runs"], mine["batters"][player]["balls"]) == (
            card["runs"], card["balls"]), player
    for player, card in inn["bowlers"].items():
        assert [mine["bowlers"][player][k] for k in ("balls", "runs", "wickets", "maidens")] == [
            card[k] for k in ("balls", "runs", "wickets", "maidens")], player
    assert model["needs"] == state["needs"] and model["free_hit"] == state["free_hit"]

