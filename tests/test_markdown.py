from pathlib import Path

from pipeline.clean import clean_document
from pipeline.document import Document
from pipeline.markdown import looks_like_markdown, unmark
from pipeline.sources import read_source

PAGE = Path(__file__).parent / "fixtures" / "markdown_page.md"  # written for these tests


def test_unmark_keeps_the_words_a_reader_sees():
    assert unmark("Read the [budget papers](https://x.example/b.pdf \"Budget\") now.") == "Read the budget papers now."
    assert unmark("![A bridge](https://x.example/b.jpg)\nCaption") == "\nCaption"
    assert unmark("[![logo](https://x.example/l.png)](https://x.example/)") == ""
    # A link around a block, as scrapers write a teaser.
    assert unmark("[\n\n##### Ferry to run on Sundays\n\n](https://x.example/ferry)") == "\n\nFerry to run on Sundays\n\n"
    assert unmark("## What happens next ##") == "What happens next"
    assert unmark("* [News](https://x.example/news)\n- Sport\n+ Culture") == "News\nSport\nCulture"
    assert unmark("The **£4.2m** scheme, *not* __final__.") == "The £4.2m scheme, not final."
    assert unmark("> A quote\n\n---\n\nAfter") == "A quote\n\n\n\nAfter"
    assert unmark("Costs rose 5 \\* 3 times; see `file_name` and [1][ref].\n[ref]: https://x.example") == \
        "Costs rose 5 * 3 times; see file_name and 1.\n"
    # What is not Markdown syntax stays: a lone "*", a name's "_", a hashtag.
    for plain in ("Costs rose 5 * 3 times", "see snake_case_name here", "#MeToo trended", "[1] Smith, 2020"):
        assert unmark(plain) == plain


def test_markdown_is_told_from_plain_scraped_text():
    assert looks_like_markdown(PAGE.read_text())
    assert not looks_like_markdown("Skip to content\nNews\n# of voters rose\nThe council said (in a statement) "
                                   "that [the plan] would go ahead.")


def test_a_page_scraped_as_markdown_comes_out_as_plain_text_with_its_metadata():
    for doc in (Document(id="a", source="a.txt", text=PAGE.read_text()),  # known by its syntax
                next(read_source(PAGE.parent, PAGE.name, "page"))):  # known by its name
        assert doc.kind in ("text", "markdown")
        doc = clean_document(doc)
        assert doc.status == "kept", doc.reason
        assert doc.metadata["title"] == "Council approves budget for new river footbridge"
        assert doc.metadata["author"] == "Maria Lopez" and doc.metadata["date"] == "2026-03-14"
        paragraphs = doc.text.split("\n\n")
        assert paragraphs[0].startswith("Councillors voted eight to three")
        assert "according to the budget papers published last week" in paragraphs[1]
        assert "What happens next" in paragraphs and paragraphs[-1].startswith("Construction is expected")
        assert not any(mark in doc.text for mark in ("](", "**", "# ", "Read more", "Related", "Share"))
