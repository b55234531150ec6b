import unicodedata

from pipeline.normalize import fix_unicode, normalize, normalize_whitespace


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


def test_normalize_keeps_paragraph_breaks_single():
    assert normalize("a\n\n\n\nb\n") == "a\n\nb"
