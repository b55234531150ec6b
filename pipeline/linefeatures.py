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

import functools
import math
import re

import numpy as np

from . import spam
from .prefilter import Prefiltered, fold
from .boilerplate import (_READER_ADDRESS, _TERMINAL, _WORD, CHROME_CATEGORIES, Line, chrome_category, is_credit,
                          is_paragraph, line_key, parse_date, unquoted)

# A small English stop-word list: article prose is full of them, menus and
# headlines are not.
STOP_WORDS = frozenset("""
a about after all also an and any are as at be because been but by can could did do does for from had
has have he her his how i if in into is it its just more most my no not of on one only or other our out
over said says she so some than that the their them then there these they this those to up was we were
what when where which while who will with would you your
""".split())

# A page is taken as not in English when its longer lines hold fewer English
# stop words than ENGLISH_MIN_STOP_SHARE (English prose holds 40-50%, the
# long lines of most English pages together 15% or more; German, Portuguese
# or Russian pages 0-7%) and it shows another language: the function words
# of the Latin-script languages below, or words in another script. The
# second test matters: English pages whose long lines are product names or
# link lists hold almost no stop words either (on the benchmark pages,
# every English page holds at most 3% of these function words, every
# Latin-script page in another language 9% or more).
ENGLISH_MIN_STOP_SHARE = 0.1
OTHER_MIN_STOP_SHARE = 0.06
OTHER_SCRIPT_SHARE = 0.3
_LANGUAGE_LINE_WORDS = 8  # lines this long tell the page's language
_LANGUAGE_MIN_WORDS = 50  # fewer words in such lines: too little to tell, taken as English
OTHER_STOP_WORDS = frozenset("""
aber als auch auf aus bei bis das dass dem den der des die doch durch ein eine einem einen einer für hat
haben ich ist man mit nach nicht noch nur oder sich sie sind über und uns vom von vor war wenn werden wie
wir wird wurde zu zum zur
au aux avec ce ces cette comme dans des du elle est et été être il ils la le les leur lui mais même ne
nous où par pas plus pour qu que qui sa se ses son sont sur tout une vous
al como con del el ella en entre era es esta este está fue ha hay las lo los más muy para pero por se ser
sin sobre su sus también una ya
e o y ao aos com da das do dos ela ele em já mas na nas no nos não os ou pela pelo seu sua são tem um uma é à
alla anche che ci della delle di gli il nel nella non più questo questa sono sul sulla tra
aan bij dan dat deze door een het hij heeft hebben is maar naar niet nog ook op te tot van voor wat wel
werd wij worden wordt ze zijn
ada adalah akan atau dan dari dengan di ini itu juga kami karena ke kita oleh pada saya sudah tidak untuk
yang
""".split()) - STOP_WORDS

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?:\s|$)")
_URLISH = re.compile(r"https?://|www\.|\.com\b|\.org\b|@\w+\.", re.IGNORECASE)
_URLISH_TEST = Prefiltered(_URLISH)  # run only on lines holding "http", "www.", ".com", ".org" or "@"
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
    if n == 0:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    own = np.vstack([_intrinsic(line.text) for line in lines])
    words = np.array([line.words for line in lines], dtype=np.float32)
    max_words = max(1.0, float(words.max()))
    paragraph, long_chars = _paragraph_chars(lines)
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
    starts, ends = zip(*map(_template_ends, keys))
    start_counts = _count(starts)
    end_counts = _count(ends)
    short = ~paragraph
    short_run = _run_lengths(short)
    para_run_words = _run_sums(paragraph, words)
    block_share, in_main, from_main = _block_features(paragraph, long_chars)
    index = np.arange(n, dtype=np.float64)
    own[:, 2] = words.astype(np.float64) / max_words
    own[:, 3] = index / max(1, n - 1)
    own[:, 4] = np.log1p(index)
    own[:, 5] = np.log1p(n - 1 - index)
    own[:, 6] = mass / total_mass
    own[:, 28] = [counts[key] - 1 for key in keys]
    # Distance to the nearest paragraph strictly above and strictly below.
    positions = np.arange(n)
    above = np.searchsorted(long_idx, positions, side="left") - 1  # its index in long_idx, -1 if none
    below = np.searchsorted(long_idx, positions, side="right")  # len(long_idx) if none
    padded_idx = np.concatenate([long_idx, [0]]).astype(np.float64)
    own[:, 29] = np.log1p(np.where(above >= 0, index - padded_idx[above], _FAR))
    own[:, 30] = np.log1p(np.where(below < len(long_idx), padded_idx[below] - index, _FAR))
    own[:, 31] = paragraph
    own[:, 32] = (first_long <= index) & (index <= last_long)
    # After the first line of a comment (related) section.
    own[1:, 33] = np.cumsum(own[:-1, _COMMENTS]) > 0
    own[1:, 34] = np.cumsum(own[:-1, _RELATED]) > 0
    own[:, 35] = [line.blank_before for line in lines]
    own[:, 36] = [line.blank_after for line in lines]
    own[:, 37] = [start_counts[key] - 1 if key else 0.0 for key in starts]
    own[:, 38] = [end_counts[key] - 1 if key else 0.0 for key in ends]
    own[:, 39] = np.log1p(short_run.astype(np.float64))
    own[:, 40] = np.log1p(para_run_words.astype(np.float64))
    own[:, 41] = block_share
    own[:, 42] = in_main
    own[:, 43] = from_main
    context = []
    padded = np.full((n + 4, len(_CONTEXT_INDEX)), -1.0, dtype=np.float32)
    padded[2:n + 2] = own[:, _CONTEXT_INDEX]
    for d in CONTEXT:
        context.append(padded[2 + d:2 + d + n])
    return np.hstack([own] + context)


def is_english(lines: list[Line], features: np.ndarray) -> bool:
    """Whether a page (its ``line_features``) is in English: its longer
    lines hold English stop words, or no other language shows (function
    words of another Latin-script language, or words in another script).
    Pages with too little text to tell count as English."""
    words = np.array([line.words for line in lines], dtype=np.float64)
    long = words >= _LANGUAGE_LINE_WORDS
    total = float(words[long].sum())
    if total < _LANGUAGE_MIN_WORDS:
        return True
    if float((features[long, _STOP_SHARE] * words[long]).sum()) / total >= ENGLISH_MIN_STOP_SHARE:
        return True
    tokens = [t.lower() for line, is_long in zip(lines, long) if is_long for t in _WORD.findall(line.text)]
    other = sum(t in OTHER_STOP_WORDS for t in tokens) / len(tokens)
    script = sum(t[0] > "\u024f" for t in tokens) / len(tokens)  # first letter beyond Latin Extended-B
    return other < OTHER_MIN_STOP_SHARE and script < OTHER_SCRIPT_SHARE


def main_block_without(lines: list[Line], skip: list[bool]) -> np.ndarray:
    """Per line: in the page's main block of paragraphs once the lines where
    ``skip`` is true (chrome the rules removed: an advertisement label, a
    video player's text) are taken out, so that they do not cut an article
    in two. Skipped lines are never in it."""
    kept = np.flatnonzero(~np.asarray(skip, dtype=bool))
    out = np.zeros(len(lines), dtype=bool)
    if len(kept):
        _, in_main, _ = _block_features(*_paragraph_chars([lines[i] for i in kept]))
        out[kept] = in_main > 0
    return out


def _paragraph_chars(lines: list[Line]) -> tuple[np.ndarray, np.ndarray]:
    """Per line: whether it is a paragraph, and its length in characters if
    it is (0 if not), the weight of a block of paragraphs."""
    paragraph = np.array([is_paragraph(line) for line in lines], dtype=bool)
    chars = np.array([len(line.text) if p else 0 for line, p in zip(lines, paragraph)], dtype=np.float32)
    return paragraph, chars


_STOP_SHARE = _OWN_INDEX["stop_share"]
_COMMENTS = _OWN_INDEX["cat_comments"]
_RELATED = _OWN_INDEX["cat_related"]


@functools.lru_cache(maxsize=1 << 16)
def _intrinsic(text: str) -> np.ndarray:
    """The features of a line that depend on its wording alone (the other
    columns are left 0). Cached: a site's chrome recurs on every page, and
    the cleaner's later passes see the kept lines again."""
    f = np.zeros(len(OWN), dtype=np.float32)
    tokens = _WORD.findall(text)
    w = len(tokens)
    f[0] = math.log1p(w)
    f[1] = math.log1p(len(text))
    f[7] = 1.0 if _TERMINAL.search(text) else 0.0
    f[8] = 1.0 if text.endswith(":") else 0.0
    if tokens:
        # Counted with map (the loop runs in C): a new line costs these
        # four passes over its words.
        f[9] = sum(map(str.isupper, [t[0] for t in tokens])) / w
        f[10] = sum(map(str.isupper, [t for t in tokens if len(t) > 1])) / w
        f[13] = sum(map(STOP_WORDS.__contains__, map(str.lower, tokens))) / w
        f[14] = sum(map(len, tokens)) / w
    length = max(1, len(text))
    f[11] = len(_DIGIT.findall(text)) / length
    f[12] = len(_SYMBOL.findall(text)) / length
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    f[15] = math.log1p(sentences)
    f[16] = w / sentences
    f[17] = 1.0 if _URLISH_TEST.search(text, fold(text)) else 0.0
    f[18] = 1.0 if _BULLET.match(text) else 0.0
    f[19] = len(_SEPARATORS.findall(text))
    f[20] = 1.0 if any(q in text for q in "“”\"«»") else 0.0
    outside = unquoted(text)
    f[21] = len(_READER_ADDRESS.findall(outside))
    f[22] = len(_FIRST_PERSON.findall(outside))
    f[23] = spam.spam_score(text)
    f[24] = 1.0 if is_credit(text) else 0.0
    f[25] = 1.0 if w <= 12 and parse_date(text) else 0.0
    f[26] = 1.0 if _COLON_LABEL.match(text) else 0.0
    f[27] = 1.0 if text[:1].islower() else 0.0
    category = chrome_category(text, w)
    if category:
        f[_OWN_INDEX[f"cat_{category}"]] = 1.0
    f.flags.writeable = False
    return f


@functools.lru_cache(maxsize=1 << 16)
def _template_ends(key: str) -> tuple[str, str]:
    """The shapes of a line's first and last three words (digits as 0), by
    which lines built from one template are counted."""
    tokens = key.split()
    return _shape(tokens[:3]), _shape(tokens[-3:])


def _shape(tokens: list[str]) -> str:
    return _DIGIT.sub("0", " ".join(tokens)) if len(tokens) >= 2 else ""


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
