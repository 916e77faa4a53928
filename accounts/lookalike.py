"""Names that read the same: a username is compared by its *skeleton* (Unicode compatibility
forms, case, and the Cyrillic and Greek letters that look like Latin ones folded), so nobody
signs up as "\u0430lice" (a Cyrillic a) or "ALICE" beside "alice".

The table is the common subset of Unicode's confusables (UTS #39) for the letters that look
Latin; it is not the whole list, which would need a library this project does not ship."""

from __future__ import annotations

import unicodedata

# Lower-case after casefold; each maps to the Latin letter it passes for.
_CONFUSABLE = {
    # Cyrillic
    "\u0430": "a", "\u0432": "b", "\u0435": "e", "\u0451": "e", "\u043a": "k", "\u043c": "m",
    "\u043d": "h", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0442": "t", "\u0443": "y",
    "\u0445": "x", "\u0455": "s", "\u0456": "i", "\u0457": "i", "\u0458": "j", "\u0501": "d",
    "\u04bb": "h", "\u051b": "q", "\u051d": "w", "\u04af": "y", "\u04cf": "l",
    # Greek
    "\u03b1": "a", "\u03b2": "b", "\u03b5": "e", "\u03b7": "n", "\u03b9": "i", "\u03ba": "k",
    "\u03bd": "v", "\u03bf": "o", "\u03c1": "p", "\u03c4": "t", "\u03c5": "u", "\u03c7": "x",
    "\u03f2": "c", "\u03f3": "j",
    # Latin look-alikes
    "\u0131": "i", "\u0261": "g", "\u028f": "y", "\u2113": "l",
    # Digits that pass for letters are left alone: "alice1" and "alicel" are two names.
}
_LOOKS_LIKE: dict[str, set[str]] = {}
for _other, _latin in _CONFUSABLE.items():
    _LOOKS_LIKE.setdefault(_latin, {_latin}).add(_other)


def skeleton(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(_CONFUSABLE.get(char, char) for char in folded)


def first_letters(name: str) -> set[str]:
    """The characters a name with this skeleton may start with (to narrow a lookup)."""
    first = skeleton(name)[:1]
    return _LOOKS_LIKE.get(first, {first}) if first else set()
