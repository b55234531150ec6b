"""The three steps of a run, as plain functions the Luigi tasks call.

``clean_shard``  raw files of one shard -> a ``Shard``: records, signatures,
                 its part of the removed-lines report
``decide``       all shard records of a run + the published index -> decisions
``publish``      decisions -> clean/<id>.txt, manifest, reports, state
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import report
from .boilerplate import day_of
from .clean import EXTRACTION, clean_documents
from .config import CleanConfig, DedupConfig, ReadConfig
from .corpus import (MANIFEST, REPORTS, Plan, State, StateError, atomic_write, atomic_writer, covered_lines,
                     drop_line_hashes, dumps_jsonl, file_id, keep_line_hashes, legacy_text_path, line_of, load_index,
                     published_text, read_manifest, segment_path, sync_filesystem, text_name, text_path,
                     withdrawn_shingles, write_segment)
from .dedup import Candidate, Fingerprint, deduplicate, fingerprint_texts
from .document import (DUPLICATE, KEPT, METADATA_FIELDS, REJECTED, RETRACTED, UNREADABLE, VANISHED, Document,
                       count_words, rejection)
from .sources import BAD_NAME, read_source

# ---------------------------------------------------------------- clean_shard


@dataclass
class Shard:
    """One shard of a run, cleaned.

    ``records``: one per document (rejections included); the removed lines
    are not in them but counted (``lines_removed``, ``removed_by`` per
    reason; ``words`` of the text and ``words_before`` cleaning). ``signatures``: the kept documents' MinHash
    signatures (row ``record["sig"]``). ``removed``: the shard's part of
    the run's removed-lines report, formatted here, in the shard processes
    that run in parallel, rather than in the one step that publishes (a
    run removes tens of lines a document); record by record, each record's
    part ``removed_bytes`` long. ``samples``: the first few different
    removed lines of each reason (``report.add_sample``). ``shingles``: the
    kept documents' shingle hashes end to end (``record["shingles"]`` is
    the [start, end) of each), so that deciding verifies candidate pairs
    without hashing the texts' words again (it was two fifths of the step).
    """
    records: list[dict]
    signatures: np.ndarray
    removed: bytes = b""
    samples: dict[str, list[str]] = field(default_factory=dict)
    shingles: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))


def clean_shard(raw_dir: str, plan: Plan, shard: int, read_config: ReadConfig, clean_config: CleanConfig,
                dedup_config: DedupConfig, progress: Callable[[int, int], None] | None = None) -> Shard:
    """Read, extract, normalise, clean and fingerprint the files of one shard."""
    files = [plan.files[i] for i in plan.shards[shard]]
    raw_docs: list[Document] = []
    origins: list[str] = []  # the raw file of each document (a record's source names its line too)
    for planned in files:
        if planned.hash == BAD_NAME:  # a name the pipeline cannot write: reported, not read
            raw_docs.append(rejection(planned.id, planned.path, BAD_NAME))
        else:
            part = tuple(planned.part) if planned.part else None
            raw_docs.extend(read_source(raw_dir, planned.path, planned.id, read_config, part))
        origins.extend([planned.path] * (len(raw_docs) - len(origins)))
    docs = clean_documents(raw_docs, clean_config, progress)
    kept = [d for d in docs if d.status == KEPT]
    fingerprints = fingerprint_texts([d.text for d in kept], dedup_config)
    by_id = {d.id: (i, fp) for i, (d, fp) in enumerate(zip(kept, fingerprints))}
    ends = np.cumsum([len(fp.shingles) for fp in fingerprints], dtype=np.int64).tolist()
    records, report_part, samples = [], io.BytesIO(), {}
    for doc, origin in zip(docs, origins):
        block = "".join(_removed_line(_json_string(doc.id), reason, line, score)
                        for reason, line, score in doc.removed).encode("utf-8")
        report_part.write(block)
        removed_by: Counter = Counter()
        words = words_before = count_words(doc.text)
        for reason, line, _ in doc.removed:
            removed_by[reason] += 1
            report.add_sample(samples, reason, line)
            words_before += count_words(line)
        record = {"id": doc.id, "source": doc.source, "file": origin, "status": doc.status, "reason": doc.reason,
                  "text": doc.text, "metadata": doc.metadata, "lines_removed": len(doc.removed),
                  "removed_by": dict(removed_by), "removed_bytes": len(block), "words": words,
                  "words_before": words_before}
        if doc.id in by_id:
            record["sig"], fp = by_id[doc.id]
            record["exact"] = fp.exact
            record["shingles"] = [ends[record["sig"]] - len(fp.shingles), ends[record["sig"]]]
        records.append(record)
    sigs = np.vstack([fp.signature for fp in fingerprints]) if fingerprints else \
        np.zeros((0, dedup_config.num_perm), dtype=np.uint32)
    shingles = np.concatenate([fp.shingles for fp in fingerprints]) if fingerprints else np.zeros(0)
    return Shard(records, sigs.astype(np.uint32), report_part.getvalue(), samples, shingles.astype(np.uint32))


# A shard on disk: <base>.jsonl (records), <base>.npy (signatures),
# <base>.removed.jsonl (its part of the report), <base>.samples.json,
# <base>.shingles.npy.
SHARD_FILES = {"records": ".jsonl", "signatures": ".npy", "removed": ".removed.jsonl", "samples": ".samples.json",
               "shingles": ".shingles.npy"}


def write_shard(shard: Shard, files: dict) -> None:
    """Write ``shard`` to the binary file objects ``files``, keyed as ``SHARD_FILES``."""
    files["records"].write(dumps_jsonl(shard.records).encode("utf-8"))
    buf = io.BytesIO()
    np.save(buf, shard.signatures)
    files["signatures"].write(buf.getvalue())
    files["removed"].write(shard.removed)
    files["samples"].write(json.dumps(shard.samples, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    buf = io.BytesIO()
    np.save(buf, shard.shingles)
    files["shingles"].write(buf.getvalue())


def read_shard(paths: dict, report: bool = True) -> Shard:
    """The shard in the files ``paths`` (keyed as ``SHARD_FILES``); without
    its report part unless ``report`` (deduplication does not need it)."""
    with open(paths["records"], encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    # The shingles memory-mapped: deciding reads those of the documents
    # that have candidates, and a run's add up to ~2 KB a document.
    shard = Shard(records, np.load(paths["signatures"]), shingles=np.load(paths["shingles"], mmap_mode="r"))
    if report:
        shard.removed = Path(paths["removed"]).read_bytes()
        shard.samples = json.loads(Path(paths["samples"]).read_text(encoding="utf-8"))
    return shard


# ---------------------------------------------------------------- decide


class RunAlreadyPublished(Exception):
    """The run was published (by another worker) before this step ran."""


def decide(clean_dir: str, plan: Plan, shards: Iterable[Shard],
           dedup_config: DedupConfig, redis_url: str | None = None) -> list[dict]:
    """Deduplicate a run's kept documents against everything published and
    against each other; writes the run's index segment and returns one
    decision per document of the run. ``redis_url``: the published index
    lives in that Redis database (``shared_index.py``) instead of memory."""
    state = State.load(clean_dir)
    if plan.run in state.segments:
        # Published while this worker waited: against an index that holds
        # the run, every article would be a copy of itself.
        raise RunAlreadyPublished(plan.run)
    index = load_index(clean_dir, state, dedup_config, redis_url)
    ids: list[str] = []  # every document of the run, in order; only the kept ones' texts stay in memory
    candidates: list[Candidate] = []
    seen: set[str] = set()
    read: set[str] = set()  # documents of which the run has a new version (not unreadable, not vanished)
    rejected: set[str] = set()  # of those, the ones whose new version was rejected
    for shard in shards:
        for record in shard.records:
            if record["id"] in seen:
                # Planning never gives one id twice; ids an older version gave
                # out can still meet a new JSONL file's records. Stop rather
                # than publish one document over the other.
                raise StateError(f"two documents of this run have the id {record['id']!r} (one is "
                                 f"{record['source']!r}): rename one of the raw files")
            seen.add(record["id"])
            ids.append(record["id"])
            if not _unread(record):
                read.add(record["id"])
                if record["status"] == REJECTED:
                    rejected.add(record["id"])
            if record["status"] == KEPT:
                start, end = record["shingles"]
                fp = Fingerprint(record["exact"], shard.signatures[record["sig"]], shard.shingles[start:end])
                candidates.append(Candidate(record["id"], record["text"], fp, day_of(record["metadata"].get("date"))))
    # Earlier versions of changed raw files leave the index before the run is
    # compared with it: a file is never a duplicate of its own old version.
    # Only those the run has a new version of that is not rejected: an
    # article whose file could not be read stays published, and so does one
    # whose new version was rejected (a re-scrape that got an error page) or
    # a record a shorter JSONL export no longer has; all stay in the index.
    # (per raw file, not per part: a large export is hundreds of parts, and
    # going through its 100k published ids once a part took seconds)
    known = state.ledger.select(f.path for f in plan.files)
    replaced = sorted({i for f in plan.raw_files() for i in known.get(f.path, {}).get("kept", [])
                       if i in read and i not in rejected})
    # A withdrawn article (``Retract``) keeps its place in the index whatever
    # its file holds now, so that copies of the withdrawn text stay out of
    # the corpus; the file's new version is neither published nor indexed.
    withdrawn = _withdrawn(clean_dir, replaced)
    if withdrawn:
        replaced = [i for i in replaced if i not in withdrawn]
        candidates = [c for c in candidates if c.id not in withdrawn]
    for doc_id in replaced:
        index.remove(doc_id)
    continuing = set(replaced)
    for candidate in candidates:
        candidate.published = candidate.id in continuing
    decisions = {d.id: d for d in deduplicate(candidates, index, lambda i: published_text(clean_dir, i),
                                              dedup_config, lambda i: withdrawn_shingles(clean_dir, i))}
    kept = [(c.id, c.fingerprint) for c in sorted(candidates, key=lambda c: c.id)
            if decisions[c.id].duplicate_of is None]
    write_segment(segment_path(clean_dir, plan.run), kept, replaced, dedup_config.num_perm)
    out = []
    for doc_id in ids:
        d = decisions.get(doc_id)
        out.append({"id": doc_id, "duplicate_of": d.duplicate_of if d else None,
                    "similarity": d.similarity if d else None, "how": d.how if d else None})
    return out


def _withdrawn(clean_dir: str, ids: list[str]) -> set[str]:
    """Those of ``ids`` (articles the run has new versions of) that were
    withdrawn. The manifest is read only when a run has such ids: a run of
    new files alone does not pay for it."""
    if not ids:
        return set()
    return {i for i, record in read_manifest(clean_dir, only=set(ids)).items() if record["status"] == RETRACTED}


# ---------------------------------------------------------------- publish


def publish(clean_dir: str, plan: Plan, shards: Iterable[Shard],
            decisions: list[dict], dedup_config: DedupConfig) -> dict:
    """Make a run visible: texts first, then the manifest (the consumers'
    commit point), then the state (the pipeline's commit point). Running it
    again after a crash produces the same folder."""
    clean = Path(clean_dir)
    state = State.load(clean)
    decided = {d["id"]: d for d in decisions}
    manifest = read_manifest(clean, only=decided.keys())  # the run's earlier records: memory of the batch
    new_records, kept_by_path, lengths = [], {}, []
    vanished: set[str] = set()  # left out of the ledger: seen again if they come back
    legacy: list[Path] = []  # texts of the run's documents under names earlier versions gave
    unreadable: dict[str, str] = {}  # raw file -> "path (why)"
    not_replaced: list[str] = []  # published articles whose new version was rejected: "source (why)"
    reports = clean / REPORTS / plan.run
    line_reasons: Counter = Counter()
    samples: dict[str, list[str]] = {}
    # Removed lines go straight to their report file (a run of 100k pages
    # removes millions), as the shards formatted them: only their counts and
    # a few samples stay in memory.
    with atomic_writer(reports / "removed.jsonl") as removed_fh:
        for shard in shards:
            # A record left out below (unreadable) was never cleaned and removed
            # no lines, so the shard's samples are all from records that stay.
            for sample_reason, lines in shard.samples.items():
                for line in lines:
                    report.add_sample(samples, sample_reason, line)
            end = 0
            for record in shard.records:
                start, end = end, end + record["removed_bytes"]
                d = decided.get(record["id"], {})
                entry = _manifest_record(record, d, plan.run)
                why = entry["reason"] or ""
                if why == VANISHED:
                    vanished.add(record["file"])
                if why.startswith(UNREADABLE):
                    unreadable[record["file"]] = f"{record['source']} ({why.partition(': ')[2]})"
                old = manifest.get(record["id"])
                if old and old["status"] == RETRACTED:
                    # A withdrawn article stays withdrawn, whatever its file
                    # holds now, and so does its place in the dedup index
                    # (decide left its new version out).
                    if entry["status"] == KEPT:
                        kept_by_path.setdefault(record["file"], []).append(record["id"])
                    new_records.append(old)
                    continue
                if _unread(record):
                    if old and old["status"] != REJECTED:
                        continue  # no new version could be read: the published one stays
                elif entry["status"] == REJECTED:
                    old = manifest.get(record["id"])
                    if old and old["status"] == KEPT:
                        # A rejected new version does not take a published
                        # article out of the corpus: it stays, and the run says so.
                        not_replaced.append(f"{record['source']} ({why})")
                        kept_by_path.setdefault(record["file"], []).append(record["id"])
                        continue
                old_name = legacy_text_path(clean, record["id"])
                if old_name is not None:
                    legacy.append(old_name)
                if entry["status"] == KEPT:
                    body = record["text"] + "\n"
                    path = text_path(clean, record["id"])
                    if not path.exists() or path.read_bytes() != body.encode("utf-8"):
                        # Made durable all at once below, before the manifest refers to it.
                        atomic_write(path, body, durable=False)
                    kept_by_path.setdefault(record["file"], []).append(record["id"])
                else:
                    old = manifest.get(record["id"])
                    if old and old.get("status") == KEPT:
                        # A changed raw file whose new version is not kept: its old
                        # text no longer matches the manifest.
                        text_path(clean, record["id"]).unlink(missing_ok=True)
                new_records.append(entry)
                removed_fh.write(shard.removed[start:end])
                line_reasons.update(record["removed_by"])
                lengths.append({"status": entry["status"], "reason": entry["reason"], "words": record["words"],
                                "words_before": record["words_before"]})
    new_records.sort(key=lambda r: r["id"])

    summary = _summary(plan, new_records, line_reasons)
    summary["unreadable"] = sorted(unreadable.values())
    summary["not_replaced"] = sorted(not_replaced)
    clusters = _clusters(new_records)
    atomic_write(reports / "duplicates.jsonl", dumps_jsonl(clusters))
    atomic_write(reports / "report.html", report.render(plan.run, summary, lengths, line_reasons, samples, clusters))
    atomic_write(reports / "summary.json", json.dumps(summary, indent=2, sort_keys=True) + "\n")
    # The texts written above (without an fsync each: 0.68 ms a file against
    # 0.23 ms without, on this machine) are made durable in one sync of the
    # file system, before the manifest that points consumers at them. A
    # crash before it can leave a text short or empty, but no manifest
    # names it yet, and the next run rewrites every text that differs.
    sync_filesystem(clean)
    # The manifest is rewritten as a stream: earlier records in their order,
    # less those the run replaces, then the run's.
    # Records of a file the run read again that its new version no longer
    # gives are dropped too (a rejection of the whole file that can now be
    # read, a bad line the export no longer has), except articles: those stay
    # published (see decide).
    # Of an export read in part (its changed lines), only the records of the
    # lines read, of lines it no longer has and of the whole file are.
    replaced = {entry["id"] for entry in new_records}
    done = {f.path for f in plan.files if f.path not in vanished and f.path not in unreadable}
    reread = {f.id for f in plan.files if f.path in done}
    partly = _lines_read(plan)
    with atomic_writer(clean / MANIFEST) as fh:
        if (clean / MANIFEST).exists():
            with open(clean / MANIFEST, "rb") as old_fh:
                for line in old_fh:
                    if not line.strip():
                        continue
                    old = json.loads(line)
                    if old["id"] in replaced or (old["status"] not in (KEPT, RETRACTED)
                                                 and file_id(old["id"]) in reread and _read_again(old["id"], partly)):
                        continue
                    fh.write(line if line.endswith(b"\n") else line + b"\n")
        for entry in new_records:
            fh.write(dumps_jsonl([entry]).encode("utf-8"))
    for old_name in legacy:  # once the manifest no longer names them, with the folders that held only them
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            old_name.unlink()
        with contextlib.suppress(OSError):
            for folder in old_name.relative_to(clean).parents[:-1]:
                (clean / folder).rmdir()  # fails, and stops, at the first that is not empty

    known = state.ledger.select(f.path for f in plan.files)
    updates = {}
    for f in plan.raw_files():  # (once a file, not once a part of it)
        if f.path in vanished:
            continue  # gone while the run read it: seen again if it comes back
        # What the file published and still has published: its new version's
        # articles, and those of records its new version no longer has.
        still = [i for i in known.get(f.path, {}).get("kept", []) if i not in decided]
        kept, digest = sorted(set(kept_by_path.get(f.path, [])).union(still)), f.hash
        if f.path in unreadable:
            # The planner's marker for a hash (also when the file became
            # unreadable after planning): tried again every run, read once it can be.
            digest = f.hash if f.hash.startswith(UNREADABLE) else f"{UNREADABLE}:"
            if f.path in known:
                kept = known[f.path]["kept"]  # its published version stays
        updates[f.path] = {"size": f.size, "mtime_ns": f.mtime_ns, "hash": digest, "id": f.id, "kept": kept}
    state.index_key = dedup_config.index_key()
    if plan.run not in state.segments:
        state.segments.append(plan.run)
    state.runs = [r for r in state.runs if r["run"] != plan.run] + [
        {"run": plan.run, "documents": summary["documents"], "kept": summary["status"].get(KEPT, 0)}]
    keep_line_hashes(clean, plan, done)
    state.save(clean, ledger_updates=updates, name=plan.run)
    drop_line_hashes(clean, (known[p]["hash"] for p in done if p in known), {f.hash for f in plan.files})
    return summary


def _lines_read(plan: Plan) -> dict[str, np.ndarray]:
    """Per export of which the run read only some lines (``PlannedFile.lines``),
    its ``covered_lines``."""
    parts: dict[str, list] = {}
    total: dict[str, int] = {}
    for f in plan.files:
        if f.lines is not None:
            parts.setdefault(f.id, []).append(f.part)
            total[f.id] = f.lines
    return {fid: covered_lines(parts[fid], total[fid]) for fid in parts}


def _read_again(doc_id: str, partly: dict[str, np.ndarray]) -> bool:
    """Whether the run read the line of a record of a file it read: any
    record of a file read whole; of an export read in part, a record of a
    line read, of a line it no longer has, or of the whole file."""
    fid = file_id(doc_id)
    covered = partly.get(fid)
    if covered is None:
        return True
    line = line_of(doc_id, fid)
    return line is None or line >= len(covered) - 1 or bool(covered[line])


def _unread(record: dict) -> bool:
    """A document of which no new version was read: its raw file could not
    be read, or vanished while the run read it."""
    why = record["reason"] or ""
    return record["status"] == REJECTED and (why == VANISHED or why.startswith(UNREADABLE))


# A run removes tens of lines per document: the report's lines are
# formatted here, byte for byte as ``dumps_jsonl`` writes them (keys sorted,
# non-ASCII kept), at a fifth of the cost of a json.dumps call each.
_json_string = json.encoder.encode_basestring  # the C encoder, ensure_ascii=False


def _removed_line(doc_id: str, reason: str, line: str, score: float | None) -> str:
    """One line of the removed-lines report; ``doc_id`` already encoded."""
    if score is None:
        number = "null"
    elif type(score) is float and math.isfinite(score):
        number = repr(score)
    else:
        number = json.dumps(score)
    return f'{{"id": {doc_id}, "line": {_json_string(line)}, "reason": {_json_string(reason)}, "score": {number}}}\n'


def _manifest_record(record: dict, decision: dict, run: str) -> dict:
    status = record["status"]
    if status == KEPT and decision.get("duplicate_of"):
        status = DUPLICATE
    text = record["text"] + "\n" if status == KEPT else ""
    meta = record["metadata"]
    entry = {
        "id": record["id"],
        "source": record["source"],
        "status": status,
        "path": text_name(record["id"]) if status == KEPT else None,
        "duplicate_of": decision.get("duplicate_of") if status == DUPLICATE else None,
        "similarity": decision.get("similarity") if status == DUPLICATE else None,
        "reason": record["reason"] if status == REJECTED else (decision.get("how") if status == DUPLICATE else None),
        "chars": len(text),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest() if status == KEPT else None,
        "lines_removed": record["lines_removed"],
        "run": run,
    }
    for key in METADATA_FIELDS:
        entry[key] = meta.get(key)
    for key in ("source_id", EXTRACTION):
        if key in meta:
            entry[key] = meta[key]
    return entry


def _clusters(records: list[dict]) -> list[dict]:
    clusters: dict[str, list[dict]] = {}
    for r in records:
        if r["status"] == DUPLICATE:
            clusters.setdefault(r["duplicate_of"], []).append(
                {"id": r["id"], "similarity": r["similarity"], "how": r["reason"]})
    return [{"kept": k, "copies": sorted(v, key=lambda c: c["id"])} for k, v in sorted(clusters.items())]


def _summary(plan: Plan, records: list[dict], lines: Counter) -> dict:
    status = Counter(r["status"] for r in records)
    rejected = Counter((r["reason"] or "").split(":")[0] for r in records if r["status"] == REJECTED)
    return {"run": plan.run, "files": plan.file_count, "documents": len(records),
            "status": dict(sorted(status.items())), "rejected": dict(sorted(rejected.items())),
            "lines_removed": dict(sorted(lines.items())),
            "extracted_from_page": sum(1 for r in records if r.get(EXTRACTION) == "page")}


def format_summary(summary: dict, seconds: float | None = None) -> str:
    s = summary["status"]
    parts = [f"run {summary['run']}: {summary['documents']} documents from {summary['files']} files",
             f"kept {s.get(KEPT, 0)}, duplicates {s.get(DUPLICATE, 0)}, rejected {s.get(REJECTED, 0)}"]
    if summary["rejected"]:
        parts.append("rejected: " + ", ".join(f"{k} {v}" for k, v in summary["rejected"].items()))
    if summary["lines_removed"]:
        parts.append("lines removed: " + ", ".join(f"{k} {v}" for k, v in summary["lines_removed"].items()))
    if summary.get("extracted_from_page"):
        n = summary["extracted_from_page"]
        parts.append(f"{n} HTML page{'s' if n != 1 else ''} whose article trafilatura missed, found in the whole page")
    if summary.get("unreadable"):
        parts.append("could not read: " + ", ".join(summary["unreadable"]))
    if summary.get("not_replaced"):
        shown = summary["not_replaced"]
        parts.append(f"{len(shown)} new version{'s' if len(shown) != 1 else ''} rejected, the published article"
                     f"{'s' if len(shown) != 1 else ''} kept: " + ", ".join(shown[:5])
                     + (f" and {len(shown) - 5} more" if len(shown) > 5 else ""))
    if seconds is not None:
        parts.append(f"took {seconds:.1f} s")
    return "\n".join(parts)


class UnreadableFiles(Exception):
    """Raw files that could not be read (permissions, I/O errors): the run
    published everything else and says which, so the run ends non-zero."""

    def __init__(self, files: list[str]) -> None:
        shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        super().__init__(f"{len(files)} raw file{'s' if len(files) != 1 else ''} could not be read: {shown}; "
                         "everything else was published, and they are read on a later run once they can be")
        self.files = files


def iter_shards(paths: Iterable[dict], report: bool = True) -> Iterator[Shard]:
    for shard_paths in paths:
        yield read_shard(shard_paths, report)
