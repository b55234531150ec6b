"""Does an incremental run's memory grow with the published corpus?

    python -m bench.published_memory [--published 0 100000 400000] [--new 200]

A real clean folder is made by running the pipeline on a small planted
corpus (bench/planted.py); then, for each ``--published`` size, a copy of
it is padded with that many published articles: ledger entries, manifest
records, an index segment of random signatures, packed (what a run over a
large corpus leaves behind), and an empty raw file each under raw/padded/
(listed by every run, found unchanged). Then ``--new`` documents are added
to raw/ and the Luigi command runs on them. Printed:
the run's wall time and the peak memory of its process tree, and the bytes
of peak memory per published article between the sizes. Building a real
corpus of that size would take hours; the padded articles cost the run
what real ones do (they are listed, loaded and rewritten the same way),
except that no new document resembles them and their texts are not there.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from bench.shared import require_shared
from bench.throughput import run_pipeline


def pad(clean: Path, count: int, seed: int = 0, raw: Path | None = None) -> None:
    """Add ``count`` published articles to the clean folder's state (and,
    with ``raw``, their raw files, empty, under raw/padded/: every run lists
    them and finds them unchanged)."""
    from pipeline.corpus import MANIFEST, STATE, State, segment_path, write_segment
    from pipeline.dedup import Fingerprint
    state = State.load(clean)
    template = json.loads((clean / MANIFEST).read_text(encoding="utf-8").splitlines()[0])
    rng = np.random.default_rng(seed)
    num_perm = state.index_key["num_perm"]
    ids = [f"padded/{i:08d}" for i in range(count)]
    with open(clean / MANIFEST, "a", encoding="utf-8") as fh:
        for doc_id in ids:
            fh.write(json.dumps(dict(template, id=doc_id, source=f"{doc_id}.txt", path=f"{doc_id}.txt",
                                     sha256=f"{rng.integers(1 << 62):064x}", run="padded"), sort_keys=True) + "\n")
    ledger = {f"{doc_id}.txt": {"size": 0, "mtime_ns": 1, "hash": f"{rng.integers(1 << 62):032x}",
                                "id": doc_id, "kept": [doc_id]} for doc_id in ids}
    if raw is not None:
        (raw / "padded").mkdir(parents=True, exist_ok=True)
        for name in ledger:
            with open(raw / name, "wb"):
                pass
            os.utime(raw / name, ns=(1, 1))
    sigs = rng.integers(0, 1 << 32, size=(count, num_perm), dtype=np.uint32)
    write_segment(segment_path(clean, "padded"), [(d, Fingerprint(f"{i:032x}", s)) for i, (d, s)
                                                  in enumerate(zip(ids, sigs))], [], num_perm)
    state.segments.insert(0, "padded")
    state.save(clean, ledger_updates=ledger, name="padded")
    # What the last run over that corpus leaves behind: the published index packed on disk.
    from pipeline.config import DedupConfig
    from pipeline.corpus import load_index
    load_index(clean, state, DedupConfig(**{k: state.index_key[k] for k in ("shingle_size", "num_perm")}))
    assert (clean / STATE).is_dir()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--published", type=int, nargs="+", default=[0, 100000, 400000])
    ap.add_argument("--new", type=int, default=200, help="documents in each incremental run")
    ap.add_argument("--base", type=int, default=1000, help="documents of the real published corpus")
    args = ap.parse_args()
    require_shared()
    from bench.planted import generate
    work = Path(tempfile.mkdtemp(prefix="published-memory-"))
    try:
        generate(work / "corpus", seed=3, originals=int((args.base + args.new) / 1.6), copy_share=0.3)
        raw = work / "corpus" / "raw"
        files = sorted(raw.glob("*.txt"))
        later = files[-args.new:]
        aside = work / "later"
        aside.mkdir()
        for f in later:
            f.rename(aside / f.name)
        seconds, peak, _, _ = run_pipeline(raw, work / "base-clean", work)
        print(f"base: {len(files) - len(later)} documents published in {seconds:.1f} s, peak {peak / 2**20:.0f} MiB")
        figures = []
        for count in args.published:
            clean = work / f"clean-{count}"
            shutil.copytree(work / "base-clean", clean)
            run_raw = work / f"raw-{count}"
            shutil.copytree(raw, run_raw)
            pad(clean, count, raw=run_raw)
            for f in later:
                shutil.copy(aside / f.name, run_raw / f.name)
            seconds, peak, _, _ = run_pipeline(run_raw, clean, work)
            figures.append((count, peak))
            print(f"published {count + len(files) - len(later):>8,}: {len(later)} new documents in {seconds:5.1f} s, "
                  f"peak memory {peak / 2**20:5.0f} MiB", flush=True)
            shutil.rmtree(clean)
            shutil.rmtree(run_raw)
        for (a, pa), (b, pb) in zip(figures, figures[1:]):
            print(f"  {a:,} -> {b:,} published: {(pb - pa) / (b - a):.0f} bytes of peak memory per published article")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
