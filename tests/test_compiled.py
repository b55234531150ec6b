"""The compiled loops give the answers of their plain references."""
from __future__ import annotations

import numpy as np
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import compiled
from pipeline.linemodel import default_model, default_neutral_model
from pipeline.spam import SpamModel, default_spam_model

# Lines as scraped text has them: words, numbers, links, money, marks,
# capitals and letters outside ASCII (accents, CJK, emoji: 1-4 UTF-8 bytes).
_PIECES = st.sampled_from(["the", "Earn", "$500", "per", "day", "www.example.com", "http://x.co/a?b=1", "!!!",
                           "====>>", "GOOD", "LUCK", "café", "naïve", "東京", "日本語", "🙂", "İstanbul", "ΟΔΟΣ",
                           "2026", "0", "co-op", "it's", "e.g.", " ", "  ", "\t", "—", "«», ", "ß", "x" * 40])
LINES = st.lists(_PIECES, max_size=30).map(" ".join) | st.text(max_size=120).map(lambda t: t.replace("\n", " "))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80))
def test_xxh32_is_xxhash(data):
    buf = np.frombuffer(b"pad" + data + b"pad", dtype=np.uint8)
    assert compiled.xxh32(buf, 3, 3 + len(data)) == xxhash.xxh32_intdigest(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=8))
def test_spam_probabilities_are_the_reference(lines):
    shipped = default_spam_model()
    model = SpamModel(shipped.coef, shipped.intercept, shipped.threshold, shipped.info)  # nothing cached
    got = model.probabilities(lines)
    assert got == pytest.approx([model.probability_reference(line) for line in lines], rel=1e-6, abs=1e-9)
    # and again, from the cache, one at a time
    assert [model.probability(line) for line in lines] == got.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=8))
def test_lexical_scores_are_the_reference(lines):
    shipped = default_model()
    model = type(shipped).load()
    got = model.lexical_scores(lines)
    assert got == pytest.approx([model.lexical_score_reference(line) for line in lines], rel=1e-6, abs=1e-7)
    assert got.dtype == np.float32


def test_lexical_scores_tell_lines_apart():
    model = default_model()
    scores = model.lexical_scores(["Sign up for our newsletter", "The minister said on Tuesday that talks would resume."])
    assert scores[0] < 0.5 < scores[1]


@pytest.mark.parametrize("load", [default_model, default_neutral_model])
def test_tree_walk_is_the_numpy_walk(load):
    model = load()
    rng = np.random.default_rng(7)
    X = (rng.normal(size=(1000, len(model.feature_names))) * rng.choice([0.1, 1, 10, 1000], size=len(model.feature_names))
         ).astype(np.float32)
    X[rng.random(X.shape) < 0.05] = 0  # exact zeros: the trees split on many counts at 0.5
    # 1000 rows: blocks of eight and a remainder, over several row blocks
    assert np.array_equal(model.predict_matrix(X), model._predict_numpy(X))
    assert np.array_equal(model.predict_matrix(X[:3]), model._predict_numpy(X[:3]))


def test_bucket_sums_of_no_lines_and_of_empty_lines():
    sums = compiled.HashedScores(np.arange(16, dtype=np.float32), 0.0, True, 5, str).sums
    got, counts = sums([])
    assert len(got) == len(counts) == 0
    got, counts = sums(["  ", " a "])
    assert got[0] == 5 and counts[0] == 1  # no words: the empty bucket alone
    assert counts[1] == 1  # "a": the word; " a " is three characters, too short for a 4-gram
