"""HTML pages to article text and metadata with trafilatura."""
from __future__ import annotations

import re

import trafilatura

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


def extract_html(html: str, config: CleanConfig = CleanConfig()) -> tuple[str, dict]:
    """Main text (paragraphs on their own lines) and metadata of one page.

    Returns ``("", {...})`` when trafilatura finds no main content. A
    fragment (no ``<html>``, ``<head>`` or ``<body>``) is read as a page's body.
    """
    if not _PAGE_TAG.search(html):
        html = f"<html><body>{html}</body></html>"
    result = trafilatura.bare_extraction(
        html,
        favor_precision=config.html_bias == "precision",
        favor_recall=config.html_bias == "recall",
        **_COMMON,
    )
    if result is None:
        return "", {}
    metadata = {
        key: value
        for key, value in (("title", result.title), ("author", result.author), ("date", result.date),
                           ("url", result.url), ("sitename", result.sitename))
        if isinstance(value, str) and value.strip()
    }
    return result.text or "", metadata


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
