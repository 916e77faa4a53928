"""A scorer makes an API token in a real browser (Playwright + Debian Chromium) at 360 and
1280 px, copies it with the page's button, a device scores a ball with it, a reload neither
shows it again nor makes another, and once revoked it is refused. Screenshots go to
test-artifacts/."""

import json
import urllib.error
import urllib.request

import pytest

from accounts.models import ApiToken
from games.models import LogEntry
from games.services import match_record_action
from tests.browser import ARTIFACTS, launch_chromium
from tests.games.factories import make_match, make_user, start_action
from tests.servers import child_env, start_server, stop_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _score(base: str, match_id: int, token: str, key: str) -> int:
    request = urllib.request.Request(
        f"{base}/api/matches/{match_id}/actions", method="POST",
        data=json.dumps({"action": {"kind": "delivery", "runs": 4, "boundary": True},
                         "idempotency_key": key}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_a_scorer_makes_copies_uses_and_revokes_a_token(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the test reads the database
    from playwright.sync_api import expect, sync_playwright

    from devtools.embedded import _free_port

    scorer = make_user("token-walker")
    match = make_match(scorer=scorer)
    match_record_action(match=match, action=start_action(match))
    port = _free_port()
    server = start_server(port, child_env())
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for width in (360, 1280):
                context = browser.new_context(viewport={"width": width, "height": 800})
                context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.fill('input[name="username"]', scorer.username)
                page.fill('input[name="password"]', f"pw-{scorer.username}")
                page.click("button[type=submit]")
                page.click("text=API tokens")
                page.fill('input[name="name"]', f"Scoring tablet {width}")
                page.click("text=Make token")
                shown = page.locator("#new-token")
                expect(shown).to_be_visible()
                token = shown.inner_text().strip()
                box = shown.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width  # wraps, all seen
                page.click("text=Copy token")
                expect(page.locator("button[data-copy]")).to_have_text("Copied")
                assert page.evaluate("navigator.clipboard.readText()") == token
                page.screenshot(path=str(ARTIFACTS / f"api-token-made-{width}.png"),
                                full_page=True)

                assert _score(base, match.pk, token, f"tablet-{width}") == 201
                page.reload()  # shown once; a reload makes no second token
                expect(page.locator("#new-token")).to_have_count(0)
                row = page.locator("ul.tokens li", has_text=f"Scoring tablet {width}")
                expect(row).to_have_count(1)
                assert token not in page.content()
                row.locator("text=Revoke").click()
                expect(page.locator("p.notice")).to_contain_text("Token revoked")
                page.screenshot(path=str(ARTIFACTS / f"api-token-revoked-{width}.png"),
                                full_page=True)
                assert _score(base, match.pk, token, f"after-{width}") == 401
                context.close()
            browser.close()
    finally:
        stop_server(server)
    assert not ApiToken.objects.filter(user=scorer).exists()
    keys = set(LogEntry.objects.filter(match=match).values_list("idempotency_key", flat=True))
    assert keys == {None, "tablet-360", "tablet-1280"}
