"""How often the error-page wording (``pipeline.clean.ERROR_PAGE``) occurs
in real articles: every match is a place where a short story could be
rejected as ``error_page`` (the gate asks only texts of fewer than
``ERROR_PAGE_MAX_WORDS`` words).

    python -m bench.error_page_check

Reads the BBC and Reuters stories and the true article bodies of the
extraction benchmarks from ../shared; prints the matches, then the counts.
"""
from __future__ import annotations

from bench.planted import bbc_articles, reuters_articles
from bench.shared import extraction_pages, require_shared
from pipeline.clean import ERROR_PAGE, ERROR_PAGE_MAX_WORDS
from pipeline.document import count_words


def main() -> None:
    require_shared()
    texts = [(a.key, "\n".join([a.title, *a.paragraphs])) for a in bbc_articles() + reuters_articles()]
    texts += [(f"{set_name}/{page_id}", gold) for set_name, page_id, _, _, gold in extraction_pages()]
    matched = short = 0
    for name, text in texts:
        match = ERROR_PAGE.search(text)
        if match:
            matched += 1
            words = count_words(text)
            short += words < ERROR_PAGE_MAX_WORDS
            print(f"{name} ({words} words): ...{text[max(0, match.start() - 60):match.end() + 60]!r}...")
    print(f"{len(texts)} articles: the wording matched in {matched}, {short} of them under "
          f"{ERROR_PAGE_MAX_WORDS} words (those would be rejected)")


if __name__ == "__main__":
    main()
