"""Where a shard's time goes, stage by stage, per document.

    python -m bench.doc_stages [--docs 1000] [--seed 0]

Builds a planted corpus of about ``--docs`` scraped-text documents
(bench/planted.py, as the throughput benchmark does) and runs a shard's
stages on it one after another in this process (one core), with the
libraries warmed as a run's scheduling process warms them: reading the
raw files, normalising (ftfy, whitespace), finding the batch's recurring
lines, cleaning (rules, line features, the models, each pass), and the
fingerprints for deduplication. Prints each stage's CPU time per document:
the stages other than cleaning are the floor under any cleaner.
"""
from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from bench.shared import planted_raw_folder, warm_as_a_run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    from pipeline.clean import FINISH_BATCH, GC_THRESHOLD, finish_many, prepare, recurring_lines
    from pipeline.config import CleanConfig, DedupConfig, ReadConfig
    from pipeline.dedup import fingerprint_texts
    from pipeline.sources import read_source

    with planted_raw_folder(args.docs, args.seed, "doc-stages-") as raw:
        files = sorted(f.name for f in raw.iterdir())
        clean_config = CleanConfig()
        warm_as_a_run()
        gc.freeze()
        gc.set_threshold(GC_THRESHOLD)  # as clean_documents runs
        spent: dict[str, float] = {}

        def timed(stage: str, work_of_stage):
            start = time.process_time()
            result = work_of_stage()
            spent[stage] = spent.get(stage, 0.0) + time.process_time() - start
            return result

        docs = timed("read", lambda: [doc for name in files
                                      for doc in read_source(str(raw), name, Path(name).stem, ReadConfig())])
        docs = timed("normalise", lambda: [prepare(doc, clean_config) for doc in docs])
        recurring = timed("recurring lines", lambda: recurring_lines(
            [d.text for d in docs if not d.rejected], clean_config.recurring_min_docs))
        for i in range(0, len(docs), FINISH_BATCH):
            timed("cleaning", lambda: finish_many(docs[i:i + FINISH_BATCH], clean_config, recurring))
        timed("fingerprints", lambda: fingerprint_texts([d.text for d in docs if d.status == "kept"], DedupConfig()))
    total = sum(spent.values())
    print(f"{len(docs)} documents, {total:.2f} s of CPU: {1000 * total / len(docs):.2f} ms a document")
    for stage, seconds in spent.items():
        print(f"  {stage:16} {1000 * seconds / len(docs):6.2f} ms a document ({seconds / total:4.0%})")


if __name__ == "__main__":
    main()
