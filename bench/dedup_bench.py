"""Near-duplicate detection on a planted corpus, through the whole pipeline.

    python -m bench.dedup_bench [--seed 0] [--originals 1500] [--copies 0.3] [--keep DIR]

Builds a planted corpus (bench/planted.py: real BBC and Reuters articles,
copies of several kinds, every document wrapped in real scraped chrome),
runs ``luigi --module tasks CleanCorpus --workers 2`` on it from scraped
text, and scores the clusters the manifest gives (a kept article and the
duplicates that point at it) against the planted ones: pairwise precision,
recall and F1 over all pairs of documents, and the adjusted Rand index.
Beside it, on the same corpus:

- plain MinHash: datasketch defaults (threshold 0.8, 128 permutations, word
  5-grams), query then insert, on the scraped text and on the planted
  bodies (perfect cleaning);
- datatrove's FineWeb setting: 14 bands of 8 rows over word 5-grams,
  every colliding pair linked and clusters closed transitively (as its
  union-find stage does), on the scraped text and on the planted bodies.

Then the incremental case: the corpus less 1% is published first, and the
remaining 1% is run as a later batch; its wall time is printed beside the
full run's, and the final folder is scored again.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np

from bench.planted import generate
from bench.shared import ROOT

LUIGI = Path(sys.executable).parent / "luigi"


# ---------------------------------------------------------------- scores


def pairs_of(clusters: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for doc, cluster in clusters.items():
        groups.setdefault(cluster, []).append(doc)
    return {tuple(sorted(p)) for members in groups.values() for p in combinations(members, 2)}


def adjusted_rand(truth: dict[str, str], found: dict[str, str]) -> float:
    docs = sorted(truth)
    t_ids = {c: i for i, c in enumerate(sorted(set(truth.values())))}
    f_ids = {c: i for i, c in enumerate(sorted(set(found[d] for d in docs)))}
    table = Counter((t_ids[truth[d]], f_ids[found[d]]) for d in docs)

    def comb2(x):
        x = np.asarray(list(x), dtype=np.float64)
        return float((x * (x - 1) / 2).sum())

    index = comb2(table.values())
    rows = comb2(Counter(t_ids[truth[d]] for d in docs).values())
    cols = comb2(Counter(f_ids[found[d]] for d in docs).values())
    total = len(docs) * (len(docs) - 1) / 2
    expected = rows * cols / total if total else 0.0
    top = (rows + cols) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def score(truth: dict[str, str], found: dict[str, str]) -> dict:
    true_pairs, found_pairs = pairs_of(truth), pairs_of({d: found[d] for d in truth})
    tp = len(true_pairs & found_pairs)
    precision = tp / len(found_pairs) if found_pairs else 1.0
    recall = tp / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "ari": adjusted_rand(truth, found),
            "false_pairs": len(found_pairs - true_pairs), "missed_pairs": len(true_pairs - found_pairs)}


# ---------------------------------------------------------------- baselines


_WORDS = re.compile(r"\w+")


def _shingles(text: str) -> set[bytes]:
    words = _WORDS.findall(text.lower())
    return {" ".join(words[i:i + 5]).encode("utf-8") for i in range(max(1, len(words) - 4))}


def plain_minhash(texts: dict[str, str]) -> dict[str, str]:
    """The hand-written script: datasketch defaults, query then insert."""
    from datasketch import MinHash, MinHashLSH
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    found = {}
    for name in sorted(texts):
        m = MinHash(num_perm=128)
        m.update_batch(list(_shingles(texts[name])))
        hits = sorted(lsh.query(m))
        if hits:
            found[name] = found[hits[0]]
        else:
            lsh.insert(name, m)
            found[name] = name
    return found


def datatrove_like(texts: dict[str, str], bands: int = 14, rows: int = 8) -> dict[str, str]:
    """datatrove's FineWeb setting: any band collision links two documents;
    clusters are the connected components."""
    from datasketch import MinHash
    parent = {name: name for name in texts}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    buckets: dict[tuple, str] = {}
    for name in sorted(texts):
        m = MinHash(num_perm=bands * rows)
        m.update_batch(list(_shingles(texts[name])))
        for b in range(bands):
            key = (b, m.hashvalues[b * rows:(b + 1) * rows].tobytes())
            if key in buckets:
                a, c = root(buckets[key]), root(name)
                if a != c:
                    parent[max(a, c)] = min(a, c)
            else:
                buckets[key] = name
    return {name: root(name) for name in texts}


# ---------------------------------------------------------------- the pipeline


def run_pipeline(raw: Path, clean: Path, extra: tuple[str, ...] = ()) -> float:
    cmd = [str(LUIGI), "--module", "tasks", "CleanCorpus", "--raw-dir", str(raw), "--clean-dir", str(clean),
           "--workers", "2", "--local-scheduler", *extra]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"the pipeline failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return seconds


def pipeline_clusters(clean: Path, names: list[str]) -> tuple[dict[str, str], Counter]:
    manifest = {}
    with open(clean / "manifest.jsonl", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            manifest[record["id"]] = record
    found, statuses = {}, Counter()
    for name in names:
        record = manifest.get(name)
        statuses[record["status"] if record else "missing"] += 1
        if record and record["status"] == "rejected":
            statuses[f"rejected: {record.get('reason')}"] += 1
        found[name] = (record or {}).get("duplicate_of") or name
    return found, statuses


def row(name: str, s: dict) -> str:
    return (f"| {name} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | {s['ari']:.4f} | "
            f"{s['false_pairs']} | {s['missed_pairs']} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--originals", type=int, default=1500)
    ap.add_argument("--copies", type=float, default=0.3)
    ap.add_argument("--keep", help="build the corpus and clean folders here and keep them")
    ap.add_argument("--no-incremental", action="store_true")
    ap.add_argument("--pipeline-args", default="", help="more options for CleanCorpus, e.g. '--dedup-threshold 0.7'")
    args = ap.parse_args()
    extra = tuple(args.pipeline_args.split())
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="dedup-bench-"))
    if work.exists() and args.keep:
        shutil.rmtree(work)
    try:
        t0 = time.perf_counter()
        truth = generate(work / "corpus", seed=args.seed, originals=args.originals, copy_share=args.copies)
        print(f"corpus: {truth['documents']} documents, {truth['originals']} originals, "
              f"{truth['documents'] - truth['originals']} planted copies, {truth['templates']} chrome templates, "
              f"seed {args.seed} ({time.perf_counter() - t0:.0f} s)")
        raw = work / "corpus" / "raw"
        clusters = truth["clusters"]
        names = sorted(clusters)
        scraped = {n: (raw / f"{n}.txt").read_text(encoding="utf-8") for n in names}
        bodies = truth["bodies"]

        seconds = run_pipeline(raw, work / "clean", extra)
        found, statuses = pipeline_clusters(work / "clean", names)
        results = [("this pipeline, from scraped text", score(clusters, found))]
        for label, texts in (("scraped text", scraped), ("planted bodies (perfect cleaning)", bodies)):
            results.append((f"plain MinHash 0.8, {label}", score(clusters, plain_minhash(texts))))
            results.append((f"datatrove 14x8, {label}", score(clusters, datatrove_like(texts))))
        print(f"\npipeline: {len(names)} documents in {seconds:.1f} s ({len(names) / seconds:.0f} docs/s, "
              f"2 workers); {dict(statuses)}\n")
        print("| method | pair precision | pair recall | pair F1 | ARI | false pairs | missed pairs |")
        print("|---|---|---|---|---|---|---|")
        for name, s in results:
            print(row(name, s))
        _errors(clusters, found, truth)

        if not args.no_incremental:
            _incremental(work, raw, names, clusters, seconds, extra)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _errors(truth: dict[str, str], found: dict[str, str], record: dict) -> None:
    """What kinds of copies were missed, and which different stories merged."""
    missed = Counter()
    for a, b in pairs_of(truth) - pairs_of(found):
        for doc in (a, b):
            for kind in record["kinds"][doc]:
                missed[kind] += 1
    merged = pairs_of(found) - pairs_of(truth)
    if missed:
        print(f"\nmissed pairs by copy kind (each pair counts for both ends): {dict(missed.most_common())}")
    for a, b in sorted(merged)[:10]:
        print(f"merged different stories: {a} ({truth[a]}) ~ {b} ({truth[b]})")


def _incremental(work: Path, raw: Path, names: list[str], clusters: dict[str, str], full_seconds: float,
                 extra: tuple[str, ...]) -> None:
    """Publish 99%, then run the last 1% as a new batch."""
    later = names[::100]
    first = work / "incremental" / "raw"
    first.mkdir(parents=True)
    for name in names:
        if name not in later:
            shutil.copy2(raw / f"{name}.txt", first / f"{name}.txt")
    clean = work / "incremental" / "clean"
    base = run_pipeline(first, clean, extra)
    for name in later:
        shutil.copy2(raw / f"{name}.txt", first / f"{name}.txt")
    step = run_pipeline(first, clean, extra)
    found, _ = pipeline_clusters(clean, names)
    s = score(clusters, found)
    print(f"\nincremental: {len(names) - len(later)} documents published in {base:.1f} s, then a batch of "
          f"{len(later)} ({len(later) / len(names):.1%}) in {step:.1f} s = {step / full_seconds:.1%} of the full "
          f"run ({full_seconds:.1f} s); after both: pair P {s['precision']:.4f} R {s['recall']:.4f} "
          f"F1 {s['f1']:.4f}")


if __name__ == "__main__":
    main()
