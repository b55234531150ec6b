"""The per-row loops of the models, compiled with numba.

Each function here has a plain numpy or Python reference elsewhere (named
in its docstring), and the tests check that both give the same answers.
Compiled code is cached on disk (numba's ``cache=True``), so a process
compiles a function once per installation, not once per run; ``warm_up``
loads them before a run's shard processes fork.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numba import njit

_BLOCK_ROWS = 512


@njit(cache=True, nogil=True)
def walk_trees(X, feature, threshold, children, roots, depths, value, baseline):  # pragma: no cover - compiled
    """The raw score of each row of ``X`` (float32, C order): ``baseline``
    plus the leaf value of every tree. ``children[2 * node + went_left]``
    is the next node and a leaf is its own child, so every row takes
    ``depths[t]`` steps down tree ``t``, and eight rows walk side by side:
    their steps do not wait on each other, so the processor overlaps them
    (a walk is a chain of dependent loads; one row at a time was 2x
    slower). Tree by tree over a block of rows, so a tree's nodes stay in
    the cache. The reference is ``LineModel._predict_numpy``."""
    n = X.shape[0]
    out = np.full(n, baseline)
    for start in range(0, n, _BLOCK_ROWS):
        stop = min(n, start + _BLOCK_ROWS)
        for t in range(roots.shape[0]):
            root, depth = roots[t], depths[t]
            r = start
            while r + 8 <= stop:
                a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = root
                for _ in range(depth):
                    a0 = children[2 * a0 + (1 if X[r, feature[a0]] <= threshold[a0] else 0)]
                    a1 = children[2 * a1 + (1 if X[r + 1, feature[a1]] <= threshold[a1] else 0)]
                    a2 = children[2 * a2 + (1 if X[r + 2, feature[a2]] <= threshold[a2] else 0)]
                    a3 = children[2 * a3 + (1 if X[r + 3, feature[a3]] <= threshold[a3] else 0)]
                    a4 = children[2 * a4 + (1 if X[r + 4, feature[a4]] <= threshold[a4] else 0)]
                    a5 = children[2 * a5 + (1 if X[r + 5, feature[a5]] <= threshold[a5] else 0)]
                    a6 = children[2 * a6 + (1 if X[r + 6, feature[a6]] <= threshold[a6] else 0)]
                    a7 = children[2 * a7 + (1 if X[r + 7, feature[a7]] <= threshold[a7] else 0)]
                out[r] += value[a0]
                out[r + 1] += value[a1]
                out[r + 2] += value[a2]
                out[r + 3] += value[a3]
                out[r + 4] += value[a4]
                out[r + 5] += value[a5]
                out[r + 6] += value[a6]
                out[r + 7] += value[a7]
                r += 8
            while r < stop:
                a = root
                for _ in range(depth):
                    a = children[2 * a + (1 if X[r, feature[a]] <= threshold[a] else 0)]
                out[r] += value[a]
                r += 1
    return out


# ------------------------------------------------------------ hashed words
#
# The lexical models (the spam model, the line model's lexical score) sum a
# linear model's weights over the buckets of a line's hashed n-grams. The
# words are found in Python (regular expressions); the n-grams are hashed
# here, from the words written as one byte string per line with single
# spaces between them, so that an n-gram of whole words is a slice of it.

_P1, _P2, _P3, _P4, _P5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393
_M32 = 0xFFFFFFFF


@njit(cache=True, nogil=True, inline="always")
def _rotl(x, r):  # pragma: no cover - compiled
    return ((x << r) | (x >> (32 - r))) & _M32


@njit(cache=True, nogil=True, inline="always")
def _read32(buf, i):  # pragma: no cover - compiled
    return np.int64(buf[i]) | (np.int64(buf[i + 1]) << 8) | (np.int64(buf[i + 2]) << 16) \
        | (np.int64(buf[i + 3]) << 24)


@njit(cache=True, nogil=True)
def xxh32(buf, start, end):  # pragma: no cover - compiled
    """XXH32 (seed 0) of ``buf[start:end]``, as ``xxhash.xxh32_intdigest``
    of those bytes (the reference the tests compare with)."""
    # int64 throughout, masked to 32 bits: a product wraps modulo 2**64, so
    # its low 32 bits are exact.
    n = end - start
    i = start
    if n >= 16:
        v1 = np.int64((_P1 + _P2) & _M32)
        v2 = np.int64(_P2)
        v3 = np.int64(0)
        v4 = np.int64((-_P1) & _M32)
        limit = end - 16
        while i <= limit:
            v1 = (_rotl((v1 + _read32(buf, i) * _P2) & _M32, 13) * _P1) & _M32
            v2 = (_rotl((v2 + _read32(buf, i + 4) * _P2) & _M32, 13) * _P1) & _M32
            v3 = (_rotl((v3 + _read32(buf, i + 8) * _P2) & _M32, 13) * _P1) & _M32
            v4 = (_rotl((v4 + _read32(buf, i + 12) * _P2) & _M32, 13) * _P1) & _M32
            i += 16
        h = (_rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)) & _M32
    else:
        h = np.int64(_P5)
    h = (h + np.int64(n)) & _M32
    while i + 4 <= end:
        h = (_rotl((h + _read32(buf, i) * _P3) & _M32, 17) * _P4) & _M32
        i += 4
    while i < end:
        h = (_rotl((h + np.int64(buf[i]) * _P5) & _M32, 11) * _P1) & _M32
        i += 1
    h ^= h >> 15
    h = (h * _P2) & _M32
    h ^= h >> 13
    h = (h * _P3) & _M32
    h ^= h >> 16
    return h


@njit(cache=True, nogil=True, inline="always")
def _add(bucket, coef, stamp, mark):  # pragma: no cover - compiled
    """``coef[bucket]`` if the bucket is new to this line (``stamp``), else 0."""
    if stamp[bucket] == mark:
        return 0.0, 0
    stamp[bucket] = mark
    return np.float64(coef[bucket]), 1


@njit(cache=True, nogil=True)
def hashed_sums(data, starts, ends, coef, stamp, first_mark, char_grams, empty_bucket):  # pragma: no cover
    """For each line ``data[starts[i]:ends[i]]``, the sum of ``coef``
    over its distinct buckets and how many there are. A bucket is the
    XXH32 of an n-gram masked to ``len(coef)`` (a power of two).

    ``char_grams`` (the spam model, ``spam.spam_bucket_set``): a line is
    `` w1 w2 … wn `` (a space before and after); its n-grams are each word,
    each pair ``"a b"``, and of each word not in angle brackets its
    character 4-grams of ``" w "`` behind a ``#``. Otherwise (the line
    model, ``linemodel._lexical_bucket_set``): a line is ``<s> w1 … wn``;
    its n-grams are each word, each pair and ``"<s> w1"``. A line without
    words has the one bucket ``empty_bucket``.

    ``stamp`` marks the buckets already counted for a line, with marks from
    ``first_mark`` on, so that it never needs clearing between calls."""
    mask = coef.shape[0] - 1
    n = starts.shape[0]
    sums = np.zeros(n, dtype=np.float64)
    counts = np.zeros(n, dtype=np.int64)
    scratch = np.empty(80, dtype=np.uint8)
    scratch[0] = 35  # "#"
    chars = np.empty(24, dtype=np.int64)
    for li in range(n):
        mark = first_mark + li
        start, end = starts[li], ends[li]
        total = 0.0
        count = 0
        previous = -1  # start of the previous word
        i = start
        if not char_grams:
            i += 4  # "<s> "
        first = True
        while i < end:
            if data[i] == 32:
                i += 1
                continue
            w = i
            while i < end and data[i] != 32:
                i += 1
            v, c = _add(np.int64(xxh32(data, w, i) & mask), coef, stamp, mark)
            total += v
            count += c
            if previous >= 0:
                v, c = _add(np.int64(xxh32(data, previous, i) & mask), coef, stamp, mark)
                total += v
                count += c
            elif not char_grams:
                v, c = _add(np.int64(xxh32(data, start, i) & mask), coef, stamp, mark)
                total += v
                count += c
            previous = w
            first = False
            if char_grams and data[w] != 60:  # "<": a shape token has no grams
                # character starts of " word " (UTF-8 continuation bytes are 10xxxxxx)
                k = 0
                for j in range(w - 1, i + 1):
                    if data[j] & 0xC0 != 0x80:
                        if k == chars.shape[0]:
                            chars = np.concatenate((chars, np.empty(k, dtype=np.int64)))
                        chars[k] = j
                        k += 1
                if k == chars.shape[0]:
                    chars = np.concatenate((chars, np.empty(k, dtype=np.int64)))
                chars[k] = i + 1
                for g in range(k - 3):
                    a, b = chars[g], chars[g + 4]
                    if b - a + 1 > scratch.shape[0]:
                        scratch = np.concatenate((scratch, np.empty(b - a + 1, dtype=np.uint8)))
                    scratch[1:b - a + 1] = data[a:b]
                    v, c = _add(np.int64(xxh32(scratch, 0, b - a + 1) & mask), coef, stamp, mark)
                    total += v
                    count += c
        if first:
            total, count = np.float64(coef[empty_bucket]), 1
        sums[li] = total
        counts[li] = count
    return sums, counts


class HashedScores:
    """A linear model over hashed n-grams (the spam model, the line model's
    lexical score): ``1 / (1 + exp(-(intercept + sum / sqrt(count))))`` of
    ``hashed_sums`` over each line's ``form``, the lines seen lately
    remembered (a site's chrome recurs on every page)."""

    SEEN_LINES = 1 << 15

    def __init__(self, coef: np.ndarray, intercept: float, char_grams: bool, empty_bucket: int,
                 form: Callable[[str], str], dtype: type = np.float64) -> None:
        self.coef, self.intercept, self.char_grams, self.empty_bucket = coef, intercept, char_grams, empty_bucket
        self.form, self.dtype = form, dtype
        self.stamp = np.zeros(len(coef), dtype=np.int64)
        self.next_mark = 1
        self.seen: dict[str, float] = {}

    def __call__(self, lines: list[str]) -> np.ndarray:
        """The score of each line, the lines not seen lately hashed together."""
        missing = [line for line in dict.fromkeys(lines) if line not in self.seen]
        found = {}
        if missing:
            sums, counts = self.sums([self.form(line) for line in missing])
            scores = (1.0 / (1.0 + np.exp(-(self.intercept + sums / np.sqrt(counts))))).astype(self.dtype)
            found = dict(zip(missing, scores.tolist()))
        out = np.array([found[line] if line in found else self.seen[line] for line in lines], dtype=self.dtype)
        if len(self.seen) + len(found) > self.SEEN_LINES:
            self.seen.clear()
        self.seen.update(found)
        return out

    def sums(self, forms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """``hashed_sums`` of lines already in their form (no newlines)."""
        if not forms:
            return np.zeros(0), np.zeros(0, dtype=np.int64)
        data = np.frombuffer("\n".join(forms).encode("utf-8"), dtype=np.uint8)
        newlines = np.flatnonzero(data == 10)
        starts = np.concatenate(([0], newlines + 1))
        ends = np.concatenate((newlines, [len(data)]))
        # Marks are taken before the call: a call interrupted (the cleaner's
        # time limit) must not leave its marks to the next one.
        first_mark = self.next_mark
        self.next_mark += len(forms)
        return hashed_sums(data, starts, ends, self.coef, self.stamp, first_mark, self.char_grams, self.empty_bucket)


def warm_up() -> None:
    """Compile (or load from numba's cache) every function here with the
    types the pipeline calls them with, in this process: a run calls it
    before its shard processes fork, so they do not each compile."""
    X = np.zeros((1, 1), dtype=np.float32)
    nodes = np.zeros(1, dtype=np.intp)
    walk_trees(X, nodes, np.full(1, np.inf, dtype=np.float32), np.zeros(2, dtype=np.intp), nodes, nodes,
               np.zeros(1, dtype=np.float64), 0.0)
    for char_grams, form in ((True, " word "), (False, "<s> word")):
        HashedScores(np.zeros(16, dtype=np.float32), 0.0, char_grams, 0, str).sums([form])
