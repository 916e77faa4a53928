"""The scorer console (no models): the scoring pad, the ball list and edits, match set-up,
tournaments, teams, their links and invitations. Reads through ``games.selectors``, writes
through ``games`` services."""
