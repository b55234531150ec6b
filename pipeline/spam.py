"""Comment and SEO spam at line level.

Each signal is a pattern with a weight; a line whose weights add up to
``SPAM_SCORE`` or more is spam. No single weak signal (an amount of money, a
mention of working from home) is enough on its own, so article sentences
that report such things are not caught; a bare or obfuscated link drop is.
"""
from __future__ import annotations

import re

SPAM_SCORE = 2

_I = re.IGNORECASE
_SIGNALS: tuple[tuple[re.Pattern[str], int], ...] = (
    # "$12,000 a month", "190$ per hour", "97$ per hour", "10k a month"
    (re.compile(r"(?:[$£€]\s?\d[\d,.]*k?|\d[\d,.]*k?\s?[$£€]|\b\d+k\b)[^.!?]{0,40}?"
                r"\b(?:a|an|per|every|each|/)\s?(?:hour|hr|day|week|month|year)\b", _I), 1),
    (re.compile(r"\b(?:earn(?:s|ed|ing)?|income|get(?:ting)? paid|paid (?:over|more|up to)|pay ?check|"
                r"make (?:more|over)|making (?:more|over))\b", _I), 1),
    (re.compile(r"\b(?:work(?:ing)?|job|jobs) (?:from|at) home\b|\bworking online\b|\bonline (?:job|work|business)\b|"
                r"\bfrom home\b.*\bonline\b|\bonline\b.*\bfrom home\b", _I), 1),
    (re.compile(r"\bGOOD LUCK\b"), 2),
    (re.compile(r"\b(?:check|open|visit|click|go to|copy) (?:this|the|my|below|here)\b[^.]{0,30}"
                r"\b(?:website|site|link|page|url)\b|\bclick here\b|\bfor (?:more )?info\b", _I), 1),
    # obfuscated link arrows: "HERE====)>", "…>>", "-->"
    (re.compile(r"[=\-.…]{2,}\s?\)?>{1,2}|>>\s*(?:https?://|www\.)", _I), 2),
    (re.compile(r"https?://|\bwww\.[a-z0-9-]+\.", _I), 1),
    (re.compile(r"\b(?:casino|viagra|cialis|porn|escort|payday loan|crypto ?signals?|forex signals?|"
                r"followers? for free|subscribe to my channel|check out my (?:channel|video))\b", _I), 2),
)

# A line that is little more than a link.
_LINK_ONLY = re.compile(r"^\W*(?:\w+\W+){0,3}(?:https?://|www\.)\S+\W*$", _I)


def spam_score(line: str) -> int:
    score = sum(weight for pattern, weight in _SIGNALS if pattern.search(line))
    if _LINK_ONLY.match(line):
        score += 2
    return score


def is_spam(line: str) -> bool:
    return spam_score(line) >= SPAM_SCORE
