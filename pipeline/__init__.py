"""News corpus cleaner: the library. Every stage is a plain function on
strings or documents; nothing here imports luigi (``tasks/`` does)."""
from .boilerplate import clean_text
from .clean import clean_document, quality_gate
from .config import CleanConfig, ConfigError, DedupConfig, ReadConfig
from .decode import DecodeError, decode_bytes
from .dedup import DedupIndex, deduplicate, fingerprint_texts
from .document import Document
from .extract import extract_html
from .normalize import normalize

__all__ = ["CleanConfig", "ConfigError", "DecodeError", "DedupConfig", "DedupIndex", "Document", "ReadConfig",
           "clean_document", "clean_text", "decode_bytes", "deduplicate", "extract_html", "fingerprint_texts",
           "normalize", "quality_gate"]
