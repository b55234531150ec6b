"""The record that flows through every stage."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

KEPT = "kept"
DUPLICATE = "duplicate"
REJECTED = "rejected"

# Rejection reasons of raw files that could not be read this time, so not
# recorded as read: a vanished file is left out of the ledger, an unreadable
# one gets a marker instead of a hash; both are read once they can be.
VANISHED = "vanished"  # deleted between planning and reading
UNREADABLE = "unreadable"  # "unreadable: Permission denied" and other errors of the file system

METADATA_FIELDS = ("title", "author", "date", "url", "sitename")

# Scripts written without spaces between words: Chinese and Japanese (kana,
# ideographs, half-width katakana) and Thai, Lao, Khmer, Myanmar. A text in
# them is one "word" per few characters, not per space.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]|"
                       r"([\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff])")
_UNSPACED_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff5b-\uff65]")


def count_words(text: str) -> int:
    """Words of a text: its whitespace-separated tokens; where a script
    written without spaces is used, each two Chinese or Japanese characters
    count as a word and each four of Thai, Lao, Khmer or Myanmar (about
    their average word lengths), so that an article in those languages is
    not "too short" for being one token per sentence."""
    if text.isascii():
        return len(text.split())
    cjk = other = 0
    for match in _UNSPACED.finditer(text):
        if match.group(1):
            other += 1
        else:
            cjk += 1
    if not cjk and not other:
        return len(text.split())
    rest = _UNSPACED_PUNCTUATION.sub(" ", _UNSPACED.sub(" ", text))
    return len(rest.split()) + (cjk + 1) // 2 + (other + 3) // 4


@dataclass
class Document:
    """One article on its way from raw/ to clean/.

    ``text`` holds whatever the current stage produced: raw markup after
    reading, then extracted text, then the clean body. A stage that rejects
    the document sets ``status`` and ``reason`` and leaves the rest alone.
    """

    id: str
    source: str
    text: str = ""
    kind: str = "text"  # "text" or "html": how the body has to be extracted
    metadata: dict[str, Any] = field(default_factory=dict)
    status: str | None = None
    reason: str | None = None
    removed: list[tuple[str, str, float | None]] = field(default_factory=list)  # (reason, line, model score)

    @property
    def rejected(self) -> bool:
        return self.status == REJECTED

    def reject(self, reason: str) -> "Document":
        self.status = REJECTED
        self.reason = reason
        self.text = ""
        return self


def rejection(id: str, source: str, reason: str, **metadata: Any) -> Document:
    """A document that could not be read at all, kept so it is accounted for."""
    return Document(id=id, source=source, metadata=dict(metadata)).reject(reason)
