"""Exact and near-duplicate detection on clean text.

- Texts are compared after a hashing normalisation (NFKC, case folding,
  quotes and dashes folded, punctuation dropped, whitespace and line
  wrapping ignored), so formatting differences vanish.
- Exact copies are caught by a 128-bit hash of the normalised text.
- Near copies: word shingles hashed with xxh32, MinHash with the
  ``affine32`` scheme and seed 1 (pinned: an index built with another scheme
  or hash silently matches nothing), LSH for candidates, then verification
  on the true shingle sets: Jaccard similarity, or containment of the
  shorter text in the longer one for abridged copies.
- Only kept articles enter the index, and a duplicate points at the kept
  article it copies, so weak links never chain into large clusters.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import xxhash

from .config import TOKENS, DedupConfig
from .document import COMBINING_MARKS, UNSPACED_CHARACTER, has_unspaced_script

SCHEME = "affine32"
SEED = 1
# LSH finds candidates at this estimated Jaccard, below the verification
# threshold, so abridged copies (whose Jaccard is lower than their
# containment) still reach verification.
CANDIDATE_THRESHOLD = 0.3
# Containment is only trusted for texts with at least this many shingles; a
# few sentences are contained in many articles.
MIN_CONTAINMENT_SHINGLES = 30

# Quotes and dashes folded to ASCII. Replaced one character at a time
# (a C scan of the text each, skipped when absent): str.translate with a
# mapping looks every character of the text up, 30 times slower on articles.
_FOLD = (("‘", "'"), ("’", "'"), ("‚", "'"), ("‛", "'"), ("“", '"'), ("”", '"'), ("„", '"'), ("‟", '"'),
         ("–", "-"), ("—", "-"), ("‐", "-"), ("‑", "-"), ("−", "-"))
_TOKEN = re.compile(r"[^\W_]+")
_TOKEN_WITH_MARKS = re.compile(rf"[^\W_]+(?:[{COMBINING_MARKS}]+[^\W_]*)*")


def hash_words(text: str, tokens: int = TOKENS) -> list[str]:
    """The words of ``text`` as deduplication sees them.

    ``tokens`` is the scheme (pinned with an index, ``DedupConfig.tokens``):
    2 keeps a word's combining marks in it (the vowel signs of Hindi or
    Tamil) and takes each character of Chinese, Japanese, Thai, Lao, Khmer
    or Myanmar as a word of its own, as their words are not spaced; 1, the
    first scheme, split words at every mark and took all the characters
    between two punctuation marks as one word, so a Chinese text was a few
    dozen clause-long "words" and one changed character hid a copy. ASCII
    text has the same words in both."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return _TOKEN.findall(text.casefold())
    for char, ascii_char in _FOLD:
        if char in text:
            text = text.replace(char, ascii_char)
    text = text.casefold()
    if tokens == 1:
        return _TOKEN.findall(text)
    if has_unspaced_script(text):
        text = UNSPACED_CHARACTER.sub(r" \g<0> ", text)
    return _TOKEN_WITH_MARKS.findall(text)


def exact_hash(words: list[str]) -> str:
    return xxhash.xxh3_128_hexdigest(" ".join(words).encode("utf-8"))


def shingle_hashes(words: list[str], size: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word ``size``-grams (the whole
    text as one shingle when it is shorter)."""
    if not words:
        return np.zeros(0, dtype=np.uint32)
    n = max(1, len(words) - size + 1)
    # The grams, their bytes and their hashes by ``map``, whose loops run
    # in C (a third faster than a generator per shingle).
    grams = map(" ".join, zip(*(words[k:] for k in range(size)))) if len(words) >= size else [" ".join(words)]
    return np.unique(np.fromiter(map(xxhash.xxh32_intdigest, map(str.encode, grams)), dtype=np.uint32, count=n))


def _identity(value: int) -> int:
    return value


def signatures(shingle_sets: Iterable[np.ndarray], num_perm: int) -> np.ndarray:
    """MinHash signatures (rows of uint32) of already-hashed shingle sets:
    datasketch's ``affine32`` scheme with its own permutations, computed
    as datasketch's ``MinHash.update_batch`` does (MurmurHash3 finaliser,
    then ``a * h + b`` wrapping at 32 bits, minimum per permutation) but
    on each whole set at once, without a Python call per shingle
    (``tests/test_dedup.py`` checks the values against datasketch's)."""
    a, b = _permutations(num_perm)
    a, b = a[:, None], b[:, None]  # (permutations x shingles): the minimum runs along contiguous rows
    rows = []
    for shingles in shingle_sets:
        row = np.full(num_perm, _EMPTY, dtype=np.uint32)
        if len(shingles):
            mixed = _fmix32(np.asarray(shingles, dtype=np.uint32))
            for start in range(0, len(mixed), _SHINGLE_CHUNK):
                np.minimum(row, (a * mixed[None, start:start + _SHINGLE_CHUNK] + b).min(axis=1), out=row)
        rows.append(row)
    return np.vstack(rows) if rows else np.zeros((0, num_perm), dtype=np.uint32)


_EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's value of a permutation that saw nothing
_SHINGLE_CHUNK = 8192  # shingles of the (permutations x shingles) product at a time


@functools.lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``affine32`` permutations for ``SEED``, drawn here as its
    ``MinHash`` draws them (odd multipliers ``a``, offsets ``b``, from one
    ``RandomState``): importing datasketch takes scipy with it, ~0.8 s that
    every shard process or the run before they fork paid for two small
    arrays. ``tests/test_dedup.py`` checks them against datasketch's."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


@functools.lru_cache(maxsize=32)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """The bands and rows datasketch's ``MinHashLSH`` picks for a Jaccard
    ``threshold`` with its default weights: the pair that minimises the
    mean of the probabilities of a false positive (integrated over
    similarities below the threshold) and of a false negative (above it).
    datasketch integrates with scipy; both integrands are polynomials of
    degree ``bands * rows <= num_perm``, which Gauss-Legendre quadrature
    with ``num_perm // 2 + 1`` nodes integrates exactly, so no scipy is
    needed (``tests/test_dedup.py`` checks the choice against datasketch's
    over a grid of thresholds and sizes)."""
    x, w = np.polynomial.legendre.leggauss(num_perm // 2 + 1)
    below = threshold / 2 * (x + 1)  # nodes on [0, threshold]
    above = threshold + (1 - threshold) / 2 * (x + 1)  # on [threshold, 1]
    best, choice = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):
        rows = np.arange(1, num_perm // bands + 1, dtype=np.float64)[:, None]
        false_positive = threshold / 2 * ((1 - (1 - below ** rows) ** bands) @ w)
        false_negative = (1 - threshold) / 2 * (((1 - above ** rows) ** bands) @ w)
        error = 0.5 * false_positive + 0.5 * false_negative
        r = int(np.argmin(error))
        if error[r] < best:
            best, choice = float(error[r]), (bands, r + 1)
    return choice


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, as datasketch pre-mixes its input."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _minhash(signature: np.ndarray):
    from datasketch import MinHash
    return MinHash(hashvalues=signature, seed=SEED, scheme=SCHEME, hashfunc=_identity)


@dataclass
class Fingerprint:
    """What deduplication needs to know of one clean text. ``shingles``,
    where given, are the text's ``shingle_hashes``: verifying a candidate
    pair then does not hash the text's words again."""
    exact: str
    signature: np.ndarray
    shingles: np.ndarray | None = field(default=None, repr=False, compare=False)


def fingerprint_texts(texts: list[str], config: DedupConfig) -> list[Fingerprint]:
    word_lists = [hash_words(t, config.tokens) for t in texts]
    shingle_sets = [shingle_hashes(w, config.shingle_size) for w in word_lists]
    sigs = signatures(shingle_sets, config.num_perm)
    return [Fingerprint(exact_hash(w), sigs[i], shingle_sets[i]) for i, w in enumerate(word_lists)]


# Odd 64-bit multipliers that mix a band's rows into one key (mod 2**64).
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BAND_MIX = np.uint64(0xD6E8FEB86659FD93)


class DedupIndex:
    """Kept articles in memory: exact hashes and LSH band keys of their
    signatures. A run's own kept articles live here; the published corpus
    is the packed index on disk (``packed_index.DiskIndex``) or Redis
    (``shared_index.RedisIndex``), both subclasses that add it.

    The banding is datasketch's (the bands and rows ``MinHashLSH`` chooses
    for the candidate threshold, so every index finds the same candidates),
    each band of a signature one 64-bit key. A key shared by chance only
    adds a candidate, which verification on the true shingles rejects."""

    def __init__(self, config: DedupConfig) -> None:
        self.config = config
        self.bands, self.rows = lsh_bands(min(CANDIDATE_THRESHOLD, config.threshold), config.num_perm)
        self.exact: dict[str, str] = {}  # exact hash -> id
        self.ids: set[str] = set()
        self._exact_of: dict[str, str] = {}  # id -> its exact hash, when it holds the entry
        self._keys_of: dict[str, list[int]] = {}  # id -> its band keys
        self._holders: dict[int, list[str]] = {}  # band key -> ids
        self._last_keys: tuple[Fingerprint, list[int]] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def keys_of(self, fp: Fingerprint) -> list[int]:
        """``fp``'s band keys. The last fingerprint's are kept: deciding a
        document asks for them up to three times (the packed index, the
        run's own, then adding it)."""
        if self._last_keys is None or self._last_keys[0] is not fp:
            self._last_keys = (fp, self.band_keys(fp.signature)[0].tolist())
        return self._last_keys[1]

    def expect(self, fp: Fingerprint, keys: list[int]) -> None:
        """``fp``'s band keys, computed by the caller (``band_keys`` of many
        signatures at once costs far less than one call each): the next
        questions about ``fp`` use them."""
        self._last_keys = (fp, keys)

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """(n, bands) uint64 keys of (n, num_perm) signatures."""
        sig = np.atleast_2d(signatures)[:, :self.bands * self.rows].astype(np.uint64)
        sig = sig.reshape(len(sig), self.bands, self.rows)
        keys = np.zeros((len(sig), self.bands), dtype=np.uint64)
        for j in range(self.rows):
            keys = (keys ^ sig[:, :, j]) * _MIX
        band = np.arange(1, self.bands + 1, dtype=np.uint64) * _BAND_MIX  # one key space for all bands
        return (keys ^ band) * _MIX

    def add(self, doc_id: str, fp: Fingerprint) -> None:
        if doc_id in self.ids:
            self.remove(doc_id)
        self.ids.add(doc_id)
        if fp.exact not in self.exact:
            self.exact[fp.exact] = doc_id
            self._exact_of[doc_id] = fp.exact
        keys = self.keys_of(fp)
        self._keys_of[doc_id] = keys
        for key in keys:
            self._holders.setdefault(key, []).append(doc_id)

    def remove(self, doc_id: str) -> None:
        if doc_id not in self.ids:
            return
        self.ids.discard(doc_id)
        for key in self._keys_of.pop(doc_id):
            self._holders[key].remove(doc_id)
            if not self._holders[key]:
                del self._holders[key]
        exact = self._exact_of.pop(doc_id, None)
        if exact is not None:
            del self.exact[exact]

    def candidates(self, fp: Fingerprint) -> list[str]:
        found: set[str] = set()
        for key in self.keys_of(fp):
            found.update(self._holders.get(key, ()))
        return sorted(found)

    def exact_match(self, exact: str) -> str | None:
        """The kept article whose normalised text hashes to ``exact``."""
        return self.exact.get(exact)


@dataclass
class Candidate:
    """A document of the current batch, in the order survivors are chosen."""
    id: str
    text: str
    fingerprint: Fingerprint
    date: str | None = None
    published: bool = False  # a new version of an article already published

    def order_key(self) -> tuple:
        # New versions of published articles first (a correction goes on
        # being the article; its copies do not take its place), then the
        # earliest date (undated last), then the most complete text, then
        # the id: the first of a group of copies is the one kept.
        return (not self.published, self.date or "9999-99-99", -len(self.text), self.id)


@dataclass
class Decision:
    id: str
    duplicate_of: str | None = None
    similarity: float | None = None
    how: str | None = None  # "exact", "jaccard" or "containment"


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Jaccard similarity and containment of the smaller set in the larger."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - inter
    smaller = min(len(a), len(b))
    containment = inter / smaller if smaller >= MIN_CONTAINMENT_SHINGLES else 0.0
    return inter / union, containment


# Shingle sets kept for verifying candidates (recomputed from the text when dropped).
_SHINGLE_CACHE = 20_000


def deduplicate(batch: list[Candidate], index: DedupIndex, published_text: Callable[[str], str | None],
                config: DedupConfig,
                withdrawn_shingles: Callable[[str], np.ndarray | None] = lambda doc_id: None) -> list[Decision]:
    """Decide each document of ``batch`` against ``index`` (the published
    corpus) and the batch documents kept before it; ``index`` is updated
    with the kept ones. ``published_text`` returns the clean text of a
    published article, for verifying candidates; ``withdrawn_shingles`` the
    shingle hashes of a withdrawn one, whose text is gone."""
    batch_text = {c.id: c.text for c in batch}
    batch_shingles = {c.id: c.fingerprint.shingles for c in batch if c.fingerprint.shingles is not None}
    shingle_cache: dict[str, np.ndarray] = {}

    def shingles_of(doc_id: str) -> np.ndarray | None:
        given = batch_shingles.get(doc_id)
        if given is not None:
            return given
        if doc_id not in shingle_cache:
            if len(shingle_cache) >= _SHINGLE_CACHE:  # bounded: a batch of 100k would hold them all
                shingle_cache.clear()
            text = batch_text.get(doc_id)
            if text is None:
                text = published_text(doc_id)
            if text is not None:
                shingle_cache[doc_id] = shingle_hashes(hash_words(text, config.tokens), config.shingle_size)
            else:
                kept = withdrawn_shingles(doc_id)
                if kept is None:
                    return None
                shingle_cache[doc_id] = kept
        return shingle_cache[doc_id]

    decisions = []
    batch = sorted(batch, key=Candidate.order_key)
    for cand, cand_keys in zip(batch, _band_keys_of(index, batch)):
        index.expect(cand.fingerprint, cand_keys)
        original = index.exact_match(cand.fingerprint.exact)
        if original is not None:
            decisions.append(Decision(cand.id, original, 1.0, "exact"))
            continue
        best: Decision | None = None
        others = index.candidates(cand.fingerprint)
        mine = shingles_of(cand.id) if others else None
        for other in others:
            theirs = shingles_of(other)
            if theirs is None or mine is None:
                continue
            jaccard, containment = similarity(mine, theirs)
            if jaccard >= config.threshold:
                found = Decision(cand.id, other, round(jaccard, 4), "jaccard")
            elif containment >= config.containment:
                found = Decision(cand.id, other, round(containment, 4), "containment")
            else:
                continue
            if best is None or found.similarity > best.similarity:
                best = found
        if best is not None:
            decisions.append(best)
        else:
            index.add(cand.id, cand.fingerprint)
            decisions.append(Decision(cand.id))
    return decisions


def _band_keys_of(index: DedupIndex, batch: list[Candidate], chunk: int = 4096) -> Iterable[list[int]]:
    """The band keys of each candidate in turn, computed a chunk at a time."""
    for start in range(0, len(batch), chunk):
        yield from index.band_keys(np.vstack([c.fingerprint.signature for c in batch[start:start + chunk]])).tolist()
