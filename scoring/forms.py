"""Forms of the scorer console that are more than a button: setting up a match, its scorers,
a tournament and a team's squad."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import ProhibitNullCharactersValidator

from accounts.lookalike import skeleton
from games.models import FREE_HIT_CHOICES, MAX_FOLLOW_ON_LEAD, Player, Team, Tournament

NAME_MAX = 120  # Player.name

# The formats a match is set up from: each fills the match's playing conditions from the
# competition's conditions in force on the match's date (games.PlayingConditions); "custom"
# takes only what the scorer enters.
FORMATS = [
    ("t20i", "T20 — 20 overs, 4 an over per bowler (international rules)"),
    ("club_t20", "Club T20 — 20 overs, 4 per bowler"),
    ("club_odi", "Club 40 overs — 8 per bowler"),
    ("odi", "One-day — 50 overs, 10 per bowler"),
    ("test", "Test / two-innings — unlimited overs, follow-on"),
    ("ipl", "IPL"),
    ("custom", "Custom — set every condition below"),
]
CUSTOM = "custom"
# Conditions a scorer may set over the format's (empty: the format's).
OVERRIDES = ("overs", "balls_per_over", "bowler_max_overs", "innings_per_side",
             "follow_on_lead", "free_hit")


def _names(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# What a name may not hold: characters XML 1.0 forbids (the share image and exports are XML),
# other C0/C1 controls, noncharacters, and the bidirectional overrides and isolates that make a
# name read differently from what it is.
_NOT_IN_A_NAME = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\u202a-\u202e\u2066-\u2069]")


def printable_name(value: str) -> None:
    """A validator for names (teams, players, tournaments, venues)."""
    found = _NOT_IN_A_NAME.search(value or "")
    if found:
        raise forms.ValidationError(
            f"This holds a character that cannot be shown (U+{ord(found.group()):04X}); "
            "type the name again without it.")


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


class RowsWidget(forms.Widget):
    """One text box per player (``name`` repeated), or one textarea of lines: either posts."""

    def value_from_datadict(self, data, files, name):
        rows = data.getlist(name) if hasattr(data, "getlist") else [data.get(name, "")]
        if len(rows) == 1 and "\n" in rows[0]:
            rows = rows[0].splitlines()
        return [row.strip() for row in rows]


class XIField(forms.Field):
    widget = RowsWidget

    def clean(self, value):
        rows = value or []
        if not any(rows):
            raise forms.ValidationError("Enter the playing XI, in batting order.")
        for row in rows:
            ProhibitNullCharactersValidator()(row)
            printable_name(row)
        return rows


class MatchSetupForm(forms.Form):
    tournament = forms.ModelChoiceField(Tournament.objects.none(), required=False,
                                        empty_label="None — a friendly",
                                        help_text="Only tournaments you organise.")
    team_a = forms.CharField(label="Home side", max_length=120, validators=[printable_name])
    team_b = forms.CharField(label="Away side", max_length=120, validators=[printable_name])
    format = forms.ChoiceField(choices=FORMATS, initial="club_t20")
    venue = forms.CharField(max_length=200, required=False, validators=[printable_name])
    stage = forms.CharField(max_length=40, required=False, validators=[printable_name],
                            help_text="Final, semi-final…; empty for a league or group match.")
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    players_per_side = forms.IntegerField(min_value=2, max_value=15, initial=11)
    overs = forms.IntegerField(min_value=1, max_value=200, required=False,
                               help_text="Overs per innings (custom: empty for unlimited).")
    balls_per_over = forms.IntegerField(min_value=4, max_value=10, required=False)
    bowler_max_overs = forms.IntegerField(min_value=1, max_value=200, required=False,
                                          help_text="Overs one bowler may bowl.")
    innings_per_side = forms.TypedChoiceField(choices=[("", "—"), (1, "1"), (2, "2")],
                                              coerce=int, required=False, empty_value=None)
    follow_on_lead = forms.IntegerField(min_value=0, max_value=MAX_FOLLOW_ON_LEAD,
                                        required=False,
                                        help_text="Lead that allows the follow-on (two innings).")
    free_hit = forms.ChoiceField(choices=[("", "—"), *FREE_HIT_CHOICES], required=False,
                                 help_text="Free hit after which no-balls.")
    players_a = XIField(label="Home XI")
    players_b = XIField(label="Away XI")
    captain_a = forms.IntegerField(required=False, widget=forms.HiddenInput)
    keeper_a = forms.IntegerField(required=False, widget=forms.HiddenInput)
    captain_b = forms.IntegerField(required=False, widget=forms.HiddenInput)
    keeper_b = forms.IntegerField(required=False, widget=forms.HiddenInput)
    toss_winner = forms.ChoiceField(choices=[("a", "Home side"), ("b", "Away side")],
                                    widget=forms.RadioSelect)
    toss_decision = forms.ChoiceField(choices=[("bat", "bat"), ("field", "bowl")],
                                      label="and chose to", widget=forms.RadioSelect)
    scorers = ScorersField(required=False, help_text="Usernames of co-scorers (you are one).")

    # Set-up comes in two steps on one form: the match (these), then the XIs and the toss.
    STEP_ONE = ("tournament", "team_a", "team_b", "format", "venue", "stage", "start_date",
                "players_per_side", *OVERRIDES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        organised = Tournament.objects.all()
        if not user.is_staff:
            organised = organised.filter(organisers=user)
        self.fields["tournament"].queryset = organised
        # The toss is won by a team, named as the scorer typed it.
        names = [(self.data.get(f"team_{side}") or "").strip() for side in "ab"]
        if all(names):
            self.fields["toss_winner"].choices = [("a", names[0]), ("b", names[1])]

    def step_one_fields(self):
        return [self[name] for name in self.STEP_ONE]

    def clean(self):
        data = super().clean()
        size = data.get("players_per_side")
        if data.get("team_a") and skeleton(data["team_a"]) == skeleton(data.get("team_b", "")):
            self.add_error("team_b", "The two sides must be different teams.")
        quota, overs = data.get("bowler_max_overs"), data.get("overs")
        if quota and overs and quota > overs:
            self.add_error("bowler_max_overs", f"A bowler cannot bowl more than the innings' "
                                               f"{overs} overs.")
        for side in "ab":
            field = f"players_{side}"
            if field not in data or size is None:
                continue
            rows = data[field]
            names = [name for name in rows if name]
            if len(names) != size:
                self.add_error(field, f"Enter {size} players ({len(names)} given).")
            elif len({n.casefold() for n in names}) != len(names):
                self.add_error(field, "A name appears twice; add an initial to tell them apart.")
            elif any(len(name) > NAME_MAX for name in names):
                self.add_error(field, f"A name is longer than {NAME_MAX} characters.")
            for role in ("captain", "keeper"):
                row = data.get(f"{role}_{side}")
                chosen = rows[row] if row is not None and 0 <= row < len(rows) else ""
                data[f"{role}_{side}"] = chosen or None
            data[field] = names
        return data

    def conditions(self) -> dict:
        """What the scorer set over the format's conditions."""
        data = self.cleaned_data
        chosen = {name: data[name] for name in OVERRIDES if data.get(name) not in (None, "")}
        if data["format"] == CUSTOM:
            chosen.setdefault("overs", None)
        return chosen


class ScorersForm(forms.Form):
    scorers = ScorersField(required=False, help_text="Usernames, separated by commas.")


class TournamentForm(forms.ModelForm):
    organisers = ScorersField(required=False, label="Co-organisers",
                              help_text="Usernames of people who run it with you.")

    class Meta:
        model = Tournament
        fields = ["name", "season", "points_win", "points_tie", "points_no_result"]

    def clean_name(self):
        printable_name(self.cleaned_data["name"])
        return self.cleaned_data["name"]

    def clean_season(self):
        printable_name(self.cleaned_data["season"])
        return self.cleaned_data["season"]


class SquadForm(forms.Form):
    name = forms.CharField(max_length=120, label="Team name", validators=[printable_name])
    short_name = forms.CharField(max_length=10, required=False, validators=[printable_name])
    squad = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), required=False,
                            help_text="One player per line. A name already in the squad keeps "
                                      "its player (and their records); a new name adds one.")
    managers = ScorersField(required=False, label="Co-managers",
                            help_text="Usernames of people who may change this squad.")

    def clean_squad(self):
        names = _names(self.cleaned_data["squad"])
        for name in names:
            printable_name(name)
        if len({n.casefold() for n in names}) != len(names):
            raise forms.ValidationError("A name appears twice; add an initial to tell them "
                                        "apart.")
        if any(len(name) > NAME_MAX for name in names):
            raise forms.ValidationError(f"A name is longer than {NAME_MAX} characters.")
        return names



class MergePlayersForm(forms.Form):
    keep = forms.ModelChoiceField(Player.objects.none(), label="Keep this record",
                                  help_text="Its name stays; the other's becomes an alias.")
    duplicate = forms.ModelChoiceField(Player.objects.none(), label="Fold this one into it")

    def __init__(self, *args, team: Team, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.team, self.user = team, user
        squad = team.squad.order_by("name", "pk")
        self.fields["keep"].queryset = self.fields["duplicate"].queryset = squad
        self.fields["keep"].label_from_instance = self.fields["duplicate"].label_from_instance = (
            lambda p: f"{p.name} (#{p.pk})")

    def clean(self):
        data = super().clean()
        keep, duplicate = data.get("keep"), data.get("duplicate")
        if keep and duplicate and keep.pk == duplicate.pk:
            raise forms.ValidationError("Choose two different records.")
        if keep and duplicate and not self.user.is_staff:
            elsewhere = [p.name for p in (keep, duplicate)
                         if p.appearances.exclude(team=self.team).exists()]
            if elsewhere:
                raise forms.ValidationError(
                    f"{', '.join(elsewhere)} also played for another team: ask staff to merge "
                    "records that more than one team fields.")
        return data
