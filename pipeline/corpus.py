"""The clean folder: what has been seen, planned, decided and published.

Layout (the corpus and its state move together)::

    clean/
      <id>.txt                  kept articles (a name too long for the file system: shortened,
                                see text_name; the manifest's path says)
      manifest.jsonl            one record per raw document ever seen
      reports/<run>/            summary.json, removed.jsonl, duplicates.jsonl
      .state/
        state.json              index segments, runs, and which ledger file is current
        ledger/<run>.jsonl      the raw files done, sorted by path
        batches/<run>/          plan, shard outputs and dedup decisions of a run
        index/<run>.npz         signatures of the articles a run kept
        lines/<hash>.npy        per line of a published JSONL export, a hash of it (by the file's hash)

Every file is written to a temporary name and renamed into place.
``manifest.jsonl`` is the commit point for consumers: an article is
published when its record is there. ``state.json`` is the commit point
for the pipeline: a raw file is done when the ledger lists it.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .config import TOKENS, ConfigError, DedupConfig
from .dedup import DedupIndex, Fingerprint, hash_words, shingle_hashes
from .document import DUPLICATE, KEPT, RETRACTED, UNREADABLE
from .packed_index import DiskIndex, id_hash, open_packed
from .sources import (BAD_NAME, MULTI_RECORD_KINDS, JsonlLines, SourceFile, content_hash, cut_lines, iter_sources,
                      jsonl_lines, split_name, warc_ranges)

log = logging.getLogger(__name__)

STATE = ".state"
MANIFEST = "manifest.jsonl"
REPORTS = "reports"
# The shingle hashes of withdrawn articles (``retract``), one file each: a
# copy of a withdrawn text is verified against them once the text is gone.
WITHDRAWN = "withdrawn"
# Per line of each JSONL export published (zstd ones aside), a hash of the line,
# in a file named by the export's content hash: when the export changes (a
# scraper appends to it), only the lines that differ are read again.
LINES = "lines"
STATE_VERSION = 2  # 1: the ledger inside state.json (still read)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp creates files readable by the owner only; published files get the
# permissions an ordinary open() would give them.
_FILE_MODE = 0o666 & ~_current_umask()


class StateError(RuntimeError):
    """The clean folder's state cannot be used as it is."""


# ---------------------------------------------------------------- writing


def atomic_write(path: str | os.PathLike, data: bytes | str, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the
    whole new one, never a part. ``durable=False`` leaves out the fsync of
    the data: for many files made durable together by ``sync_filesystem``
    before anything that refers to them is written."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_writer(path, durable=durable) as fh:
        fh.write(data)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, *, durable: bool = True) -> Iterator[Any]:
    """A binary file handle whose content replaces ``path`` as a whole when
    the block ends without an error (for files written piece by piece)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:80]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), _FILE_MODE)
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def sync_filesystem(folder: str | os.PathLike) -> None:
    """Make everything written to ``folder``'s file system durable: the data
    and the renames of files written with ``durable=False``. One
    ``syncfs(2)`` where the C library has it (Linux), else ``os.sync()``;
    either costs one journal commit instead of one per file."""
    syncfs = _syncfs()
    fd = os.open(folder, os.O_RDONLY)
    try:
        if syncfs is None or syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


@functools.lru_cache(maxsize=1)
def _syncfs():
    """libc's syncfs, looked up on first use (the symbols of the running
    process include libc's: no library search at import)."""
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


# What atomic_write leaves behind if the process is killed between creating
# its temporary file and renaming it: ".<name>.<8 random chars>.tmp".
_STALE_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def remove_stale_temporaries(clean_dir: str | os.PathLike) -> int:
    """Delete temporary files a killed run left in the clean folder. Call
    it holding ``state_lock``: only a publishing run writes there."""
    removed = 0
    folders = [Path(clean_dir)]
    skip = Path(clean_dir) / STATE / "batches"  # Luigi's own targets live there
    while folders:  # scandir streams: the clean folder holds one file per article
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if Path(entry.path) != skip:
                        folders.append(Path(entry.path))
                elif _STALE_TEMP.match(entry.name):
                    os.unlink(entry.path)
                    removed += 1
    return removed


# A run that was planned but never published (it failed or was killed, and
# raw/ changed before the next run, which planned a run of its own) leaves
# its folder under batches/: its shards hold the texts it cleaned. Removed
# once nothing in it changed for this long: a run of another process on the
# same clean folder (cron starting while a long run goes on; workers on
# other hosts) writes its shards every few seconds.
ABANDONED_BATCH_SECONDS = 2 * 24 * 3600


def remove_abandoned_batches(clean_dir: str | os.PathLike, now: float | None = None) -> list[str]:
    """Delete the folders of runs never published in which nothing changed
    for ``ABANDONED_BATCH_SECONDS``; returns their run ids. Call it
    holding ``state_lock``."""
    now = time.time() if now is None else now
    removed = []
    root = Path(clean_dir) / STATE / "batches"
    with contextlib.suppress(FileNotFoundError), os.scandir(root) as runs:
        for run in runs:
            folder = Path(run.path)
            if not run.is_dir(follow_symlinks=False) or (folder / "published.json").exists():
                continue
            try:
                newest = max([run.stat(follow_symlinks=False).st_mtime] +
                             [p.lstat().st_mtime for p in folder.rglob("*")])
            except FileNotFoundError:
                continue  # (changing as it is read: in use)
            if now - newest >= ABANDONED_BATCH_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(run.name)
    return sorted(removed)


def dumps_jsonl(records: Iterable[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)


def read_jsonl(path: str | os.PathLike) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


# ---------------------------------------------------------------- state


class Ledger:
    """The raw files that are done: one JSON line per raw path (size,
    mtime_ns, content hash, id, the ids it published), sorted by path, in
    ``.state/ledger/<run>.jsonl``. It is read as a stream, never held whole:
    planning walks it beside the sorted listing of raw/, deciding and
    publishing pick out the entries of the run's files, and publishing
    writes the next version by merging the run's entries in."""

    def __init__(self, path: Path | None = None, entries: dict[str, dict[str, Any]] | None = None) -> None:
        self.path = path
        self.entries = entries  # held in memory: a state of version 1, or one made in a test

    def __iter__(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(path, entry), sorted by path."""
        if self.entries is not None:
            yield from sorted(self.entries.items())
        elif self.path is not None:
            for record in read_jsonl(self.path):
                yield record.pop("path"), record

    def __contains__(self, path: str) -> bool:
        """(Reads the ledger through: for tests and tools, not for loops.)"""
        return path in self.select([path])

    def select(self, paths: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The entries of ``paths`` (those the ledger has)."""
        wanted = set(paths)
        return {p: e for p, e in self if p in wanted}

    def id_hashes(self) -> np.ndarray:
        """Sorted 64-bit hashes of every id the ledger has given out."""
        return np.sort(id_hash(e["id"] for _, e in self))

    def write_merged(self, path: Path, updates: dict[str, dict[str, Any]]) -> None:
        """This ledger with ``updates`` (path -> entry) merged in, to ``path``."""
        pending = sorted(updates.items())
        at = 0
        with atomic_writer(path) as fh:
            def put(p: str, entry: dict[str, Any]) -> None:
                fh.write((json.dumps({"path": p, **entry}, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
            for p, entry in self:
                while at < len(pending) and pending[at][0] < p:
                    put(*pending[at])
                    at += 1
                if at < len(pending) and pending[at][0] == p:
                    put(*pending[at])
                    at += 1
                else:
                    put(p, entry)
            for p, entry in pending[at:]:
                put(p, entry)


@dataclass
class State:
    ledger: Ledger = field(default_factory=Ledger)
    segments: list[str] = field(default_factory=list)  # runs whose index segment is live, in order
    index_key: dict[str, Any] | None = None
    runs: list[dict[str, Any]] = field(default_factory=list)
    ledger_file: str | None = None  # under .state/

    def __post_init__(self) -> None:
        if isinstance(self.ledger, dict):
            self.ledger = Ledger(entries=self.ledger)

    @classmethod
    def load(cls, clean_dir: str | os.PathLike) -> "State":
        path = Path(clean_dir) / STATE / "state.json"
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StateError(f"cannot read {path}: {exc}") from None
        version = data.get("version")
        if version == 1:  # the ledger inside state.json: moved to its own file when next saved
            ledger = Ledger(entries=data["ledger"])
        elif version == STATE_VERSION:
            ledger = Ledger(Path(clean_dir) / STATE / data["ledger"]) if data["ledger"] else Ledger()
        else:
            raise StateError(f"{path} has state version {version!r}; this pipeline reads {STATE_VERSION}")
        return cls(ledger=ledger, segments=data["segments"], index_key=data["index_key"], runs=data["runs"],
                   ledger_file=data.get("ledger") if version == STATE_VERSION else None)

    def save(self, clean_dir: str | os.PathLike, ledger_updates: dict[str, dict[str, Any]] | None = None,
             name: str = "ledger") -> None:
        """Commit the state: the ledger with ``ledger_updates`` merged in is
        written to ``.state/ledger/<name>.jsonl`` first, then ``state.json``
        names it (the commit point); earlier ledger files are then deleted."""
        state_dir = Path(clean_dir) / STATE
        if ledger_updates or self.ledger.entries is not None:
            self.ledger_file = f"ledger/{name}.jsonl"
            self.ledger.write_merged(state_dir / self.ledger_file, ledger_updates or {})
            self.ledger = Ledger(state_dir / self.ledger_file)
        data = {"version": STATE_VERSION, "ledger": self.ledger_file, "segments": self.segments,
                "index_key": self.index_key, "runs": self.runs}
        atomic_write(state_dir / "state.json", json.dumps(data, sort_keys=True, indent=0))
        for old in (state_dir / "ledger").glob("*.jsonl") if (state_dir / "ledger").is_dir() else ():
            if f"ledger/{old.name}" != self.ledger_file:
                old.unlink(missing_ok=True)

    def check_index(self, config: DedupConfig) -> None:
        if self.index_key is not None and self.index_key != config.index_key():
            raise StateError(
                f"the clean folder's index was built with {self.index_key}, but the run asks for "
                f"{config.index_key()}; signatures made with other settings cannot be compared. "
                "Run with the original --shingle-size/--num-perm (and DedupConfig(tokens="
                f"{self.index_key.get('tokens', 1)}) from Python), or into a new clean folder.")


def index_tokens(clean_dir: str | os.PathLike) -> int:
    """The scheme that cuts texts into words for deduplication
    (``DedupConfig.tokens``) in ``clean_dir``: the one its index was built
    with, the newest for a folder with nothing published. A folder keeps
    its scheme, as its published signatures were made with it."""
    try:
        key = State.load(clean_dir).index_key
    except StateError:
        return TOKENS  # the run reports the unreadable state itself
    return _tokens_of(key)


def _tokens_of(index_key: dict | None) -> int:
    """The word scheme of an index with these settings (``index_key``; None:
    nothing indexed yet, the newest): one whose key does not name it was
    built before the key did, with scheme 1."""
    return TOKENS if index_key is None else int(index_key.get("tokens", 1))


# ---------------------------------------------------------------- planning


@dataclass
class PlannedFile:
    path: str
    id: str
    hash: str
    size: int
    mtime_ns: int
    # A part of a large JSONL export ([start, end, first line, lines], see
    # sources.jsonl_ranges); None: the whole file.
    part: list[int] | None = None
    # A changed JSONL export of which only the lines that differ from its
    # published version are planned (``_changed_parts``): its number of
    # lines now. None: every line of the file is read.
    lines: int | None = None


@dataclass
class Plan:
    run: str
    files: list[PlannedFile]  # a large JSONL export is here once per part
    shards: list[list[int]]  # indices into files
    # The line hashes of the JSONL exports planned, by their
    # content hash (``write_plan`` keeps them beside the plan, ``publish``
    # in the state); not part of plan.json.
    line_hashes: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def file_count(self) -> int:
        """How many raw files the run holds."""
        return len({f.path for f in self.files})

    def raw_files(self) -> list[PlannedFile]:
        """One entry per raw file (a file planned in parts is in ``files``
        once per part; what is per file, its path, id, hash and the ledger's
        record of it, is the same in each)."""
        return list({f.path: f for f in self.files}.values())

    def to_json(self) -> str:
        return json.dumps({"run": self.run, "files": [f.__dict__ for f in self.files], "shards": self.shards},
                          sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Plan":
        data = json.loads(text)
        return cls(data["run"], [PlannedFile(**f) for f in data["files"]], data["shards"])


# The layout of a run's own files under batches/<run>/ (its shard outputs):
# part of the run id, so that a run interrupted before an upgrade that
# changed the layout is planned afresh rather than resumed from files this
# version cannot read. 2: the shards hold their part of the removed-lines
# report. 3: and the kept documents' shingle hashes. 4: each record names
# its raw file ("file"; a path may hold "#", which a JSONL record's source
# also uses).
BATCH_FORMAT = 4


def batch_dir(clean_dir: str | os.PathLike, run: str) -> Path:
    return Path(clean_dir) / STATE / "batches" / run


def check_apart(raw_dir: str | os.PathLike, clean_dir: str | os.PathLike) -> None:
    """Raise ``ConfigError`` when one folder holds the other: a clean folder
    inside the raw one would be read back as input on the next run (its
    texts, its manifest as a JSONL export), and a raw folder inside the
    clean one would have published texts written among raw files."""
    raw, clean = os.path.realpath(raw_dir), os.path.realpath(clean_dir)
    if raw == clean:
        raise ConfigError(f"the raw and clean folders must be different folders, not both {str(raw_dir)!r}")
    if clean.startswith(raw + os.sep):
        raise ConfigError(f"the clean folder {str(clean_dir)!r} must not be inside the raw folder {str(raw_dir)!r}: "
                          "the next run would read the clean texts back as new input")
    if raw.startswith(clean + os.sep):
        raise ConfigError(f"the raw folder {str(raw_dir)!r} must not be inside the clean folder {str(clean_dir)!r}: "
                          "published texts would be written among the raw files")


RAW_FOLDER = "raw_folder.json"  # under .state/: the raw folder a clean folder was made from


def check_raw_folder(raw_dir: str | os.PathLike, clean_dir: str | os.PathLike) -> None:
    """Raise ``ConfigError`` when the clean folder was made from another raw
    folder that still exists. Ids and the ledger are paths relative to the
    raw folder, so a second raw folder's ``story.txt`` would be taken for a
    new version of the first one's and replace its article. A raw folder
    that moved (its old path is gone) is taken as the same folder."""
    path = Path(clean_dir) / STATE / RAW_FOLDER
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))["raw_dir"]
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StateError(f"cannot read {path}: {exc}") from None
    if recorded != os.path.realpath(raw_dir) and os.path.isdir(recorded):
        raise ConfigError(
            f"the clean folder {str(clean_dir)!r} holds the articles of the raw folder {recorded!r}, not "
            f"{str(raw_dir)!r}: files of the same name in the two would replace each other's articles. Use a clean "
            "folder per raw folder, or one raw folder with a subfolder per source")


def record_raw_folder(raw_dir: str | os.PathLike, clean_dir: str | os.PathLike) -> None:
    """Remember the raw folder the clean folder is made from (``check_raw_folder``)."""
    path = Path(clean_dir) / STATE / RAW_FOLDER
    current = os.path.realpath(raw_dir)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("raw_dir") == current:
            return
    except (OSError, ValueError, AttributeError):
        pass
    atomic_write(path, json.dumps({"raw_dir": current}) + "\n")


def plan_batch(raw_dir: str | os.PathLike, clean_dir: str | os.PathLike, config_fingerprint: str,
               shard_size: int, state: State | None = None, workers: int = 1) -> Plan | None:
    """The raw files that are new or changed since the last published run,
    grouped into shards; None when there is nothing to do. Of a changed
    JSONL export whose published version's line hashes are kept, only the
    lines that differ and the new ones (``_changed_parts``).

    The run id is a hash of the files' contents, the configuration and
    ``BATCH_FORMAT``, so planning again after a crash finds the same run and
    its finished parts.
    """
    if shard_size < 1:
        raise ConfigError(f"shard_size must be >= 1, not {shard_size}")
    check_apart(raw_dir, clean_dir)
    check_raw_folder(raw_dir, clean_dir)
    state = state if state is not None else State.load(clean_dir)
    given = state.ledger.id_hashes()  # ids of the ledger, hashed: 8 bytes per published file
    taken: set[str] = set()  # ids given out by this plan

    def is_taken(doc_id: str) -> bool:
        if doc_id in taken:
            return True
        h = id_hash([doc_id])[0]
        at = int(np.searchsorted(given, h))
        return at < len(given) and given[at] == h

    todo: list[PlannedFile] = []
    replaced: set[str] = set()  # ids whose published article a new version of its file replaces
    line_hashes: dict[str, np.ndarray] = {}
    ledger = iter(state.ledger)  # sorted by path, as the listing of raw/ is: walked side by side
    entry = next(ledger, None)
    for src in iter_sources(raw_dir):
        while entry is not None and entry[0] < src.path:
            entry = next(ledger, None)
        known = entry[1] if entry is not None and entry[0] == src.path else None
        if known and known["size"] == src.size and known["mtime_ns"] == src.mtime_ns \
                and not known["hash"].startswith(UNREADABLE):
            continue
        lines: JsonlLines | None = None
        try:
            if not src.name_ok:
                # Reported once, as an unreadable file is; a renamed file is new.
                digest = BAD_NAME
                if not (known and known["hash"] == digest):
                    log.warning("cannot read %s: its name is not UTF-8; rename it", src.path)
            else:
                full = os.path.join(raw_dir, src.path)
                lines = jsonl_lines(full) if split_name(src.path)[1] == "jsonl" else None
                digest = lines.digest if lines is not None else content_hash(full)
        except FileNotFoundError:
            continue  # vanished since discovery: it will be seen again if it comes back
        except OSError as exc:
            # Unreadable (permissions, an I/O error): planned, so the run
            # records it as rejected and says so, once; tried again every
            # run (a chmod leaves size and mtime alone) and read once it can be.
            digest = f"{UNREADABLE}:{exc.errno}"
            if not (known and known["hash"] == digest):
                log.warning("cannot read %s: %s", src.path, exc.strerror or exc)
        if known and known["hash"] == digest:
            continue  # unchanged, or still unreadable and already reported
        doc_id = known["id"] if known else _free_id(src, is_taken)
        taken.add(doc_id)
        changed = None
        if lines is not None and len(lines.hashes) >= LINE_HASHES_MIN_LINES:
            line_hashes[digest] = lines.hashes
            old = _published_line_hashes(clean_dir, known["hash"]) if known and lines.content else None
            if old is None and lines.compressed and lines.content:
                old = np.zeros(0, dtype=np.uint64)  # every line new: parts over the whole text
            if old is not None:
                changed = _changed_parts(lines, old)
        if changed is None:
            todo.extend(PlannedFile(src.path, doc_id, digest, src.size, src.mtime_ns, part)
                        for part in _parts(raw_dir, src, digest, lines))
        else:
            todo.extend(PlannedFile(src.path, doc_id, digest, src.size, src.mtime_ns, part, len(lines.hashes))
                        for part in changed)
        if known and not digest.startswith(UNREADABLE):
            if changed is None:
                replaced.update(known.get("kept", []))
            else:  # the articles of the lines read again
                read_again = covered_lines(changed, len(lines.hashes))
                replaced.update(i for i in known.get("kept", [])
                                if (n := line_of(i, doc_id)) is not None and n < len(read_again) and read_again[n])
    if not todo:
        return None
    if replaced:
        todo = _with_copies(raw_dir, clean_dir, state, todo, replaced)
    # (the parts of an export read in part depend on its published version too)
    key = json.dumps([BATCH_FORMAT, config_fingerprint,
                      [(f.path, f.hash) if f.lines is None else (f.path, f.hash, f.part) for f in todo]])
    run = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Plan(run, todo, _shards(todo, shard_size, workers=workers), line_hashes)


def write_plan(clean_dir: str | os.PathLike, plan: Plan) -> Plan:
    """Keep ``plan`` in its run's folder (``plan.json``, and the line
    hashes of its JSONL exports beside it, written first), unless it is
    there already (a run planned again after a crash, or by a worker of
    another host). Returns the plan the run's tasks follow: the one kept
    first (its shards may have been cut for another number of workers)."""
    folder = batch_dir(clean_dir, plan.run)
    if (folder / "plan.json").exists():
        return Plan.from_json((folder / "plan.json").read_text(encoding="utf-8"))
    for digest, hashes in plan.line_hashes.items():
        buf = io.BytesIO()
        np.save(buf, hashes)
        atomic_write(folder / LINES / f"{digest}.npy", buf.getvalue(), durable=False)
    atomic_write(folder / "plan.json", plan.to_json())
    return plan


def keep_line_hashes(clean_dir: str | os.PathLike, plan: Plan, done: Collection[str]) -> None:
    """Move the line hashes of the exports among ``done`` (paths) from
    the run's folder into the state, before the ledger names their new
    versions (a run published again after a crash finds them there)."""
    source, target = batch_dir(clean_dir, plan.run) / LINES, Path(clean_dir) / STATE / LINES
    try:
        names = os.listdir(source)  # (one listing: a run of 10k text files has no line hashes to look for)
    except FileNotFoundError:
        return
    wanted = {f"{f.hash}.npy" for f in plan.files if f.path in done}
    for name in names:
        if name in wanted:
            target.mkdir(parents=True, exist_ok=True)
            os.replace(source / name, target / name)


def drop_line_hashes(clean_dir: str | os.PathLike, digests: Iterable[str], keep: Collection[str]) -> None:
    """Remove the line hashes of export versions the ledger no longer
    names (``digests``, less those of ``keep``)."""
    for digest in set(digests) - set(keep):
        with contextlib.suppress(FileNotFoundError):
            (Path(clean_dir) / STATE / LINES / f"{digest}.npy").unlink()


def _published_line_hashes(clean_dir: str | os.PathLike, digest: str) -> np.ndarray | None:
    """The line hashes of the published version of an export, or None
    when none were kept (an export published before they were, or one
    whose lines cannot be read alone)."""
    try:
        return np.load(Path(clean_dir) / STATE / LINES / f"{digest}.npy")
    except (OSError, ValueError):
        return None


# The line hashes of an export are kept from this many lines on: a shorter
# one is read whole when it changes (a run of 10k one-record exports would
# write and move 10k files for nothing).
LINE_HASHES_MIN_LINES = 64

# A compressed export (gzip, bzip2, xz) is cleaned in at most this many
# parts, each entered by decompressing the export up to where it starts:
# 16 parts decompress it about 8 times over (0.21 s each for the 33 MB of text
# of 10k planted articles, against ~45 s of a core to clean them), and the
# workers share it.
COMPRESSED_MAX_PARTS = 16

# Runs of changed lines fewer than this many lines apart are read as one
# part (the unchanged lines between them read again), so that an export
# changed on every other line is not planned as a part a line.
CHANGED_GAP_LINES = 4


def _changed_parts(lines: JsonlLines, old: np.ndarray) -> list[list[int]]:
    """The parts of a changed export that hold the lines that differ from
    its published version (``old``: its line hashes) or are new, cut as
    ``jsonl_ranges`` cuts an export (``cut_lines``). Lines the export no longer has are not
    read (their articles stay published, as a whole shorter export's do);
    an export whose lines are all unchanged is one empty part at its end."""
    n = len(lines.hashes)
    common = min(n, len(old))
    changed = np.ones(n, dtype=bool)
    changed[:common] = lines.hashes[:common] != old[:common]
    idx = np.flatnonzero(changed)
    size = int(lines.ends[-1]) if n else 0
    if not len(idx):
        return [[size, -1, n + 1, 0]]
    if lines.compressed:
        # Each part decompresses the export up to where it starts: the lines
        # from the first changed one to the last, in parts of
        # JSONL_PART_LINES lines, or in COMPRESSED_MAX_PARTS larger ones.
        a, b = int(idx[0]), int(idx[-1])
        per_part = max(JSONL_PART_LINES, -(-(b - a + 1) // COMPRESSED_MAX_PARTS))
        return [list(part) for part in cut_lines(lines.ends, a, b, int(lines.ends[-1]) + 1, per_part)]
    breaks = np.flatnonzero(np.diff(idx) > CHANGED_GAP_LINES)
    firsts = np.r_[idx[0], idx[breaks + 1]].tolist()
    lasts = np.r_[idx[breaks], idx[-1]].tolist()
    return [list(part) for a, b in zip(firsts, lasts)
            for part in cut_lines(lines.ends, a, b, JSONL_PART_BYTES, JSONL_PART_LINES)]


def covered_lines(parts: Iterable[list[int]], lines: int) -> np.ndarray:
    """Per line number (0 unused, up to ``lines``), whether one of
    ``parts`` holds it."""
    out = np.zeros(lines + 2, dtype=bool)
    for _, _, first, count in parts:
        out[first:first + count] = True
    return out


def line_of(doc_id: str, file_doc_id: str) -> int | None:
    """The line of a JSONL record's id (``<file id>#<line>``), or None."""
    prefix, sep, number = doc_id.rpartition("#")
    return int(number) if sep and prefix == file_doc_id and number.isdigit() else None


# The records of a JSONL file are ``<its id>#<line number>``, so no file's
# own id may end like one: ``a#2.txt`` beside ``a.jsonl`` would share the id
# ``a#2`` with the second record, and one of the two would be lost.
_RECORD_ID_END = re.compile(r"#\d+$")


# A JSONL export of more than JSONL_SPLIT_BYTES is planned in parts cut at
# line ends, of at most JSONL_PART_LINES articles and about JSONL_PART_BYTES:
# a shard holds parts, not the whole export (which may be gigabytes), the
# parts of one export are cleaned in parallel, and shards are cut by
# articles as they are for files (``_shards``).
JSONL_SPLIT_BYTES = 256 * 1024
JSONL_PART_LINES = 250
JSONL_PART_BYTES = 8 * 1024 * 1024


# A WARC file of more than WARC_SPLIT_BYTES is planned in parts cut between
# records (``sources.warc_ranges``): a crawl's one large file is cleaned by
# all workers, a part of at most WARC_PART_RECORDS records (requests and
# responses; ~a third of them pages) and about WARC_PART_BYTES of the file
# in each shard. Planning reads the file through once to find the records.
WARC_SPLIT_BYTES = 8 * 1024 * 1024
WARC_PART_RECORDS = 1000
WARC_PART_BYTES = 4 * 1024 * 1024


def _parts(raw_dir: str | os.PathLike, src: SourceFile, digest: str,
           lines: JsonlLines | None) -> list[list[int] | None]:
    """The parts ``src`` is planned in: [None] (the whole file) unless it is
    a large, uncompressed JSONL export with a record (its ``lines``, read
    in planning, are cut: ``cut_lines``) or a large WARC file that can be
    entered at a record (uncompressed, or gzipped record by record). (A
    compressed export's parts are ``_changed_parts``'.)"""
    _, kind, _ = split_name(src.path)
    if digest.startswith(UNREADABLE):
        return [None]
    path = os.path.join(raw_dir, src.path)
    try:
        if kind == "jsonl":
            if lines is None or lines.compressed or not lines.content or src.size <= JSONL_SPLIT_BYTES:
                return [None]
            parts = cut_lines(lines.ends, 0, len(lines.ends) - 1, JSONL_PART_BYTES, JSONL_PART_LINES)
        elif kind == "warc" and src.size > WARC_SPLIT_BYTES:
            parts = warc_ranges(path, WARC_PART_BYTES, WARC_PART_RECORDS)
        else:
            return [None]
    except OSError:
        return [None]  # read whole, and its error recorded, by the shard
    return [list(part) for part in parts] if len(parts) > 1 else [None]


def _with_copies(raw_dir: str | os.PathLike, clean_dir: str | os.PathLike, state: State, todo: list[PlannedFile],
                 replaced: set[str]) -> list[PlannedFile]:
    """``todo`` and the unchanged raw files of the documents published as
    copies of a ``replaced`` article, in path order: they are decided again
    against its new version. A file that changes to another story would
    otherwise leave its old story's copies pointing at a text that no
    longer holds it, and the story in no published text."""
    planned = {f.path for f in todo}
    files: set[str] = set()
    path = Path(clean_dir) / MANIFEST
    if path.exists():
        for record in read_jsonl(path):
            if record.get("status") == DUPLICATE and record.get("duplicate_of") in replaced:
                files.add(_raw_file(record["source"]))
    files -= planned
    if not files:
        return todo
    extra = []
    for p, entry in state.ledger.select(files).items():
        # Only files that published nothing: an article of theirs decided
        # again would compete with the run's new documents as one of them,
        # and could lose to a later copy. A copy whose file is gone cannot
        # be read again.
        if not entry.get("kept") and os.path.isfile(os.path.join(raw_dir, p)):
            extra.append(PlannedFile(p, entry["id"], entry["hash"], entry["size"], entry["mtime_ns"]))
    if extra:
        log.info("deciding again %d unchanged files that held copies of replaced articles", len(extra))
    return sorted(todo + extra, key=lambda f: f.path)


_RECORD = re.compile(r"^(.*)#\d+$")  # a JSONL record's source or id: its file's, "#", its line


def _raw_file(source: str) -> str:
    """The raw file of a manifest record's source: ``feed.jsonl#3`` is line
    3 of ``feed.jsonl``; any other source is the file itself (a supported
    file's name ends in its kind, never in ``#<digits>``)."""
    match = _RECORD.match(source)
    if match and split_name(match.group(1))[1] in MULTI_RECORD_KINDS:
        return match.group(1)
    return source


def file_id(doc_id: str) -> str:
    """The id of the raw file a document's id belongs to: a JSONL record's
    is its file's id and ``#<line>``; no file's own id ends that way
    (``_free_id``)."""
    match = _RECORD.match(doc_id)
    return match.group(1) if match else doc_id


def _free_id(src: SourceFile, is_taken: Callable[[str], bool]) -> str:
    """The id of a raw file: its path without extension, or, when another
    file already has that id (``a.txt`` and ``a.html``) or the id would read
    as a JSONL record's (``a#2.txt``), its full path. A name without an
    extension that ends like a record id gets ``#file`` after it."""
    stem, _, _ = split_name(src.path)
    if not _RECORD_ID_END.search(stem) and not is_taken(stem):
        return stem
    return src.path + "#file" if _RECORD_ID_END.search(src.path) else src.path


# Runs of this many files or more are cut into at least MIN_SHARDS shards,
# so that the workers balance pages of very different cost between them.
# Not more nor smaller: lines recurring across the documents of a shard are
# site chrome, and shards of 50 documents find too little of it (tried: on
# the planted benchmark of tests/test_dedup_planted.py, chrome left in made
# 12 pairs of different stories look like copies).
MIN_SHARDS = 8
MIN_SHARD_FILES = 100
# And shards of at most about this estimated cost (``file_cost``): ~35 HTML
# pages, 2-3 s of a worker's time, so that the workers finish close
# together. Smaller shards cost a task each (Luigi forks a process per task;
# with the parent's heap frozen, see tasks/corpus.py, the extra tasks cost
# no measurable work); on the 890 benchmark pages, 26 shards instead of 8
# took the run from 35.5 s to 30-33 s. Text shards stay limited by their
# file count (``shard_size``); in a run that mixes HTML with text, the text
# of a shard is fewer documents to find recurring chrome in.
SHARD_COST_BYTES = 24 * 1024 * 1024
# What a file costs to clean, in bytes of text: its size plus a fixed cost
# per file. An HTML page costs trafilatura ~50 ms however small it is and
# ~0.09 us per byte (890 benchmark pages: correlation of time and size only
# 0.18), so a page counts as 512 KB more than its size; scraped text costs
# about its size.
FILE_COST_BYTES = {"html": 512 * 1024}
DEFAULT_FILE_COST_BYTES = 2 * 1024
# A WARC file is many pages, each of the cost above: about one per 50 KB
# of the file (a page of ~100 KB compressed to half, as .warc.gz files are).
WARC_COST_PER_BYTE = FILE_COST_BYTES["html"] // (50 * 1024)


def file_cost(f: PlannedFile) -> int:
    """The estimated cost of cleaning ``f``, in bytes (see FILE_COST_BYTES)."""
    _, kind, _ = split_name(f.path)
    if kind == "warc":
        return _bytes(f) * WARC_COST_PER_BYTE
    return _bytes(f) + FILE_COST_BYTES.get(kind or "", DEFAULT_FILE_COST_BYTES)


def _bytes(f: PlannedFile) -> int:
    """The bytes ``f`` stands for: its part of the file, or the file."""
    if f.part is None:
        return f.size
    start, end = f.part[:2]
    return (end if end >= 0 else f.size) - start


def _documents(f: PlannedFile) -> int:
    """How many documents ``f`` counts for when shards are cut: a part of
    a JSONL export its lines, a part of a WARC file its records, any other
    file one (a small file's records are not counted: reading it would cost
    planning a second pass)."""
    return f.part[3] if f.part is not None else 1


def _shards(files: list[PlannedFile], shard_size: int, shard_bytes: int = 256 * 1024 * 1024,
            workers: int = 1) -> list[list[int]]:
    """Consecutive files in shards of even estimated cost (``file_cost``:
    size, plus a fixed cost per file that for HTML outweighs the size), of
    at most ``shard_size`` files (a part of a JSONL export counts as its
    lines, ``_documents``) and about ``shard_bytes`` of raw data; at least
    ``MIN_SHARDS`` of them for runs of ``MIN_SHARDS * MIN_SHARD_FILES``
    files or more, and none much above ``SHARD_COST_BYTES`` of estimated
    cost. A run of at least ``workers`` shards gets a multiple of
    ``workers`` where its shards keep ``MIN_SHARD_FILES`` documents, so that
    the last round of shards keeps every worker busy.

    Cut at even shares of the total cost rather than filled one by one up
    to the caps: filling left a remainder shard (9,815 text files at 1,000
    a shard: ten of 934-1,000 files and one of 38, run alone by one worker
    while the other waited at the end of the run)."""
    if not files:
        return [[]]
    costs = [max(1, file_cost(f)) for f in files]
    docs = [_documents(f) for f in files]
    sizes = [_bytes(f) for f in files]
    count = max(-(-sum(docs) // max(1, shard_size)), -(-sum(sizes) // shard_bytes),
                min(MIN_SHARDS, sum(docs) // MIN_SHARD_FILES), -(-sum(costs) // SHARD_COST_BYTES), 1)

    def within_caps(shard: list[int]) -> bool:
        return len(shard) == 1 or (sum(docs[i] for i in shard) <= shard_size
                                   and sum(sizes[i] for i in shard) <= shard_bytes)

    while count <= len(files):
        if workers > 1 and count >= workers:
            # Not below MIN_SHARD_FILES documents a shard: a shard finds a
            # site's chrome by its lines recurring across the documents
            # (rounding 3 shards of ~113 up to 4 of ~85 left chrome in and
            # merged different stories of tests/test_dedup_planted.py).
            rounded = min(len(files), -(-count // workers) * workers)
            if sum(docs) >= rounded * MIN_SHARD_FILES:
                count = rounded
        shards = _even_cut(costs, count)
        if all(map(within_caps, shards)):
            return shards
        count = max(count + 1, count * 9 // 8)
    return [[i] for i in range(len(files))]


def _even_cut(costs: list[int], count: int) -> list[list[int]]:
    """Consecutive indexes into ``count`` parts of about even total cost: each
    goes to the part its cost's midpoint falls in (a part may stay empty
    where one item costs more than a part's share; it is left out)."""
    total = sum(costs)
    parts: list[list[int]] = [[] for _ in range(count)]
    before = 0
    for i, cost in enumerate(costs):
        parts[min(count - 1, int((before + cost / 2) * count / total))].append(i)
        before += cost
    return [part for part in parts if part]


@contextlib.contextmanager
def state_lock(clean_dir: str | os.PathLike) -> Iterator[None]:
    """Hold the clean folder's state lock (an exclusive ``flock`` on
    ``.state/lock``): deciding against the published index and publishing
    read and rewrite the state, so runs that share a clean folder take
    turns. A second run waits here; the lock goes with the process, so a
    killed run never leaves it held."""
    path = Path(clean_dir) / STATE / "lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------- the index


def segment_path(clean_dir: str | os.PathLike, run: str) -> Path:
    return Path(clean_dir) / STATE / "index" / f"{run}.npz"


def write_segment(path: str | os.PathLike, kept: list[tuple[str, Fingerprint]], removed: list[str],
                  num_perm: int) -> None:
    """The signatures of the articles one run kept, and the ids it took out
    of the index (earlier versions of changed raw files)."""
    import io
    buf = io.BytesIO()
    sigs = np.vstack([fp.signature for _, fp in kept]) if kept else np.zeros((0, num_perm), dtype=np.uint32)
    np.savez(buf, ids=np.array([i for i, _ in kept], dtype=str), exact=np.array([fp.exact for _, fp in kept], dtype=str),
             signatures=sigs.astype(np.uint32), removed=np.array(removed, dtype=str))
    atomic_write(path, buf.getvalue())


def read_segments(clean_dir: str | os.PathLike, runs: list[str]
                  ) -> Iterator[tuple[str, list[str], list[tuple[str, Fingerprint]]]]:
    """(run, ids it took out, (id, fingerprint) of the articles it kept)."""
    for run in runs:
        with np.load(segment_path(clean_dir, run)) as seg:
            kept = [(doc_id, Fingerprint(exact, sig)) for doc_id, exact, sig
                    in zip(seg["ids"].tolist(), seg["exact"].tolist(), seg["signatures"])]
            yield run, seg["removed"].tolist(), kept


def load_index(clean_dir: str | os.PathLike, state: State, config: DedupConfig,
               redis_url: str | None = None) -> DedupIndex:
    """The index of everything published, from the live segments: no text
    is read or hashed again. The published part is memory-mapped from its
    packed form on disk (``packed_index.py``), extended with the segments
    published since it was made. With ``redis_url`` it lives in Redis
    (``shared_index.py``) instead, and only the segments Redis lacks are read."""
    state.check_index(config)
    if redis_url:
        from .shared_index import RedisIndex, namespace
        index = RedisIndex(config, redis_url, namespace(clean_dir, config))
        index.sync(lambda runs: read_segments(clean_dir, runs), list(state.segments))
        return index
    index = DiskIndex(config)
    index.packed = open_packed(Path(clean_dir) / STATE, list(state.segments), index,
                               lambda runs: read_segments(clean_dir, runs))
    return index


# ---------------------------------------------------------------- the manifest


def read_manifest(clean_dir: str | os.PathLike, only: Collection[str] | None = None) -> dict[str, dict]:
    """The manifest's records by id; with ``only``, just those ids (read
    as a stream, so memory follows ``only``, not the manifest)."""
    path = Path(clean_dir) / MANIFEST
    if not path.exists():
        return {}
    return {r["id"]: r for r in read_jsonl(path) if only is None or r["id"] in only}


def retract(clean_dir: str | os.PathLike, ids: Collection[str], reason: str = RETRACTED) -> list[str]:
    """Withdraw published articles (a takedown request, a retraction): each
    one's manifest record becomes ``retracted`` with ``reason`` and its text
    is deleted. It stays withdrawn: its signature stays in the dedup index
    and its shingle hashes are kept (``_keep_shingles``), so a later copy
    of it is a duplicate of the withdrawn article (and not published), and
    a new version of its raw file is neither published nor indexed
    (``batch.decide``).
    Returns the ids withdrawn now (those withdrawn before are left as they
    are); an id that is not a published article is an error, and then
    nothing changes."""
    clean = Path(clean_dir)
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise ConfigError("no article to retract: give the ids of published articles")
    if not reason.strip():
        raise ConfigError("a retraction needs a reason")
    if not (clean / MANIFEST).is_file():
        raise ConfigError(f"no corpus is published in {str(clean)!r}: nothing to retract")
    with state_lock(clean):
        records = read_manifest(clean, only=set(wanted))
        unknown = [i for i in wanted if i not in records]
        unpublished = [f"{i} ({records[i]['status']})" for i in wanted
                       if i in records and records[i]["status"] not in (KEPT, RETRACTED)]
        if unknown or unpublished:
            problems = ([f"not in the manifest: {', '.join(unknown)}"] if unknown else []) + \
                ([f"not published: {', '.join(unpublished)}"] if unpublished else [])
            raise ConfigError(f"nothing retracted; {'; '.join(problems)}")
        todo = {i for i in wanted if records[i]["status"] == KEPT}
        _keep_shingles(clean, sorted(todo))
        if todo:
            with atomic_writer(clean / MANIFEST) as fh, open(clean / MANIFEST, "rb") as old_fh:
                for line in old_fh:
                    if not line.strip():
                        continue
                    record = json.loads(line)
                    if record["id"] in todo:
                        record.update(status=RETRACTED, path=None, reason=reason.strip(), chars=0, sha256=None)
                        line = dumps_jsonl([record]).encode("utf-8")
                    fh.write(line if line.endswith(b"\n") else line + b"\n")
        for doc_id in wanted:  # after the manifest no longer names them (again, for a retraction cut short)
            text_path(clean, doc_id).unlink(missing_ok=True)
    return sorted(todo)


def _keep_shingles(clean: Path, ids: list[str]) -> None:
    """Before their texts are deleted: the shingle hashes of withdrawn
    articles, made as deduplication makes them for the folder's index
    (its word scheme and shingle size), so that a near copy of a withdrawn
    text is still verified as one (the index finds it as a candidate by its
    signature, which stays; verifying the pair needs the shingles). Hashes
    only: the text itself is not kept."""
    key = State.load(clean).index_key
    tokens = _tokens_of(key)
    shingle_size = DedupConfig().shingle_size if key is None else int(key["shingle_size"])
    folder = clean / STATE / WITHDRAWN
    for doc_id in ids:
        text = published_text(clean, doc_id)
        if text is None:
            continue
        shingles = shingle_hashes(hash_words(text, tokens), shingle_size)
        buf = io.BytesIO()
        np.save(buf, shingles.astype(np.uint32))
        atomic_write(folder / _withdrawn_name(doc_id), buf.getvalue())


def _withdrawn_name(doc_id: str) -> str:
    return hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".npy"


def withdrawn_shingles(clean_dir: str | os.PathLike, doc_id: str) -> np.ndarray | None:
    """The shingle hashes ``retract`` kept of a withdrawn article, or None."""
    try:
        return np.load(Path(clean_dir) / STATE / WITHDRAWN / _withdrawn_name(doc_id))
    except FileNotFoundError:
        return None


NAME_MAX = 255  # bytes in one file name, on the usual Linux file systems
_SHORT_NAME_BYTES = 200


_TEXT_LIKE_FOLDER = re.compile(r"\.txt~*$")


def text_name(doc_id: str) -> str:
    """The text file of a kept article, relative to the clean folder:
    ``<id>.txt``; or, where that name would be longer than a file system
    allows (a raw name near 255 bytes plus a record number or its kept
    extension), the name's first 200 bytes, ``~`` and a hash of the id. A
    folder of the id whose name ends like a text (``a.txt/``, ``a.txt~/``)
    gets one more ``~``: the folder of ``a.txt/b`` never meets the text of
    ``a`` (``a.txt``), and no two folders meet. The manifest's ``path``
    says which."""
    folder, sep, _ = doc_id.rpartition("/")
    if ".txt" in folder:
        folder = "/".join(part + "~" if _TEXT_LIKE_FOLDER.search(part) else part for part in folder.split("/"))
    return folder + sep + _file_name(doc_id)


def _file_name(doc_id: str) -> str:
    name = doc_id.rpartition("/")[2]
    if len(name.encode("utf-8")) + 4 <= NAME_MAX:
        return f"{name}.txt"
    short = name.encode("utf-8")[:_SHORT_NAME_BYTES].decode("utf-8", "ignore")
    return f"{short}~{hashlib.sha256(doc_id.encode('utf-8')).hexdigest()[:16]}.txt"


def text_path(clean_dir: str | os.PathLike, doc_id: str) -> Path:
    return Path(clean_dir) / text_name(doc_id)


def legacy_text_path(clean_dir: str | os.PathLike, doc_id: str) -> Path | None:
    """Where versions before folder names were escaped put the text, where
    that differs: an article published then is still read, and removed
    (with the folders it leaves empty) once its document is decided again.
    Only for folders named ``*.txt``: the old place of a text under
    ``a.txt~/`` is the new place of one under ``a.txt/``."""
    folder, sep, _ = doc_id.rpartition("/")
    if ".txt" not in folder:
        return None
    escaped = [part for part in folder.split("/") if _TEXT_LIKE_FOLDER.search(part)]
    if not escaped or any(part.endswith("~") for part in escaped):
        return None
    return Path(clean_dir) / (folder + sep + _file_name(doc_id))


def published_text(clean_dir: str | os.PathLike, doc_id: str) -> str | None:
    for path in (text_path(clean_dir, doc_id), legacy_text_path(clean_dir, doc_id)):
        try:
            return path.read_text(encoding="utf-8") if path else None
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            pass
    return None
