"""The match centre page's feed: each committed version of a watched match is rendered once, for
every fan, and sent as the keyed operations that turn the previous version's page into it
(realtime/page.py). A fan's browser applies them; a ball costs it no request (docs/realtime.md).

The newest rendering is kept in Redis beside the match's buffers: the next version is compared
with it, and a fan who connects or comes back too late for the buffer gets it whole, from Redis,
not from the web tier or the database.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict

from core.redis_keys import redis_key
from realtime import page
from realtime.shards import client_for_match

ROOT = "centre"  # the page's root key (templates/games/_centre.html)
LATEST_TTL = 2 * 24 * 3600
# A realtime process with page fans on a match says so this often, and the mark outlives a
# few of its renewals: a match nobody watches as a page is never rendered per version.
WATCH_TTL = 30
WATCH_RENEW = 10

# Keep the newest rendering if it is newer than what is kept (a slower publisher of an older
# version never overwrites a newer one). The value is "<version, 10 digits>\n<html>".
_KEEP_NEWER_LUA = """
local current = redis.call('GETRANGE', KEYS[1], 0, 9)
if current == '' or tonumber(current) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""
_scripts: dict[int, object] = {}

# The newest rendering this process made or read, parsed, per match: the next ball's "before".
_latest: OrderedDict[int, tuple[int, page.Page]] = OrderedDict()
_LATEST_KEPT = 200


def latest_key(match_id: int) -> str:
    return redis_key("page", match_id)


def watch_key(match_id: int) -> str:
    return redis_key("pagewatch", match_id)


_renderer = None


def use_renderer(renderer) -> None:
    """The function that renders a match's centre panels (the centre app sets it at start)."""
    global _renderer
    _renderer = renderer


def render(match) -> str:
    """The centre's panels for ``match`` as it stands (its ``seq`` and ``state``)."""
    if _renderer is None:
        raise RuntimeError("No page renderer: the centre app is not installed.")
    return _renderer(match)


def page_message(version: int, html: str) -> str:
    return json.dumps({"type": "page", "v": version, "html": html, "t": round(time.time(), 3)},
                      separators=(",", ":"), ensure_ascii=False)


def ops_message(version: int, ops: list) -> str:
    return json.dumps({"type": "page", "v": version, "ops": ops, "t": round(time.time(), 3)},
                      separators=(",", ":"), ensure_ascii=False)


def keep_latest(match_id: int, version: int, html: str) -> None:
    client = client_for_match(match_id)
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_KEEP_NEWER_LUA)
    script(keys=[latest_key(match_id)], args=[version, f"{version:010d}\n{html}", LATEST_TTL])


def read_latest(match_id: int) -> tuple[int, str] | None:
    raw = client_for_match(match_id).get(latest_key(match_id))
    if not raw:
        return None
    text = raw.decode()
    return int(text[:10]), text[11:]


def watched(match_id: int) -> bool:
    return bool(client_for_match(match_id).exists(watch_key(match_id)))


def _previous(match_id: int, version: int) -> page.Page | None:
    cached = _latest.get(match_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    kept = read_latest(match_id)
    if kept is not None and kept[0] == version:
        return page.parse(kept[1])
    return None


def _remember(match_id: int, version: int, parsed: page.Page) -> None:
    _latest[match_id] = (version, parsed)
    _latest.move_to_end(match_id)
    while len(_latest) > _LATEST_KEPT:
        _latest.popitem(last=False)


def version_text(match, version: int) -> str:
    """The page message for ``version`` of ``match`` (its ``seq`` and ``state`` at it): the
    operations from the previous version's page, or the page whole when that is not known."""
    html = render(match)
    parsed = page.parse(html)
    previous = _previous(match.pk, version - 1)
    _remember(match.pk, version, parsed)
    keep_latest(match.pk, version, html)
    if previous is None:
        return page_message(version, html)
    return ops_message(version, page.page_ops(previous, parsed, ROOT))
