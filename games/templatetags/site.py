"""The site frame: header links that know which section the page is in."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()
CURRENT = mark_safe(' aria-current="page"')  # a constant, not input
SELECTED = mark_safe(" selected")

# (url name, label, the paths that belong to that section)
SECTIONS = [
    ("games:match-list", "Matches", ("/matches/",)),
    ("leaderboards:tournaments", "Tournaments", ("/tournaments/",)),
    ("leaderboards:global", "Leaderboards", ("/leaderboards/", "/players/")),
    ("games:my-matches", "Score", ("/score/", "/accounts/")),
]


@register.simple_tag(takes_context=True)
def site_nav(context) -> str:
    request = context.get("request")
    path = request.path if request is not None else ""
    links = format_html_join(
        "", '<a href="{}"{}>{}</a>',
        ((reverse(url_name), CURRENT if path.startswith(prefixes) else "", label)
         for url_name, label, prefixes in SECTIONS))
    return format_html('<nav class="site-nav" aria-label="Site">{}</nav>', links)


@register.simple_tag
def options(choices, form, field: str) -> str:
    """A select's ``<option>``s, one per choice (value, label, ...), ``selected`` on the value
    ``form`` (a posted form kept after an error, or nothing) has for ``field``. One tag instead
    of a loop with a test per option: the pad has ~140 of them on every answer."""
    chosen = form.get(field) if isinstance(form, dict) else None
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((choice[0], SELECTED if choice[0] == chosen else "", choice[1])
                             for choice in choices))


@register.filter
def role(roles: dict | None, player: str) -> str:
    """A player's scorecard mark ("(c)", "†") from the match's roles, or nothing."""
    mark = (roles or {}).get(player, "")
    return f" {mark}" if mark else ""


@register.filter
def ball_class(symbol: str) -> str:
    """The chip class for a ball's symbol: wickets, fours and sixes stand out."""
    if "W" in symbol:
        return "ball ball-w"
    if symbol in ("4", "6"):
        return f"ball ball-{symbol}"
    return "ball"


# How an innings ended, where a scorecard says it (a target reached or the overs run out need
# no word: the score says so).
CLOSED = {"all_out": "all out", "declared": "declared", "forfeited": "forfeited",
          "interrupted": "interrupted"}


@register.filter
def closed_label(how: str | None) -> str:
    return CLOSED.get(how or "", "")


@register.filter
def get(mapping: dict | None, key):
    """A dictionary's value in a template (``colours|get:team_id``)."""
    return (mapping or {}).get(key)
