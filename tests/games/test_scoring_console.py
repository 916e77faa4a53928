"""The scorer console (work in progress for issue 4): permissions, one ball per tap, stale pages."""

import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django_redis import get_redis_connection

from games.models import LogEntry
from games.services import match_record_action
from tests.games.factories import make_match, make_user, start_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_match():
    match = make_match()
    match_record_action(match=match, action=start_action(match))
    return match


def _tap(client, match, action, seq, key="k-1"):
    return client.post(f"/score/{match.pk}/", {"action": action, "expected_seq": seq,
                                               "idempotency_key": key})


def test_anonymous_is_sent_to_login_and_a_non_scorer_gets_403(client, live_match):
    response = client.get(f"/score/{live_match.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user())
    assert client.get(f"/score/{live_match.pk}/").status_code == 403
    assert _tap(client, live_match, "runs-1", 1).status_code == 403
    assert LogEntry.objects.filter(match=live_match).count() == 1


def test_a_non_scorer_s_post_is_403_whatever_it_holds_and_shows_nothing(client, live_match):
    """The pad reads the right to score with the write's own lock; a post refused before the
    write (a form with a mistake) is checked before the pad would be rendered for it."""
    client.force_login(make_user())
    url = f"/score/{live_match.pk}/"
    posts = [
        {"action": "runs-1", "expected_seq": 1, "idempotency_key": "a"},
        {"action": "runs-1", "idempotency_key": "b"},  # no state number
        {"action": "no-such-button", "expected_seq": 1},
        {"action": "end_match", "expected_seq": 1},  # a confirmation missing
    ]
    for post in posts:
        for headers in ({}, {"HTTP_X_PAD_FETCH": "snapshot"}):
            response = client.post(url, post, **headers)
            assert response.status_code == 403, (post, headers, response.status_code)
            assert b"Only this match's scorers" in response.content
            assert live_match.team_a.name.encode() not in response.content
    assert LogEntry.objects.filter(match=live_match).count() == 1


def test_a_post_to_a_match_that_does_not_exist_is_404(client):
    client.force_login(make_user(staff=True))
    for post in ({"action": "runs-1", "expected_seq": 1}, {"action": "no-such-button"}):
        assert client.post("/score/999999/", post).status_code == 404


def test_a_tap_records_one_ball_and_a_double_tap_records_nothing_more(client, live_match):
    scorer = make_user()
    live_match.scorers.add(scorer)
    client.force_login(scorer)
    assert client.get(f"/score/{live_match.pk}/").status_code == 200
    assert _tap(client, live_match, "runs-4", 1).status_code == 302
    assert _tap(client, live_match, "runs-4", 1).status_code == 302  # the same form again
    live_match.refresh_from_db()
    assert live_match.seq == 2 and live_match.state["innings"][0]["runs"] == 4


def test_a_stale_page_says_someone_else_scored_and_records_nothing(client, live_match):
    scorer = make_user(staff=True)
    client.force_login(scorer)
    match_record_action(match=live_match, action={"kind": "delivery", "runs": 1})
    response = _tap(client, live_match, "runs-6", 1, key="k-2")
    page = client.get(response["Location"]).content.decode()
    assert "Someone else scored" in page
    live_match.refresh_from_db()
    assert live_match.seq == 2 and live_match.state["innings"][0]["runs"] == 1


def test_an_illegal_entry_re_renders_with_the_engines_message(client):
    match = make_match()  # no innings started: a ball is not possible yet
    client.force_login(make_user(staff=True))
    response = _tap(client, match, "runs-1", 0)
    assert response.status_code == 400
    assert "innings must be started" in response.content.decode()
    assert LogEntry.objects.filter(match=match).count() == 0


def test_login_attempts_are_rate_limited(client):
    redis = get_redis_connection("default")
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in redis.scan_iter(f"{prefix}:ratelimit:login:*"):
        redis.delete(key)
    statuses = [client.post("/accounts/login/", {"username": "x", "password": "y"},
                            REMOTE_ADDR="10.7.7.7").status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    cache.clear()


def test_admin_login_shares_the_limit_and_then_the_right_password_is_refused_too(client):
    redis = get_redis_connection("default")
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in redis.scan_iter(f"{prefix}:ratelimit:login:*"):
        redis.delete(key)
    staff = make_user(staff=True)
    statuses = [client.post("/admin/login/", {"username": staff.username, "password": "no"},
                            REMOTE_ADDR="10.7.7.8").status_code for _ in range(10)]
    assert statuses == [200] * 10  # the form again, with its error
    right = client.post("/admin/login/", {"username": staff.username,
                                          "password": f"pw-{staff.username}"},
                        REMOTE_ADDR="10.7.7.8")
    assert right.status_code == 429 and int(right["Retry-After"]) > 0
    assert client.get("/admin/login/", REMOTE_ADDR="10.7.7.8").status_code == 200
    for key in redis.scan_iter(f"{prefix}:ratelimit:login:*"):
        redis.delete(key)
    assert client.post("/admin/login/", {"username": staff.username,
                                         "password": f"pw-{staff.username}"},
                       REMOTE_ADDR="10.7.7.9").status_code == 302


def test_a_full_over_through_the_pad(client):
    match = make_match()
    client.force_login(make_user(staff=True))
    seq = 0

    def post(**fields):
        nonlocal seq
        response = client.post(f"/score/{match.pk}/", {"expected_seq": seq,
                                                        "idempotency_key": f"k{seq}", **fields})
        assert response.status_code == 302, response.content.decode()[:500]
        seq += 1

    page = client.get(f"/score/{match.pk}/").content.decode()
    assert 'value="start_innings"' in page
    post(action="start_innings", striker=match.a_ids[0], non_striker=match.a_ids[1],
         bowler=match.b_ids[0])
    for tap in ("runs-1", "wide", "runs-4", "runs-0", "runs-0"):
        post(action=tap)
    post(action="wicket", how="caught", player_out=match.a_ids[1], fielder=match.b_ids[4])
    page = client.get(f"/score/{match.pk}/").content.decode()
    assert 'value="new_batter"' in page
    post(action="new_batter", player=match.a_ids[2])
    post(action="runs-0")
    page = client.get(f"/score/{match.pk}/").content.decode()
    assert "(bowled the last over)" in page  # the over is complete: b1 is shown as ineligible
    post(action="next_bowler", player=match.b_ids[1])
    post(action="undo")
    match.refresh_from_db()
    inn = match.state["innings"][0]
    assert (inn["runs"], inn["wickets"], inn["legal_balls"]) == (6, 1, 6)
    assert match.state["needs"] == "next_bowler"  # the undo took back the bowler change
    assert inn["batters"][match.a_ids[1]]["out"]["kind"] == "caught"


def test_the_pad_is_installable_and_its_service_worker_names_what_it_caches(client, live_match):
    scorer = make_user()
    live_match.scorers.add(scorer)
    client.force_login(scorer)
    page = client.get(f"/score/{live_match.pk}/").content.decode()
    assert '<link rel="manifest" href="/static/pad.webmanifest">' in page
    assert 'data-sw="/score/sw.js"' in page and 'id="pad-snapshot"' in page
    client.logout()  # the worker is public: it holds nothing of anyone's
    worker = client.get("/score/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert "no-cache" in worker["Cache-Control"]
    text = worker.content.decode()
    for asset in ("/static/css/site.css", "/static/js/pad_model.js", "/static/js/pad_queue.js",
                  "/static/js/pad.js", "/static/pad.webmanifest"):
        assert f'"{asset}"' in text
    manifest = json.loads((settings.BASE_DIR / "static/pad.webmanifest").read_text())
    assert manifest["start_url"] == manifest["scope"] == "/score/"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        assert (settings.BASE_DIR / "static" / icon["src"]).read_bytes()[:4] == b"\x89PNG"
