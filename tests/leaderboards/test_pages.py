"""Board pages and JSON: content, sorting, pagination, CDN headers and ETags, errors, rank
lookups from the Redis sorted set, cache invalidation by generation, and the admin."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django_redis import get_redis_connection

from games.models import Player, Tournament
from leaderboards import cache as board_cache
from leaderboards.models import BattingRecord
from leaderboards.scopes import GLOBAL
from leaderboards.selectors import PAGE_SIZE
from leaderboards.services import leaderboards_process_events, leaderboards_process_global
from tests.games.factories import make_user
from tests.leaderboards.play import completed_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def season():
    cache.clear()
    board_cache.rank_clear()
    cup = Tournament.objects.create(name="County League", season="2026")
    matches = [completed_match([1, 4, 0, 2, 6, 1, 3], tournament=cup),
               completed_match([0, 1, 2, 0, 1], tournament=cup, wicket_every=4)]
    leaderboards_process_events()
    leaderboards_process_global()
    yield cup, matches
    cache.clear()
    board_cache.rank_clear()


def test_tournament_page_and_json(client, season):
    cup, (first, _second) = season
    page = client.get(f"/tournaments/{cup.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Points table" in html and first.team_a.name in html
    assert "public, max-age=120" in page["Cache-Control"]
    response = client.get(f"/api/tournaments/{cup.slug}")
    data = response.json()
    assert response["Cache-Control"] == "public, max-age=120, stale-while-revalidate=60"
    assert len(data["standings"]) == 4 and sum(s["played"] for s in data["standings"]) == 4
    assert [s["points"] for s in data["standings"]] == sorted(
        (s["points"] for s in data["standings"]), reverse=True)
    runs = [r["runs"] for r in data["batting"]]
    assert runs == sorted(runs, reverse=True) and len(runs) <= 10
    again = client.get(f"/api/tournaments/{cup.slug}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again["ETag"] == response["ETag"]


def test_sorting_pagination_and_errors(client, season):
    cup, _ = season
    table = client.get(f"/api/tournaments/{cup.slug}/bowling?sort=economy").json()
    economies = [r["economy"] for r in table["rows"] if r["economy"] is not None]
    assert economies == sorted(economies) and table["sort"] == "economy"
    html = client.get(f"/tournaments/{cup.slug}/batting/?sort=strike_rate").content.decode()
    assert 'aria-current="true"' in html
    bad = client.get(f"/api/tournaments/{cup.slug}/batting?sort=height")
    assert bad.status_code == 400 and "Sort by one of: runs" in bad.json()["error"]
    assert client.get("/api/leaderboards/batting?page=two").status_code == 400
    assert client.get("/leaderboards/batting/?sort=nope").status_code == 400
    assert client.get("/api/tournaments/no-such-cup").status_code == 404
    assert client.get("/tournaments/no-such-cup/").status_code == 404
    assert client.get("/leaderboards/fielding/").status_code == 404
    assert client.get("/api/players/999999").status_code == 404
    # Filters are checked before they name a cache key: random ones create none.
    redis = get_redis_connection("default")
    pattern = f"{settings.CACHES['default']['KEY_PREFIX']}:*lb:gen:*"
    before = len(list(redis.scan_iter(pattern)))
    for junk in ("x" * 300, "T20' OR 1=1", "banana"):
        response = client.get("/api/leaderboards/batting", {"format": junk})
        assert response.status_code == 400 and "format must be" in response.json()["error"]
    assert client.get("/api/leaderboards/batting", {"season": "soon"}).status_code == 400
    assert len(list(redis.scan_iter(pattern))) == before
    assert all(redis.ttl(key) > 0 for key in redis.scan_iter(pattern))


def test_tables_paginate_beyond_a_hundred_rows(client):
    cache.clear()
    players = Player.objects.bulk_create(Player(name=f"P{i:03}") for i in range(PAGE_SIZE + 30))
    BattingRecord.objects.bulk_create(
        BattingRecord(scope="f:T10", player=p, innings=1, not_outs=0, runs=i, balls=i + 1,
                      highest=i, highest_not_out=False, fifties=0, hundreds=0, fours=0, sixes=0,
                      average=i, strike_rate=1) for i, p in enumerate(players))
    first = client.get("/api/leaderboards/batting?format=T10").json()
    second = client.get("/api/leaderboards/batting?format=T10&page=2").json()
    assert (first["total"], first["pages"], len(first["rows"]), len(second["rows"])) == (
        PAGE_SIZE + 30, 2, PAGE_SIZE, 30)
    assert first["rows"][0]["runs"] == PAGE_SIZE + 29 and second["rows"][0]["rank"] == 101
    html = client.get("/leaderboards/batting/?format=T10").content.decode()
    assert "page=2" in html and "Next" in html
    cache.clear()


def test_global_boards_filter_by_format_and_season(client, season):
    data = client.get("/api/leaderboards?format=2-over&season=2026")
    assert data.status_code == 200 and "max-age=300" in data["Cache-Control"]
    body = data.json()
    assert body["scope"] == "fs:2-over|2026" and len(body["standings"]) == 4
    assert body["filters"] == {"formats": ["2-over"], "seasons": ["2026"]}
    assert client.get("/api/leaderboards?season=1999").json()["standings"] == []
    assert client.get("/leaderboards/?format=2-over").status_code == 200


def test_player_page_rank_and_invalidation(client, season, django_capture_on_commit_callbacks):
    cup, (_first, _) = season
    top = BattingRecord.objects.filter(scope=GLOBAL).order_by("-runs").first()
    rank = client.get(f"/api/players/{top.player_id}/rank").json()["rank"]
    assert rank["rank"] == 1 and rank["value"] == top.runs
    assert rank["of"] == BattingRecord.objects.filter(scope=GLOBAL).count()
    html = client.get(f"/players/{top.player_id}/").content.decode()
    assert "County League" in html and "Career" in html and "#1" in html
    profile = client.get(f"/api/players/{top.player_id}").json()
    assert profile["career"]["batting"]["runs"] == top.runs
    assert profile["tournaments"][0]["tournament"]["slug"] == cup.slug

    # A cached board is replaced as soon as an aggregation changes its scope.
    before = client.get(f"/api/tournaments/{cup.slug}").json()
    completed_match([6, 6, 6, 6], tournament=cup)
    with django_capture_on_commit_callbacks(execute=True):  # as after a real commit
        leaderboards_process_events()
    after = client.get(f"/api/tournaments/{cup.slug}").json()
    assert sum(s["played"] for s in after["standings"]) == sum(
        s["played"] for s in before["standings"]) + 2
    with django_capture_on_commit_callbacks(execute=True):
        leaderboards_process_global()
    leader = client.get("/api/leaderboards/batting").json()["rows"][0]
    assert leader["runs"] >= 12  # the new match's sixes reached the (cached) global board
    moved = client.get(f"/api/players/{top.player_id}/rank").json()["rank"]
    assert moved["of"] == BattingRecord.objects.filter(scope=GLOBAL).count()
    assert moved["rank"] == 1 + BattingRecord.objects.filter(scope=GLOBAL,
                                                             runs__gt=top.runs).count()


def test_admin_shows_boards_and_rebuilds_a_tournament(client, season):
    cup, _ = season
    admin = make_user(staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get("/admin/leaderboards/standing/").status_code == 200
    assert client.get("/admin/leaderboards/battingrecord/").status_code == 200
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 200
    cup.points_win = 4
    cup.save()
    response = client.post("/admin/games/tournament/", {
        "action": "rebuild_boards", "_selected_action": [cup.pk]}, follow=True)
    assert "Rebuilt 1 tournament board" in response.content.decode()
    standings = client.get(f"/api/tournaments/{cup.slug}").json()["standings"]
    assert all(s["points"] == 4 * s["won"] + s["tied"] + s["no_result"] for s in standings)
    assert max(s["points"] for s in standings) == 4


def test_a_completion_updates_tournament_global_and_player_pages_together(
        client, django_capture_on_commit_callbacks):
    """The task a completion queues brings every board up to date, not only the tournament's:
    the global board and the player's page agree with it at once, and each says when."""
    from leaderboards.tasks import aggregate_tournaments

    cache.clear()
    cup = Tournament.objects.create(name="Evening League", season="2026")
    match = completed_match([4, 6, 1, 0, 2], tournament=cup)
    before = client.get("/leaderboards/").content.decode()
    assert "Not computed yet" in before
    with django_capture_on_commit_callbacks(execute=True):  # its cache bumps, as on commit
        assert aggregate_tournaments.apply().get() == 1  # the real task, run here
    tournament = client.get(f"/tournaments/{cup.slug}/").content.decode()
    everything = client.get("/leaderboards/").content.decode()
    for page in (tournament, everything):
        assert match.team_a.name in page and "Updated <time" in page
    batter = BattingRecord.objects.filter(scope=GLOBAL).order_by("-runs").first()
    player = client.get(f"/players/{batter.player_id}/").content.decode()
    assert "Updated <time" in player and "<b>#1</b>" in player
