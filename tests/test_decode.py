import codecs

import pytest

from pipeline.decode import DecodeError, decode_bytes

TEXT = "Café owners in Zürich said “no” to the €4 levy."


def test_utf8_is_decoded_as_is():
    assert decode_bytes(TEXT.encode("utf-8")) == TEXT


@pytest.mark.parametrize("bom,encoding", [
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
])
def test_byte_order_mark_decides(bom, encoding):
    assert decode_bytes(bom + TEXT.encode(encoding)) == TEXT


def test_utf16_without_bom_is_recognised():
    assert decode_bytes(TEXT.encode("utf-16-le")) == TEXT


def test_declared_charset_of_html_is_used():
    page = f'<html><head><meta charset="windows-1252"></head><body><p>{TEXT}</p></body></html>'
    assert TEXT in decode_bytes(page.encode("cp1252"), html=True)


def test_latin1_label_means_windows_1252():
    page = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>“quoted”</p>'
    assert "“quoted”" in decode_bytes(page.encode("cp1252"), html=True)


def test_undeclared_cp1252_is_detected_not_replaced():
    text = ("The committee’s report, published on Tuesday, said the café’s licence would be renewed "
            "for another year – subject to the usual checks. ") * 3
    decoded = decode_bytes(text.encode("cp1252"))
    assert "committee’s" in decoded and "café" in decoded and "\ufffd" not in decoded


@pytest.mark.parametrize("data", [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                                  bytes(range(256)) * 4])
def test_binary_is_rejected(data):
    with pytest.raises(DecodeError) as err:
        decode_bytes(data)
    assert err.value.reason == "binary"


def test_empty_bytes_decode_to_empty_text():
    assert decode_bytes(b"") == ""
