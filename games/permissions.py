"""Who may do what to a match."""

from games.models import Match


def can_score(user, match: Match) -> bool:
    """Only the match's assigned scorers, or staff, may score it."""
    if not user.is_authenticated:
        return False
    return user.is_staff or match.scorers.filter(pk=user.pk).exists()
