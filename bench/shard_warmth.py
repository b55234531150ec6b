"""What a shard costs with its line caches cold and warm.

    python -m bench.shard_warmth [--docs 1000] [--seed 0]

Builds a planted corpus of about ``--docs`` scraped-text documents
(bench/planted.py), plans it as one shard and cleans that shard three
times in this process (one core): first with every cache empty, as a
shard process starts, then again with every line's own features,
verdicts and scores cached. The difference is what the cleaner pays once
per new line; the warm figure is what it pays per line and pass whatever
the caches hold.
"""
from __future__ import annotations

import argparse
import os

from bench.shared import planted_raw_folder, warm_as_a_run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    from pipeline.batch import clean_shard
    from pipeline.config import CleanConfig, DedupConfig, ReadConfig, fingerprint
    from pipeline.corpus import plan_batch

    with planted_raw_folder(args.docs, args.seed, "shard-warmth-") as raw_path:
        raw = str(raw_path)
        configs = (ReadConfig(), CleanConfig(), DedupConfig())
        plan = plan_batch(raw, raw_path.parent.parent / "clean", fingerprint(*configs), shard_size=10**9)
        plan.shards = [list(range(len(plan.files)))]  # one shard, whatever the planner's balancing
        files = len(plan.files)
        warm_as_a_run()
        for label in ("cold", "warm", "warm again"):
            before = os.times()
            clean_shard(raw, plan, 0, *configs)
            after = os.times()
            cpu = after.user - before.user + after.system - before.system
            print(f"{label:10} {cpu:6.2f} s of CPU for {files} files: {1000 * cpu / files:.2f} ms a document")


if __name__ == "__main__":
    main()
