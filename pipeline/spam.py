"""Comment and SEO spam at line level.

Each signal is a pattern with a weight; a line whose weights add up to
``SPAM_SCORE`` or more is spam. No single weak signal (an amount of money, a
mention of working from home) is enough on its own, so article sentences
that report such things are not caught; a bare or obfuscated link drop is.
"""
from __future__ import annotations

import re

SPAM_SCORE = 2
# Link drops and the like: spam even where a page may talk about money
# (text extracted from HTML, where comments are already left out).
BLATANT_SPAM_SCORE = 3

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

# A line that is little more than a link: spam with any other signal (a
# bare URL alone is as often a reference in an article).
_LINK_ONLY = re.compile(r"^\W*(?:\w+\W+){0,3}(?:https?://|www\.)\S+\W*$", _I)


def spam_score(line: str) -> int:
    score = sum(weight for pattern, weight in _SIGNALS if pattern.search(line))
    if _LINK_ONLY.match(line):
        score += 1
    return score


def is_spam(line: str, model: "SpamModel | None" = None) -> bool:
    """Spam by the rules, or by the lexical model (the shipped one unless
    another is given)."""
    if spam_score(line) >= SPAM_SCORE:
        return True
    model = model or default_spam_model()
    return model.probability(line) >= model.threshold


# ---------------------------------------------------------------- the model
#
# Rules catch the obvious link drops and money promises; a lexical model
# (logistic regression over hashed words, word pairs and shape tokens,
# trained by bench/train_spam.py) catches the rest of comment and SMS spam.
# Its threshold was set so that it flags at most 0.1% of article lines.

import functools  # noqa: E402
import json  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import xxhash  # noqa: E402

SPAM_MODEL_PATH = Path(__file__).resolve().parent / "models" / "spam.npz"
SPAM_BUCKETS = 1 << 16
_SPAM_TOKEN = re.compile(r"https?://\S+|www\.\S+|[^\W\d_]+|\d+|[$£€¥₹]|!{2,}|\?{2,}|[=\-.]{3,}>*", re.IGNORECASE)


def spam_tokens(line: str) -> list[str]:
    out = []
    for tok in _SPAM_TOKEN.findall(line):
        low = tok.lower()
        if low.startswith(("http", "www.")):
            out.append("<url>")
        elif tok.isdigit():
            out.append(f"<d{min(len(tok), 7)}>")
        elif tok in "$£€¥₹":
            out.append("<money>")
        elif tok[0] in "!?=-.":
            out.append("<marks>")
        else:
            if len(tok) >= 3 and tok.isupper():
                out.append("<caps>")
            out.append(low)
    return out


def spam_buckets(line: str) -> np.ndarray:
    tokens = spam_tokens(line)
    grams = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])] or ["<empty>"]
    return np.unique(np.fromiter((xxhash.xxh32_intdigest(g.encode("utf-8")) & (SPAM_BUCKETS - 1) for g in grams),
                                 dtype=np.int64, count=len(grams)))


@dataclass
class SpamModel:
    coef: np.ndarray
    intercept: float
    threshold: float
    info: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path = SPAM_MODEL_PATH) -> "SpamModel":
        with np.load(path, allow_pickle=False) as z:
            info = json.loads(str(z["info"]))
            return cls(z["coef"].astype(np.float32), float(z["intercept"]), float(info["threshold"]), info)

    def save(self, path: str | Path) -> None:
        info = dict(self.info, threshold=self.threshold)
        with open(path, "wb") as fh:
            np.savez_compressed(fh, coef=self.coef.astype(np.float16), intercept=np.float64(self.intercept),
                                info=np.array(json.dumps(info, sort_keys=True)))

    def probability(self, line: str) -> float:
        buckets = spam_buckets(line)
        z = self.intercept + float(self.coef[buckets].sum()) / np.sqrt(len(buckets))
        return 1.0 / (1.0 + np.exp(-z))

    def probabilities(self, lines: list[str]) -> np.ndarray:
        return np.array([self.probability(line) for line in lines], dtype=np.float64)

    def is_spam_many(self, lines: list[str]) -> np.ndarray:
        return np.array([is_spam(line, self) for line in lines], dtype=bool)


@functools.lru_cache(maxsize=1)
def default_spam_model() -> SpamModel:
    if not SPAM_MODEL_PATH.exists():
        raise FileNotFoundError(f"{SPAM_MODEL_PATH} is missing: reinstall the package or run "
                                "`python -m bench.train_spam`")
    return SpamModel.load(SPAM_MODEL_PATH)
