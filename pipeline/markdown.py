"""Markdown, as scrapers that save pages for language models write it
(Firecrawl, Jina Reader, crawl4ai), to the plain lines of scraped text.

Such a page is the scraped text the cleaner reads, written in Markdown's
syntax: "# " before the headline, "[Home](https://...)" for every
navigation link, "![...](...)" for images, "**" around bold words. Left in,
the syntax reached the manifest ("# Council approves ...", "**Maria
Lopez**") and the clean text ("according to the [budget papers](https://
...)"), and links hid chrome the cleaner knows by its words ("**Read
more:** [...]"). ``unmark`` keeps what a reader sees: a link's words, a
heading's text, a list item's text, each on its own line.
"""
from __future__ import annotations

import re

# An image, with its alt text and address (alt text is not shown on a page).
_IMAGE = re.compile(r"!\[[^\]]{0,4000}\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)")
# A link: its words, then its address (parentheses inside balanced once)
# and an optional title. The words may run over lines: a link around a
# block (a teaser's headline and summary) is written "[\n\nHeadline\n\n](...)".
_LINK = re.compile(r"\[([^\]]{0,4000})\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)")
# A link by reference ("[words][1]") and the references themselves.
_REFERENCE_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s+\S+.*$", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_EMPTY_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]*$", re.MULTILINE)
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
_RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(?:```|~~~).*$", re.MULTILINE)
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+", re.MULTILINE)
_BULLET = re.compile(r"^[ \t]*[*+-][ \t]+", re.MULTILINE)
# Strong and emphasis around words, not a lone "*" (5 * 3) nor the "_" of
# a name (snake_case).
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])|"
                       r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])")
_CODE = re.compile(r"`([^`\n]+)`")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")

# Markdown a scraped text holds when a scraper wrote it as Markdown: links
# and images with their addresses, lines that are one link (a menu, a list
# of related stories), and headings.
_LINK_SIGN = re.compile(r"\]\((?:https?:|/|#|mailto:)")
_LINK_LINE = re.compile(r"^[ \t]*(?:[*+-][ \t]+)?!?\[[^\]\n]*\]\([^)\n]*\)[ \t]*$", re.MULTILINE)


def looks_like_markdown(text: str) -> bool:
    """Whether a scraped text is written in Markdown: three links or images
    with their addresses and a line that is one link (navigation is), or
    two "#" headings and a link. Scraped plain text has neither (a hashtag
    has no space after its "#"); a page that shows a few Markdown links in
    its text (a CMS that did not render a reference list) is not taken for
    Markdown."""
    if "](" not in text:  # (a scan in C; most texts stop here)
        return False
    links = len(_LINK_SIGN.findall(text, 0, 200_000))
    if links >= 3 and _LINK_LINE.search(text, 0, 200_000):
        return True
    return links >= 1 and len(_HEADING.findall(text, 0, 200_000)) >= 2


def unmark(text: str) -> str:
    """Plain lines from Markdown: the words a reader sees, block by block."""
    text = _FENCE.sub("", text)
    text = _REFERENCE.sub("", text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(_words, text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _EMPTY_HEADING.sub("", text)
    text = _HEADING.sub(r"\1", text)
    text = _RULE.sub("", text)
    text = _SETEXT_UNDERLINE.sub("", text)
    text = _QUOTE.sub("", text)
    text = _BULLET.sub("", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = _CODE.sub(r"\1", text)
    return _ESCAPED.sub(r"\1", text)


def _words(link: re.Match) -> str:
    return link.group(1)
