"""The per-document stages, composed: extract, normalise, clean, gate."""
from __future__ import annotations

from collections.abc import Callable, Iterable

import math
from collections import Counter

from .boilerplate import clean_extracted, clean_text, line_key
from .config import CleanConfig
from .document import KEPT, Document
from .extract import extract_html
from .normalize import fix_unicode, normalize, normalize_whitespace

# A short line (a menu item, a site slogan, a copyright notice) that recurs
# in this share of a shard's documents, and in at least
# CleanConfig.recurring_min_docs of them, is the site's chrome. Long lines
# never count: wire copies share whole paragraphs.
RECURRING_SHARE = 0.005
RECURRING_MAX_WORDS = 12

# A document is rejected as spam when spam outweighs the rest and it has at
# least this many spam lines (or too little text besides).
SPAM_DOC_MIN_LINES = 3


def clean_document(doc: Document, config: CleanConfig = CleanConfig()) -> Document:
    """Run one document through every per-document stage, in place.

    Afterwards ``doc.text`` is the clean body (paragraphs separated by one
    blank line, no trailing newline) and ``doc.status`` is ``"kept"`` (so
    far: deduplication comes later) or ``"rejected"`` with a reason.
    """
    return finish(prepare(doc, config), config)


def clean_documents(docs: Iterable[Document], config: CleanConfig = CleanConfig(),
                    progress: Callable[[int, int], None] | None = None) -> list[Document]:
    """Clean a batch of documents; short lines that recur in many of them
    (a site's chrome) are removed as ``recurring``. ``progress(done, total)``
    is called as documents are finished."""
    prepared = [prepare(doc, config) for doc in docs]
    recurring = recurring_lines([d.text for d in prepared if not d.rejected], config.recurring_min_docs)
    out = []
    for i, doc in enumerate(prepared):
        out.append(finish(doc, config, recurring))
        if progress:
            progress(i + 1, len(prepared))
    return out


def recurring_lines(texts: list[str], min_docs: int) -> frozenset[str]:
    """Keys of short lines found in at least ``min_docs`` documents (and in
    at least 0.5% of them)."""
    if min_docs <= 0:
        return frozenset()
    needed = max(min_docs, math.ceil(RECURRING_SHARE * len(texts)))
    counts: Counter = Counter()
    for text in texts:
        keys = {line_key(line) for line in text.split("\n") if 0 < len(line.split()) <= RECURRING_MAX_WORDS}
        counts.update(keys)
    return frozenset(key for key, n in counts.items() if n >= needed and key)


def prepare(doc: Document, config: CleanConfig) -> Document:
    """Extract (HTML) and normalise: ``doc.text`` becomes normalised text."""
    if doc.rejected:
        return doc
    text = doc.text
    if doc.kind == "html":
        text, found = extract_html(text, config)
        for key, value in found.items():
            doc.metadata.setdefault(key, value)
        if not text.strip():
            return doc.reject("no_article_found")
    doc.metadata = {k: normalize_whitespace(fix_unicode(v)) if isinstance(v, str) else v
                    for k, v in doc.metadata.items()}
    doc.text = normalize(text)
    return doc


def finish(doc: Document, config: CleanConfig, recurring: frozenset[str] = frozenset()) -> Document:
    """Remove boilerplate and spam from prepared text, then the quality gate."""
    if doc.rejected:
        return doc
    if doc.kind == "html" and config.html_cleaning == "light":
        result = clean_extracted(doc.text, config, title=doc.metadata.get("title"))
    else:
        result = clean_text(doc.text, config, title=doc.metadata.get("title"), recurring=recurring)
    for key, value in result.metadata.items():
        doc.metadata.setdefault(key, value)
    doc.removed = result.removed
    doc.text = result.text
    return quality_gate(doc, config)


def quality_gate(doc: Document, config: CleanConfig) -> Document:
    """Reject what is not worth publishing, saying why."""
    words = len(doc.text.split())
    spam = [line for reason, line, _ in doc.removed if reason == "spam"]
    spam_chars = sum(map(len, spam))
    # One long line judged spam (a contact box, a promotion) does not make
    # an article spam; several, or spam and too little else, do.
    if spam and (len(spam) >= SPAM_DOC_MIN_LINES or words < config.min_words) \
            and spam_chars > config.max_spam_share * (spam_chars + len(doc.text)):
        return doc.reject("spam")
    if words == 0:
        return doc.reject("empty")
    if words < config.min_words:
        return doc.reject("too_short")
    doc.status = KEPT
    return doc


