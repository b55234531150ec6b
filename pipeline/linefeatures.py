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
from .boilerplate import (_READER_ADDRESS, _TERMINAL, CHROME_CATEGORIES, FULL_WIDTH_CLOSERS, FULL_WIDTH_STOPS,
                          SPACED_STOPS, Line, chrome_category, is_credit, is_paragraph, line_key, line_words,
                          parse_date, unquoted, words_of)

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

_SENTENCE_END = re.compile(rf"[.!?…{SPACED_STOPS}][\"'”’)\]]*(?:\s|$)|[{FULL_WIDTH_STOPS}][{FULL_WIDTH_CLOSERS}]*")
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
    return pages_features([lines])[0]


class _Pages:
    """The lines of several pages laid end to end, and for each line the
    page it belongs to, so that a feature of every page is one numpy pass
    over all their lines (a call per page cost ~0.4 ms of numpy overhead
    a pass, more than the arithmetic)."""

    def __init__(self, pages: list[list[Line]]) -> None:
        self.sizes = np.array([len(lines) for lines in pages], dtype=np.intp)
        self.lines = [line for lines in pages for line in lines]
        self.n = len(self.lines)
        self.page = np.repeat(np.arange(len(pages)), self.sizes)  # the page of each line
        self.first = (np.cumsum(self.sizes) - self.sizes)[self.page]  # the index of its page's first line
        self.size = self.sizes[self.page]  # its page's number of lines
        self.position = np.arange(self.n)
        self.index = self.position - self.first  # its index in its page

    def split(self, values: np.ndarray) -> list[np.ndarray]:
        return np.split(values, np.cumsum(self.sizes)[:-1])

    def page_sums(self, values: np.ndarray) -> np.ndarray:
        """Per line, the sum of ``values`` (float64) over its page."""
        return np.bincount(self.page, weights=values, minlength=len(self.sizes))[self.page]

    def before(self, values: np.ndarray) -> np.ndarray:
        """Per line, the sum of ``values`` over the lines above it in its page."""
        total = np.cumsum(values, dtype=np.float64) - values
        return total - total[self.first]

    def runs(self, mask: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """Per line in a run of true ``mask`` within its page, the run's
        length (or the sum of ``values`` over it); 0 elsewhere (float32)."""
        out = np.zeros(self.n, dtype=np.float32)
        starts = mask & ((self.index == 0) | ~np.concatenate([[False], mask[:-1]]))
        run = np.cumsum(starts) - 1
        sums = np.bincount(run[mask], weights=None if values is None else values[mask])
        out[mask] = sums[run[mask]]
        return out

    def count_per_page(self, keys: list) -> list[int]:
        """Per line, how many lines of its page have its key."""
        pairs = list(zip(self.page.tolist(), keys))
        counts = _count(pairs)
        return [counts[pair] for pair in pairs]

    def nearest(self, mask: np.ndarray, strict: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Per line, the index in its page of the nearest line above it and
        of the nearest line below it where ``mask`` is true (the line itself
        counts unless ``strict``); -1 where there is none."""
        idx = np.flatnonzero(mask)
        padded = np.concatenate([idx, [-1]])
        above = padded[np.searchsorted(idx, self.position, side="left" if strict else "right") - 1]
        below = padded[np.searchsorted(idx, self.position, side="right" if strict else "left")]
        above = np.where(above >= self.first, above - self.first, -1)
        below = np.where((below >= 0) & (below < self.first + self.size), below - self.first, -1)
        return above, below


def pages_features(pages: list[list[Line]]) -> list[np.ndarray]:
    """``line_features`` of each page, computed for the lines of all the
    pages at once."""
    batch = _Pages(pages)
    n, lines = batch.n, batch.lines
    if n == 0:
        return [np.zeros((0, len(FEATURES)), dtype=np.float32) for _ in pages]
    own = np.vstack([_intrinsic(line.text) for line in lines])
    words = np.array([line.words for line in lines], dtype=np.float32)
    paragraph, long_chars = _paragraph_chars(lines)
    # Paragraph text above each line, as a share of the page's: sums of
    # whole characters, exact in float64 (and in the float32 they are
    # stored as, up to 2^24 characters a page: max_doc_bytes is 16 MiB).
    mass = batch.before(long_chars).astype(np.float32)
    total_mass = np.maximum(1.0, batch.page_sums(long_chars)).astype(np.float32)
    keys = [line_key(line.text) for line in lines]
    # Lines built from one template (related headlines with their bylines,
    # shipping notices per country) share their first or last words.
    starts, ends = zip(*map(_template_ends, keys))
    block_share, in_main, from_main = _block_features(batch, paragraph, long_chars)
    index = batch.index.astype(np.float64)
    max_words = np.zeros(len(batch.sizes), dtype=np.float64)
    np.maximum.at(max_words, batch.page, words)
    own[:, 2] = words.astype(np.float64) / np.maximum(1.0, max_words)[batch.page]
    own[:, 3] = index / np.maximum(1, batch.size - 1)
    own[:, 4] = np.log1p(index)
    own[:, 5] = np.log1p(batch.size - 1 - index)
    own[:, 6] = mass / total_mass
    own[:, 28] = np.array(batch.count_per_page(keys)) - 1
    # Distance to the nearest paragraph strictly above and strictly below.
    above, below = batch.nearest(paragraph, strict=True)
    own[:, 29] = np.log1p(np.where(above >= 0, index - above, _FAR))
    own[:, 30] = np.log1p(np.where(below >= 0, below - index, _FAR))
    own[:, 31] = paragraph
    at_or_above, at_or_below = batch.nearest(paragraph)
    own[:, 32] = (at_or_above >= 0) & (at_or_below >= 0)  # between the page's first and last paragraph
    # After the first line of a comment (related) section.
    own[:, 33] = batch.before(own[:, _COMMENTS]) > 0
    own[:, 34] = batch.before(own[:, _RELATED]) > 0
    own[:, 35] = [line.blank_before for line in lines]
    own[:, 36] = [line.blank_after for line in lines]
    own[:, 37] = [count - 1 if key else 0.0 for key, count in zip(starts, batch.count_per_page(starts))]
    own[:, 38] = [count - 1 if key else 0.0 for key, count in zip(ends, batch.count_per_page(ends))]
    own[:, 39] = np.log1p(batch.runs(~paragraph).astype(np.float64))
    own[:, 40] = np.log1p(batch.runs(paragraph, words).astype(np.float64))
    own[:, 41] = block_share
    own[:, 42] = in_main
    own[:, 43] = from_main
    # The neighbours' features, -1 beyond the page's first and last line.
    context = []
    padded = np.full((n + 4, len(_CONTEXT_INDEX)), -1.0, dtype=np.float32)
    padded[2:n + 2] = own[:, _CONTEXT_INDEX]
    for d in CONTEXT:
        shifted = padded[2 + d:2 + d + n].copy()
        shifted[(batch.index + d < 0) | (batch.index + d >= batch.size)] = -1.0
        context.append(shifted)
    return batch.split(np.hstack([own] + context))


def is_english(lines: list[Line], features: np.ndarray | None = None) -> bool:
    """Whether a page (its ``line_features``, or None to count the stop
    words here) is in English: its longer lines hold English stop words, or
    no other language shows (function words of another Latin-script
    language, or words in another script). Pages with too little text to
    tell count as English."""
    words = np.array([line.words for line in lines], dtype=np.float64)
    long = words >= _LANGUAGE_LINE_WORDS
    total = float(words[long].sum())
    if total < _LANGUAGE_MIN_WORDS:
        return True
    if features is not None:
        stops = float((features[long, _STOP_SHARE] * words[long]).sum())
    else:
        stops = float(sum(_intrinsic(line.text)[_STOP_SHARE] * w for line, w, is_long in zip(lines, words, long)
                          if is_long))
    if stops / total >= ENGLISH_MIN_STOP_SHARE:
        return True
    return not shows_other_language([line for line, is_long in zip(lines, long) if is_long])


def shows_other_language(lines: list[Line]) -> bool:
    """Whether the words of ``lines`` show a language other than English:
    function words of another Latin-script language, or words in another
    script (``OTHER_*``)."""
    tokens = [t.lower() for line in lines for t in words_of(line.text)]
    if not tokens:
        return False
    other = sum(t in OTHER_STOP_WORDS for t in tokens) / len(tokens)
    script = sum(t[0] > "\u024f" for t in tokens) / len(tokens)  # first letter beyond Latin Extended-B
    return other >= OTHER_MIN_STOP_SHARE or script >= OTHER_SCRIPT_SHARE


def main_blocks_without(pages: list[list[Line]], skips: list[list[bool]]) -> list[np.ndarray]:
    """Per page and line: in the page's main block of paragraphs once the
    lines where ``skip`` is true (chrome the rules removed: an
    advertisement label, a video player's text) are taken out, so that they
    do not cut an article in two. Skipped lines are never in it."""
    kept = [[line for line, skip in zip(lines, page_skip) if not skip] for lines, page_skip in zip(pages, skips)]
    batch = _Pages(kept)
    _, in_main, _ = _block_features(batch, *_paragraph_chars(batch.lines))
    out = []
    for lines, page_skip, page_in_main in zip(pages, skips, batch.split(in_main > 0)):
        guard = np.zeros(len(lines), dtype=bool)
        guard[~np.asarray(page_skip, dtype=bool)] = page_in_main
        out.append(guard)
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


# On an ASCII line (most lines of an English page) digits, symbols and
# separators are counted by deleting bytes, not found by ``_DIGIT``,
# ``_SYMBOL`` and ``_SEPARATORS``: the same counts (on ASCII \w is
# alphanumeric or "_", \s what str.isspace says), a few passes over the
# line fewer.
_ASCII_DIGITS = bytes(range(48, 58))
_ASCII_NOT_SYMBOLS = bytes(c for c in range(128) if chr(c).isalnum() or chr(c).isspace())


@functools.lru_cache(maxsize=1 << 16)
def _intrinsic(text: str) -> np.ndarray:
    """The features of a line that depend on its wording alone (the other
    columns are left 0). Cached: a site's chrome recurs on every page, and
    the cleaner's later passes see the kept lines again."""
    f = [0.0] * len(OWN)
    tokens = line_words(text)
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
    if text.isascii():
        raw = text.encode("ascii")
        f[11] = (len(raw) - len(raw.translate(None, _ASCII_DIGITS))) / length
        f[12] = len(raw.translate(None, _ASCII_NOT_SYMBOLS)) / length
        f[19] = raw.count(b"|") + raw.count(b"/")
    else:
        f[11] = len(_DIGIT.findall(text)) / length
        f[12] = len(_SYMBOL.findall(text)) / length
        f[19] = len(_SEPARATORS.findall(text))
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    f[15] = math.log1p(sentences)
    f[16] = w / sentences
    f[17] = 1.0 if _URLISH_TEST.search(text, fold(text)) else 0.0
    f[18] = 1.0 if _BULLET.match(text) else 0.0
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
    row = np.array(f, dtype=np.float32)
    row.flags.writeable = False
    return row


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


def _block_features(batch: _Pages, paragraph: np.ndarray, mass: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Blocks are runs of paragraphs with at most BLOCK_GAP other lines
    between two of them; the main block of a page holds the most text
    (the first such block on a tie). An article is usually the main block;
    the teasers, comments and related stories after it are smaller blocks
    further down. Per line: its block's share of its page's paragraph text,
    whether it is in its page's main block, and its signed log distance
    from it (negative above it)."""
    share = np.zeros(batch.n, dtype=np.float32)
    in_main = np.zeros(batch.n, dtype=np.float32)
    distance = np.zeros(batch.n, dtype=np.float32)
    idx = np.flatnonzero(paragraph)
    if not len(idx):
        return share, in_main, distance
    gap = np.diff(idx, prepend=-BLOCK_GAP - 2)  # lines from the paragraph above (far for the first)
    new = (gap > BLOCK_GAP + 1) | (batch.page[idx] != batch.page[np.r_[idx[0], idx[:-1]]])
    number = np.cumsum(new) - 1  # the block of each paragraph
    block = np.full(batch.n, -1)
    block[idx] = number
    for step in range(1, BLOCK_GAP + 1):  # the short lines between two paragraphs of a block
        inner = ~new & (gap > step)
        block[idx[inner] - step] = number[inner]
    sums = np.bincount(number, weights=mass[idx])
    block_page = batch.page[idx[new]]
    block_first, block_last = idx[new], idx[np.r_[np.flatnonzero(new)[1:] - 1, len(idx) - 1]]
    totals = np.maximum(1.0, np.bincount(block_page, weights=sums, minlength=len(batch.sizes)))
    inside = block >= 0
    share[inside] = sums[block[inside]] / totals[batch.page[inside]]
    # The main block of each page: the largest sum, the first one on a tie.
    order = np.lexsort((np.arange(len(sums)), -sums, block_page))
    first_of_page = np.r_[True, block_page[order][1:] != block_page[order][:-1]]
    main = order[first_of_page]
    start = np.full(len(batch.sizes), -1)
    end = np.full(len(batch.sizes), -1)
    start[block_page[main]] = block_first[main]
    end[block_page[main]] = block_last[main]
    start, end = start[batch.page], end[batch.page]
    has_main = start >= 0
    in_main[has_main & (start <= batch.position) & (batch.position <= end)] = 1.0
    after = has_main & (batch.position > end)
    before = has_main & (batch.position < start)
    distance[after] = np.log1p((batch.position - end)[after])
    distance[before] = -np.log1p((start - batch.position)[before])
    return share, in_main, distance
