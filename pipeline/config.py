"""Every knob that changes output, in frozen dataclasses with documented defaults.

Luigi parameters in ``tasks/`` map one-to-one onto these fields; nothing else
in the library reads configuration.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ReadConfig:
    # A single text or HTML document larger than this is rejected (reason
    # "too_large") instead of being held in memory; gzip input is
    # decompressed only up to this size, which bounds a gzip bomb.
    max_doc_bytes: int = 16 * 1024 * 1024
    # JSONL exports are read line by line; this bounds the decompressed size
    # of one export file.
    max_jsonl_bytes: int = 1024 * 1024 * 1024
    # The fields of a JSONL record that may hold its page (read as HTML) or
    # its text, tried in this order, every HTML field before any text
    # field. Besides "html" and "text": news-please's "maintext", the
    # "content" of many scrapers' exports, RedPajama's "raw_content" and
    # the "markdown" of Firecrawl's (a text in Markdown is read as such).
    jsonl_html_fields: tuple[str, ...] = ("html", "raw_html")
    jsonl_text_fields: tuple[str, ...] = ("text", "maintext", "content", "raw_content", "markdown")

    def __post_init__(self) -> None:
        _require(self.max_doc_bytes > 0, "max_doc_bytes must be positive")
        _require(self.max_jsonl_bytes > 0, "max_jsonl_bytes must be positive")
        fields = (*self.jsonl_html_fields, *self.jsonl_text_fields)
        _require(bool(fields) and all(isinstance(f, str) and f.strip() for f in fields),
                 "JSONL fields must be non-empty names")
        _require(len(set(fields)) == len(fields), "a JSONL field cannot be both an HTML and a text field")


@dataclass(frozen=True)
class CleanConfig:
    # HTML: trafilatura's bias ("balanced" is its own default; "precision"
    # and "recall" map to favor_precision / favor_recall). "recall" measured
    # best on the held-out benchmark sites (README, "Accuracy").
    html_bias: str = "recall"
    # What runs on trafilatura's output: "light" (whole-line chrome, photo
    # credits, link-drop spam) or "full" (the text-mode cleaner, line model
    # included). "light" measured best.
    html_cleaning: str = "light"
    # HTML: the whole page is also rendered as scraped text, and where that,
    # cleaned as a scraped text is, has more than this many times the words
    # of what trafilatura found, it is the article (trafilatura took a
    # teaser, a comment or a sidebar for it, or found nothing); 0 turns the
    # fallback off. Measured on the held-out benchmark sites (README,
    # "Accuracy").
    html_fallback: float = 2.0
    # Photo captions and their credits are not article text.
    drop_captions: bool = True
    # Quality gate: a clean body with fewer words than this is rejected
    # ("too_short"); with none at all it is rejected as "empty".
    min_words: int = 20
    # A document whose removed spam lines outweigh its remaining text by this
    # share of characters is rejected as "spam".
    max_spam_share: float = 0.5
    # Line model: probability at which a line is kept, and the smoothing
    # penalty (nats per switch between article and boilerplate). None takes
    # the values chosen when the model was trained (bench/train_boilerplate.py).
    line_threshold: float | None = None
    smoothing: float | None = None
    # A short line found in this many documents of one shard is site chrome
    # (0 turns the rule off).
    recurring_min_docs: int = 5
    # Seconds one document may spend being extracted and cleaned before it
    # is rejected as "timeout" (pathological pages); 0 turns the limit off.
    doc_time_limit: float = 30.0
    # Cleaning passes over a text, each on the previous one's output, until
    # nothing changes: the default makes cleaning idempotent (README, "What
    # happens to each document"); 1 takes about a quarter less time and is not idempotent.
    max_passes: int = 8
    # Languages to publish (ISO 639-1 codes): a kept article whose text is
    # clearly in another (``language.detect_language``) is rejected as
    # "language: xx"; one whose language the text does not tell is kept.
    # Empty: every language.
    languages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require(all(isinstance(code, str) and re.fullmatch(r"[a-z]{2}", code) for code in self.languages),
                 f"languages must be two-letter codes such as en or de, not {','.join(map(str, self.languages))!r}")
        _require(self.html_bias in ("balanced", "precision", "recall"),
                 f"html_bias must be balanced, precision or recall, not {self.html_bias!r}")
        _require(self.html_cleaning in ("light", "full"),
                 f"html_cleaning must be light or full, not {self.html_cleaning!r}")
        _require(self.html_fallback == 0 or self.html_fallback >= 1.0, "html_fallback must be 0 (off) or >= 1")
        _require(self.min_words >= 0, "min_words must be >= 0")
        _require(0.0 < self.max_spam_share <= 1.0, "max_spam_share must be in (0, 1]")
        _require(self.line_threshold is None or 0.0 < self.line_threshold < 1.0, "line_threshold must be in (0, 1)")
        _require(self.smoothing is None or self.smoothing >= 0.0, "smoothing must be >= 0")
        _require(self.recurring_min_docs >= 0, "recurring_min_docs must be >= 0")
        _require(self.doc_time_limit >= 0, "doc_time_limit must be >= 0")
        _require(self.max_passes >= 1, "max_passes must be >= 1")


# The newest way of cutting texts into words for deduplication
# (``dedup.hash_words``).
TOKENS = 2


@dataclass(frozen=True)
class DedupConfig:
    # Jaccard similarity of word shingle sets above which two articles are
    # the same story. Verified on the true shingle sets, not only estimated.
    threshold: float = 0.5
    # A shorter text whose shingles are this much contained in a longer one
    # is an abridged copy of it.
    containment: float = 0.7
    # Word n-grams; 5 is the common choice for news (C4, FineWeb).
    shingle_size: int = 5
    num_perm: int = 128
    # How texts are cut into words for hashing (``dedup.hash_words``). Not a
    # choice to make: a clean folder keeps the scheme its index was built
    # with (``corpus.index_tokens``), a new folder takes the newest.
    tokens: int = TOKENS

    def __post_init__(self) -> None:
        _require(0.0 < self.threshold <= 1.0, "dedup threshold must be in (0, 1]")
        _require(0.0 < self.containment <= 1.0, "dedup containment must be in (0, 1]")
        _require(self.shingle_size >= 1, "shingle_size must be >= 1")
        _require(self.num_perm >= 16, "num_perm must be >= 16")
        _require(self.tokens in (1, TOKENS), f"dedup tokens must be 1 or {TOKENS}")

    def index_key(self) -> dict:
        """The settings an index is bound to: signatures made with other
        values cannot be compared with it."""
        key = {"shingle_size": self.shingle_size, "num_perm": self.num_perm,
               "scheme": "affine32", "hash": "xxh32", "seed": 1}
        if self.tokens != 1:  # indexes built before the key named it used scheme 1
            key["tokens"] = self.tokens
        return key


def fingerprint(*configs: object) -> str:
    """A short stable hash of configuration values, part of batch ids so
    outputs made with other settings are never mistaken for current ones."""
    blob = json.dumps([dataclasses.asdict(c) for c in configs], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


class ConfigError(ValueError):
    """A setting has a value the pipeline cannot work with."""


class ServiceUnavailable(RuntimeError):
    """A service the settings name (the Redis dedup index) cannot be used."""


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)
