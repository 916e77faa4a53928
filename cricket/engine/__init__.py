"""The scoring engine: the Laws of cricket as a pure fold over a match's log of actions.

No Django here: data in, a new state or an ``IllegalAction`` with a message out.
"""

from .config import MatchConfig, Team
from .errors import IllegalAction
from .fold import apply, apply_in_place, fold
from .log import effective_actions
from .result import result_text
from .state import new_state, overs_text

__all__ = [
    "IllegalAction", "MatchConfig", "Team", "apply", "apply_in_place", "effective_actions",
    "fold", "new_state", "overs_text", "result_text",
]
