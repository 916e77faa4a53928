"""Issue 29's first attack: a stranger's friendly rewrote other people's squads and real
players' careers. Teams belong to their managers: a match set up by anyone else fields a guest
XI (``games.teams``), whose players are new records and whose matches count on no official
board until the real team's managers accept the link."""

import pytest

from games.models import Match, MatchPlayer, Player, Team
from games.setup import match_setup, team_save
from leaderboards.models import BattingRecord
from leaderboards.scopes import FRIENDLIES, GLOBAL
from leaderboards.selectors import player_figures
from leaderboards.services import leaderboards_catch_up
from tests.games.factories import make_user
from tests.leaderboards.play import play_match

pytestmark = pytest.mark.django_db

REAL = [f"Real {i}" for i in range(1, 12)]
BOB = [f"Bob {i}" for i in range(1, 12)]


def _match(by, team_a, team_b, names_a, names_b, **fields):
    match = match_setup(team_a_name=team_a, team_b_name=team_b, names_a=names_a,
                        names_b=names_b, toss_winner="a", toss_decision="bat", created_by=by,
                        competition="custom", conditions={"overs": 2}, **fields)
    sides = {}
    for mp in match.players.filter(substitute=False).order_by("order"):
        sides.setdefault(mp.team_id, []).append(str(mp.player_id))
    match.a_ids, match.b_ids = sides[match.team_a_id], sides[match.team_b_id]
    return match


def _played(by, team_a, team_b, names_a, names_b, runs=(1, 4, 0, 6)):
    match = play_match(_match(by, team_a, team_b, names_a, names_b), list(runs))
    leaderboards_catch_up()
    return match


@pytest.fixture
def alice():
    """Alice manages Alice XI; it has played one real match (her own)."""
    alice = make_user("alice")
    team_save(team=Team(name="Alice XI"), names=REAL, by=alice)
    _played(alice, "Alice XI", "Carol XI", REAL, [f"Carol {i}" for i in range(1, 12)])
    return alice


def test_a_strangers_friendly_never_joins_a_squad_or_a_career(alice):
    real = Team.objects.get(name="Alice XI", guest_of=None)
    squad = set(real.squad.values_list("pk", flat=True))
    runs = {p.pk: BattingRecord.objects.get(scope=GLOBAL, player=p).runs
            for p in Player.objects.filter(name__in=REAL[:2])}
    mallory = make_user("mallory")

    # Nine intruders and two real names, and the real names scoring heavily.
    intruders = REAL[:2] + [f"Intruder {i}" for i in range(1, 10)]
    match = _played(mallory, "alice xi", "Bob XI", intruders, BOB, runs=(6, 6, 4, 6))

    assert match.team_a.guest_of_id == real.pk and match.is_friendly
    assert set(real.squad.values_list("pk", flat=True)) == squad  # 11, not 20
    assert not MatchPlayer.objects.filter(match=match, player_id__in=squad).exists()
    for pk, before in runs.items():  # the real players' careers did not move
        assert BattingRecord.objects.get(scope=GLOBAL, player_id=pk).runs == before
    guest_ids = [int(p) for p in match.a_ids]
    assert not BattingRecord.objects.filter(scope=GLOBAL, player_id__in=guest_ids).exists()
    assert BattingRecord.objects.filter(scope=FRIENDLIES, player_id__in=guest_ids).exists()
    # Alice's next match is picked from her squad, not the intruders.
    match_b = _match(alice, "Alice XI", "Dan XI", REAL, [f"Dan {i}" for i in range(1, 12)])
    assert match_b.team_a_id == real.pk and not match_b.is_friendly


@pytest.mark.parametrize("lookalike", ["ALICE XI", "\u0410lice XI", "Alice\u00a0XI",
                                       "\uff21lice XI"])
def test_a_name_that_reads_like_a_team_is_that_team(alice, lookalike):
    match = _match(make_user("mallory"), lookalike, "Bob XI", BOB, [f"B {i}" for i in range(11)])
    assert match.team_a.guest_of.name == "Alice XI"
    assert Team.objects.filter(guest_of=None, name_key=match.team_a.name_key).count() == 1


def test_the_managers_accept_a_guest_xi_and_its_matches_count(alice, client):
    mallory = make_user("mallory")
    names = REAL[:3] + [f"New {i}" for i in range(1, 9)]
    match = _played(mallory, "Alice XI", "Bob XI", names, BOB)
    guest = match.team_a
    real = guest.guest_of
    opener = Player.objects.get(name="Real 1", squads=real)
    before = BattingRecord.objects.get(scope=GLOBAL, player=opener)

    client.force_login(mallory)  # not hers to accept
    assert client.post("/score/teams/links/", {"guest": guest.pk,
                                               "decision": "accept"}).status_code == 400
    assert Team.objects.filter(pk=guest.pk).exists()
    client.force_login(alice)
    page = client.get("/score/teams/links/").content.decode()
    assert "mallory" in page and "New 1" in page
    response = client.post("/score/teams/links/", {"guest": guest.pk, "decision": "accept"})
    assert response.status_code == 302

    match = Match.objects.get(pk=match.pk)
    assert match.team_a_id == real.pk and not match.is_friendly
    assert not Team.objects.filter(pk=guest.pk).exists()
    assert MatchPlayer.objects.get(match=match, order=0, team=real).player_id == opener.pk
    assert match.config["teams"][0]["id"] == str(real.pk)
    assert set(real.squad.filter(name__startswith="New ").values_list("name", flat=True)) == {
        f"New {i}" for i in range(1, 9)}
    leaderboards_catch_up()
    after = BattingRecord.objects.get(scope=GLOBAL, player=opener)
    assert after.innings == before.innings + 1
    assert not BattingRecord.objects.filter(scope=FRIENDLIES).exists()
    assert player_figures(player=opener)["career"]["batting"]["runs"] == after.runs


def test_a_rejected_guest_xi_stays_a_friendly(alice, client):
    match = _played(make_user("mallory"), "Alice XI", "Bob XI", BOB, [f"B {i}" for i in range(11)])
    client.force_login(alice)
    client.post("/score/teams/links/", {"guest": match.team_a_id, "decision": "reject"})
    guest = Team.objects.get(pk=match.team_a_id)
    assert guest.link_status == "rejected" and Match.objects.get(pk=match.pk).is_friendly
    assert "None waiting" in client.get("/score/teams/links/").content.decode()
    # A second try at the accept is refused: it no longer waits.
    assert client.post("/score/teams/links/", {"guest": guest.pk,
                                               "decision": "accept"}).status_code == 400


@pytest.mark.parametrize("post", [{"guest": "x", "decision": "accept"},
                                  {"guest": "1" * 30, "decision": "accept"},
                                  {"guest": "\u202e1", "decision": "accept"},
                                  {"decision": "\x00"}, {}])
def test_bad_link_decisions_are_a_clear_400(alice, client, post):
    client.force_login(alice)
    response = client.post("/score/teams/links/", post)
    assert response.status_code == 400 and b"accept or reject" in response.content


def test_a_team_cannot_be_renamed_to_read_like_another(alice, client):
    mallory = make_user("mallory")
    team_save(team=Team(name="Mallory XI"), names=BOB, by=mallory)
    team = Team.objects.get(name="Mallory XI")
    client.force_login(mallory)
    response = client.post(f"/score/teams/{team.pk}/", {
        "name": "AL\u0406CE X\u0406", "short_name": "",  # a Cyrillic I (U+0406) for each I
        "squad": "\n".join(BOB), "managers": ""})
    assert response.status_code == 400 and "reads the same as Alice XI" in response.content.decode()
    assert Team.objects.get(pk=team.pk).name == "Mallory XI"


def test_managers_merge_their_own_duplicates_only(alice, client):
    real = Team.objects.get(name="Alice XI", guest_of=None)
    twice = Player.objects.create(name="R. 1")
    real.squad.add(twice)
    keep = Player.objects.get(name="Real 1", squads=real)
    mallory = make_user("mallory")
    client.force_login(mallory)
    assert client.post(f"/score/teams/{real.pk}/merge/", {
        "keep": keep.pk, "duplicate": twice.pk}).status_code == 403
    client.force_login(alice)
    assert client.post(f"/score/teams/{real.pk}/merge/", {
        "keep": keep.pk, "duplicate": keep.pk}).status_code == 400
    carol = Player.objects.filter(name="Carol 1").first()  # not in Alice's squad
    assert client.post(f"/score/teams/{real.pk}/merge/", {
        "keep": keep.pk, "duplicate": carol.pk}).status_code == 400
    assert Player.objects.filter(pk=carol.pk).exists()
    response = client.post(f"/score/teams/{real.pk}/merge/", {"keep": keep.pk,
                                                              "duplicate": twice.pk})
    assert response.status_code == 302
    assert not Player.objects.filter(pk=twice.pk).exists()
    assert keep.aliases.filter(name="R. 1").exists()


def test_a_user_import_fields_guest_xis_and_new_people(alice):
    from games.cricsheet_import import cricsheet_create_match
    opener = Player.objects.get(name="Real 1", squads__name="Alice XI")
    opener.cricsheet_id = "aaaa1111"
    opener.save()
    data = {"info": {"teams": ["Alice XI", "Bob XI"], "dates": ["2026-05-01"],
                     "overs": 20, "match_type": "T20", "gender": "male",
                     "players": {"Alice XI": REAL, "Bob XI": BOB},
                     "registry": {"people": {"Real 1": "aaaa1111"}},
                     "toss": {"winner": "Alice XI", "decision": "bat"}},
            "innings": [{"team": "Alice XI", "overs": []}]}
    match, people = cricsheet_create_match(data=data, by=make_user("mallory"))
    assert match.team_a.guest_of.name == "Alice XI"
    assert people["Real 1"].pk != opener.pk and people["Real 1"].cricsheet_id is None
    staff_match, staff_people = cricsheet_create_match(data=data, by=make_user("st", staff=True))
    assert staff_match.team_a.name == "Alice XI" and not staff_match.is_friendly
    assert staff_people["Real 1"].pk == opener.pk


def test_a_guest_xi_keeps_the_name_it_stands_in_for(alice, client):
    mallory = make_user("mallory")
    guest = _match(mallory, "Alice XI", "Bob XI", BOB, [f"B {i}" for i in range(11)]).team_a
    client.force_login(mallory)
    page = client.get(f"/score/teams/{guest.pk}/").content.decode()
    assert "A guest XI" in page and "accept it as theirs" in page
    response = client.post(f"/score/teams/{guest.pk}/", {"name": "Carol XI", "short_name": "",
                                                         "squad": "\n".join(BOB),
                                                         "managers": ""})
    assert response.status_code == 400 and "keeps the name" in response.content.decode()
    assert Team.objects.get(pk=guest.pk).name == "Alice XI"
