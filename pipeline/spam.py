"""Comment and SEO spam at line level.

Each signal is a pattern with a weight; a line whose weights add up to
``SPAM_SCORE`` or more is spam. No single weak signal (an amount of money, a
mention of working from home) is enough on its own, so article sentences
that report such things are not caught; a bare or obfuscated link drop is.
"""
from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xxhash

from .prefilter import Prefiltered, fold, may_match

SPAM_SCORE = 2
# Link drops and the like: spam even where a page may talk about money
# (text extracted from HTML, where comments are already left out).
BLATANT_SPAM_SCORE = 3

_I = re.IGNORECASE
# Words of spam: a signal strong enough alone. The promotions' own
# phrases make a line spam whatever else it says; the goods spam sells
# ("casino", "escort", "payday loan") are also what news reports on (a
# casino's takeover, a police escort), so where they are all there is and
# the lexical model finds no spam in the wording, the line is only likely
# spam and the cleaner's line model decides (see spam_verdict).
_SPAM_PROMOTIONS = (r"crypto ?signals?|forex signals?|followers? for free|subscribe to my channel|"
                    r"check out my (?:channel|video)")
_SPAM_GOODS = r"casino|viagra|cialis|porn|escort|payday loan"
_SPAM_WORDS = re.compile(rf"\b(?:{_SPAM_GOODS}|{_SPAM_PROMOTIONS})\b", _I)
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
    # A link, or a link shortener's without its scheme ("bit.ly/…", "adf.ly /…"):
    # comment spam hides where it leads. (Not t.co: an embedded tweet in an
    # article shows its links that way.)
    (re.compile(r"https?://|\bwww\.[a-z0-9-]+\.|\b(?:bit\.ly|goo\.gl|tinyurl\.com|ow\.ly|adf\.ly|is\.gd|buff\.ly|"
                r"cutt\.ly|shorturl\.at|rebrand\.ly|tiny\.cc|rb\.gy)\s?[/\\]", _I), 1),
    (_SPAM_WORDS, 2),
)

# A line that is little more than a link: spam with any other signal (a
# bare URL alone is as often a reference in an article).
_LINK_ONLY = re.compile(r"^\W*(?:\w+\W+){0,3}(?:https?://|www\.)\S+\W*$", _I)


_SIGNAL_TESTS = tuple((Prefiltered(pattern), weight) for pattern, weight in _SIGNALS)
_SPAM_PROMOTIONS_TEST = Prefiltered(re.compile(rf"\b(?:{_SPAM_PROMOTIONS})\b", _I))
_LINK_ONLY_TEST = Prefiltered(_LINK_ONLY)


@functools.lru_cache(maxsize=1 << 16)
def spam_score(line: str) -> int:
    # The signals one by one, each only where the words it needs occur
    # (prefilter.py): most lines need none of the patterns run.
    folded = fold(line)
    score = 0
    for test, weight in _SIGNAL_TESTS:
        if test.search(line, folded):
            score += weight
    if score and _LINK_ONLY_TEST.match(line, folded):
        score += 1
    return score


def spam_score_reaches(line: str, threshold: int) -> bool:
    """``spam_score(line) >= threshold``, without running a pattern when
    the signals whose words occur in the line cannot add up to it (most
    lines hold the words of one or two weak signals at most)."""
    folded = fold(line)
    bound = sum(weight for test, weight in _SIGNAL_TESTS if may_match(folded, test.strings))
    if bound and may_match(folded, _LINK_ONLY_TEST.strings):
        bound += 1
    return bound >= threshold and spam_score(line) >= threshold


SURE, LIKELY = "sure", "likely"
# Below this probability of the lexical model, weak rules alone make spam
# only likely (see spam_verdict). Article lines on pay the rules flag score
# 0.00-0.03; the YouTube spam comments caught by weak rules alone 0.20-0.31.
WEAK_RULES_MODEL_FLOOR = 0.1
# The lexical model's probability above which its verdict is sure; between
# the model's threshold and this it is likely (see spam_verdict).
SURE_PROBABILITY = 0.7


def spam_verdict(line: str, model: "SpamModel | None" = None) -> str | None:
    """``SURE`` (the rules, or the lexical model at ``SURE_PROBABILITY`` or
    more), ``LIKELY`` (the model, between its threshold and that; or weak
    rules alone, below ``BLATANT_SPAM_SCORE``, where the model finds no
    spam in the wording), or None. The model is the shipped one unless
    another is given."""
    score = spam_score(line)
    if score >= BLATANT_SPAM_SCORE:
        return SURE
    model = model or default_spam_model()
    p = model.probability(line)
    if score >= SPAM_SCORE:
        # Two weak signals (an hourly rate and "earns") in an article on
        # pay, or the name of what spam sells in a report on it ("casino"),
        # where the model finds nothing of spam in the wording: the
        # cleaner's line model decides (boilerplate.DOUBTFUL_SPAM_KEEP).
        # Not for a promotion's own phrases ("subscribe to my channel").
        if p < WEAK_RULES_MODEL_FLOOR and not _SPAM_PROMOTIONS_TEST.search(line, fold(line)):
            return LIKELY
        return SURE
    if p >= max(model.threshold, SURE_PROBABILITY):
        return SURE
    return LIKELY if p >= model.threshold else None


def is_spam(line: str, model: "SpamModel | None" = None) -> bool:
    """Spam by the rules or by the lexical model."""
    return spam_verdict(line, model) is not None


# ---------------------------------------------------------------- the model
#
# Rules catch the obvious link drops and money promises; a lexical model
# (logistic regression over hashed words, word pairs, character 4-grams and
# shape tokens, trained by bench/train_spam.py) catches the rest of comment
# and SMS spam. Its threshold is the lowest that flags at most 0.5% of the
# article lines of the training sites' news pages; their chrome is not
# among its ham (see bench/train_spam.py).

SPAM_MODEL_PATH = Path(__file__).resolve().parent / "models" / "spam.npz"
SPAM_BUCKETS = 1 << 16
_SPAM_TOKEN = re.compile(r"https?://\S+|www\.\S+|[^\W\d_]+|\d+|[$£€¥₹]|!{2,}|\?{2,}|[=\-.]{3,}>*", re.IGNORECASE)
# The same tokens of an ASCII line, without case folding: two words of the
# pattern need it, and it made the whole pattern take ~1.7x as long on the
# benchmark pages' ASCII lines.
_ASCII_SPAM_TOKEN = re.compile(r"[hH][tT][tT][pP][sS]?://\S+|[wW][wW][wW]\.\S+|[A-Za-z]+|[0-9]+|\$|!{2,}|\?{2,}|"
                               r"[=\-.]{3,}>*")
# A web address written without its scheme, often with spaces to get past
# link filters: "oldchat.tk", "pimpmyviews. com", "adf.ly /1HmVtX".
_TLDS = r"(?:com|net|org|info|biz|tk|ly|me|nl|co|us|ru|de|uk|io|tv|in|gl|blogspot|blogfa)\b"
_BARE_DOMAIN = re.compile(rf"\b[a-z0-9][a-z0-9-]{{1,40}}\s?\.\s?{_TLDS}(?:\s?/\s?\S+)?", re.IGNORECASE)
# What every bare domain holds, found by a scan for "." (11.7 -> 1.0 us a
# line; 2% of news lines hold it).
_TLD = re.compile(rf"\.\s?{_TLDS}", re.IGNORECASE)
_CHAR_GRAM = 4


def spam_tokens(line: str) -> list[str]:
    """Words (lower-cased) and shape tokens: ``<url>``, ``<domain>``,
    ``<dN>`` for an N-digit number, ``<money>``, ``<marks>``, ``<caps>``."""
    if line.isascii():  # (NFKC leaves ASCII as it is)
        pattern = _ASCII_SPAM_TOKEN
    else:
        line = unicodedata.normalize("NFKC", line)  # full-width letters and digits
        pattern = _SPAM_TOKEN
    out: list[str] = []
    for piece, domain in _split_domains(line):
        if domain:
            out.append("<domain>")
            continue
        for tok in pattern.findall(piece):
            out.extend(_token_forms(tok))
    return out


@functools.lru_cache(maxsize=1 << 16)
def _token_forms(tok: str) -> tuple[str, ...]:
    """What one matched token stands for in ``spam_tokens``. Cached: words
    recur from line to line."""
    low = tok.lower()
    if low.startswith(("http", "www.")):
        return ("<url>",)
    if tok.isdigit():
        return (f"<d{min(len(tok), 7)}>",)
    if tok in "$£€¥₹":
        return ("<money>",)
    if tok[0] in "!?=-.":
        return ("<marks>",)
    if len(tok) >= 3 and tok.isupper():
        return ("<caps>", low)
    return (low,)


def _split_domains(line: str):
    if not _TLD.search(line):
        yield line, False
        return
    start = 0
    for match in _BARE_DOMAIN.finditer(line):
        if "://" in line[max(0, match.start() - 12):match.start()] or "www." in line[max(0, match.start() - 4):match.start() + 4]:
            continue  # part of a full URL, tokenised as <url>
        yield line[start:match.start()], False
        yield match.group(), True
        start = match.end()
    yield line[start:], False


def spam_grams(line: str) -> list[str]:
    """What the lexical model weighs: tokens, pairs of tokens, and the
    character 4-grams of each word (which carry misspellings such as
    "subscrible" and "subcribe" to the words they stand for)."""
    tokens = spam_tokens(line)
    grams = [g for tok in tokens for g in _token_grams(tok)] + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
    return grams or ["<empty>"]


def _token_grams(token: str) -> list[str]:
    if token.startswith("<"):
        return [token]
    padded = f" {token} "
    return [token] + ["#" + padded[i:i + _CHAR_GRAM] for i in range(len(padded) - _CHAR_GRAM + 1)]


def _bucket(gram: str) -> int:
    return xxhash.xxh32_intdigest(gram.encode("utf-8")) & (SPAM_BUCKETS - 1)


@functools.lru_cache(maxsize=1 << 16)
def _token_buckets(token: str) -> tuple[int, ...]:
    return tuple(_bucket(g) for g in _token_grams(token))


def spam_bucket_set(line: str) -> set[int]:
    """The model's hashed inputs for ``line`` (the buckets of ``spam_grams``),
    with each word's buckets computed once per process."""
    tokens = spam_tokens(line)
    if not tokens:
        return {_bucket("<empty>")}
    out: set[int] = set()
    for tok in tokens:
        out.update(_token_buckets(tok))
    # _bucket of each pair, inlined: a call per pair cost more than the hash.
    xxh32, mask = xxhash.xxh32_intdigest, SPAM_BUCKETS - 1
    out.update(xxh32(f"{a} {b}".encode("utf-8")) & mask for a, b in zip(tokens, tokens[1:]))
    return out


def _spam_form(line: str) -> str:
    """The line's tokens as ``compiled.hashed_sums`` reads them."""
    return f" {' '.join(spam_tokens(line))} "


def spam_buckets(line: str) -> np.ndarray:
    return np.array(sorted(spam_bucket_set(line)), dtype=np.int64)


@dataclass
class SpamModel:
    coef: np.ndarray
    intercept: float
    threshold: float
    info: dict = field(default_factory=dict)
    _scores: object = field(default=None, repr=False, compare=False)

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
        cached = self.scores.seen.get(line)
        return cached if cached is not None else float(self.scores([line])[0])

    def probabilities(self, lines: list[str]) -> np.ndarray:
        """The probability of each line, the lines not seen lately hashed
        together in compiled code (the reference is ``probability_reference``)."""
        return self.scores(lines)

    @property
    def scores(self):
        if self._scores is None:
            from .compiled import HashedScores
            self._scores = HashedScores(self.coef, self.intercept, True, _bucket("<empty>"), _spam_form)
        return self._scores

    def probability_reference(self, line: str) -> float:
        """``probability`` in plain Python, from ``spam_bucket_set``."""
        buckets = spam_bucket_set(line)
        z = self.intercept + float(self.coef[np.fromiter(buckets, np.int64, len(buckets))].sum()) / math.sqrt(len(buckets))
        return 1.0 / (1.0 + math.exp(-z))

    def is_spam_many(self, lines: list[str]) -> np.ndarray:
        return np.array([is_spam(line, self) for line in lines], dtype=bool)


@functools.lru_cache(maxsize=1)
def default_spam_model() -> SpamModel:
    if not SPAM_MODEL_PATH.exists():
        raise FileNotFoundError(f"{SPAM_MODEL_PATH} is missing: reinstall the package or run "
                                "`python -m bench.train_spam`")
    return SpamModel.load(SPAM_MODEL_PATH)
