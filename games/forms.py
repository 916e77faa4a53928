"""Forms of the scorer console that are more than a button: setting up a match, its scorers."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from games.models import Match, Tournament

NAME_MAX = 120  # Player.name


def _names(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ScorersField(forms.CharField):
    """Usernames separated by commas or spaces; every one must exist."""

    def clean(self, value):
        value = super().clean(value)
        usernames = sorted({name for name in value.replace(",", " ").split() if name})
        users = list(get_user_model().objects.filter(username__in=usernames))
        missing = set(usernames) - {user.get_username() for user in users}
        if missing:
            raise forms.ValidationError(
                f"No account is called {', '.join(sorted(missing))}: check the spelling, or ask "
                "them to sign up first.")
        return users


class MatchSetupForm(forms.Form):
    tournament = forms.ModelChoiceField(Tournament.objects.all(), required=False)
    team_a = forms.CharField(label="Home side", max_length=120)
    team_b = forms.CharField(label="Away side", max_length=120)
    venue = forms.CharField(max_length=200, required=False)
    stage = forms.CharField(max_length=40, required=False,
                            help_text="Final, semi-final…; empty for a league or group match.")
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    overs = forms.IntegerField(min_value=1, max_value=200, required=False, initial=20,
                               help_text="Overs per innings; leave empty for unlimited.")
    balls_per_over = forms.IntegerField(min_value=4, max_value=10, initial=6)
    innings_per_side = forms.TypedChoiceField(choices=[(1, "1"), (2, "2")], coerce=int,
                                              initial=1)
    players_per_side = forms.IntegerField(min_value=2, max_value=15, initial=11)
    bowler_max_overs = forms.IntegerField(min_value=1, required=False,
                                          help_text="Empty: no limit per bowler.")
    players_a = forms.CharField(label="Home XI (batting order, one per line)",
                                widget=forms.Textarea(attrs={"rows": 11}))
    players_b = forms.CharField(label="Away XI (batting order, one per line)",
                                widget=forms.Textarea(attrs={"rows": 11}))
    toss_winner = forms.ChoiceField(choices=[("a", "Home side"), ("b", "Away side")])
    toss_decision = forms.ChoiceField(choices=Match.TossDecision.choices)
    scorers = ScorersField(required=False, help_text="Usernames of co-scorers (you are one).")

    def clean(self):
        data = super().clean()
        size = data.get("players_per_side")
        if data.get("team_a") and data.get("team_a") == data.get("team_b"):
            self.add_error("team_b", "The two sides must be different teams.")
        for field in ("players_a", "players_b"):
            if field not in data or size is None:
                continue
            names = _names(data[field])
            if len(names) != size:
                self.add_error(field, f"Enter {size} players, one per line ({len(names)} given).")
            elif len(set(names)) != len(names):
                self.add_error(field, "A name appears twice; add an initial to tell them apart.")
            elif any(len(name) > NAME_MAX for name in names):
                self.add_error(field, f"A name is longer than {NAME_MAX} characters.")
            data[field] = names
        return data


class ScorersForm(forms.Form):
    scorers = ScorersField(required=False, help_text="Usernames, separated by commas.")
