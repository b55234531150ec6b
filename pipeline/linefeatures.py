"""Shallow features of each line of a page, and of its neighbours.

The line classifier sees, for every line, what boilerplate-detection
research found to separate article text from page furniture: length in
words and relative to the page's longest line, sentence shape (terminal
punctuation, average sentence length, stop-word density, capitalisation),
digits, symbols and links, position in the page and in the page's text
mass, distance to the nearest long paragraph, repetition, the lexical
category of news chrome it matches (appeal, related, comments…), and the
same features of the two lines on each side.
"""
from __future__ import annotations

import math
import re

import numpy as np

from . import spam
from .boilerplate import (_CREDIT, _READER_ADDRESS, _TERMINAL, _WORD, CHROME_CATEGORIES, Line, chrome_category,
                          is_paragraph, line_key, parse_date, unquoted)

# A small English stop-word list: article prose is full of them, menus and
# headlines are not.
STOP_WORDS = frozenset("""
a about after all also an and any are as at be because been but by can could did do does for from had
has have he her his how i if in into is it its just more most my no not of on one only or other our out
over said says she so some than that the their them then there these they this those to up was we were
what when where which while who will with would you your
""".split())

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?:\s|$)")
_URLISH = re.compile(r"https?://|www\.|\.com\b|\.org\b|@\w+\.", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[-•*·▪►>]|\d{1,2}[.)]\s)")
_SEPARATORS = re.compile(r"[|›»/•·]")
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|my|me)\b")
_DIGIT = re.compile(r"\d")
_SYMBOL = re.compile(r"[^\w\s]|_")
_COLON_LABEL = re.compile(r"^[\w ]{2,30}:\s")

OWN = [
    "log_words", "log_chars", "words_rel_max", "pos_rel", "log_pos", "log_pos_end", "mass_before",
    "terminal", "ends_colon", "cap_share", "upper_share", "digit_share", "punct_share", "stop_share",
    "avg_word_len", "sentences", "avg_sentence_words", "url", "bullet", "separators", "quotes",
    "reader_address", "first_person", "spam_score", "credit", "date_like", "colon_label", "lower_start",
    "repeat_count", "near_long_before", "near_long_after", "paragraph", "in_body",
    "after_comments", "after_related", "is_blank_before", "is_blank_after",
    "same_start", "same_end", "short_run", "paragraph_run_words",
    "block_share", "in_main_block", "from_main_block",
] + [f"cat_{c}" for c in CHROME_CATEGORIES]
CONTEXT = [-2, -1, 1, 2]
CONTEXT_FEATURES = ["log_words", "words_rel_max", "terminal", "cap_share", "punct_share", "stop_share", "url",
                    "reader_address", "paragraph", "credit", "spam_score", "digit_share", "same_start",
                    "short_run", "block_share"] + \
                   [f"cat_{c}" for c in CHROME_CATEGORIES]
FEATURES = OWN + [f"{name}@{d}" for d in CONTEXT for name in CONTEXT_FEATURES]
_OWN_INDEX = {name: i for i, name in enumerate(OWN)}
_CONTEXT_INDEX = [_OWN_INDEX[name] for name in CONTEXT_FEATURES]

_FAR = 50.0  # distance used where no long line exists on that side


def line_features(lines: list[Line]) -> np.ndarray:
    """A float32 matrix, one row per line, columns as in ``FEATURES``."""
    n = len(lines)
    own = np.zeros((n, len(OWN)), dtype=np.float32)
    if n == 0:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    words = np.array([line.words for line in lines], dtype=np.float32)
    max_words = max(1.0, float(words.max()))
    paragraph = np.array([is_paragraph(line) for line in lines])
    chars = np.array([len(line.text) for line in lines], dtype=np.float32)
    long_chars = np.where(paragraph, chars, 0.0)
    mass = np.cumsum(long_chars) - long_chars
    total_mass = max(1.0, float(long_chars.sum()))
    long_idx = np.flatnonzero(paragraph)
    first_long = long_idx[0] if len(long_idx) else n
    last_long = long_idx[-1] if len(long_idx) else -1
    keys = [line_key(line.text) for line in lines]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    # Lines built from one template (related headlines with their bylines,
    # shipping notices per country) share their first or last words.
    starts = [_shape(k.split()[:3]) for k in keys]
    ends = [_shape(k.split()[-3:]) for k in keys]
    start_counts = _count(starts)
    end_counts = _count(ends)
    short = ~paragraph
    short_run = _run_lengths(short)
    para_run_words = _run_sums(paragraph, words)
    block_share, in_main, from_main = _block_features(paragraph, long_chars)
    after_comments = after_related = False
    for i, line in enumerate(lines):
        text = line.text
        f = own[i]
        w = line.words
        tokens = _WORD.findall(text)
        f[0] = math.log1p(w)
        f[1] = math.log1p(len(text))
        f[2] = w / max_words
        f[3] = i / max(1, n - 1)
        f[4] = math.log1p(i)
        f[5] = math.log1p(n - 1 - i)
        f[6] = mass[i] / total_mass
        f[7] = 1.0 if _TERMINAL.search(text) else 0.0
        f[8] = 1.0 if text.endswith(":") else 0.0
        if tokens:
            f[9] = sum(t[0].isupper() for t in tokens) / len(tokens)
            f[10] = sum(t.isupper() and len(t) > 1 for t in tokens) / len(tokens)
            f[13] = sum(t.lower() in STOP_WORDS for t in tokens) / len(tokens)
            f[14] = sum(len(t) for t in tokens) / len(tokens)
        length = max(1, len(text))
        f[11] = len(_DIGIT.findall(text)) / length
        f[12] = len(_SYMBOL.findall(text)) / length
        sentences = max(1, len(_SENTENCE_END.findall(text)))
        f[15] = math.log1p(sentences)
        f[16] = w / sentences
        f[17] = 1.0 if _URLISH.search(text) else 0.0
        f[18] = 1.0 if _BULLET.match(text) else 0.0
        f[19] = len(_SEPARATORS.findall(text))
        f[20] = 1.0 if any(q in text for q in "“”\"«»") else 0.0
        outside = unquoted(text)
        f[21] = len(_READER_ADDRESS.findall(outside))
        f[22] = len(_FIRST_PERSON.findall(outside))
        f[23] = spam.spam_score(text)
        f[24] = 1.0 if _CREDIT.search(text) else 0.0
        f[25] = 1.0 if w <= 12 and parse_date(text) else 0.0
        f[26] = 1.0 if _COLON_LABEL.match(text) else 0.0
        f[27] = 1.0 if text[:1].islower() else 0.0
        f[28] = counts[keys[i]] - 1
        before = long_idx[long_idx < i]
        after = long_idx[long_idx > i]
        f[29] = math.log1p(i - before[-1]) if len(before) else math.log1p(_FAR)
        f[30] = math.log1p(after[0] - i) if len(after) else math.log1p(_FAR)
        f[31] = 1.0 if paragraph[i] else 0.0
        f[32] = 1.0 if first_long <= i <= last_long else 0.0
        category = chrome_category(text, w)
        f[33] = 1.0 if after_comments else 0.0
        f[34] = 1.0 if after_related else 0.0
        f[35] = 1.0 if line.blank_before else 0.0
        f[36] = 1.0 if line.blank_after else 0.0
        f[37] = start_counts[starts[i]] - 1 if starts[i] else 0.0
        f[38] = end_counts[ends[i]] - 1 if ends[i] else 0.0
        f[39] = math.log1p(short_run[i])
        f[40] = math.log1p(para_run_words[i])
        f[41] = block_share[i]
        f[42] = in_main[i]
        f[43] = from_main[i]
        if category:
            f[_OWN_INDEX[f"cat_{category}"]] = 1.0
            if category == "comments":
                after_comments = True
            elif category == "related":
                after_related = True
    context = []
    padded = np.full((n + 4, len(_CONTEXT_INDEX)), -1.0, dtype=np.float32)
    padded[2:n + 2] = own[:, _CONTEXT_INDEX]
    for d in CONTEXT:
        context.append(padded[2 + d:2 + d + n])
    return np.hstack([own] + context)


def _shape(tokens: list[str]) -> str:
    return " ".join(re.sub(r"\d", "0", t) for t in tokens) if len(tokens) >= 2 else ""


def _count(keys: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts


BLOCK_GAP = 1  # short lines (subheads, captions) a block of paragraphs may span


def _block_features(paragraph: np.ndarray, mass: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Blocks are runs of paragraphs with at most BLOCK_GAP other lines
    between two of them; the main block holds the most text. An article is
    usually the main block; the teasers, comments and related stories after
    it are smaller blocks further down. Per line: its block's share of the
    page's paragraph text, whether it is in the main block, and its signed
    log distance from the main block (negative above it)."""
    n = len(paragraph)
    block = np.full(n, -1)
    idx = np.flatnonzero(paragraph)
    current, last = -1, None
    for i in idx:
        if last is not None and i - last <= BLOCK_GAP + 1:
            block[last + 1:i] = current  # the short lines between two paragraphs of a block
        else:
            current += 1
        block[i] = current
        last = i
    share = np.zeros(n, dtype=np.float32)
    in_main = np.zeros(n, dtype=np.float32)
    distance = np.zeros(n, dtype=np.float32)
    if current < 0:
        return share, in_main, distance
    sums = np.bincount(block[block >= 0], weights=mass[block >= 0], minlength=current + 1)
    total = max(1.0, float(sums.sum()))
    main = int(np.argmax(sums))
    members = np.flatnonzero(block == main)
    start, end = members[0], members[-1]
    for i in range(n):
        if block[i] >= 0:
            share[i] = sums[block[i]] / total
        if start <= i <= end:
            in_main[i] = 1.0
        elif i > end:
            distance[i] = math.log1p(i - end)
        else:
            distance[i] = -math.log1p(start - i)
    return share, in_main, distance


def _runs(mask: np.ndarray):
    """(start, end) of each run of True in ``mask``."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1))


def _run_lengths(mask: np.ndarray) -> np.ndarray:
    """For each position, the length of the run of True it is in (0 if False)."""
    out = np.zeros(len(mask), dtype=np.float32)
    for start, end in _runs(mask):
        out[start:end] = end - start
    return out


def _run_sums(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each position in a run of True, the sum of ``values`` over the run."""
    out = np.zeros(len(mask), dtype=np.float32)
    for start, end in _runs(mask):
        out[start:end] = values[start:end].sum()
    return out
