"""datatrove's FineWeb-style text pipeline over a folder of .txt files, for
the throughput benchmark's side-by-side figure.

    python bench/datatrove_fineweb.py RAW_DIR WORK_DIR [--tasks 2] [--files LIST]

Run by ``bench/throughput.py`` with the interpreter of a separate virtual
environment (``make bench-datatrove-env``): datatrove's processing extra pins
trafilatura below 1.12, which this project cannot share. Nothing from
``pipeline/`` is imported here.

The pipeline follows datatrove's FineWeb example for text that is already
extracted: ftfy, the Gopher repetition and quality filters, the C4 quality
filter and the FineWeb quality filter, then the four MinHash stages (14
buckets of 8 hashes, word 5-grams) and the filter that drops the
duplicates; each stage with ``--tasks`` tasks on as many processes. The
English word tokenizer is spaCy's blank English one: datatrove's default
(NLTK's punkt) needs data downloaded from GitHub, which this machine cannot
reach. Conversion of the .txt files into the JSONL datatrove reads is not
timed. Prints one JSON line: documents in, documents out, seconds per
stage and in all.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def _to_jsonl(raw: Path, out: Path, tasks: int, listed: Path | None) -> int:
    out.mkdir(parents=True, exist_ok=True)
    if listed:
        files = [raw / name for name in listed.read_text(encoding="utf-8").splitlines() if name]
    else:
        files = sorted(p for p in raw.rglob("*.txt") if p.is_file())
    sinks = [open(out / f"part-{i:02d}.jsonl", "w", encoding="utf-8") for i in range(tasks)]
    try:
        for n, path in enumerate(files):
            record = {"id": str(path.relative_to(raw)), "text": path.read_text(encoding="utf-8", errors="replace")}
            sinks[n % tasks].write(json.dumps(record) + "\n")
    finally:
        for sink in sinks:
            sink.close()
    return len(files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("raw")
    ap.add_argument("work")
    ap.add_argument("--tasks", type=int, default=2)
    ap.add_argument("--files", help="a file naming the files to read (paths relative to RAW_DIR, one per line); "
                    "default: every .txt file under RAW_DIR")
    args = ap.parse_args()

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                                  MinhashDedupFilter, MinhashDedupSignature)
    from datatrove.pipeline.filters import (C4QualityFilter, FineWebQualityFilter, GopherQualityFilter,
                                            GopherRepetitionFilter)
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.word_tokenizers import SpaCyTokenizer

    work = Path(args.work)
    docs = _to_jsonl(Path(args.raw), work / "input", args.tasks, Path(args.files) if args.files else None)
    english = SpaCyTokenizer("en")
    minhash = MinhashConfig()  # 14 buckets x 8 hashes, word 5-grams: the FineWeb setting
    tasks = args.tasks

    def run(name, pipeline, n_tasks):
        t0 = time.perf_counter()
        LocalPipelineExecutor(pipeline=pipeline, tasks=n_tasks, workers=tasks,
                              logging_dir=str(work / "logs" / name)).run()
        return time.perf_counter() - t0

    seconds = {}
    seconds["filter+signature"] = run("filter", [
        JsonlReader(str(work / "input")),
        FTFYFormatter(),
        GopherRepetitionFilter(language=english),
        GopherQualityFilter(language=english),
        C4QualityFilter(filter_no_terminal_punct=False, language=english),
        FineWebQualityFilter(language=english),
        JsonlWriter(str(work / "filtered")),
        MinhashDedupSignature(output_folder=str(work / "signatures"), config=minhash, language=english),
    ], tasks)
    seconds["buckets"] = run("buckets", [
        MinhashDedupBuckets(input_folder=str(work / "signatures"), output_folder=str(work / "buckets"),
                            config=minhash),
    ], minhash.num_buckets)
    seconds["cluster"] = run("cluster", [
        MinhashDedupCluster(input_folder=str(work / "buckets"), output_folder=str(work / "remove"), config=minhash),
    ], 1)
    seconds["dedup filter"] = run("dedup", [
        JsonlReader(str(work / "filtered")),
        MinhashDedupFilter(input_folder=str(work / "remove")),
        JsonlWriter(str(work / "output")),
    ], tasks)
    kept = sum(1 for path in (work / "output").glob("*") for _ in _lines(path))
    print(json.dumps({"documents": docs, "kept": kept, "seconds": round(sum(seconds.values()), 2),
                      "stages": {k: round(v, 2) for k, v in seconds.items()}}))


def _lines(path: Path):
    import gzip
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        yield from (line for line in fh if line.strip())


if __name__ == "__main__":
    main()
