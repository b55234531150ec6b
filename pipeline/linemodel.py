"""The learned line classifier: gradient-boosted trees over line features,
with a lexical score from a linear model over hashed words and word pairs.

Trained by ``bench/train_boilerplate.py`` (see README, "The line and spam
models"); the model file ``pipeline/models/boilerplate.npz`` holds plain
arrays, evaluated here with numpy, so inference needs neither scikit-learn
nor pickle. It is loaded on first use, never at import.
"""
from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xxhash

MODEL_PATH = Path(__file__).resolve().parent / "models" / "boilerplate.npz"
# The same trees trained without the columns that only mean something in
# English, for pages in other languages (see ``linefeatures.is_english``).
NEUTRAL_MODEL_PATH = MODEL_PATH.with_name("boilerplate_neutral.npz")

LEXICAL_BUCKETS = 1 << 17
_LEX_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def lexical_buckets(line: str) -> np.ndarray:
    """Hashed unigrams, bigrams and the first word of a line (unique)."""
    return np.array(sorted(_lexical_bucket_set(line)), dtype=np.int64)


# The same tokens of an ASCII line, found in the line lower-cased at once.
_ASCII_LEX_TOKEN = re.compile(r"[a-z]+|[0-9]+")


def _lexical_tokens(line: str) -> list[str]:
    if line.isascii():
        return ["0" if t[0] <= "9" else t for t in _ASCII_LEX_TOKEN.findall(line.lower())]
    return ["0" if t.isdigit() else t for t in (w.lower() for w in _LEX_TOKEN.findall(line))]


def _lexical_form(line: str) -> str:
    """The line's words as ``compiled.hashed_sums`` reads them."""
    return "<s> " + " ".join(_lexical_tokens(line))


def _lexical_bucket_set(line: str) -> set[int]:
    tokens = _lexical_tokens(line)
    out = set(map(_lexical_bucket, tokens))
    # _lexical_bucket of each pair, inlined: pairs rarely recur, and a
    # cached call per pair cost more than the hash.
    xxh32, mask = xxhash.xxh32_intdigest, LEXICAL_BUCKETS - 1
    out.update(xxh32(f"{a} {b}".encode("utf-8")) & mask for a, b in zip(tokens, tokens[1:]))
    out.add(_lexical_bucket(f"<s> {tokens[0]}" if tokens else "<empty>"))
    return out


@functools.lru_cache(maxsize=1 << 16)
def _lexical_bucket(gram: str) -> int:
    return xxhash.xxh32_intdigest(gram.encode("utf-8")) & (LEXICAL_BUCKETS - 1)


def add_lexical_context(features: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """Append a line's lexical score and those of two lines on each side."""
    n = len(lexical)
    pad = np.concatenate([[-1.0, -1.0], lexical, [-1.0, -1.0]]).astype(np.float32)
    return np.column_stack([features, lexical, pad[0:n], pad[1:n + 1], pad[3:n + 3], pad[4:n + 4]]).astype(np.float32)


LEXICAL_CONTEXT = ["lexical", "lexical@-2", "lexical@-1", "lexical@1", "lexical@2"]
# Features learned from English words: the lexical scores (hashed English
# words and pairs) and the share of English stop words. On a German page
# every paragraph scores like a keyword list on both.
LANGUAGE_FEATURES = ("lexical", "stop_share")


def language_columns(feature_names: list[str]) -> list[int]:
    """The columns of ``LANGUAGE_FEATURES``, of the line and its neighbours."""
    return [i for i, name in enumerate(feature_names) if name.split("@")[0] in LANGUAGE_FEATURES]


def language_neutral_matrix(features: np.ndarray, feature_names: list[str]) -> np.ndarray:
    """The rows the language-neutral model is trained on and sees: the line
    features with the lexical columns appended and ``LANGUAGE_FEATURES``
    zeroed (``feature_names`` names the columns of the result)."""
    X = add_lexical_context(features, np.zeros(len(features), dtype=np.float32))
    X[:, _language_columns(tuple(feature_names))] = 0.0
    return X


@functools.lru_cache(maxsize=4)
def _language_columns(feature_names: tuple[str, ...]) -> list[int]:
    return language_columns(list(feature_names))


@dataclass
class LineModel:
    feature_names: list[str]
    lexical_coef: np.ndarray  # float32[LEXICAL_BUCKETS]
    lexical_intercept: float
    baseline: float
    feature: np.ndarray  # int32[nodes], flat over all trees
    threshold: np.ndarray  # float64[nodes]
    left: np.ndarray  # int32[nodes], absolute index
    right: np.ndarray
    is_leaf: np.ndarray  # bool[nodes]
    value: np.ndarray  # float64[nodes]
    roots: np.ndarray  # int32[trees]
    depth: int
    threshold_keep: float  # probability at which a line is kept
    smoothing: float  # switch penalty of the two-state smoothing pass
    info: dict
    _walk: tuple | None = field(default=None, repr=False, compare=False)
    _compiled_walk: tuple | None = field(default=None, repr=False, compare=False)
    _scores: object = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> "LineModel":
        with np.load(path, allow_pickle=False) as z:
            info = json.loads(str(z["info"]))
            return cls(feature_names=info["features"], lexical_coef=z["lexical_coef"].astype(np.float32),
                       lexical_intercept=float(z["lexical_intercept"]), baseline=float(z["baseline"]),
                       feature=z["feature"], threshold=z["threshold"], left=z["left"], right=z["right"],
                       is_leaf=z["is_leaf"], value=z["value"], roots=z["roots"], depth=int(z["depth"]),
                       threshold_keep=float(info["threshold"]), smoothing=float(info["smoothing"]), info=info)

    def save(self, path: str | Path) -> None:
        info = dict(self.info, features=self.feature_names, threshold=self.threshold_keep, smoothing=self.smoothing)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            np.savez_compressed(fh, lexical_coef=self.lexical_coef.astype(np.float16),
                                lexical_intercept=np.float64(self.lexical_intercept), baseline=np.float64(self.baseline),
                                feature=self.feature, threshold=self.threshold, left=self.left, right=self.right,
                                is_leaf=self.is_leaf, value=self.value, roots=self.roots, depth=np.int32(self.depth),
                                info=np.array(json.dumps(info, sort_keys=True)))

    def lexical_scores(self, lines: list[str]) -> np.ndarray:
        """The lexical score of each line, the lines not seen lately hashed
        together in compiled code (the reference is ``lexical_score_reference``)."""
        if self._scores is None:
            from .compiled import HashedScores
            self._scores = HashedScores(self.lexical_coef, self.lexical_intercept, False, _lexical_bucket("<empty>"),
                                        _lexical_form, np.float32)
        return self._scores(lines)

    def lexical_score_reference(self, line: str) -> float:
        """``lexical_score`` in plain Python, from ``lexical_buckets``."""
        buckets = lexical_buckets(line)
        z = self.lexical_intercept + float(self.lexical_coef[buckets].sum()) / math.sqrt(len(buckets))
        return float(np.float32(1.0 / (1.0 + math.exp(-z))))

    @property
    def language_neutral(self) -> bool:
        """Trained without ``LANGUAGE_FEATURES`` (they are zeroed here)."""
        return bool(self.info.get("language_neutral"))

    def predict(self, features: np.ndarray, lines: list[str]) -> np.ndarray:
        """Probability that each line is article text."""
        if len(lines) == 0:
            return np.zeros(0, dtype=np.float32)
        X = self._matrix(features, lines)
        self._check_width(X)
        return self.predict_matrix(X)

    def _matrix(self, features: np.ndarray, lines: list[str]) -> np.ndarray:
        if not self.language_neutral:
            return add_lexical_context(features, self.lexical_scores(lines))
        return language_neutral_matrix(features, self.feature_names)

    def predict_pages(self, pages: list[tuple[np.ndarray, list[str]]]) -> list[np.ndarray]:
        """``predict`` of each page's (features, lines), with the trees walked
        once over the rows of all pages."""
        if not self.language_neutral:  # the lexical scores of all pages' new lines hashed at once
            self.lexical_scores([line for _, lines in pages for line in lines])
        matrices = [self._matrix(features, lines) for features, lines in pages]
        if not matrices:
            return []
        for X in matrices:
            self._check_width(X)
        prob = self.predict_matrix(np.vstack(matrices))
        return np.split(prob, np.cumsum([len(X) for X in matrices[:-1]]))

    def _check_width(self, X: np.ndarray) -> None:
        if X.shape[1] != len(self.feature_names):
            raise ValueError(f"the line model expects {len(self.feature_names)} features, got {X.shape[1]}: "
                             "retrain it (bench/train_boilerplate.py) after changing pipeline/linefeatures.py")

    def predict_matrix(self, X: np.ndarray) -> np.ndarray:
        """Probability of each row of a full feature matrix, the trees
        walked row by row in compiled code (``compiled.walk_trees``)."""
        from .compiled import walk_trees
        if self._compiled_walk is None:  # the roots and depths in the shape walk_trees takes, once per model
            feature, threshold, children, groups = self._walk_arrays()
            roots = np.concatenate([r for r, _ in groups])
            depths = np.concatenate([np.full(len(r), d, dtype=np.intp) for r, d in groups])
            self._compiled_walk = (feature, threshold, children, roots, depths, self.value.astype(np.float64))
        X = np.ascontiguousarray(X, dtype=np.float32)
        raw = walk_trees(X, *self._compiled_walk, self.baseline)
        return (1.0 / (1.0 + np.exp(-raw))).astype(np.float32)

    def _predict_numpy(self, X: np.ndarray) -> np.ndarray:
        """``predict_matrix`` in numpy, the reference the compiled walk is
        tested against: every tree is walked for every row at once, one
        level per step."""
        feature, threshold, children, groups = self._walk_arrays()
        X = np.ascontiguousarray(X, dtype=np.float32)
        raw = np.full(len(X), self.baseline)
        for start in range(0, len(X), _CHUNK_ROWS):
            chunk = X[start:start + _CHUNK_ROWS]
            flat = chunk.ravel()
            row_base = (np.arange(len(chunk), dtype=np.intp) * chunk.shape[1])[:, None]
            for roots, depth in groups:  # trees of one depth walk only as many levels as they have
                node = np.broadcast_to(roots, (len(chunk), len(roots)))
                for _ in range(depth):
                    go_left = flat[row_base + feature[node]] <= threshold[node]
                    node = children[2 * node + go_left]
                raw[start:start + _CHUNK_ROWS] += self.value[node].sum(axis=1)
        return (1.0 / (1.0 + np.exp(-raw))).astype(np.float32)

    def _walk_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[np.ndarray, int]]]:
        """The trees in the shape ``predict_matrix`` walks them: float32
        thresholds rounded down (so ``x <= t`` decides exactly as against
        the float64 threshold for float32 ``x``), a child table indexed
        by ``2 * node + went_left`` in which a leaf is its own child, and
        the roots grouped by the depth of their tree (300 trees of depth 7
        to 18 walk 3,390 levels per row instead of 300 x 19)."""
        if self._walk is None:
            leaf = self.is_leaf.astype(bool)
            threshold = self.threshold.astype(np.float32)
            above = threshold.astype(np.float64) > self.threshold
            threshold[above] = np.nextafter(threshold[above], np.float32(-np.inf))
            threshold[leaf] = np.inf
            nodes = np.arange(len(leaf), dtype=np.intp)
            children = np.empty(2 * len(leaf), dtype=np.intp)
            children[0::2] = np.where(leaf, nodes, self.right)
            children[1::2] = np.where(leaf, nodes, self.left)
            feature = np.where(leaf, 0, self.feature).astype(np.intp)
            depths = [self._tree_depth(int(root), leaf) for root in self.roots]
            groups = [(self.roots[[d == depth for d in depths]].astype(np.intp), depth)
                      for depth in sorted(set(depths))]
            self._walk = (feature, threshold, children, groups)
        return self._walk

    def _tree_depth(self, root: int, leaf: np.ndarray) -> int:
        """Edges on the longest path from ``root`` to a leaf."""
        depth, level = 0, [root]
        while True:
            level = [child for node in level if not leaf[node] for child in (self.left[node], self.right[node])]
            if not level:
                return depth
            depth += 1


_CHUNK_ROWS = 2048


@functools.lru_cache(maxsize=1)
def default_model() -> LineModel:
    return LineModel.load(MODEL_PATH)


@functools.lru_cache(maxsize=1)
def default_neutral_model() -> LineModel:
    return LineModel.load(NEUTRAL_MODEL_PATH)


def smooth(prob: np.ndarray, penalty: float, threshold: float = 0.5) -> np.ndarray:
    """Two-state (boilerplate / article) Viterbi pass over a page's lines:
    switching state costs ``penalty`` nats, so isolated flips are only
    made when the classifier is confident. ``penalty=0`` is a plain
    threshold at ``threshold``."""
    n = len(prob)
    if n == 0:
        return np.zeros(0, dtype=bool)
    if penalty <= 0:
        return prob >= threshold
    p = np.clip(prob.astype(np.float64), 1e-4, 1 - 1e-4)
    bias = np.log(threshold / (1 - threshold))  # moves the decision point to ``threshold``
    # The recursion runs on Python floats (the same IEEE doubles as numpy's
    # float64, so the same decisions): a numpy scalar operation costs more
    # than the arithmetic, and this loop runs once per line of every pass.
    emit0 = np.log(1 - p).tolist()
    emit1 = (np.log(p) - bias).tolist()
    penalty = float(penalty)
    score0, score1 = emit0[0], emit1[0]
    back0 = [0] * n  # the state before line i on the best path to state 0 (1) at line i
    back1 = [1] * n
    for i in range(1, n):
        switch0, switch1 = score1 - penalty, score0 - penalty
        if score0 >= switch0:
            new0 = score0
        else:
            new0, back0[i] = switch0, 1
        if score1 >= switch1:
            new1 = score1
        else:
            new1, back1[i] = switch1, 0
        score0, score1 = new0 + emit0[i], new1 + emit1[i]
    states = [False] * n
    state = 1 if score1 > score0 else 0
    states[-1] = bool(state)
    for i in range(n - 1, 0, -1):
        state = back1[i] if state else back0[i]
        states[i - 1] = bool(state)
    return np.array(states, dtype=bool)
