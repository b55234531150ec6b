from pipeline.clean import clean_document
from pipeline.document import Document
import itertools
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.language as language
from pipeline.language import detect_language

# One report in several languages, written for these tests.
REPORT = {
    "en": "The city council decided on Tuesday to repair the old bridge over the river. The work is due to start "
          "in the spring and take about a year, and it will be paid for by the regional government.",
    "de": "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke über den Fluss zu sanieren. Die Arbeiten "
          "sollen im Frühjahr beginnen und etwa ein Jahr dauern, teilte die Stadt mit.",
    "fr": "Le conseil municipal a décidé mardi de rénover le vieux pont sur la rivière. Les travaux doivent "
          "commencer au printemps et durer environ un an, a indiqué la ville.",
    "es": "El ayuntamiento decidió el martes renovar el viejo puente sobre el río. Las obras comenzarán en "
          "primavera y durarán cerca de un año, informó la ciudad en un comunicado.",
    "ru": "Городской совет во вторник решил отремонтировать старый мост через реку. Работы начнутся весной и "
          "продлятся около года, сообщили в мэрии, и это не первый ремонт моста.",
    "ja": "市議会は火曜日、川にかかる古い橋を改修することを決めた。工事は春に始まり、約一年かかる見通しだ。",
    "zh": "市议会周二决定修缮河上的旧桥。工程将于春季开始，预计持续约一年。",
    "hi": "नगर परिषद ने मंगलवार को नदी पर बने पुराने पुल की मरम्मत करने का फैसला किया। काम वसंत में शुरू होगा।",
}


def test_the_language_of_a_text_is_told_by_its_script_or_its_function_words():
    for lang, text in REPORT.items():
        assert detect_language(text) == lang, lang
    # A name in another script does not make an English text Chinese; a
    # line of figures says nothing.
    assert detect_language(REPORT["en"] + " The mayor, 王明, welcomed the decision.") == "en"
    assert detect_language("Shr eight cts vs 16 cts Net 188,000 vs 354,000 Revs 538,000 vs 594,000") is None


def test_a_kept_article_carries_its_language_and_a_record_keeps_its_own():
    text = "\n".join([REPORT["de"]] * 2 + [REPORT["de"].replace("Brücke", "Straße")])
    doc = clean_document(Document(id="d", source="d.txt", text=text))
    assert doc.status == "kept" and doc.metadata["language"] == "de"
    doc = clean_document(Document(id="d", source="d.jsonl#1", text=text, metadata={"language": "deu"}))
    assert doc.metadata["language"] == "deu"


def test_articles_in_other_languages_are_rejected_when_languages_are_named():
    from pipeline.config import CleanConfig
    only_english = CleanConfig(languages=("en",))
    german = "\n".join([REPORT["de"]] * 2 + [REPORT["de"].replace("Brücke", "Straße")])
    english = "\n".join([REPORT["en"]] * 2 + [REPORT["en"].replace("bridge", "road")])
    doc = clean_document(Document(id="d", source="d.txt", text=german), only_english)
    assert doc.status == "rejected" and doc.reason == "language: de"
    assert clean_document(Document(id="e", source="e.txt", text=english), only_english).status == "kept"
    # What the text does not tell is kept, and so is a record's own label
    # the detector never gives.
    table = "\n".join(f"Week {n}: output {100 + 3 * n} tonnes, exports {40 + n} tonnes" for n in range(1, 12))
    assert clean_document(Document(id="t", source="t.txt", text=table), only_english).status == "kept"
    # A record's own label that is no code is not taken on trust: the text
    # is judged (and the label stays in the manifest).
    labelled = Document(id="r", source="r.jsonl#1", text=german, metadata={"language": "German"})
    assert clean_document(labelled, only_english).reason == "language: de"
    labelled = Document(id="r", source="r.jsonl#1", text=english, metadata={"language": "eng"})
    doc = clean_document(labelled, only_english)
    assert doc.status == "kept" and doc.metadata["language"] == "eng"


def test_a_records_language_tag_is_read_as_its_iso_code(tmp_path):
    from pipeline.config import CleanConfig, ReadConfig
    from pipeline.sources import read_source
    german = " ".join([REPORT["de"]] * 3)
    english = " ".join([REPORT["en"]] * 3)
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in (
        {"text": english, "language": "en-GB"}, {"text": german, "lang": "de_AT"},
        {"text": english, "lang": " EN "}, {"text": english, "language": "English"})) + "\n", encoding="utf-8")
    docs = list(read_source(str(tmp_path), "feed.jsonl", "feed", ReadConfig()))
    assert [d.metadata["language"] for d in docs] == ["en", "de", "en", "English"]
    only_english = CleanConfig(languages=("en",))
    assert [(d.status, d.reason) for d in (clean_document(d, only_english) for d in docs)] == [
        ("kept", None), ("rejected", "language: de"), ("kept", None), ("kept", None)]


_WORDS = st.sampled_from(["the", "Der", "ÉTÉ", "straße", "İstanbul", "a1b", "x_y", "don't", "rué", "ǅemal", "ﬁne",
                          "东京", "naïve", "BRIDGE", "42", "o"])
_GAPS = st.sampled_from([" ", "  ", ", ", ".\n", " - ", "’", "_", ""])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORDS, _GAPS), max_size=120), st.integers(1, 40), st.integers(1, 60))
def test_the_first_words_are_the_first_tokens_of_the_whole_sample(pieces, first_chars, wanted):
    # The sample's first words are read from its first characters when
    # enough of them start there: the same words as reading it all.
    text = "".join(word + gap for word, gap in pieces)
    reference = [m.group() for m in itertools.islice(re.finditer(r"[^\W\d_]+", text.casefold()), wanted)]
    old = language._FIRST_CHARS, language._SAMPLE_WORDS
    language._FIRST_CHARS, language._SAMPLE_WORDS = first_chars, wanted
    try:
        assert language._first_words(text) == reference
    finally:
        language._FIRST_CHARS, language._SAMPLE_WORDS = old
