from urllib.parse import urlencode

from django import template

register = template.Library()


@register.filter
def field(row: dict, key: str):
    return row.get(key) if row else None


@register.simple_tag
def query_with(query, **changes) -> str:
    """The board's query string with some parameters changed (sort links, pages)."""
    params = {"format": query.format, "season": query.season, "sort": query.sort,
              "page": query.page}
    params.update(changes)
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})
