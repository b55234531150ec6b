"""Properties of the text stages on generated input (hypothesis)."""
import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.boilerplate import clean_text, clean_texts
from pipeline.decode import decode_bytes
from pipeline.normalize import normalize

SENTENCES = [
    "The council voted on Thursday to keep all eleven branch libraries open for three more years.",
    "Opening hours will be cut at four of them, saving about £210,000 a year, the committee said.",
    "“Libraries are where children learn to love reading,” said Ann Hale, who led the campaign.",
    "A final decision on the mobile library, which visits 38 villages, is expected in the spring.",
    "Volunteers already run two of the smaller branches and the council will offer them training.",
]
CHROME = ["Home", "Share", "Sign up for our newsletter", "Related stories", "Advertisement", "12 comments",
          "I earn $9,000 a month working from home, check this website GOOD LUCK", "© 2026 The Post",
          "Photograph: Jane Doe/AP", "Menu", "Read more"]
_WORDS = re.compile(r"\w+")

lines = st.one_of(st.sampled_from(SENTENCES), st.sampled_from(CHROME),
                  st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120))
pages = st.lists(lines, max_size=40).map("\n".join)


def _words(text: str) -> Counter:
    return Counter(w.lower() for w in _WORDS.findall(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages)
def test_cleaning_never_raises_and_never_adds_text(page):
    text = normalize(page)
    result = clean_text(text)
    assert not _words(result.text) - _words(text)  # every word of the output was in the input
    for reason, line, _ in result.removed:
        assert reason and not _words(line) - _words(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages)
def test_cleaning_clean_text_changes_nothing(page):
    once = clean_text(normalize(page)).text
    assert clean_text(normalize(once)).text == once


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pages, max_size=8), st.lists(st.one_of(st.none(), st.sampled_from(SENTENCES + CHROME)), max_size=8))
def test_cleaning_texts_together_is_cleaning_each_alone(batch, titles):
    """The line model scores the lines of all texts of a pass at once; what
    each text comes out as must not depend on the others."""
    texts = [normalize(page) for page in batch]
    titles = (titles + [None] * len(texts))[:len(texts)]
    alone = [clean_text(text, title=title) for text, title in zip(texts, titles)]
    assert clean_texts(texts, titles=titles) == alone


def test_cleaning_real_pages_together_is_cleaning_each_alone(seeds):
    texts = [normalize(path.read_text(encoding="utf-8")) for path in sorted(seeds.glob("*.txt"))]
    assert texts
    assert clean_texts(texts) == [clean_text(text) for text in texts]


def test_cleaning_real_pages_twice_changes_nothing(seeds):
    """The fixed point on real scraped pages (the seeds), where the first
    pass removes dozens of lines and the page's context changes most."""
    for path in sorted(seeds.glob("*.txt")):
        once = clean_text(normalize(path.read_text(encoding="utf-8")))
        assert once.removed, path.name
        assert clean_text(normalize(once.text)).text == once.text, path.name


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=4096))
def test_decoder_never_raises_on_arbitrary_bytes(data):
    from pipeline.decode import DecodeError
    for html in (False, True):
        try:
            text = decode_bytes(data, html=html)
        except DecodeError:
            continue  # a clear rejection (binary, undecodable) is an answer too
        assert isinstance(text, str)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=9),
       st.sampled_from([0.5, 1.0, 2.5]), st.sampled_from([0.3, 0.5, 0.7]))
def test_smoothing_finds_the_best_path(probs, penalty, threshold):
    """The smoothing pass returns a best state sequence: checked against
    every one of the 2**n sequences of a short page. (A penalty of 0 is a
    plain threshold on the float32 probabilities, tested elsewhere.)"""
    import itertools

    import numpy as np

    from pipeline.linemodel import smooth

    probs = np.array(probs, dtype=np.float32)
    p = np.clip(probs.astype(np.float64), 1e-4, 1 - 1e-4)
    bias = np.log(threshold / (1 - threshold))
    emit = np.stack([np.log(1 - p), np.log(p) - bias], axis=1)

    def score(states) -> float:
        return sum(emit[i, s] for i, s in enumerate(states)) - penalty * sum(a != b for a, b in zip(states, states[1:]))

    best = max(score(s) for s in itertools.product((0, 1), repeat=len(p)))
    got = smooth(probs, penalty, threshold).astype(int).tolist()
    assert score(got) >= best - 1e-9
