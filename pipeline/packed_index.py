"""The published index on disk, memory-mapped, so a run's memory does not
grow with the published corpus.

The index segments (``corpus.py``: the signatures each published run kept,
and the ids it took out) stay the source of truth. This module keeps a
*packed* form of everything they hold under ``.state/packed/<digest>/``,
where the digest names the list of segments it covers:

    keys.npy, key_rows.npy      LSH band keys (uint64, sorted) and their rows
    exact.npy, exact_rows.npy   exact-text hashes (sorted) and their rows
    idh.npy, id_rows.npy        64-bit hashes of ids (sorted) and their rows
    offsets.npy, names.bin      row -> id (UTF-8, concatenated)
    meta.json                   the segments covered, row counts, banding

Only live rows have keys, exact hashes and id hashes; the rows of removed
or replaced articles keep their name and nothing else. A run opens the
arrays with ``mmap``: a query reads a few pages of them, and the resident
memory is what the queries touched, not the corpus.

When runs have been published since the packed index was made, it is
extended: the new segments (a batch's worth of articles) are read into
memory and merged into new sorted arrays chunk by chunk, streaming the old
ones from disk (``_merge``), so extending costs memory of the order of the
batch and one sequential rewrite of the arrays. The new directory is written
under a temporary name and renamed into place; older ones are then deleted.
The packed index is a cache: deleting ``.state/packed`` is safe, the next
run rebuilds it from the segments (that one build holds all live articles
in memory once).
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import xxhash

from .dedup import DedupIndex, Fingerprint

PACKED = "packed"
FORMAT = 1
# Entries merged per step: 4M band keys are 48 MB with their rows.
_CHUNK = 1 << 22
_EXACT = np.dtype("S32")  # dedup.exact_hash: 128-bit xxh3 in hex

Segments = Iterable[tuple[str, list[str], list[tuple[str, Fingerprint]]]]


def id_hash(doc_ids: Iterable[str]) -> np.ndarray:
    return np.fromiter((xxhash.xxh3_64_intdigest(i.encode("utf-8")) for i in doc_ids), dtype=np.uint64)


def packed_root(state_dir: str | os.PathLike) -> Path:
    return Path(state_dir) / PACKED


def _digest(segments: list[str], key: dict) -> str:
    blob = json.dumps([FORMAT, sorted(key.items()), segments])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


class PackedIndex:
    """The memory-mapped published part of a ``DiskIndex``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))

        def load(name: str) -> np.ndarray:
            try:
                return np.load(path / f"{name}.npy", mmap_mode="r")
            except ValueError:  # an empty array: nothing to map
                return np.load(path / f"{name}.npy")
        self.keys, self.key_rows = load("keys"), load("key_rows")
        self.exact, self.exact_rows = load("exact"), load("exact_rows")
        self.idh, self.id_rows = load("idh"), load("id_rows")
        self.offsets = load("offsets")
        size = os.path.getsize(path / "names.bin")
        self.names = np.memmap(path / "names.bin", dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)

    @property
    def segments(self) -> list[str]:
        return self.meta["segments"]

    @property
    def rows(self) -> int:
        return len(self.offsets) - 1

    def __len__(self) -> int:
        return len(self.idh)

    def name(self, row: int) -> str:
        return bytes(self.names[int(self.offsets[row]):int(self.offsets[row + 1])]).decode("utf-8")

    def candidates(self, band_keys: np.ndarray) -> set[str]:
        if not len(self.keys):  # nothing published yet: a corpus's first run
            return set()
        lo = np.searchsorted(self.keys, band_keys, side="left")
        hi = np.searchsorted(self.keys, band_keys, side="right")
        rows = {int(r) for a, b in zip(lo.tolist(), hi.tolist()) if b > a for r in self.key_rows[a:b]}
        return {self.name(r) for r in rows}

    def exact_match(self, exact: str) -> str | None:
        """The earliest live article whose text hashes to ``exact``."""
        if not len(self.exact):
            return None
        key = np.bytes_(exact.encode("ascii"))
        at = int(np.searchsorted(self.exact, key, side="left"))
        if at < len(self.exact) and self.exact[at] == key:
            return self.name(int(self.exact_rows[at]))
        return None

    def row_of(self, doc_id: str) -> int | None:
        """The live row of ``doc_id``, or None."""
        h = id_hash([doc_id])[0]
        lo, hi = np.searchsorted(self.idh, h, side="left"), np.searchsorted(self.idh, h, side="right")
        for row in self.id_rows[lo:hi]:
            if self.name(int(row)) == doc_id:
                return int(row)
        return None


class DiskIndex(DedupIndex):
    """A ``DedupIndex`` whose published part is a ``PackedIndex`` on disk;
    what the run adds lives in memory (``DedupIndex``), and the published
    articles the run takes out (earlier versions of changed raw files) are
    hidden, not deleted: the run's segment records them, and the next
    packing drops them."""

    def __init__(self, config, packed: PackedIndex | None = None) -> None:
        super().__init__(config)
        self.packed = packed  # set by the caller when packing needs this index's banding first
        self.hidden: set[str] = set()

    def __len__(self) -> int:
        hidden = sum(1 for i in self.hidden if self.packed.row_of(i) is not None)
        return len(self.packed) - hidden + len(self.ids)

    def exact_match(self, exact: str) -> str | None:
        found = super().exact_match(exact)
        if found is not None:
            return found
        found = self.packed.exact_match(exact)
        return None if found is None or found in self.hidden else found

    def remove(self, doc_id: str) -> None:
        if doc_id in self.ids:
            super().remove(doc_id)
        self.hidden.add(doc_id)  # its published version, if there is one

    def candidates(self, fp: Fingerprint) -> list[str]:
        published = self.packed.candidates(np.array(self.keys_of(fp), dtype=np.uint64)) - self.hidden
        return sorted(published.union(super().candidates(fp)))


# ---------------------------------------------------------------- packing


def open_packed(state_dir: str | os.PathLike, segments: list[str], index: DedupIndex,
                read_segments) -> PackedIndex:
    """The packed index of exactly ``segments`` (the published runs, in
    order), made or extended as needed. ``index`` gives the banding
    (``band_keys``); ``read_segments(runs)`` yields (run, removed ids,
    kept items) of the runs asked for."""
    root = packed_root(state_dir)
    key = {"bands": index.bands, "rows": index.rows, **index.config.index_key()}
    target = root / _digest(segments, key)
    if not (target / "meta.json").exists():
        base = _best_base(root, segments, key)
        missing = segments[len(base.segments):] if base else segments
        _pack(base, read_segments(missing), segments, key, index, target)
    for other in root.iterdir():
        if other != target:
            shutil.rmtree(other, ignore_errors=True)  # superseded, or a temporary left by a killed run
    return PackedIndex(target)


def _best_base(root: Path, segments: list[str], key: dict) -> PackedIndex | None:
    """The packed index that covers the longest prefix of ``segments``."""
    best = None
    if root.is_dir():
        for path in root.iterdir():
            if path.name.startswith(".tmp-"):
                continue  # left by a run killed while packing
            try:
                packed = PackedIndex(path)
            except (OSError, ValueError):
                continue  # damaged: ignored, then deleted
            covered = packed.segments
            if packed.meta.get("key") == key and covered == segments[:len(covered)] \
                    and (best is None or len(covered) > len(best.segments)):
                best = packed
    return best


def _pack(base: PackedIndex | None, new_segments: Segments, segments: list[str], key: dict,
          index: DedupIndex, target: Path) -> None:
    old_rows = base.rows if base else 0
    dead: set[int] = set()  # rows of base that are no longer live
    fresh: dict[str, int] = {}  # id -> position in new_items, while live
    new_items: list[tuple[str, Fingerprint] | None] = []

    def kill(doc_id: str) -> None:
        if doc_id in fresh:
            new_items[fresh.pop(doc_id)] = None
        elif base is not None:
            row = base.row_of(doc_id)
            if row is not None:
                dead.add(row)

    for _, removed, kept in new_segments:
        for doc_id in removed:
            kill(doc_id)
        for doc_id, fp in kept:
            kill(doc_id)
            fresh[doc_id] = len(new_items)
            new_items.append((doc_id, fp))

    # Rows of the new articles follow the base's; a row killed before it was
    # packed keeps its name only (names and rows never move).
    names = [item[0] if item else "" for item in new_items]
    live = [i for i, item in enumerate(new_items) if item is not None]
    rows = np.array([old_rows + i for i in live], dtype=np.uint32)
    sigs = [new_items[i][1].signature for i in live]
    band = index.band_keys(np.vstack(sigs)) if sigs else np.zeros((0, index.bands), dtype=np.uint64)
    exact = np.array([new_items[i][1].exact.encode("ascii") for i in live], dtype=_EXACT)
    if any(len(new_items[i][1].exact) != _EXACT.itemsize for i in live):
        raise ValueError(f"exact hashes must be {_EXACT.itemsize} hex digits (dedup.exact_hash)")
    dead_rows = np.array(sorted(dead), dtype=np.uint32)

    def of(*names: str):
        return tuple(getattr(base, n) for n in names) if base is not None else None

    root = target.parent
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
    os.mkdir(tmp)  # its mode from the umask, as every folder the pipeline makes
    try:
        _merge(of("keys", "key_rows"), band.ravel(), np.repeat(rows, index.bands), dead_rows,
               tmp / "keys.npy", tmp / "key_rows.npy", np.uint64)
        _merge(of("exact", "exact_rows"), exact, rows, dead_rows,
               tmp / "exact.npy", tmp / "exact_rows.npy", _EXACT)
        _merge(of("idh", "id_rows"), id_hash(new_items[i][0] for i in live), rows, dead_rows,
               tmp / "idh.npy", tmp / "id_rows.npy", np.uint64)
        _write_names(base, names, tmp)
        meta = {"format": FORMAT, "key": key, "segments": segments, "rows": old_rows + len(names)}
        (tmp / "meta.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _merge(old: tuple[np.ndarray, np.ndarray] | None, new_keys: np.ndarray, new_rows: np.ndarray,
           dead_rows: np.ndarray, keys_path: Path, rows_path: Path, dtype) -> None:
    """Write the sorted union of ``old`` (keys, rows; memory-mapped, the
    entries of ``dead_rows`` dropped) and the new entries, ``_CHUNK`` old
    entries at a time."""
    order = np.argsort(new_keys, kind="stable")
    new_keys, new_rows = new_keys[order].astype(dtype), new_rows[order]
    old_keys, old_rows = old if old is not None else (np.zeros(0, dtype), np.zeros(0, np.uint32))
    size = len(old_keys) + len(new_keys)
    if len(dead_rows):
        size -= sum(int(np.isin(old_rows[s:s + _CHUNK], dead_rows).sum()) for s in range(0, len(old_rows), _CHUNK))
    out_keys = _open_out(keys_path, dtype, size)
    out_rows = _open_out(rows_path, np.uint32, size)
    at = taken = 0
    for start in range(0, max(len(old_keys), 1), _CHUNK):
        keys = np.asarray(old_keys[start:start + _CHUNK])
        rows = np.asarray(old_rows[start:start + _CHUNK])
        if len(dead_rows):
            alive = ~np.isin(rows, dead_rows)
            keys, rows = keys[alive], rows[alive]
        end = start + _CHUNK
        upto = int(np.searchsorted(new_keys, old_keys[end], side="left")) if end < len(old_keys) else len(new_keys)
        keys = np.concatenate([keys, new_keys[taken:upto]])
        rows = np.concatenate([rows, new_rows[taken:upto]])
        taken = upto
        order = np.argsort(keys, kind="stable")
        if out_keys is not None:
            out_keys[at:at + len(keys)] = keys[order]
            out_rows[at:at + len(keys)] = rows[order]
        at += len(keys)
    assert at == size and taken == len(new_keys), (at, size, taken, len(new_keys))
    for arr in (out_keys, out_rows):
        if arr is not None:
            arr.flush()
    if out_keys is None:
        np.save(keys_path, np.zeros(0, dtype))
        np.save(rows_path, np.zeros(0, np.uint32))


def _open_out(path: Path, dtype, size: int):
    if size == 0:
        return None
    return np.lib.format.open_memmap(path, mode="w+", dtype=np.dtype(dtype), shape=(size,))


def _write_names(base: PackedIndex | None, names: list[str], out: Path) -> None:
    """names.bin and offsets.npy: the base's, then the new rows'."""
    encoded = [n.encode("utf-8") for n in names]
    start = int(base.offsets[-1]) if base is not None else 0
    with open(out / "names.bin", "wb") as fh:
        if base is not None:
            with open(base.path / "names.bin", "rb") as old:
                shutil.copyfileobj(old, fh, 1 << 22)
        for name in encoded:
            fh.write(name)
    lengths = np.fromiter((len(n) for n in encoded), dtype=np.uint64, count=len(encoded))
    old_offsets = base.offsets if base is not None else np.zeros(1, np.uint64)
    offsets = _open_out(out / "offsets.npy", np.uint64, len(old_offsets) + len(encoded))
    for s in range(0, len(old_offsets), _CHUNK):
        e = min(s + _CHUNK, len(old_offsets))
        offsets[s:e] = old_offsets[s:e]
    offsets[len(old_offsets):] = start + np.cumsum(lengths)
    offsets.flush()


def iter_packed_ids(packed: PackedIndex) -> Iterator[str]:
    """The live ids of a packed index (for tests and tools)."""
    for row in np.sort(np.asarray(packed.id_rows)):
        yield packed.name(int(row))
