"""The record that flows through every stage."""
from __future__ import annotations

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
