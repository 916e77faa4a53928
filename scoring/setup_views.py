"""Setting cricket up from the scorer console: a match (in two steps on one form), who may score
it, tournaments their organisers run, and teams with their squads."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.views import confirmed_email_required
from cricket import engine
from games.appointments import ROLES, appointment_answer, invited_to, role_of
from games.models import Appointment, Match, Team, Tournament
from games.permissions import can_appoint_scorers, can_manage_team, can_organise, can_score
from games.players import player_merge
from games.selectors import last_xi, official_team_named, team_fielded
from games.setup import match_set_scorers, match_setup, team_save, tournament_save
from games.teams import team_link_accept, team_link_reject
from scoring.forms import (
    FORMATS,
    MatchSetupForm,
    MergePlayersForm,
    ScorersForm,
    SquadForm,
    TournamentForm,
)

NOT_ORGANISER = ("Only the organisers of {tournament} (or staff) can add its matches. Leave the "
                 "tournament empty to set up a friendly, or ask an organiser to add you.")


def _tournament_refused(request: HttpRequest) -> HttpResponse | None:
    """403 when the form names a tournament this user does not run (nothing is stored)."""
    chosen = request.POST.get("tournament") or request.GET.get("tournament")
    if not chosen or not chosen.isdigit():
        return None
    tournament = Tournament.objects.filter(pk=chosen).first()
    if tournament is None or can_organise(request.user, tournament):
        return None
    return HttpResponseForbidden(NOT_ORGANISER.format(tournament=tournament))


def _named(target, exclude=None) -> str:
    """The usernames a people form starts with: who holds the role, and who is invited to."""
    holders = getattr(target, ROLES[role_of(target)][1]).values_list("username", flat=True)
    names = {*holders, *(a.user.get_username() for a in invited_to(target))}
    names.discard(getattr(exclude, "username", None))
    return " ".join(sorted(names))


def _invited(users, what: str) -> str:
    if not users:
        return ""
    names = ", ".join(user.get_username() for user in users)
    return (f" Invited {names}: they {what} once they accept (My matches → "
            "Invitations).")


def _index(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _sides(form: MatchSetupForm, size: int, posted: bool) -> list[tuple]:
    """Per side, for step two: its name, its squad (for type-ahead), the XI rows (as entered,
    else the XI of the team's last match, in its batting order), captain and keeper rows, and
    the errors to show beside them."""
    data = form.data
    sides = []
    for side in "ab":
        name = (data.get(f"team_{side}") or "").strip()
        valid = form.cleaned_data.get(f"team_{side}") if hasattr(form, "cleaned_data") else None
        team = team_fielded(name=valid, user=form.user) if valid else None
        squad = sorted(team.squad.values_list("name", flat=True)) if team else []
        rows = data.getlist(f"players_{side}") if hasattr(data, "getlist") else []
        captain, keeper = _index(data.get(f"captain_{side}")), _index(data.get(f"keeper_{side}"))
        if not any(rows) and team is not None:
            last = last_xi(team=team)
            rows = [mp.player.name for mp in last]
            captain = next((i for i, mp in enumerate(last) if mp.captain), None)
            keeper = next((i for i, mp in enumerate(last) if mp.keeper), None)
        rows = (list(rows) + [""] * size)[:max(size, len(rows))]
        errors = form.errors.get(f"players_{side}", []) if posted else []
        sides.append((side, name or f"Side {side.upper()}", squad, rows, captain, keeper,
                      errors))
    return sides


@login_required
@confirmed_email_required
@require_http_methods(["GET", "POST"])
def match_new(request: HttpRequest) -> HttpResponse:
    """Step one (a GET form): the match and its format. Step two (the same fields carried
    along): both XIs from the squads, captains, keepers and the toss. Any signed-in user may set
    up a friendly; only organisers add a tournament's matches. The creator is its first scorer."""
    refused = _tournament_refused(request)
    if refused is not None:
        return refused
    posted = request.method == "POST"
    data = request.POST if posted else (request.GET or None)
    form = MatchSetupForm(data, user=request.user)
    editing = data is not None and bool(data.get("edit"))
    step_one_ok = data is not None and all(not form[name].errors for name in form.STEP_ONE)
    step_two = posted or (step_one_ok and not editing)
    # A step one sent with mistakes is a bad request too (its messages say what to fix).
    bad_request = posted or (data is not None and not editing and not step_one_ok)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            match = match_setup(
                team_a_name=data["team_a"], team_b_name=data["team_b"],
                names_a=data["players_a"], names_b=data["players_b"],
                toss_winner=data["toss_winner"], toss_decision=data["toss_decision"],
                created_by=request.user, scorers=data["scorers"],
                tournament=data["tournament"], venue=data["venue"], stage=data["stage"],
                start_date=data["start_date"], players_per_side=data["players_per_side"],
                competition=data["format"], conditions=form.conditions(),
                captains={s: data[f"captain_{s}"] for s in "ab"},
                keepers={s: data[f"keeper_{s}"] for s in "ab"},
            )
        except engine.IllegalAction as illegal:
            form.add_error(None, illegal.message)
        else:
            invited = [a.user for a in invited_to(match)]
            messages.success(request, "Match created: choose the openers and the bowler."
                             + _invited(invited, "score it"))
            return redirect("games:scoring-pad", match_id=match.pk)
    size = form.data.get("players_per_side") or "11"
    size = int(size) if size.isdigit() and 2 <= int(size) <= 15 else 11
    change = {name: form.data.get(name, "") for name in form.STEP_ONE}
    return render(request, "games/match_new.html", {
        "form": form, "step_two": step_two, "rows": range(size), "posted": posted,
        "sides": _sides(form, size, posted) if step_two else [],
        "teams": Team.objects.filter(guest_of=None).order_by("name")
                 .values_list("name", flat=True)[:500],
        "format_label": dict(FORMATS).get(form.data.get("format"), "custom"),
        "change_query": urlencode({**change, "edit": "1"}),
    }, status=400 if bad_request else 200)


@login_required
@require_http_methods(["GET", "POST"])
def match_scorers(request: HttpRequest, match_id: int) -> HttpResponse:
    match = get_object_or_404(Match.objects.select_related("tournament"), pk=match_id)
    if not can_appoint_scorers(request.user, match):
        return HttpResponseForbidden(
            "Only the tournament's organisers (or, for a friendly, whoever set it up) and staff "
            "can choose this match's scorers.")
    form = ScorersForm(request.POST or None, initial={"scorers": _named(match)})
    if request.method == "POST" and form.is_valid():
        invited = match_set_scorers(match=match, scorers=form.cleaned_data["scorers"],
                                    by=request.user)
        messages.success(request, "Scorers saved." + _invited(invited, "score it"))
        if not can_score(request.user, match):
            return redirect("games:match-detail", match_id=match.pk)
        return redirect("games:scoring-pad", match_id=match.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "games/match_scorers.html", {
        "form": form, "match": match, "invited": invited_to(match)}, status=status)


@login_required
def organised(request: HttpRequest) -> HttpResponse:
    """The tournaments and teams this user runs."""
    return render(request, "games/organised.html", {
        "tournaments": request.user.tournaments_organised.all(),
        "teams": request.user.teams_managed.annotate(squad_size=Count("squad")),
        "links": _links_for(request.user).count(),
    })


@login_required
@confirmed_email_required
@require_http_methods(["GET", "POST"])
def tournament_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    tournament = get_object_or_404(Tournament, slug=slug) if slug else Tournament()
    if slug and not can_organise(request.user, tournament):
        return HttpResponseForbidden(f"Only the organisers of {tournament} (or staff) can "
                                     "change it.")
    others = _named(tournament, exclude=request.user) if slug else ""
    form = TournamentForm(request.POST or None, instance=tournament,
                          initial={"organisers": others})
    if request.method == "POST" and form.is_valid():
        tournament = tournament_save(tournament=form.save(commit=False), by=request.user,
                                     organisers=form.cleaned_data["organisers"])
        invited = [a.user for a in invited_to(tournament)]
        messages.success(request, f"{tournament} saved. Add its matches from + New match."
                         + _invited(invited, "run it with you"))
        return redirect("games:organised")
    return render(request, "games/tournament_edit.html", {"form": form, "tournament": tournament},
                  status=400 if request.method == "POST" else 200)


@login_required
@confirmed_email_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, team_id: int | None = None) -> HttpResponse:
    team = get_object_or_404(Team, pk=team_id) if team_id else Team()
    if team_id and not can_manage_team(request.user, team):
        return HttpResponseForbidden(f"Only {team}'s managers (or staff) can change its squad.")
    initial = {}
    if team_id:
        initial = {"name": team.name, "short_name": team.short_name,
                   "squad": "\n".join(team.squad.order_by("name").values_list("name", flat=True)),
                   "managers": _named(team, exclude=request.user)}
    form = SquadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        clash = official_team_named(data["name"])
        if team.guest_of_id and data["name"] != team.name:
            form.add_error("name", f"A guest XI keeps the name of the team it stands in for "
                                   f"({team.name}); set up a team of your own to use another.")
        elif team.guest_of_id is None and clash is not None and clash.pk != team.pk:
            form.add_error("name", f"This name reads the same as {clash.name}'s (case and "
                                   "look-alike letters aside): choose another.")
        else:
            team.name, team.short_name = data["name"], data["short_name"]
            team_save(team=team, names=data["squad"], by=request.user,
                      managers=data["managers"])
            invited = [a.user for a in invited_to(team)]
            messages.success(request, f"{team.name}: squad of {len(data['squad'])} saved."
                             + _invited(invited, "manage it with you"))
            return redirect("games:organised")
    return render(request, "games/team_edit.html", {"form": form, "team": team},
                  status=400 if request.method == "POST" else 200)


def _links_for(user):
    """The guest XIs waiting on the teams this user manages (staff: on every team)."""
    guests = Team.objects.filter(link_status=Team.LinkStatus.PENDING).select_related("guest_of")
    if not user.is_staff:
        guests = guests.filter(guest_of__managers=user)
    return guests.prefetch_related("managers", "squad").annotate(
        played=Count("matchplayer__match", distinct=True)).order_by("guest_of__name", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def team_links(request: HttpRequest) -> HttpResponse:
    """A team's managers say whether a guest XI fielded under its name was them: accepting
    moves its matches and players to the team (they count officially from then on);
    rejecting leaves them a friendly of whoever set them up."""
    if request.method == "POST":
        guest = _links_for(request.user).filter(pk=_index(request.POST.get("guest"))).first()
        decision = request.POST.get("decision")
        if guest is None or decision not in ("accept", "reject"):
            return HttpResponse("No such link waits on a team you manage (choose accept or "
                                "reject for one listed on this page).", status=400,
                                content_type="text/plain; charset=utf-8")
        if decision == "reject":
            team_link_reject(guest=guest)
            messages.success(request, f"Not {guest.guest_of.name}: its matches stay friendlies.")
        else:
            try:
                moved = team_link_accept(guest=guest)
            except engine.IllegalAction as illegal:
                messages.error(request, illegal.message)
            else:
                messages.success(request, f"{len(moved)} match(es) now {guest.guest_of.name}'s.")
        return redirect("games:team-links")
    return render(request, "games/team_links.html", {"guests": _links_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def team_merge_players(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team's managers fold two records of one person in their squad into one (the records
    of people another team fields are staff's to merge, in admin)."""
    team = get_object_or_404(Team, pk=team_id)
    if not can_manage_team(request.user, team):
        return HttpResponseForbidden(f"Only {team}'s managers (or staff) can merge its players.")
    form = MergePlayersForm(request.POST or None, team=team, user=request.user)
    if request.method == "POST" and form.is_valid():
        keep, duplicate = form.cleaned_data["keep"], form.cleaned_data["duplicate"]
        try:
            player_merge(keep=keep, duplicates=[duplicate])
        except engine.IllegalAction as illegal:
            form.add_error(None, illegal.message)
        else:
            messages.success(request, f"{duplicate.name} is now {keep.name}: one record.")
            return redirect("games:team-edit", team_id=team.pk)
    return render(request, "games/team_merge.html", {"form": form, "team": team},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def appointments(request: HttpRequest) -> HttpResponse:
    """The invitations waiting on this user: to score a match, run a tournament, manage a
    team. Each is theirs to accept or decline (games/appointments.py)."""
    mine = (Appointment.objects.filter(user=request.user)
            .select_related("by", "match__team_a", "match__team_b", "tournament", "team"))
    if request.method == "POST":
        appointment = mine.filter(pk=_index(request.POST.get("appointment"))).first()
        decision = request.POST.get("decision")
        if appointment is None or decision not in ("accept", "decline"):
            return HttpResponse("No such invitation waits for you (choose accept or decline "
                                "for one listed on this page).", status=400,
                                content_type="text/plain; charset=utf-8")
        appointment_answer(appointment=appointment, accept=decision == "accept")
        messages.success(request, f"{'Accepted' if decision == 'accept' else 'Declined'}: "
                                  f"{appointment.describe()}.")
        return redirect("games:appointments")
    return render(request, "games/appointments.html", {"appointments": mine})
