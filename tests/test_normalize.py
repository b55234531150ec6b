import re
import unicodedata

import ftfy
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize import FTFY_SAFE, FTFY_CONFIG, fix_unicode, normalize, normalize_whitespace


def test_mojibake_is_fixed_and_typographic_quotes_kept():
    broken = "The councilâ€™s â€œfinalâ€\x9d offer"
    assert fix_unicode(broken) == "The council’s “final” offer"


def test_html_entities_are_unescaped():
    assert fix_unicode("Marks &amp; Spencer said &#8220;yes&#8221;") == "Marks & Spencer said “yes”"


def test_output_is_nfc():
    decomposed = "Cafe\u0301"
    assert fix_unicode(decomposed) == unicodedata.normalize("NFC", decomposed)


def test_ascii_fast_path_returns_input_unchanged():
    text = "Plain ASCII text, nothing to fix."
    assert fix_unicode(text) is text


def test_whitespace_and_line_breaks():
    text = "  one\u00a0 two\t three  \r\n\r\n\r\n\r\nfour\u200bfive\rsix  "
    assert normalize_whitespace(text) == "one two three\n\nfourfive\nsix"


def _normalize_whitespace_spec(text: str) -> str:
    """normalize_whitespace as first written: every run of spaces replaced."""
    text = re.sub(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]", "\n", text)
    text = re.sub(r"[\u200b\u2060\ufeff\u00ad]", "", text)
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "", text)
    text = re.sub(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+", " ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \t\n\r\x0b\x0c\x85\x01\u00a0\u2003\u3000\u200b\u2028")), max_size=30))
def test_normalize_whitespace_replaces_only_what_needs_it(text):
    assert normalize_whitespace(text) == _normalize_whitespace_spec(text)


def test_invisible_character_inside_mojibake_is_fixed_in_one_go():
    # ftfy cannot see "Ã€" until the soft hyphen is gone.
    assert normalize("x\n\u00adÃ\x80\ny") == "x\nÀ\ny"


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", "\n", "\u00ad", "\u200b", "\x01", "\x80", "\x99", "Ã", "â", "€", "\u00a9",
                                  "Â", "í", "&", "amp;", "\u00a0"]), max_size=24).map("".join))
def test_normalize_twice_is_normalize_once(text):
    once = normalize(text)
    assert normalize(once) == once


def test_normalize_keeps_paragraph_breaks_single():
    assert normalize("a\n\n\n\nb\n") == "a\n\nb"


# Lines of plain ASCII, and lines with what ftfy acts on: entities, mojibake,
# C1 and C0 controls, carriage returns, ligatures, escape sequences.
_PIECES = ["plain words here", "caf\u00c3\u00a9 au lait", "&amp; &#8217; &lt;", "\u00e2\u20ac\u2122", "\x1b[31mred\x1b[0m",
           "\ufb01ne", "\x85", "\r", "\x0b", "\x7f", "\x00", "\t", "\u00a0", "na\u0308ive", "\u201cquoted\u201d", "&",
           "it\u2019s", "\u2018a\u2019 \u2013 b \u2014 c\u2026", "\u00c3\u2019", "\u00e2\u2013", "\u00c2\u2026"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), max_size=5), max_size=8))
def test_ftfy_only_on_the_lines_that_need_it_gives_what_ftfy_on_the_whole_text_gives(lines):
    text = "\n".join("".join(parts) for parts in lines)
    assert fix_unicode(text) == ftfy.fix_text(text, FTFY_CONFIG)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from([chr(c) for c in range(32, 127) if chr(c) != "&"] + list(FTFY_SAFE) * 8),
               max_size=40))
def test_ftfy_leaves_lines_of_ascii_and_typographic_punctuation_alone(line):
    """The premise of skipping such lines: ftfy with FTFY_CONFIG never changes them."""
    assert ftfy.fix_text(line, FTFY_CONFIG) == line


def test_ftfys_own_cases_of_real_mojibake_come_out_as_ftfy_fixes_them():
    """ftfy's test cases (../shared/data/ftfy-cases: mojibake found in the
    wild, synthetic edge cases, text that only looks like mojibake): fixing
    only the lines that need it gives ftfy's result on every case, and each
    case ftfy fixes comes out as expected once the typography this corpus
    keeps (curly quotes, full-width forms) is folded the way ftfy's
    defaults fold it."""
    import json

    import pytest
    from conftest import SHARED
    folder = SHARED / "data" / "ftfy-cases"
    if not folder.is_dir():
        pytest.skip("../shared/data/ftfy-cases is not present")
    cases = [case for path in sorted(folder.glob("*.json")) for case in json.loads(path.read_text(encoding="utf-8"))]
    assert len(cases) >= 100
    typography = ftfy.TextFixerConfig(fix_encoding=False, unescape_html=False)
    for case in cases:
        ours = fix_unicode(case["original"])
        assert ours == ftfy.fix_text(case["original"], FTFY_CONFIG), case["label"]
        if case.get("expect") == "pass":
            assert ftfy.fix_text(ours, typography) == case["fixed"], case["label"]
