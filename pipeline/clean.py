"""The per-document stages, composed: extract, normalise, clean, gate."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from .boilerplate import clean_text
from .config import CleanConfig
from .document import KEPT, Document
from .extract import extract_html
from .normalize import normalize, normalize_whitespace, fix_unicode


def clean_document(doc: Document, config: CleanConfig = CleanConfig()) -> Document:
    """Run one document through every per-document stage, in place.

    Afterwards ``doc.text`` is the clean body (paragraphs separated by one
    blank line, no trailing newline) and ``doc.status`` is ``"kept"`` (so
    far: deduplication comes later) or ``"rejected"`` with a reason.
    """
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
    result = clean_text(normalize(text), config, title=doc.metadata.get("title"))
    for key, value in result.metadata.items():
        doc.metadata.setdefault(key, value)
    doc.removed = result.removed
    doc.text = result.text
    return quality_gate(doc, config)


def quality_gate(doc: Document, config: CleanConfig) -> Document:
    """Reject what is not worth publishing, saying why."""
    words = len(doc.text.split())
    spam_chars = sum(len(line) for reason, line in doc.removed if reason == "spam")
    if spam_chars and spam_chars > config.max_spam_share * (spam_chars + len(doc.text)):
        return doc.reject("spam")
    if words == 0:
        return doc.reject("empty")
    if words < config.min_words:
        return doc.reject("too_short")
    doc.status = KEPT
    return doc


def clean_documents(docs: Iterable[Document], config: CleanConfig = CleanConfig()) -> Iterator[Document]:
    for doc in docs:
        yield clean_document(doc, config)
