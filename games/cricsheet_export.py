"""A match as Cricsheet JSON, from the actions in effect in its log."""

from cricket import engine
from cricket.cricsheet import to_cricsheet
from games.models import Match


def match_to_cricsheet(*, match: Match) -> dict:
    entries = list(match.log.order_by("seq").values_list("seq", "payload"))
    actions = [action for _, action in engine.effective_actions(entries)]
    info = {"dates": [match.start_date.isoformat()] if match.start_date else [],
            "venue": match.venue, "match_type": "T20" if match.overs == 20 else "other"}
    if match.tournament_id:
        info["event"] = {"name": match.tournament.name}
        info["season"] = match.tournament.season
    people = match.players.filter(player__cricsheet_id__isnull=False).values_list(
        "player__name", "player__cricsheet_id")
    if people:
        info["registry"] = {"people": dict(people)}
    if match.toss_winner_id:
        info["toss"] = {"winner": match.toss_winner.name, "decision": match.toss_decision}
    return to_cricsheet(match.engine_config(), actions, info)
