"""The site frame: header links that know which section the page is in."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()
CURRENT = mark_safe(' aria-current="page"')  # a constant, not input

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


@register.filter
def role(roles: dict | None, player: str) -> str:
    """A player's scorecard mark ("(c)", "†") from the match's roles, or nothing."""
    mark = (roles or {}).get(player, "")
    return f" {mark}" if mark else ""
