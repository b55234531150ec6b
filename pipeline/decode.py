"""Bytes to text, by detection rather than by assuming UTF-8.

Order of evidence: a byte-order mark, then a charset the document declares
(HTML ``<meta>``), then strict UTF-8, then charset-normalizer's guess. Input
that is binary or that nothing decodes raises ``DecodeError`` with a reason
the manifest can carry.
"""
from __future__ import annotations

import codecs
import re

import charset_normalizer


class DecodeError(ValueError):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Signatures of formats a scraper saves under a text name by mistake.
_BINARY_MAGIC = (
    (b"%PDF", "pdf"), (b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF8", "gif"),
    (b"PK\x03\x04", "zip"), (b"\x1f\x8b", "gzip"), (b"RIFF", "riff"), (b"\x7fELF", "elf"),
    (b"OggS", "ogg"), (b"ID3", "mp3"), (b"\x00\x00\x00", "binary"),
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)

# WHATWG: pages labelled Latin-1 or ASCII are decoded as windows-1252.
_LABEL_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                  "us-ascii": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252"}


def decode_bytes(data: bytes, *, html: bool = False) -> str:
    """Decode ``data`` to str or raise DecodeError("binary"|"undecodable")."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError("undecodable", f"invalid {encoding} after BOM: {exc.reason}") from None
    utf16 = _sniff_binary(data)
    if utf16:
        return data.decode(utf16)
    if html:
        declared = _declared_charset(data)
        if declared:
            try:
                return data.decode(declared)
            except (UnicodeDecodeError, LookupError):
                pass  # a wrong declaration is common; fall through to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError("undecodable", "no character encoding fits these bytes")
    return str(best)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


# Every byte but the control bytes (below 32, apart from tab to carriage
# return): deleting these from a sample leaves its control bytes.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))


def _sniff_binary(data: bytes) -> str | None:
    """Raise for binary data; return "utf-16-*" for BOM-less UTF-16 text."""
    head = data[:1024]
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic):
            raise DecodeError("binary", f"looks like {name} data")
    # Text has almost no control bytes other than whitespace; UTF-16 without
    # a BOM is the one text encoding that has many NULs.
    sample = data[:8192]
    if not sample:
        return None
    controls = len(sample.translate(None, _NOT_CONTROL))
    if controls / len(sample) > 0.1:
        if sample.count(0) > len(sample) // 4:
            for encoding in ("utf-16-le", "utf-16-be"):
                try:
                    text = data.decode(encoding)
                except UnicodeDecodeError:
                    continue
                if sum(ch.isprintable() or ch.isspace() for ch in text[:2000]) > 0.95 * min(len(text), 2000):
                    return encoding
        raise DecodeError("binary", "too many control bytes for text")
    return None
