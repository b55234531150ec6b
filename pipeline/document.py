"""The record that flows through every stage."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

KEPT = "kept"
DUPLICATE = "duplicate"
REJECTED = "rejected"
RETRACTED = "retracted"  # a published article withdrawn (``corpus.retract``): never published again

# Rejection reasons of raw files that could not be read this time, so not
# recorded as read: a vanished file is left out of the ledger, an unreadable
# one gets a marker instead of a hash; both are read once they can be.
VANISHED = "vanished"  # deleted between planning and reading
UNREADABLE = "unreadable"  # "unreadable: Permission denied" and other errors of the file system

METADATA_FIELDS = ("title", "author", "date", "url", "sitename", "language")

# Scripts written without spaces between words: Chinese and Japanese (kana,
# ideographs, half-width katakana) and Thai, Lao, Khmer, Myanmar. A text in
# them is one "word" per few characters, not per space.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]|"
                       r"([\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff])")
_UNSPACED_PUNCTUATION = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff5b-\uff65]")


# The first bytes, in UTF-8, of the characters _UNSPACED matches (and of a
# few others): a text without any of them has none of those characters.
# Looking for a byte string is a fast scan, where _UNSPACED's search steps
# through the text in the regex engine (0.5 ms for a 12 KB page).
_UNSPACED_UTF8 = (b"\xe0\xb8", b"\xe0\xb9", b"\xe0\xba", b"\xe0\xbb", b"\xe1\x80", b"\xe1\x81", b"\xe1\x82",
                  b"\xe1\x9e", b"\xe1\x9f", b"\xe3", b"\xe4", b"\xe5", b"\xe6", b"\xe7", b"\xe8", b"\xe9", b"\xef")


def _combining_marks() -> str:
    """The combining marks of the Basic Multilingual Plane (Unicode
    categories Mn, Mc, Me) as the inside of a character class."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


# Python's \w leaves these out: the vowel signs of the Indic scripts, Thai's
# vowels above and below the line, Arabic's short vowels.
COMBINING_MARKS = _combining_marks()
# One character of a script written without spaces with the marks that
# belong to it (Thai "กิ" is one).
UNSPACED_CHARACTER = re.compile(rf"(?:{_UNSPACED.pattern})[{COMBINING_MARKS}]*")


def has_unspaced_script(text: str) -> bool:
    """Whether ``text`` uses a script written without spaces between words
    (where ``count_words`` does not count whitespace-separated tokens)."""
    if text.isascii():
        return False
    data = text.encode("utf-8", "surrogatepass")
    return any(lead in data for lead in _UNSPACED_UTF8) and _UNSPACED.search(text) is not None


def count_words(text: str) -> int:
    """Words of a text: its whitespace-separated tokens; where a script
    written without spaces is used, each two Chinese or Japanese characters
    count as a word and each four of Thai, Lao, Khmer or Myanmar (about
    their average word lengths), so that an article in those languages is
    not "too short" for being one token per sentence."""
    if not has_unspaced_script(text):
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
    # HTML: the whole page as a scraper saves it (``extract.render_page``),
    # for the fallback where trafilatura misses the article; emptied once
    # the document is finished.
    page_text: str = ""

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
