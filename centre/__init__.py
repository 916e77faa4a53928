"""The fans' pages (no models): the match centre and its charts, the match lists, the overlay
and the share card. Reads through ``games.selectors``; renders the panels realtime pushes."""
