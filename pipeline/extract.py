"""HTML pages to article text and metadata with trafilatura, and to the
whole page's text as a scraper saves it (the fallback where trafilatura
misses the article)."""
from __future__ import annotations

import contextlib
import copy
import re
import threading

import trafilatura
import trafilatura.metadata
from lxml import etree
from lxml.html import HtmlElement
import lxml.html
from trafilatura.utils import HTML_PARSER, load_html

from .config import CleanConfig

# trafilatura's own duplicate cache (deduplicate=True) is global state that
# makes a page's output depend on the pages before it; deduplication is the
# dedup stage's job, so it stays off.
_COMMON = dict(include_comments=False, include_tables=True, include_images=False,
               include_links=False, include_formatting=False, deduplicate=False,
               with_metadata=True, output_format="python")
# A document with none of these tags is a fragment (a JSONL export's body
# HTML, "<p>...</p><p>...</p>"): trafilatura found no article in a fragment
# whose top element is one paragraph or one <div>, nor in text without tags.
_PAGE_TAG = re.compile(r"<(?:html|head|body)[\s>/]", re.IGNORECASE)


def extract_html(html: str | HtmlElement, config: CleanConfig = CleanConfig()) -> tuple[str, dict]:
    """Main text (paragraphs on their own lines) and metadata of one page
    (markup, or a tree trafilatura parsed, which is left as it was).

    Returns ``("", {...})`` when trafilatura finds no main content. A
    fragment (no ``<html>``, ``<head>`` or ``<body>``) is read as a page's body.
    """
    if isinstance(html, str):
        html = load_page(html)
        if html is None:
            return "", {}
    with _without_unused_metadata():
        result = trafilatura.bare_extraction(html, **trafilatura_options(config))
    if result is None:
        return "", {}
    metadata = {
        key: value
        for key, value in (("title", result.title), ("author", result.author), ("date", result.date),
                           ("url", result.url), ("sitename", result.sitename))
        if isinstance(value, str) and value.strip()
    }
    return result.text or "", metadata


# trafilatura's metadata step also looks for a page's categories, tags and
# licence, which the pipeline never reads: on the 890 benchmark pages those
# searches (XPath over every link of the page) were 16% of trafilatura's
# CPU time (6.3 of 39.8 s, each page through both calls in one process),
# and the text and the five fields kept came out identical without them.
_UNUSED_METADATA = {"extract_catstags": lambda metatype, tree: [], "extract_license": lambda tree: None}
_SKIPPING = threading.Lock()
_skippers = 0  # extractions under way that skip them
_skipped: dict = {}  # trafilatura's own functions, while they are swapped out


@contextlib.contextmanager
def _without_unused_metadata():
    """trafilatura's metadata step without the searches whose results the
    pipeline drops, while an extraction is under way: its module's
    functions are swapped for ones that find nothing, and put back when
    the last extraction under way (in any thread) ends; a call to
    trafilatura itself from another thread in that time finds no
    categories, tags or licence either. A trafilatura without these
    functions is left as it is, only slower."""
    global _skippers
    module = trafilatura.metadata
    with _SKIPPING:
        if _skippers == 0:
            _skipped.update((name, getattr(module, name)) for name in _UNUSED_METADATA if hasattr(module, name))
            for name in _skipped:
                setattr(module, name, _UNUSED_METADATA[name])
        _skippers += 1
    try:
        yield
    finally:
        with _SKIPPING:
            _skippers -= 1
            if _skippers == 0:
                for name, function in _skipped.items():
                    setattr(module, name, function)
                _skipped.clear()


def trafilatura_options(config: CleanConfig = CleanConfig()) -> dict:
    """The options the pipeline gives ``trafilatura.bare_extraction``."""
    return dict(_COMMON, favor_precision=config.html_bias == "precision", favor_recall=config.html_bias == "recall")


# HTML where text was expected: a page's source saved as .txt, or an
# export's HTML body in a text field ("content": "<p>...</p><p>..."). It
# begins with a tag and closes block elements; scraped text begins with
# words, and one with a stray "<br>" left in is still text.
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>]|<(?:head|body|article|main|div|section|p|h[1-6]|ul|ol|table|"
                         r"header|nav|span|a|meta|link|title|!--)[\s>/])", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|article|section|td|tr|table|ul|ol|body|html)\s*>|<br\s*/?>",
                        re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """Whether a text is HTML markup: it begins with a tag, and is a whole
    page or closes at least three block elements in its first 100 KB."""
    if not _HTML_START.match(text, 0, 2048):
        return False
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    ends = 0
    for _ in _BLOCK_END.finditer(text, 0, 100_000):
        ends += 1
        if ends >= 3:
            return True
    return False


def _as_page(html: str) -> str:
    return html if _PAGE_TAG.search(html) else f"<html><body>{html}</body></html>"


# libxml2 stops building a tree at 256 elements deep unless told otherwise
# ("Excessive depth in document"): what is nested deeper is dropped, and a
# page whose article sits inside 300 unclosed <font> or <div> tags (an old
# site's template, a broken CMS) came out with no article. trafilatura's
# parser is not told; such a page is parsed again with one that is.
_DEEP_PARSER = lxml.html.HTMLParser(huge_tree=True, collect_ids=False, default_doctype=False, encoding="utf-8",
                                remove_comments=True, remove_pis=True)


def load_page(html: str) -> HtmlElement | None:
    """The tree of a page (or of a fragment, read as a page's body) as
    trafilatura parses it, or, where that parse stopped at libxml2's depth
    limit, without the limit; None for what lxml cannot read as HTML."""
    page = _as_page(html)
    tree = load_html(page)
    if tree is not None and _too_deep():
        try:
            deep = lxml.html.fromstring(page.encode("utf-8", "surrogatepass"), parser=_DEEP_PARSER)
        except (etree.ParserError, ValueError):
            deep = None
        if deep is not None:
            tree = deep
    return tree


def _too_deep() -> bool:
    """Whether trafilatura's last parse stopped at libxml2's depth limit."""
    return any(error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT and "depth" in error.message
               for error in HTML_PARSER.error_log)


def extract_page(html: str, config: CleanConfig = CleanConfig()) -> tuple[str, dict, str]:
    """``extract_html``'s text and metadata, and the whole page's text
    (``render_page``), from one parse of the markup."""
    tree = load_page(html)
    if tree is None:  # not HTML that lxml can read
        return "", {}, ""
    text, metadata = extract_html(tree, config)  # trafilatura works on a copy
    return text, metadata, render_page(tree)


# Elements a browser shows on lines of their own (HTML's block-level and
# table, list and form elements): a new line before and after each.
BLOCK_TAGS = ("address", "article", "aside", "blockquote", "body", "br", "button", "caption", "center", "dd",
              "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
              "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "label", "legend", "li",
              "main", "menu", "nav", "ol", "option", "p", "pre", "section", "summary", "table", "td", "th",
              "title", "tr", "ul")
# Elements whose text a reader never sees.
HIDDEN_TAGS = ("script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas", "select",
               "head")


def render_page(tree: HtmlElement) -> str:
    """The text of a page's body the way a scraper that saves what a browser
    shows gets it: each block of text on its own line, whitespace runs as
    one space, scripts and styles left out; navigation, captions and
    comments included. ``tree`` is left as it was.

    The lines are marked by an XSLT transform (libxslt: 0.7 ms a page of the
    benchmarks, against 1.4 ms for the same walk in Python,
    ``_render_by_walk``, which is used where libxslt gives up: a page
    nested past its depth limit)."""
    try:
        text = str(_RENDER(tree))
    except etree.XSLTError:
        text = _render_by_walk(copy.deepcopy(tree))
    return _lines(text)


def _lines(marked: str) -> str:
    """Text with ``_BREAK`` marks as lines: whitespace runs one space, empty lines out."""
    return "\n".join(line for line in (" ".join(raw.split()) for raw in marked.split(_BREAK)) if line)


def _render_by_walk(tree: HtmlElement) -> str:
    """What ``_RENDER`` gives, by changing ``tree``."""
    body = tree.find("body")
    root = body if body is not None else tree
    for element in list(root.iter(*HIDDEN_TAGS)):
        if element is not root:
            element.drop_tree()  # its tail stays
    for element in root.iter(*BLOCK_TAGS):
        element.text = _BREAK + element.text if element.text else _BREAK
        element.tail = _BREAK + element.tail if element.tail else _BREAK
    return etree.tostring(root, method="text", encoding="unicode", with_tail=False)


# Where render_page breaks lines: a Unicode noncharacter (a page's own line
# breaks are whitespace like any other and collapse into a space).
_BREAK = "\ufdd0"

_RENDER = etree.XSLT(etree.XML(f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="/html/body"><xsl:apply-templates select="/html/body"/></xsl:when>
      <xsl:otherwise><xsl:apply-templates/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="{'|'.join(HIDDEN_TAGS)}|comment()|processing-instruction()"/>
  <xsl:template match="{'|'.join(BLOCK_TAGS)}">&#x{ord(_BREAK):X};<xsl:apply-templates/>&#x{ord(_BREAK):X};</xsl:template>
</xsl:stylesheet>"""))


def warm_up() -> None:
    """Build, in this process, what trafilatura otherwise builds on first use
    in each process. Luigi runs each task in a process forked from the
    scheduling one, so a run that calls this before its tasks start pays it
    once, not once per shard:

    - htmldate's date parser (dateparser) compiles the patterns of every
      locale the first time a date string reaches it, ~2 s (it was 29% of
      the CPU time of 890 HTML pages in 16 shards);
    - the union of jusText's stop lists of all languages, which trafilatura
      builds the first time its jusText fallback runs, ~0.24 s;
    - the public suffix list that courlan reads through ``tld`` the first
      time a page names its URL, ~0.13 s.

    The last two cost 0.37 s of each shard's CPU, ~9 s over the 890
    benchmark pages in 26 shards. Each is skipped where a library's layout
    differs (then each process builds it on first use, as before)."""
    try:
        from htmldate.extractors import get_external_parser
        get_external_parser().get_date_data("-")
    except ImportError:
        pass
    try:
        from trafilatura import external
        if external.JT_STOPLIST is None:
            external.jt_stoplist_init()
    except (ImportError, AttributeError, TypeError):
        pass
    try:
        from courlan.urlutils import get_tldinfo
        get_tldinfo("https://www.example.com/")
    except (ImportError, TypeError):
        pass
