"""Setting up a match from the scorer console, and managing who may score it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from games import engine
from games.forms import MatchSetupForm, ScorersForm
from games.models import Match
from games.services import match_set_scorers, match_setup


@login_required
@require_http_methods(["GET", "POST"])
def match_new(request: HttpRequest) -> HttpResponse:
    """Any signed-in user may set up a match; they become its first scorer."""
    form = MatchSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            match = match_setup(
                team_a_name=data["team_a"], team_b_name=data["team_b"],
                names_a=data["players_a"], names_b=data["players_b"],
                toss_winner=data["toss_winner"], toss_decision=data["toss_decision"],
                created_by=request.user, scorers=data["scorers"],
                tournament=data["tournament"], venue=data["venue"], stage=data["stage"],
                start_date=data["start_date"], overs=data["overs"],
                balls_per_over=data["balls_per_over"], innings_per_side=data["innings_per_side"],
                players_per_side=data["players_per_side"],
                bowler_max_overs=data["bowler_max_overs"],
            )
        except engine.IllegalAction as illegal:
            form.add_error(None, illegal.message)
        else:
            messages.success(request, "Match created: choose the openers and the bowler.")
            return redirect("games:scoring-pad", match_id=match.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "games/match_new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def match_scorers(request: HttpRequest, match_id: int) -> HttpResponse:
    match = get_object_or_404(Match, pk=match_id)
    if not (request.user.is_staff or match.created_by_id == request.user.pk):
        return HttpResponseForbidden("Only the match's creator (or staff) can choose its scorers.")
    current = " ".join(u.get_username() for u in match.scorers.order_by("username"))
    form = ScorersForm(request.POST or None, initial={"scorers": current})
    if request.method == "POST" and form.is_valid():
        match_set_scorers(match=match, scorers=form.cleaned_data["scorers"])
        messages.success(request, "Scorers saved.")
        return redirect("games:scoring-pad", match_id=match.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "games/match_scorers.html", {"form": form, "match": match},
                  status=status)
