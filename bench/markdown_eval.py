"""Scraped text written in Markdown, as scrapers for language models save
pages (links with their addresses, "#" headings, "**" bold, "* " list
items, images), against the same page as plain lines.

    python -m bench.markdown_eval [--all-sites]

Each benchmark page is rendered twice by one walk of its tree: as plain
lines (each block of text on its own line) and as Markdown (the same lines
with Markdown's syntax). Both are cleaned in text mode and scored against
the true body with the shared evaluation's bag-of-words F1; the difference
is what the Markdown costs the cleaner. Also printed: how many Markdown
pages ``looks_like_markdown`` took for Markdown, and how many plain pages.
"""
from __future__ import annotations

import argparse
import statistics

import lxml.html

from bench.linedata import is_held_out
from bench.shared import extraction_pages, require_shared
from pipeline.clean import clean_document
from pipeline.document import Document
from pipeline.extract import BLOCK_TAGS, HIDDEN_TAGS
from pipeline.markdown import looks_like_markdown

_HEADINGS = {"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### "}


def render(html: str, markdown: bool) -> str:
    """The page's body, a block of text a line; with ``markdown``, in
    Markdown's syntax."""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    body = tree.find("body")
    out: list[str] = []

    def walk(element, line: list[str]) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in HIDDEN_TAGS or not tag:
            if element.tail:
                line.append(element.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            flush(line)
        prefix = suffix = ""
        if markdown:
            if tag in _HEADINGS:
                prefix = _HEADINGS[tag]
            elif tag == "li":
                prefix = "* "
            elif tag in ("strong", "b"):
                prefix = suffix = "**"
            elif tag == "a" and element.get("href", "").startswith(("http", "/")):
                prefix, suffix = "[", f"]({element.get('href').split()[0]})"
            elif tag == "img" and element.get("src"):
                line.append(f"![{element.get('alt', '')}]({element.get('src').split()[0]})")
        line.append(prefix)
        if element.text:
            line.append(element.text)
        for child in element:
            walk(child, line)
        line.append(suffix)
        if block:
            flush(line)
        if element.tail:
            line.append(element.tail)

    def flush(line: list[str]) -> None:
        text = " ".join("".join(line).split())
        if text and text.strip("#* "):  # not an empty heading, list item or bold
            out.append(text)
        line.clear()

    line: list[str] = []
    walk(body if body is not None else tree, line)
    flush(line)
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--all-sites", action="store_true", help="all pages, not only the held-out sites'")
    args = ap.parse_args()
    require_shared()
    from prf import prf
    plain_f1, markdown_f1, taken, taken_plain = [], [], 0, 0
    for _, page_id, site, html, gold in extraction_pages():
        if not args.all_sites and not is_held_out(site):
            continue
        scores = []
        for markdown in (False, True):
            text = render(html, markdown)
            if markdown:
                taken += looks_like_markdown(text)
            else:
                taken_plain += looks_like_markdown(text)
            doc = clean_document(Document(id=page_id, source=f"{page_id}.txt", text=text))
            scores.append(prf(doc.text if doc.status == "kept" else "", gold)[2])
        plain_f1.append(scores[0])
        markdown_f1.append(scores[1])
    n = len(plain_f1)
    print(f"{n} pages: F1 as plain lines {statistics.mean(plain_f1):.4f}, as Markdown "
          f"{statistics.mean(markdown_f1):.4f}; Markdown pages read as Markdown {taken}/{n}, "
          f"plain pages {taken_plain}/{n}")


if __name__ == "__main__":
    main()
