"""Properties of the text stages on generated input (hypothesis)."""
import re

import numpy as np
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


# ------------------------------------------------- line features of many pages at once

def _line_pages(draw_pages):
    from pipeline.boilerplate import Line
    return [[Line(text, blank_before=blank) for text, blank in page] for page in draw_pages]


feature_lines = st.tuples(st.sampled_from(SENTENCES + CHROME + ["Short line", "A short sentence ends here."]),
                          st.booleans())
feature_pages = st.lists(st.lists(feature_lines, max_size=25), max_size=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feature_pages)
def test_features_of_pages_computed_together_are_each_pages_own(drawn):
    """Nothing crosses a page boundary: neighbours, blocks, runs, repeats
    and positions of pages laid end to end are those of each page alone."""
    import numpy as np
    from pipeline.linefeatures import main_blocks_without, pages_features
    pages = _line_pages(drawn)
    together = pages_features(pages)
    skips = [[line.text in CHROME for line in page] for page in pages]
    guards = main_blocks_without(pages, skips)
    for page, skip, features, guard in zip(pages, skips, together, guards):
        assert np.array_equal(features, pages_features([page])[0])
        assert np.array_equal(guard, main_blocks_without([page], [skip])[0])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feature_pages)
def test_position_block_and_run_features_follow_their_definitions(drawn):
    """The vectorised features against a line-by-line reading of their
    definitions, page by page."""
    import math
    from pipeline.boilerplate import is_paragraph, line_key
    from pipeline.linefeatures import BLOCK_GAP, OWN, pages_features
    pages = _line_pages(drawn)
    col = {name: i for i, name in enumerate(OWN)}
    for page, features in zip(pages, pages_features(pages)):
        n = len(page)
        para = [is_paragraph(line) for line in page]
        long_idx = [i for i in range(n) if para[i]]
        keys = [line_key(line.text) for line in page]
        # blocks: paragraphs at most BLOCK_GAP lines apart, the lines between them included
        blocks: list[list[int]] = []
        for i in long_idx:
            if blocks and i - blocks[-1][-1] <= BLOCK_GAP + 1:
                blocks[-1].extend(range(blocks[-1][-1] + 1, i + 1))
            else:
                blocks.append([i])
        mass = [sum(len(page[i].text) for i in b if para[i]) for b in blocks]
        main = blocks[mass.index(max(mass))] if blocks else []
        for i in range(n):
            row = features[i]
            above = [j for j in long_idx if j < i]
            below = [j for j in long_idx if j > i]
            assert row[col["near_long_before"]] == np.float32(math.log1p(i - above[-1] if above else 50.0))
            assert row[col["near_long_after"]] == np.float32(math.log1p(below[0] - i if below else 50.0))
            assert row[col["in_body"]] == (bool(long_idx) and long_idx[0] <= i <= long_idx[-1])
            assert row[col["repeat_count"]] == keys.count(keys[i]) - 1
            run = 0
            if not para[i]:
                lo, hi = i, i
                while lo > 0 and not para[lo - 1]:
                    lo -= 1
                while hi < n - 1 and not para[hi + 1]:
                    hi += 1
                run = hi - lo + 1
            assert row[col["short_run"]] == np.float32(math.log1p(run))
            assert row[col["in_main_block"]] == (bool(main) and main[0] <= i <= main[-1])
            if main and i > main[-1]:
                assert row[col["from_main_block"]] == np.float32(math.log1p(i - main[-1]))
            elif main and i < main[0]:
                assert row[col["from_main_block"]] == np.float32(-math.log1p(main[0] - i))
            in_block = [b for b in blocks if i in b]
            share = mass[blocks.index(in_block[0])] / max(1.0, sum(mass)) if in_block else 0.0
            assert row[col["block_share"]] == np.float32(share)


# Characters on both sides of every edge of the unspaced scripts' ranges,
# their neighbours in UTF-8 (same lead bytes, other scripts), and text.
_SCRIPT_EDGES = "".join(chr(c) for base in (0x0E00, 0x0F00, 0x1000, 0x10A0, 0x1780, 0x1800, 0x3000, 0x3040, 0x3100,
                                            0x3400, 0x4DC0, 0x4E00, 0xA000, 0xF900, 0xFB00, 0xFF66, 0xFFA0)
                        for c in range(base - 2, base + 2)) + "aé’—«ж日ก "


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(_SCRIPT_EDGES) | st.characters(), max_size=40))
def test_the_quick_test_for_unspaced_scripts_is_the_pattern(text):
    """``has_unspaced_script`` looks for the characters' UTF-8 lead bytes
    before it runs the pattern; it must answer as the pattern does."""
    from pipeline.document import _UNSPACED, count_words, has_unspaced_script
    assert has_unspaced_script(text) == (_UNSPACED.search(text) is not None)
    if not has_unspaced_script(text):
        assert count_words(text) == len(text.split())


# Characters the ASCII fast paths must treat as the general patterns do:
# word connectors, the URL and money shapes of the spam tokens, quotes,
# separators, whitespace of every kind, digits and capitals.
_ASCII_PARTS = st.sampled_from(["http://a.co/x", "HTTPS://B", "www.c.org", "WWW.D", "don't", "U.S.", "x-ray", "a_b",
                                "$5", "!!", "???", "==>", "...", "--->", "NASA", "Ok", "2026", "|", "/", '"', "'",
                                "\t", "\x1c", "\x0b", " "])
_ASCII_TEXT = st.lists(_ASCII_PARTS | st.text(alphabet=st.characters(max_codepoint=127), max_size=12),
                       max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(_ASCII_TEXT)
def test_the_ascii_fast_paths_give_what_the_general_patterns_give(text):
    """An ASCII line's words, spam tokens, lexical tokens, digit, symbol and
    separator counts are found by quicker means than a line in any script;
    they must be the same."""
    import unicodedata

    from pipeline import boilerplate, linefeatures, linemodel, spam
    from pipeline.linefeatures import OWN, _intrinsic
    assert boilerplate.words_of(text) == boilerplate._WORD.findall(text)
    general_spam = []
    for piece, domain in spam._split_domains(unicodedata.normalize("NFKC", text)):
        general_spam += ["<domain>"] if domain else [f for tok in spam._SPAM_TOKEN.findall(piece)
                                                     for f in spam._token_forms(tok)]
    assert spam.spam_tokens(text) == general_spam
    assert linemodel._lexical_tokens(text) == ["0" if t.isdigit() else t.lower()
                                               for t in linemodel._LEX_TOKEN.findall(text)]
    row, length = _intrinsic(text), max(1, len(text))
    assert row[OWN.index("digit_share")] == np.float32(len(linefeatures._DIGIT.findall(text)) / length)
    assert row[OWN.index("punct_share")] == np.float32(len(linefeatures._SYMBOL.findall(text)) / length)
    assert row[OWN.index("separators")] == len(linefeatures._SEPARATORS.findall(text))
    assert boilerplate.unquoted(text) == boilerplate._OPEN_QUOTE_TO_END.sub("", boilerplate._QUOTED.sub("", text))
