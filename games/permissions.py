"""Who may do what: score a match, run a tournament, appoint scorers, keep a team's squad."""

from games.models import Match, Team, Tournament


def can_score(user, match: Match) -> bool:
    """Only the match's assigned scorers, or staff, may score it."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    assigned = getattr(match, "is_assigned_scorer", None)  # annotated by match_get(scorer=…)
    if assigned is not None:
        return assigned
    return match.scorers.filter(pk=user.pk).exists()


def can_organise(user, tournament: Tournament) -> bool:
    """A tournament's organisers (and staff) add its matches and appoint their scorers: what
    counts in its table is theirs to say."""
    if not user.is_authenticated:
        return False
    return user.is_staff or tournament.organisers.filter(pk=user.pk).exists()


def can_appoint_scorers(user, match: Match) -> bool:
    """A tournament match's scorers are appointed by its organisers; a friendly's by whoever
    set it up."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if match.tournament_id is not None:
        return can_organise(user, match.tournament)
    return match.created_by_id == user.pk


def can_manage_team(user, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or team.managers.filter(pk=user.pk).exists()
