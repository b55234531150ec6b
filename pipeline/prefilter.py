"""Substring tests that rule a regular expression out before it runs.

Most of the cleaner's patterns (spam signals, chrome phrases) match few
lines, yet Python's ``re`` scans every position of every line for them, and
for a case-insensitive alternation that costs far more than a substring
search. Every pattern here is read once, at import, for the literal strings
one of which any match must contain (``needed``): ``\\b(?:earn|income)\\b``
needs "earn" or "income". A line that contains none of them, after
``fold``, cannot match, and the pattern is not run on it. Matches are the
same with and without the test: where a pattern has no such strings (or
uses syntax this reader does not follow), ``needed`` is None and the
pattern always runs.

The strings are derived from the parsed pattern (``re._parser``, the
standard library's own parser), so a pattern edited later gets its test
from the new text, never from a list someone forgot to update.
"""
from __future__ import annotations

import functools
import re

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - older interpreters
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

# Characters that re's IGNORECASE equates with an ASCII letter but that
# str.lower() does not turn into it (the full list for Python's re).
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
# Any of them (str.translate with a table costs ~12 µs on a line of curly
# quotes; looking for the four first ~0.6 µs, and they are rare).
_FOLDED_SPECIALLY = re.compile("[\u0130\u0131\u017f\u212a]")


@functools.lru_cache(maxsize=1 << 12)
def fold(text: str) -> str:
    """``text`` as ``needed``'s strings are looked for in it: lower-cased,
    with the few letters re's case folding treats specially mapped.
    Cached: the chrome, credit and spam tests of one line all ask."""
    if text.isascii() or _FOLDED_SPECIALLY.search(text) is None:
        return text.lower()
    return text.translate(_FOLD).lower()


def needed(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings (folded) at least one of which every match of ``pattern``
    contains, or None when no such set is known."""
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unreadable pattern just runs every time
        return None
    found = _sequence(list(parsed))
    if not found or "" in found:
        return None
    # A string that contains another of the set adds nothing: "click here" beside "click".
    return tuple(sorted(s for s in found if not any(t != s and t in s for t in found)))


def may_match(folded: str, strings: tuple[str, ...] | None) -> bool:
    """False only when ``folded`` (see ``fold``) holds none of ``strings``."""
    if strings is None:
        return True
    for s in strings:
        if s in folded:
            return True
    return False


class Prefiltered:
    """A compiled pattern with its ``needed`` strings: ``search(text,
    folded)`` is ``pattern.search(text)``, skipped when ``folded`` (the
    line through ``fold``) rules it out."""

    __slots__ = ("pattern", "strings")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.strings = needed(pattern)

    def search(self, text: str, folded: str) -> re.Match[str] | None:
        if not may_match(folded, self.strings):
            return None
        return self.pattern.search(text)

    def match(self, text: str, folded: str) -> re.Match[str] | None:
        if not may_match(folded, self.strings):
            return None
        return self.pattern.match(text)


# ---------------------------------------------------------------- the reader

_Set = frozenset  # a set of alternatives, one of which a match contains
_MAX_CLASS = 4  # a character class of up to this many characters counts as alternatives


def _better(a: _Set | None, b: _Set | None) -> _Set | None:
    """The more selective of two requirements: rarer shortest string
    (``_rarity``), then fewer strings."""
    if a is None:
        return b
    if b is None:
        return a
    key = lambda s: (min(map(_rarity, s)), -len(s))  # noqa: E731
    return a if key(a) >= key(b) else b


def _rarity(string: str) -> int:
    """How seldom ``string`` is expected in a line: its length, spaces not
    counted (" on " is in a fifth of news lines) and a character other than
    a letter or digit counted as three ("/" or "(" is rarer in prose than a
    short word such as "ap" is inside longer ones)."""
    return sum(0 if ch == " " else 1 if ch.isalnum() else 3 for ch in string)


def _literal(code: int) -> str | None:
    """The folded character a LITERAL node stands for, or None when folding
    could not find it reliably (a cased non-ASCII letter, in either case
    mode: ``fold`` maps İ to i where lower() gives two characters)."""
    ch = chr(code)
    if ch.isascii():
        return ch.lower()
    if ch.lower() == ch and ch.upper() == ch:  # uncased: ©, €, …
        return ch
    return None


def _sequence(items: list) -> _Set | None:
    """The best requirement of a sequence of parsed items: its longest
    runs of literal characters, or what one of its required parts needs."""
    best: _Set | None = None
    run: list[str] = []

    def close_run() -> None:
        nonlocal best, run
        if run:
            best = _better(best, _Set(["".join(run)]))
            run = []

    for op, av in items:
        if op is _c.LITERAL:
            ch = _literal(av)
            if ch is None:
                close_run()
            else:
                run.append(ch)
            continue
        if op is _c.AT:
            continue  # zero width: the characters around it are still adjacent
        close_run()
        best = _better(best, _required(op, av))
    close_run()
    return best


def _required(op, av) -> _Set | None:
    """What a single non-literal item requires of a match, or None."""
    if op is _c.SUBPATTERN:
        return _sequence(list(av[-1]))  # a group: its flags do not matter, both sides are folded
    if op is _c.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            need = _sequence(list(alternative))
            if need is None:
                return None  # one alternative needs nothing in particular
            union |= need
        return _Set(union)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        return _sequence(list(sub)) if low >= 1 else None
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(list(av))
    if op is _c.IN and all(item_op is _c.LITERAL for item_op, _ in av):
        chars = [_literal(code) for _, code in av]  # [$£€]: one of a few characters
        return _Set(chars) if chars and None not in chars and len(chars) <= _MAX_CLASS else None
    return None  # character classes, any, lookarounds, backreferences
