"""Find raw files and turn them into documents.

Supported: ``*.txt`` (scraped text), ``*.md``/``*.markdown`` (scraped text
in Markdown), ``*.html``/``*.htm``, ``*.jsonl`` exports (one article per
line with ``text`` or ``html`` or another tool's field, optional ``id``,
``url``, ``title``, ``date``, ``author``) and ``*.warc`` crawls (an HTML
page a response record), each also compressed with gzip, bzip2, xz or
Zstandard (``.gz``, ``.bz2``, ``.xz``, ``.zst``). A file is decompressed
when its bytes are compressed, whatever its name says. Hidden files and
folders (names starting with ``.``) are skipped; every other file yields at
least one document, a rejection if need be.
"""
from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import logging
import os
import re
import stat
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xxhash

from .config import ReadConfig
from .decode import DecodeError, decode_bytes
from .document import METADATA_FIELDS, UNREADABLE, VANISHED, Document, rejection

log = logging.getLogger(__name__)

KINDS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
         ".jsonl": "jsonl", ".warc": "warc"}
# Kinds whose files hold many documents, ``<file id>#<number>`` each.
MULTI_RECORD_KINDS = ("jsonl", "warc")


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the raw folder, POSIX separators
    size: int
    mtime_ns: int
    # False when the path's bytes are not UTF-8: ``path`` then shows them
    # escaped ("bad\\xff.txt"), and the file is reported, never read (its
    # name could not be written to the manifest, the ledger or a text's name).
    name_ok: bool = True


# The reason of a file whose name is not UTF-8 (see SourceFile.name_ok).
BAD_NAME = f"{UNREADABLE}: file name not UTF-8, rename it"


def _shown(name: str) -> tuple[str, bool]:
    """A name as the pipeline writes it, and whether that is the name
    itself: bytes that are not UTF-8 (which ``os`` hands over as lone
    surrogates) are written as backslash escapes."""
    try:
        name.encode("utf-8")
        return name, True
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"), False


class RawFolderError(FileNotFoundError):
    """The raw folder to read is missing."""


def discover(raw_dir: str | os.PathLike) -> list[SourceFile]:
    """Every regular, non-hidden file under ``raw_dir``, sorted by path
    (``iter_sources`` as a list)."""
    return list(iter_sources(raw_dir))


def iter_sources(raw_dir: str | os.PathLike) -> Iterator[SourceFile]:
    """Every regular, non-hidden file under ``raw_dir``, in the order of
    their relative paths, one folder's names in memory at a time.

    Symbolic links to files are followed only while they stay inside the
    raw folder; a link that leads out of it is logged and skipped, so
    nothing outside the raw folder is ever read. Linked folders are not
    entered.
    """
    root = Path(raw_dir)
    if not root.is_dir():
        raise RawFolderError(f"the raw folder {str(root)!r} does not exist or is not a folder")
    yield from _walk_sorted(str(root), "", root.resolve(), True)


def _walk_sorted(folder: str, prefix: str, real_root: Path, names_ok: bool) -> Iterator[SourceFile]:
    # A folder sorts as "name/": then the order of the walk is the order of
    # the full relative paths ("a.txt" < "a/b.txt" < "a0.txt"), as written
    # (``_shown``). Only the names are kept while a folder is walked (a
    # flat raw/ of a million files holds a million of them).
    with os.scandir(folder) as it:
        keys = sorted((*_shown(e.name + "/" if e.is_dir(follow_symlinks=False) else e.name), e.name)
                      for e in it if not e.name.startswith("."))
    for key, ok, name in keys:
        if key.endswith("/"):
            yield from _walk_sorted(os.path.join(folder, name), prefix + key, real_root, names_ok and ok)
            continue
        rel, full = prefix + key, os.path.join(folder, name)
        try:
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                target = Path(full).resolve()
                if not target.is_relative_to(real_root):
                    log.warning("skipping %s: symbolic link to %s, outside the raw folder", rel, target)
                    continue
                st = os.stat(full)
                if stat.S_ISDIR(st.st_mode):
                    continue  # a linked folder: not entered
        except OSError as exc:  # vanished or dangling link
            log.warning("skipping %s: %s", rel, exc.strerror)
            continue
        if not stat.S_ISREG(st.st_mode):  # a named pipe, socket or device: reading it could block
            log.warning("skipping %s: not a regular file", rel)
            continue
        yield SourceFile(rel, st.st_size, st.st_mtime_ns, names_ok and ok)


def split_name(rel: str) -> tuple[str, str | None, bool]:
    """``a/b.html.gz`` -> (``a/b``, "html", True) (True for ``.bz2``,
    ``.xz`` and ``.zst`` too: compressed); unsupported kind -> None.

    Suffixes as ``PurePosixPath.suffix`` reads them (a name's last dot, not
    its first character nor its last), on the string: planning asks this
    of every new file, and pathlib took a third of planning 10,000 files."""
    folder, sep, name = rel.rpartition("/")
    suffix = _suffix(name)
    gz = suffix.lower() in COMPRESSED_SUFFIXES
    if gz:
        name = name[:-len(suffix)]
        suffix = _suffix(name)
    kind = KINDS.get(suffix.lower())
    stem = folder + sep + name[:-len(suffix)] if kind else rel
    return stem, kind, gz


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def content_hash(path: str | os.PathLike) -> str:
    h = xxhash.xxh3_128()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class JsonlLines:
    """A JSONL export read through once: its ``content_hash``, and per line
    (numbered from 1, as ``_read_jsonl`` numbers them) a hash of its bytes
    without the newline and the offset just past it, in the text (the
    decompressed text of a ``compressed`` export)."""
    digest: str
    hashes: np.ndarray  # uint64
    ends: np.ndarray  # int64
    content: bool  # a byte other than a blank line's
    compressed: bool = False


# Compressed exports whose readers can be entered at an offset of the text
# (by decompressing up to it): their changed lines can be read alone. A
# zstd stream (read frame by frame, ``_ZstdFrames``) cannot.
_ENTERABLE_COMPRESSIONS = ("gzip", "bz2", "xz")


def jsonl_lines(path: str | os.PathLike) -> JsonlLines | None:
    """``JsonlLines`` of an export, or None when its lines cannot be read
    alone (zstd) or it cannot be decompressed (reading it whole says why).
    Read in chunks: a line of any length is hashed without being held in
    memory whole."""
    with open(path, "rb") as fh:
        compression = compression_of(fh.peek(_MAGIC_BYTES))
        if compression is None:
            whole = xxhash.xxh3_128()
            hashes, ends, content = _hash_lines(iter(lambda: fh.read(1 << 20), b""), whole.update)
            return JsonlLines(whole.hexdigest(), hashes, ends, content)
    if compression not in _ENTERABLE_COMPRESSIONS:
        return None
    digest = content_hash(path)
    try:
        with open_raw(path) as fh:
            hashes, ends, content = _hash_lines(iter(lambda: fh.read(1 << 20), b""))
    except (BadCompressedFile, EOFError):
        return None
    return JsonlLines(digest, hashes, ends, content, compressed=True)


def _hash_lines(chunks, seen=None) -> tuple[np.ndarray, np.ndarray, bool]:
    """Per line of the text in ``chunks``, a hash and its end offset, and
    whether it holds a byte other than a blank line's; ``seen`` is given
    each chunk too."""
    hashes, ends = array("Q"), array("q")  # (8 bytes a line, not a Python int's 36)
    one_shot, line_hash = xxhash.xxh3_64_intdigest, None  # line_hash: a line that runs on past its chunk
    content, pos = False, 0
    for chunk in chunks:
        if seen is not None:
            seen(chunk)
        content = content or bool(chunk.translate(None, _BLANK_LINE_BYTES))
        start = 0
        for end in np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10).tolist():
            if line_hash is None:
                hashes.append(one_shot(chunk[start:end]))
            else:
                line_hash.update(chunk[start:end])
                hashes.append(line_hash.intdigest())
                line_hash = None
            ends.append(pos + end + 1)
            start = end + 1
        if start < len(chunk):
            line_hash = line_hash or xxhash.xxh3_64()
            line_hash.update(chunk[start:])
        pos += len(chunk)
    if line_hash is not None:  # the last line, without a newline
        hashes.append(line_hash.intdigest())
        ends.append(pos)
    return np.frombuffer(hashes, dtype=np.uint64).copy(), np.frombuffer(ends, dtype=np.int64).copy(), content


def jsonl_ranges(path: str | os.PathLike, part_bytes: int, part_lines: int) -> list[tuple[int, int, int, int]]:
    """A JSONL export cut at line ends into parts of at most ``part_lines``
    lines and about ``part_bytes``: (start offset, end offset or -1 for the
    file's end, number of the part's first line, its lines). A large export
    is then cleaned in several shards, in parallel, each holding a part in
    memory rather than the whole file. (The planner cuts the ``JsonlLines``
    it has read already, ``cut_lines``.)

    An export of blank lines only is one part: read whole, it gives the
    file's one ``empty`` record, where parts of it would each give none. A
    compressed one is one part too (offsets of the file are not the text's;
    the planner cuts its text in at most ``COMPRESSED_MAX_PARTS``)."""
    lines = jsonl_lines(path)
    if lines is None or lines.compressed:
        return [(0, -1, 1, 0)]
    if not lines.content:
        return [(0, -1, 1, len(lines.hashes))]
    return cut_lines(lines.ends, 0, len(lines.ends) - 1, part_bytes, part_lines)


def cut_lines(ends: np.ndarray, first: int, last: int, part_bytes: int,
              part_lines: int) -> list[tuple[int, int, int, int]]:
    """Lines ``first`` to ``last`` (from 0, both included) of an export whose
    lines end at ``ends``, as ``jsonl_ranges`` gives its parts: each of at
    most ``part_lines`` lines, cut at the first line end ``part_bytes`` or
    more past its start (one line at least); -1 as the end of a part that
    runs to the export's last line."""
    out = []
    while first <= last:
        start = int(ends[first - 1]) if first else 0
        by_bytes = int(np.searchsorted(ends, start + part_bytes))
        cut = min(last, first + part_lines - 1, max(by_bytes, first))
        out.append((start, -1 if cut == len(ends) - 1 else int(ends[cut]), first + 1, cut - first + 1))
        first = cut + 1
    return out


# What bytes.strip() removes: a line of only these is blank (no record).
_BLANK_LINE_BYTES = b" \t\n\r\x0b\x0c"


def read_source(raw_dir: str | os.PathLike, rel: str, base_id: str,
                config: ReadConfig = ReadConfig(), part: tuple[int, ...] | None = None) -> Iterator[Document]:
    """Documents of one raw file; ``base_id`` is the id the plan gave it.
    ``part``: only that part of a JSONL export (``jsonl_ranges``)."""
    kind = split_name(rel)[1]
    full = Path(raw_dir) / rel
    if kind is None:
        yield rejection(base_id, rel, "unsupported_format")
        return
    if kind == "jsonl":
        yield from _read_jsonl(full, rel, base_id, config, part)
        return
    if kind == "warc":
        yield from _read_warc(full, rel, base_id, config, part)
        return
    try:
        data = _read_bounded(full, config.max_doc_bytes)
    except _ReadError as exc:
        yield rejection(base_id, rel, exc.reason)
        return
    try:
        text = decode_bytes(data, html=kind == "html")
    except DecodeError as exc:
        yield rejection(base_id, rel, exc.reason)
        return
    yield Document(id=base_id, source=rel, text=text, kind=kind)


class _ReadError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")
# (magic bytes, name, opener, the errors of bad or cut-off data): bzip2's
# "BZh", its block size and the magic of a first block or of an empty stream.
_COMPRESSIONS = (
    ((b"\x1f\x8b",), "gzip", gzip.open, (gzip.BadGzipFile, EOFError, zlib.error)),
    (tuple(b"BZh%d%s" % (size, block) for size in range(1, 10) for block in (b"1AY&SY", b"\x17rE8P\x90")),
     "bz2", bz2.open, (OSError, EOFError)),  # bz2 reports bad data as OSError
    ((b"\xfd7zXZ\x00",), "xz", lzma.open, (lzma.LZMAError, EOFError)),
    ((b"\x28\xb5\x2f\xfd",), "zstd", lambda path, mode: _open_zstd(path), (EOFError, ValueError)),
)
_MAGIC_BYTES = 10


class _ZstdFrames(io.RawIOBase):
    """A Zstandard file's data, frame after frame. zstandard's own stream
    reader ends a frame that is cut off without an error, as if the data
    ended there; this one raises EOFError, as gzip, bz2 and lzma do."""

    def __init__(self, fh) -> None:
        import zstandard
        self._fh, self._new = fh, zstandard.ZstdDecompressor().decompressobj
        self._errors = zstandard.ZstdError
        self._frame, self._fed = self._new(), False
        self._out, self._at = memoryview(b""), 0  # decompressed data not yet read, and how far it is read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._at == len(self._out):
            chunk = self._fh.read(1 << 20)
            if not chunk:
                if self._fed:
                    raise EOFError("the Zstandard data ends inside a frame")
                return 0
            self._out, self._at = memoryview(self._feed(chunk)), 0
        n = min(len(buffer), len(self._out) - self._at)
        buffer[:n] = self._out[self._at:self._at + n]
        self._at += n
        return n

    def _feed(self, data: bytes) -> bytes:
        out = []
        try:
            while data:
                out.append(self._frame.decompress(data))
                self._fed = True
                if not self._frame.eof:
                    break
                data, self._frame, self._fed = self._frame.unused_data, self._new(), False
        except self._errors as exc:
            raise ValueError(f"bad Zstandard data: {exc}") from None
        return b"".join(out)

    def close(self) -> None:
        self._fh.close()
        super().close()


def _open_zstd(path: str | os.PathLike):
    return io.BufferedReader(_ZstdFrames(open(path, "rb")))


def compression_of(head: bytes) -> str | None:
    """The compression whose magic bytes ``head`` starts with, or None."""
    for magics, name, _, _ in _COMPRESSIONS:
        if head.startswith(magics):
            return name
    return None


class BadCompressedFile(Exception):
    """Compressed data that cannot be read to its end: ``reason`` is
    ``bad_gzip``, ``bad_bz2``, ``bad_xz`` or ``bad_zstd``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Decompressed:
    """A decompressing reader whose errors of bad or cut-off data are
    ``BadCompressedFile`` (bz2 reports them as ``OSError``, which would
    pass for an unreadable file)."""

    def __init__(self, fh, name: str, errors: tuple[type[BaseException], ...]) -> None:
        self._fh, self._reason, self._errors = fh, f"bad_{name}", errors

    def _call(self, method, *args):
        try:
            return method(*args)
        except self._errors:
            raise BadCompressedFile(self._reason) from None

    def read(self, size: int = -1) -> bytes:
        return self._call(self._fh.read, size)

    def readline(self, size: int = -1) -> bytes:
        return self._call(self._fh.readline, size)

    def seek(self, offset: int) -> int:
        return self._call(self._fh.seek, offset)

    def tell(self) -> int:
        return self._fh.tell()

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "_Decompressed":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_raw(full: str | os.PathLike):
    """A raw file for reading, decompressed if it is compressed, whatever
    its name says: a gzipped page saved as ``.html`` was rejected as
    binary, and a plain one saved as ``.html.gz`` as a bad gzip file."""
    fh = open(full, "rb")
    try:
        head = fh.peek(_MAGIC_BYTES)  # (fills the buffer the first read needs anyway)
    except BaseException:
        fh.close()
        raise
    for magics, name, opener, errors in _COMPRESSIONS:
        if head.startswith(magics):
            fh.close()
            try:
                return _Decompressed(opener(full, "rb"), name, errors)
            except errors:
                raise BadCompressedFile(f"bad_{name}") from None
    return fh


def _read_bounded(full: Path, limit: int) -> bytes:
    try:
        with open_raw(full) as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise _ReadError(VANISHED) from None
    except BadCompressedFile as exc:
        raise _ReadError(exc.reason) from None
    except OSError as exc:
        raise _ReadError(f"{UNREADABLE}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise _ReadError("too_large")
    return data


def _read_jsonl(full: Path, rel: str, base_id: str, config: ReadConfig,
                part: tuple[int, ...] | None = None) -> Iterator[Document]:
    if part is not None and part[3] == 0:
        return  # (an export's part of no lines: its changed lines are none)
    total, given = 0, 0
    start, end, first = part[:3] if part else (0, -1, 1)
    # A failure to read a part is the part's, under its first line's id.
    failed_id, failed_source = (f"{base_id}#{first}", f"{rel}#{first}") if part else (base_id, rel)
    try:
        with open_raw(full) as fh:
            if start:  # (in a compressed export, an offset of its text: decompressed up to it)
                fh.seek(start)
            lines = _bounded_lines(fh, config.max_doc_bytes, end - start if end >= 0 else None)
            for number, line in enumerate(lines, start=first):
                total += len(line)
                if total > config.max_jsonl_bytes:
                    # (a compressed export, which cannot be cut into parts)
                    yield rejection(f"{base_id}#{number}", f"{rel}#{number}",
                                    f"too_large: the export passes {config.max_jsonl_bytes} bytes here; the lines "
                                    "from this one on were not read (split the file or leave it uncompressed)")
                    return
                if line is _TOO_LONG:
                    given += 1
                    yield rejection(f"{base_id}#{number}", f"{rel}#{number}", "too_large")
                    continue
                if not line.strip():
                    continue
                given += 1
                yield _jsonl_record(line, f"{base_id}#{number}", f"{rel}#{number}", config)
        if not given and part is None:
            # An export with no records is still accounted for: one record
            # of the file (a part with none is one of several; the file has some).
            yield rejection(base_id, rel, "empty: no records in the export")
    except FileNotFoundError:
        yield rejection(failed_id, failed_source, VANISHED)
    except BadCompressedFile as exc:
        yield rejection(failed_id, failed_source, exc.reason)
    except OSError as exc:
        yield rejection(failed_id, failed_source, f"{UNREADABLE}: {exc.strerror or exc}")


# WARC records that hold a page: what a crawler fetched (``response``) or
# stored as it is (``resource``). Requests, metadata, revisits and the
# file's own ``warcinfo`` hold none.
_WARC_PAGE_RECORDS = ("response", "resource")


def _is_page(record) -> bool:
    """Whether a WARC record holds an HTML page (``_WARC_PAGE_RECORDS``, a
    content type that is HTML or none)."""
    if record.rec_type not in _WARC_PAGE_RECORDS:
        return False
    ctype = record.http_headers.get_header("Content-Type") if record.http_headers is not None else None
    if ctype is None:
        ctype = record.rec_headers.get_header("Content-Type") or ""
        if ctype.startswith("application/http"):
            return True  # its HTTP headers are missing or damaged: judged by what it holds
    return not ctype or "html" in ctype.lower()


def warc_ranges(path: str | os.PathLike, part_bytes: int, part_records: int) -> list[tuple[int, int, int, int]]:
    """A WARC file cut between records into parts of at most
    ``part_records`` records and about ``part_bytes`` of the file: (start
    offset, end offset or -1 for the file's end, number of the part's first
    record, its records), as ``jsonl_ranges`` cuts an export. Only a file
    that can be entered at a record can be cut: uncompressed, or gzipped
    record by record (as crawlers write ``.warc.gz``); any other, one whose
    records do not run to its end (cut off) and one without an HTML page
    are one part, read whole (and their errors or emptiness reported)."""
    from warcio.archiveiterator import ArchiveIterator

    whole = [(0, -1, 1, 0)]
    offsets: list[int] = []
    pages = 0
    with open(path, "rb") as fh:
        head = fh.peek(_MAGIC_BYTES)
        if compression_of(head) not in (None, "gzip"):
            return whole
        iterator = ArchiveIterator(fh, arc2warc=False)
        try:
            for record in iterator:
                if record.format != "warc":
                    return whole
                offsets.append(iterator.get_record_offset())
                pages += _is_page(record)
            last_end = iterator.offset  # just past the last record read
        except Exception:  # (warcio fails on damaged records with whatever it met) read whole: the shard says why
            return whole
        size = os.fstat(fh.fileno()).st_size
        if not pages or last_end != size:
            return whole
        if compression_of(head) == "gzip" and not _gzip_member_complete(fh, offsets[-1]):
            return whole  # warcio stops quietly in a member cut off; read whole, gzip reports it
    parts, start = [], 0
    for number, offset in enumerate(offsets, start=1):
        first = parts[-1][2] + parts[-1][3] if parts else 1
        if number > first and (number - first >= part_records or offset - start >= part_bytes):
            parts.append((start, offset, first, number - first))
            start = offset
    first = parts[-1][2] + parts[-1][3] if parts else 1
    parts.append((start, -1, first, len(offsets) + 1 - first))
    return parts


def _gzip_member_complete(fh, offset: int) -> bool:
    """Whether the gzip member at ``offset``, the file's last, ends with the
    file (its end marker is there)."""
    fh.seek(offset)
    member = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        while chunk := fh.read(1 << 20):
            member.decompress(chunk, 0)
    except zlib.error:
        return False
    return member.eof and not member.unused_data


def _read_warc(full: Path, rel: str, base_id: str, config: ReadConfig,
               part: tuple[int, ...] | None = None) -> Iterator[Document]:
    """The HTML pages of a WARC file (``.warc``, or compressed as a whole or
    record by record, ``.warc.gz``), ``<file id>#<record number>`` each,
    with the URL the crawler fetched; ``part``: only that part of the file
    (``warc_ranges``). Records that are no HTML page (requests, images,
    scripts) are no documents and are skipped; an HTML response with an
    HTTP status other than 2xx (a redirect, a missing page) is a rejection
    (``http_status: 404``)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    start, end, first = part[:3] if part else (0, -1, 1)
    # A failure to read a part is the part's, under its first record's id.
    failed_id, failed_source = (f"{base_id}#{first}", f"{rel}#{first}") if part else (base_id, rel)
    given, skipped, number = 0, 0, first - 1
    try:
        # A part is read from its first record on, each gzip member by
        # itself; the whole file through open_raw, which reports data cut
        # off where warcio's own reading stops at the last whole record.
        with (open(full, "rb") if part else open_raw(full)) as fh:
            if start:
                fh.seek(start)
            iterator = ArchiveIterator(fh, arc2warc=False)
            for number, record in enumerate(iterator, start=first):
                if end >= 0 and iterator.offset >= end:  # (the record's offset in the file)
                    break
                if record.format != "warc":  # warcio reads other text as an ARC file
                    yield rejection(failed_id if number == first else f"{base_id}#{number}",
                                    failed_source if number == first else f"{rel}#{number}",
                                    "bad_warc: not a WARC record")
                    return
                if record.length is None:  # (WARC requires it) the file ends inside the record's headers
                    yield rejection(f"{base_id}#{number}", f"{rel}#{number}", "bad_warc: the file ends inside a record")
                    return
                if not _is_page(record):
                    skipped += 1
                    continue
                http = record.http_headers
                doc_id, source = f"{base_id}#{number}", f"{rel}#{number}"
                url = record.rec_headers.get_header("WARC-Target-URI")
                metadata = {"url": url} if url else {}
                given += 1
                status = http.get_statuscode() if http is not None else "200"
                if not (status or "").startswith("2"):
                    yield rejection(doc_id, source, f"http_status: {status}", **metadata)
                    continue
                data = record.content_stream().read(config.max_doc_bytes + 1)
                if len(data) > config.max_doc_bytes:
                    yield rejection(doc_id, source, "too_large", **metadata)
                    continue
                if getattr(record.raw_stream, "limit", 0) > 0:
                    # The file ends inside the record's content (warcio
                    # gives what there is, without an error).
                    yield rejection(doc_id, source, "bad_warc: the record is cut off", **metadata)
                    continue
                try:
                    text = decode_bytes(data, html=True)
                except DecodeError as exc:
                    yield rejection(doc_id, source, exc.reason, **metadata)
                    continue
                yield Document(id=doc_id, source=source, text=text, kind="html", metadata=metadata)
            if end < 0 and not isinstance(fh, _Decompressed) and iterator.offset < os.fstat(fh.fileno()).st_size:
                # warcio stops without an error where the file ends inside
                # a record's headers
                yield rejection(f"{base_id}#{number + 1}", f"{rel}#{number + 1}",
                                "bad_warc: the file ends inside a record")
    except FileNotFoundError:
        yield rejection(failed_id, failed_source, VANISHED)
        return
    except BadCompressedFile as exc:
        yield rejection(failed_id, failed_source, exc.reason)
        return
    except ArchiveLoadFailed as exc:
        yield rejection(failed_id, failed_source, f"bad_warc: {str(exc).strip().splitlines()[0][:200]}")
        return
    except OSError as exc:
        yield rejection(failed_id, failed_source, f"{UNREADABLE}: {exc.strerror or exc}")
        return
    except Exception as exc:  # warcio's parser fails on some damaged records with whatever it met
        yield rejection(f"{base_id}#{number + 1}", f"{rel}#{number + 1}",
                        f"bad_warc: {type(exc).__name__} in record {number + 1}")
        return
    if skipped:
        log.info("%s: %d of its records from %d to %d hold no HTML page (requests, images, scripts): skipped",
                 rel, skipped, first, number)
    if not given and part is None:
        # (a part without a page is one of several; warc_ranges makes a file
        # without any one part)
        yield rejection(base_id, rel, "empty: no HTML page in the WARC file")


class _TooLong(bytes):
    pass


_TOO_LONG = _TooLong()


def _bounded_lines(fh, limit: int, length: int | None = None) -> Iterator[bytes]:
    """Lines of a binary stream (its next ``length`` bytes, if given); a
    line longer than ``limit`` is skipped without being held in memory and
    reported as ``_TOO_LONG``."""
    stop = None if length is None else fh.tell() + length
    while True:
        if stop is not None and fh.tell() >= stop:
            return
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = fh.readline(limit + 1)
            yield _TOO_LONG
            continue
        yield line


# Where other tools' exports keep a metadata field (news-please writes
# "authors" as a list and "date_publish"; datatrove and Dolma nest the
# fields in "metadata"), looked at when the record has no field of the
# manifest's own name.
# Other names exports give the metadata fields (news-please, CC-News and
# news APIs: "headline", "byline", "published_at", "domain"...); the first
# one a record has wins, the field's own name first.
_METADATA_ALIASES = {"title": ("headline",), "author": ("authors", "byline"),
                     "date": ("date_publish", "published", "published_at", "publish_date", "date_published",
                              "pubDate"),
                     "sitename": ("source_domain", "site_name", "domain"), "language": ("lang",)}
# A language tag as exports write it ("en", "en-US", "pt_BR", "EN"): its
# two-letter primary subtag is the ISO 639-1 code the manifest gives.
_LANGUAGE_TAG = re.compile(r"\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*\s*")


def _record_metadata(record: dict) -> dict[str, str]:
    nested = record.get("metadata")
    places = (record, nested) if isinstance(nested, dict) else (record,)
    metadata: dict[str, str] = {}
    for name in METADATA_FIELDS:
        for place in places:
            for key in (name, *_METADATA_ALIASES.get(name, ())):
                value = place.get(key)
                if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                    value = ", ".join(v.strip() for v in value if v.strip())
                if isinstance(value, str) and value.strip():
                    metadata[name] = value
                    break
            if name in metadata:
                break
    tag = _LANGUAGE_TAG.fullmatch(metadata.get("language", ""))
    if tag:
        metadata["language"] = tag.group(1).lower()
    return metadata


def _jsonl_record(line: bytes, doc_id: str, source: str, config: ReadConfig = ReadConfig()) -> Document:
    try:
        record = json.loads(decode_bytes(line))
    except DecodeError as exc:
        return rejection(doc_id, source, exc.reason)
    except json.JSONDecodeError as exc:
        return rejection(doc_id, source, f"bad_json: {exc.msg} at column {exc.colno}")
    if not isinstance(record, dict):
        return rejection(doc_id, source, "bad_record: not a JSON object")
    metadata = _record_metadata(record)
    if isinstance(record.get("id"), (str, int)) and not isinstance(record.get("id"), bool):
        metadata["source_id"] = str(record["id"])
    fields = [(key, "html") for key in config.jsonl_html_fields] + [(key, "text") for key in config.jsonl_text_fields]
    present = [(key, kind, record[key]) for key, kind in fields if record.get(key) is not None]
    for at, (key, kind, value) in enumerate(present):
        if not isinstance(value, str):
            return rejection(doc_id, source, f"bad_record: {key!r} is not a string", **metadata)
        if not value.strip() and any(isinstance(v, str) and v.strip() for _, _, v in present[at + 1:]):
            continue  # a blank field beside one that has the article
        return Document(id=doc_id, source=source, text=value, kind=kind, metadata=metadata)
    *others, last = [repr(key) for key, _ in fields]  # (ReadConfig asks for one field or more)
    missing = f"neither {', '.join(others)} nor {last}" if others else f"no {last}"
    return rejection(doc_id, source, f"bad_record: {missing}", **metadata)
