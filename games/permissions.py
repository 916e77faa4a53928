"""Who may do what to a match."""

from games.models import Match


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
