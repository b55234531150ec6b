"""HTML to article text (trafilatura), on pages and on fragments."""
from pipeline.clean import clean_document
from pipeline.document import Document
from pipeline.extract import extract_html

PARAGRAPH = ("The harbour board agreed on Monday to dredge the northern channel before the autumn, after two "
             "fishing boats ran aground there in July. Work will start in September and should take six weeks, "
             "during which the slipway will stay open to small craft at high tide. ")


def test_a_fragment_is_read_as_the_body_of_a_page():
    """JSONL exports often hold an article's body HTML only. trafilatura
    found nothing in one paragraph, one <div> or text without tags."""
    for fragment in (f"<p>{PARAGRAPH}</p>", f"<div><p>{PARAGRAPH}</p></div>", PARAGRAPH,
                     f"{PARAGRAPH}<br>{PARAGRAPH.upper()}", f"<P>{PARAGRAPH}</P>"):
        text, _ = extract_html(fragment)
        assert "northern channel" in text, fragment[:40]
        doc = clean_document(Document(id="f", source="f.jsonl#1", text=fragment, kind="html"))
        assert doc.status == "kept" and "dredge the northern channel" in doc.text


def test_a_page_is_not_wrapped_again():
    page = (f"<!DOCTYPE html><HTML lang=en><Head><title>Channel to be dredged</title></Head>"
            f"<BODY><article><p>{PARAGRAPH}</p><p>{PARAGRAPH.replace('northern', 'southern')}</p></article></BODY></HTML>")
    text, metadata = extract_html(page)
    assert metadata["title"] == "Channel to be dredged"
    assert "northern channel" in text and "southern channel" in text


def test_an_empty_page_is_empty_not_an_article_not_found():
    for html in ("", "  \n"):
        doc = clean_document(Document(id="e", source="e.html", text=html, kind="html"))
        assert (doc.status, doc.reason) == ("rejected", "empty")
