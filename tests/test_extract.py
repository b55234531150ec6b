"""HTML to article text (trafilatura), on pages and on fragments."""
from pipeline.clean import clean_document
from pipeline.config import CleanConfig
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


def test_a_page_is_rendered_as_a_scraper_saves_it():
    """The fallback's input: what a browser shows, one text block a line."""
    from lxml.html import fromstring
    from pipeline.extract import render_page
    page = ("<html><head><title>T</title><style>p {color: red}</style></head><body>"
            "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
            "<h1>Channel to be <em>dredged</em></h1>\n<p>First line of a paragraph\n   wrapped in the source,"
            "<br>then a break</p><script>var ad = 1;</script><!-- a comment -->after the script"
            "<noscript>Turn on JavaScript</noscript><table><tr><td>Cost</td><td>400,000</td></tr></table>"
            "<ul><li>one</li><li>two</li></ul></body></html>")
    assert render_page(fromstring(page)).split("\n") == [
        "Home | News", "Channel to be dredged", "First line of a paragraph wrapped in the source,",
        "then a break", "after the script", "Cost", "400,000", "one", "two"]


def test_the_transform_and_the_walk_render_alike():
    """render_page marks lines with XSLT; the walk in Python it falls back
    on gives the same text."""
    import copy
    import random
    from lxml.html import fromstring
    from pipeline.extract import BLOCK_TAGS, HIDDEN_TAGS, _lines, _render_by_walk, _RENDER
    rng = random.Random(7)
    tags = list(BLOCK_TAGS + HIDDEN_TAGS) + ["span", "a", "em", "b"]

    def element(depth: int) -> str:
        tag = rng.choice(tags)
        inner = "".join(element(depth + 1) if depth < 6 and rng.random() < 0.5 else rng.choice(["word ", " two words", "\n"])
                        for _ in range(rng.randint(0, 4)))
        return f"<{tag}>{inner}</{tag}>{rng.choice(['', 'tail', ' tail '])}"

    for _ in range(200):
        for page in (f"<html><head><title>t</title></head><body>{element(0)}{element(0)}</body></html>",
                     f"<div>{element(0)}</div>"):
            tree = fromstring(page)
            assert _lines(str(_RENDER(tree))) == _lines(_render_by_walk(copy.deepcopy(tree))), page


PARAGRAPHS = [
    "The harbour board agreed on Monday to dredge the northern channel before the autumn, after two fishing "
    "boats ran aground there in July.",
    "Work will start in September and should take six weeks, during which the slipway will stay open to small "
    "craft at high tide.",
    "The board's chair said the cost, about 400,000 pounds, would be shared with the county council, which "
    "owns the quay.",
    "Fishermen have asked for the work for years. One skipper said the channel had silted up so badly that "
    "boats waited hours for the tide.",
    "A public meeting about the plans will be held in the town hall on Thursday evening, and the drawings can "
    "be seen at the library."]


def _page(article_class: str) -> str:
    return ("<html><head><title>Harbour channel to be dredged</title></head><body>"
            "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li>"
            "<li><a href='/sport'>Sport</a></li></ul></nav>"
            f"<div class='{article_class}'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>"
            "<footer><p>Copyright 2026 The Coast Gazette</p></footer></body></html>")


def test_an_article_trafilatura_misses_is_found_in_the_whole_page():
    """trafilatura leaves out a block whose class names it as a comment
    section or sidebar; a site that puts its article in one lost it."""
    from pipeline.config import CleanConfig
    html = _page("comments-area sidebar")
    without = clean_document(Document(id="a", source="a.html", text=html, kind="html"), CleanConfig(html_fallback=0))
    assert "dredge the northern channel" not in without.text  # what the fallback is for
    doc = clean_document(Document(id="a", source="a.html", text=html, kind="html"))
    assert doc.status == "kept" and doc.metadata["extraction"] == "page"
    assert doc.text.split("\n\n") == PARAGRAPHS
    assert doc.page_text == ""  # not carried on into the shard's records
    assert {line for _, line, _ in doc.removed} >= {"Home", "News", "Sport"}


def test_the_whole_page_is_not_taken_where_trafilatura_found_the_article():
    doc = clean_document(Document(id="a", source="a.html", text=_page("article-body"), kind="html"))
    assert doc.status == "kept" and "extraction" not in doc.metadata
    assert doc.text.split("\n\n") == PARAGRAPHS


def test_a_page_without_an_article_is_rejected_as_it_was_without_the_fallback():
    from pipeline.config import CleanConfig
    pages = {"<html><body><script>var x = 1;</script></body></html>": "no_article_found",
             "<html><head><title>Home</title></head><body></body></html>": "no_article_found",
             "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
             "<div class='sidebar'><a href='/a'>Most read</a></div></body></html>": "too_short",
             "<html><body><div class='comments'><p>Great post, thanks!</p></div>"
             "<nav><a href='/'>Home</a></nav></body></html>": "empty"}
    for html, reason in pages.items():
        for config in (CleanConfig(), CleanConfig(html_fallback=0)):
            doc = clean_document(Document(id="a", source="a.html", text=html, kind="html"), config)
            assert (doc.status, doc.reason) == ("rejected", reason), (html, config.html_fallback)


TAGGED_PAGE = (
    "<html><head><title>Channel to be dredged | Harbour Gazette</title>"
    '<meta name="author" content="Mira Okafor"><meta property="article:published_time" content="2026-07-14">'
    '<meta property="og:site_name" content="Harbour Gazette"><link rel="canonical" href="https://gazette.example/dredge">'
    '</head><body><nav><a href="/category/harbour/">Harbour</a></nav>'
    f"<article><h1>Channel to be dredged</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH.replace('northern', 'southern')}</p>"
    '<div class="tags">Tags: <a href="/tag/fishing/">fishing</a> <a href="/tags/boats/">boats</a></div></article>'
    '<footer><a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a></footer>'
    "</body></html>")


def test_extraction_skips_only_the_metadata_the_pipeline_drops(monkeypatch):
    """Categories, tags and licence are not looked for (16% of trafilatura's
    time on the benchmark pages); the text and the five kept fields are what
    trafilatura's own call gives, and its functions are put back after."""
    import trafilatura
    import trafilatura.metadata as metadata
    from pipeline.extract import trafilatura_options
    calls = []
    for name in ("extract_catstags", "extract_license"):
        original = getattr(metadata, name)
        monkeypatch.setattr(metadata, name, lambda *a, _f=original, _n=name: calls.append(_n) or _f(*a))
    counted = metadata.extract_catstags, metadata.extract_license

    full = trafilatura.bare_extraction(TAGGED_PAGE, **trafilatura_options())
    assert sorted(set(calls)) == ["extract_catstags", "extract_license"]
    assert full.tags and full.license  # the page has them: the searches have something to skip
    calls.clear()
    text, found = extract_html(TAGGED_PAGE)
    assert calls == []
    assert (metadata.extract_catstags, metadata.extract_license) == counted
    assert text == full.text and "southern channel" in text
    assert found == {"title": full.title, "author": "Mira Okafor", "date": "2026-07-14", "url": full.url,
                     "sitename": "Harbour Gazette"}


def test_extractions_in_threads_leave_trafilatura_as_it_was():
    """The skipped searches are swapped back when the last extraction under
    way ends, whatever order threads finish in."""
    from concurrent.futures import ThreadPoolExecutor

    import trafilatura.metadata as metadata
    own = metadata.extract_catstags, metadata.extract_license
    with ThreadPoolExecutor(4) as pool:
        texts = [text for text, _ in pool.map(extract_html, [TAGGED_PAGE] * 16)]
    assert all("southern channel" in text for text in texts)
    assert (metadata.extract_catstags, metadata.extract_license) == own


def test_an_article_nested_past_libxml2s_depth_limit_is_found():
    # An old template's unclosed <font> tags, 300 deep: libxml2 stops at 256
    # unless told otherwise, and the article was dropped (no_article_found).
    from pipeline.clean import clean_document
    from pipeline.document import Document
    paragraphs = ["The harbour authority said on Monday that dredging of the main channel would begin in April "
                  "and take about six weeks, during which larger vessels would have to wait for high tide.",
                  "Fishing boats will be allowed to use the eastern berth, which is deep enough at all states "
                  "of the tide, and the work is part of a plan to keep the port open to cargo ships."]
    html = ("<html><head><title>Dredging to start</title></head><body>" + "<font size=2>" * 300
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>")
    for config in (CleanConfig(), CleanConfig(html_fallback=0)):  # trafilatura finds it, not only the fallback
        doc = clean_document(Document(id="deep", source="deep.html", kind="html", text=html), config)
        assert doc.status == "kept", doc.reason
        assert doc.text.split("\n\n") == paragraphs


def test_html_where_text_was_expected_is_read_as_html():
    from pipeline.extract import looks_like_html
    paragraphs = ["The harbour authority said on Monday that dredging of the main channel would begin in April "
                  "and take about six weeks, during which larger vessels would have to wait for high tide.",
                  "Fishing boats will be allowed to use the eastern berth, which is deep enough at all states "
                  "of the tide, and the work is part of a plan to keep the port open to cargo ships.",
                  "Local businesses said they supported the plan but wanted more notice of closures."]
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    page = (f"<!DOCTYPE html><html><head><title>Dredging</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Dredging to start in April</h1>{body}</article><footer>Port News</footer></body></html>")
    for source, text in (("page.txt", page), ("feed.jsonl#1", body)):  # a page's source; an export's "content"
        doc = clean_document(Document(id="d", source=source, text=text))
        assert doc.status == "kept" and doc.kind == "html", doc.reason
        assert doc.text.split("\n\n") == paragraphs
    # Text that mentions a tag, or keeps a stray one, is text.
    for text in ("The <p> tag starts a paragraph.\n" * 5, "Line one<br>\nLine two<br>\nLine three<br>\n",
                 "\n".join(paragraphs)):
        assert not looks_like_html(text)
