"""The substring tests that skip a pattern must never change what it matches."""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import boilerplate, linefeatures, prefilter, spam
from pipeline.prefilter import Prefiltered, fold, needed

from conftest import SHARED

# Every pattern the cleaner runs behind a prefilter, with how it is run.
TESTS = [(test, "search") for test, _ in spam._SIGNAL_TESTS] + [(spam._LINK_ONLY_TEST, "match")] \
    + [(test, "search") for _, test in boilerplate._PHRASE] \
    + [(test, "match") for _, test in boilerplate._WHOLE_LINE] + [(boilerplate._CREDIT, "search")] \
    + [(boilerplate._CREDIT_LINE, "match")] \
    + [(linefeatures._URLISH_TEST, "search")]


def _agrees(text: str) -> None:
    folded = fold(text)
    for test, how in TESTS:
        plain = getattr(test.pattern, how)(text)
        filtered = getattr(test, how)(text, folded)
        assert (plain is None) == (filtered is None), (test.pattern.pattern[:60], text)


def test_needed_strings_of_simple_patterns():
    assert needed(re.compile(r"\b(?:earn|income)\b")) == ("earn", "income")
    assert needed(re.compile(r"GOOD LUCK")) == ("good luck",)
    assert needed(re.compile(r"(?:click here|click)", re.I)) == ("click",)
    # Spaces do not count towards a string's length: " a " is in most lines.
    assert needed(re.compile(r"[$£€]\d+ a (?:day|week)")) == ("day", "week")
    assert needed(re.compile(r"we (?:rely|depend) on (?:readers|you|your)")) == ("depend", "rely")
    # A character other than a letter or digit is rarer than a short word inside longer ones.
    assert needed(re.compile(r"[/|]\s*(?:ap|afp|reuters)\s*$")) == ("/", "|")
    assert needed(re.compile(r"\w+|www\.")) is None  # one alternative needs nothing in particular
    assert needed(re.compile(r"(?:ab)?c*")) is None
    assert needed(re.compile(r"(?i)Ä+b")) == ("b",)  # a cased non-ASCII letter is not relied on


def test_every_prefiltered_pattern_has_a_test():
    """The patterns the cleaner runs most have strings to test for (else
    the prefilter silently stopped helping)."""
    for test, _ in TESTS:
        assert test.strings, test.pattern.pattern[:60]


# Lines assembled from the strings the tests look for, in any case, with
# the letters re's case folding treats specially, around filler.
_PIECES = sorted({s for test, _ in TESTS for s in test.strings}) + [
    "ı", "İ", "ſ", "\u212a", "K", "I", "S", "http://x.io/a", "www.", "$", "£5", "==>", " ", ".", ":", "(", ")", "/",
    "Photograph", "via Getty Images", "AP", "comments", "Share", "GOOD LUCK", "12", "©", "a month"]
_piece = st.one_of(st.sampled_from(_PIECES), st.sampled_from(_PIECES).map(str.upper),
                   st.sampled_from(_PIECES).map(str.title), st.text(max_size=6))
_lines = st.lists(_piece, max_size=12).map("".join)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_lines)
def test_prefiltered_patterns_match_exactly_as_without(line):
    _agrees(line)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_lines)
def test_the_bound_on_the_spam_score_never_hides_a_score_generated(line):
    score = spam.spam_score(line)
    for threshold in range(1, 6):
        assert spam.spam_score_reaches(line, threshold) == (score >= threshold), (line, score, threshold)


def test_the_bound_on_the_spam_score_counts_the_bare_link_bonus():
    line = "earn big http://x.io/a"  # two weak signals, and little more than a link: 3
    assert spam.spam_score(line) == 3
    assert spam.spam_score_reaches(line, 3)
    assert not spam.spam_score_reaches("Officials earn more this year.", 2)


def test_special_case_folding_is_followed():
    # re's IGNORECASE matches "ſ" (long s) as "s" and "ı" as "i": str.lower() does not.
    for text in ("CAſINO", "caſino", "V\u0131AGRA", "v\u0130agra", "\u212aeep your support"):
        _agrees(text)
    assert spam._SIGNAL_TESTS[-1][0].search("caſino", fold("caſino"))
    # Lines with other non-ASCII letters take the quick path (plain lower()): the same result.
    for text in ("“Quoted” CASINO – naïve", "Ærø ÉCOLE ß", "CAſINO “x”"):
        assert fold(text) == text.translate(prefilter._FOLD).lower()


def test_same_verdicts_on_real_lines(seeds):
    lines = [line for path in sorted(seeds.iterdir()) if path.is_file()
             for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    for name in ("youtube-spam", "sms-spam"):
        folder = SHARED / "data" / name
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                lines += path.read_text(encoding="utf-8", errors="replace").splitlines()[:3000]
    if len(lines) < 100:
        pytest.skip("too few real lines in ../shared")
    for line in lines:
        _agrees(line)
        assert spam.spam_score_reaches(line, spam.BLATANT_SPAM_SCORE) == (spam.spam_score(line) >= 3)


def test_prefiltered_wraps_search_and_match():
    test = Prefiltered(re.compile(r"\bdonat(?:e|ion)", re.I))
    assert test.search("Please DONATE today", fold("Please DONATE today"))
    assert test.search("Nothing here", fold("Nothing here")) is None
    assert test.match("Please donate", fold("Please donate")) is None  # match anchors at the start
