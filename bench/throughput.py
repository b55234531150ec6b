"""Throughput and memory of the whole pipeline, beside a simple baseline.

    python -m bench.throughput [--docs 10000] [--html] [--keep DIR] [--incremental 0.01]

Text mode: a planted corpus of about ``--docs`` scraped-text articles
(bench/planted.py: BBC and Reuters articles, a third of them planted copies,
real chrome of the shared benchmark pages) is run through
``luigi --module tasks CleanCorpus --workers 2``. Printed: documents/s,
MB/s, the peak memory of the whole process tree (sampled from /proc every
0.1 s), the wall time of each stage (from Luigi's log, which this
benchmark timestamps), and the serial ends of the run: the seconds before
the first shard starts (start-up, planning, the warm-ups) and after the
last one ends. Then ``--incremental`` (1%) more documents, held
back from the same corpus, are added and the command runs again against
the published corpus: its time as a share of the full run, and its peak
memory. In the same run, on the same files as the full run:

- the 30-line loop: read, ``ftfy.fix_text``, word 5-gram MinHash (128
  permutations, ``update_batch``), MinHashLSH 0.8 query-then-insert, write
  (hashing in 2 processes, the index in the parent);
- datatrove's FineWeb-style pipeline (``bench/datatrove_fineweb.py``),
  with ``--datatrove-python``: the interpreter of a separate venv that has
  datatrove (``make bench-datatrove-env``; it is not a dependency of this
  project, and its processing extra pins an old trafilatura).

``--export``: the same documents once more as one JSONL export (a record
a file, in name order), run in a clean folder of its own, then the
held-back documents appended to the export as a scraper appends to its
feed: the second run reads only the appended lines (the export's line
hashes, ``pipeline/corpus.py``), and its time is printed as a share of
the first.

HTML mode (``--html``, or ``--html-only``): every page of the shared
extraction benchmarks as an ``.html`` file, the pipeline against
trafilatura's extraction alone (``bench/trafilatura_alone.py``: the same
call the pipeline makes, 2 processes), both timed as fresh commands;
``--repeat N`` runs the two alternately N times and prints the median ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path

from bench.shared import ROOT, extraction_pages, require_shared

LUIGI = Path(sys.executable).parent / "luigi"
_LOG_CONF = """[loggers]
keys=root,luigi
[handlers]
keys=stderr
[formatters]
keys=stamped
[logger_root]
level=INFO
handlers=stderr
[logger_luigi]
level=INFO
handlers=stderr
qualname=luigi-interface
propagate=0
[handler_stderr]
class=StreamHandler
formatter=stamped
args=(sys.stderr,)
[formatter_stamped]
format=%(created)f %(message)s
"""


# ---------------------------------------------------------------- measuring


def _tree_rss(root_pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    children: dict[int, list[int]] = defaultdict(list)
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children[ppid].append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_measured(cmd: list[str], **kwargs) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run ``cmd``; returns (process, wall seconds, peak tree RSS in bytes).
    The process's ``cpu_seconds``: user and system time of it and of every
    process under it that was waited for (Luigi's task processes, a pool's
    workers), which a busy neighbour on the machine slows less than it
    slows the wall clock."""
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    completed.cpu_seconds = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return completed, seconds, peak


def stage_seconds(log: str) -> tuple[dict[str, float], dict[str, float]]:
    """Wall time per task family, summed over its tasks, and the span of
    each family (from its first task's start to its last one's end), from
    the timestamped Luigi log. The shards' first start and last end (Unix
    times) go to ``last_shard_edges``."""
    started: dict[str, float] = {}
    spent: dict[str, float] = defaultdict(float)
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    for line in log.splitlines():
        m = re.match(r"(\d+\.\d+) .*? (running|done)\s+(\w+)\((.*)\)$", line)
        if not m:
            continue
        stamp, what, family, params = float(m.group(1)), m.group(2), m.group(3), m.group(4)
        key = family + params
        if what == "running":
            started[key] = stamp
            first.setdefault(family, stamp)
        elif key in started:
            spent[family] += stamp - started.pop(key)
            last[family] = stamp
    global last_shard_edges
    last_shard_edges = (first["CleanShard"], last["CleanShard"]) if "CleanShard" in last else None
    return dict(spent), {family: last[family] - first[family] for family in last}


last_shard_edges: tuple[float, float] | None = None  # of the latest stage_seconds


def shard_balance(stages: dict[str, float], spans: dict[str, float], workers: int = 2) -> str:
    """How busy the workers were while shards ran: a worker left alone
    with the last shard shows here, whatever the machine's speed."""
    span = spans.get("CleanShard")
    if not span:
        return "no shards"
    serial = ""
    if last_serial is not None:
        serial = (f"; before the first shard {last_serial[0]:.1f} s (start-up, planning, the warm-ups), "
                  f"after the last {last_serial[1]:.1f} s (deduplicating, publishing, exit)")
    return (f"shard phase {span:.1f} s from the first shard's start to the last one's end, "
            f"the {workers} workers busy {stages['CleanShard'] / (workers * span):.0%} of it{serial}")


def run_pipeline(raw: Path, clean: Path, work: Path) -> tuple[float, int, dict[str, float], dict[str, float]]:
    conf = work / "logging.cfg"
    conf.write_text(_LOG_CONF)
    cmd = [str(LUIGI), "--module", "tasks", "CleanCorpus", "--raw-dir", str(raw), "--clean-dir", str(clean),
           "--workers", "2", "--local-scheduler", "--logging-conf-file", str(conf)]
    started = time.time()
    proc, seconds, peak = run_measured(cmd, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if proc.returncode != 0:
        sys.exit(f"the pipeline failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    stages, spans = stage_seconds(proc.stderr)
    global last_cpu_seconds, last_serial
    last_cpu_seconds = proc.cpu_seconds
    # The run's serial ends, where one core at most works: what a larger
    # run pays once, and what the shards' own time does not show.
    last_serial = None if last_shard_edges is None else (
        last_shard_edges[0] - started, started + seconds - last_shard_edges[1])
    return seconds, peak, stages, spans


last_cpu_seconds = 0.0  # of the latest run_pipeline
last_serial: tuple[float, float] | None = None  # of the latest run_pipeline: seconds before the shards, after them


# ---------------------------------------------------------------- the 30-line loop


def _loop_hash(path: str):
    import ftfy
    from datasketch import MinHash
    text = ftfy.fix_text(Path(path).read_text(encoding="utf-8", errors="replace"))
    words = re.findall(r"\w+", text.lower())
    m = MinHash(num_perm=128)
    m.update_batch([" ".join(words[i:i + 5]).encode() for i in range(max(1, len(words) - 4))])
    return path, text, m


def thirty_line_loop(files: list[Path], out: Path) -> float:
    from datasketch import MinHashLSH
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    with Pool(2) as pool:
        for path, text, m in pool.imap(_loop_hash, [str(f) for f in files], chunksize=64):
            if not lsh.query(m):
                lsh.insert(path, m)
                (out / Path(path).name).write_text(text, encoding="utf-8")
    return time.perf_counter() - t0


# ---------------------------------------------------------------- datatrove


def run_datatrove(python: Path, raw: Path, files: list[Path], work: Path) -> dict:
    """datatrove's FineWeb-style pipeline (bench/datatrove_fineweb.py) on
    ``files`` under ``python``, the interpreter of the venv that has datatrove."""
    if not python.exists():
        sys.exit(f"{python} does not exist: make bench-datatrove-env creates it")
    work.mkdir(parents=True, exist_ok=True)
    listed = work / "files.txt"
    listed.write_text("".join(f"{f.relative_to(raw)}\n" for f in files), encoding="utf-8")
    proc = subprocess.run([str(python), str(ROOT / "bench" / "datatrove_fineweb.py"), str(raw), str(work),
                           "--tasks", "2", "--files", str(listed)], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"datatrove failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- HTML


def html_mode(work: Path, repeat: int = 1) -> None:
    """The pipeline against trafilatura alone (bench/trafilatura_alone.py),
    both timed from start to end as fresh commands, alternately ``repeat``
    times (this machine's speed drifts; the median ratio is the figure)."""
    import statistics
    raw = work / "html-raw"
    raw.mkdir(parents=True)
    for i, (set_name, page_id, _, page, _) in enumerate(extraction_pages()):
        (raw / f"{set_name}-{i:04d}.html").write_text(page, encoding="utf-8")
    files = sorted(raw.glob("*.html"))
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    print(f"\nHTML: {len(files)} pages, {megabytes:.1f} MB")
    ratios, cpu_ratios = [], []
    for _ in range(repeat):
        shutil.rmtree(work / "html-clean", ignore_errors=True)
        seconds, peak, stages, spans = run_pipeline(raw, work / "html-clean", work)
        cpu = last_cpu_seconds
        proc, alone, _ = run_measured([sys.executable, "-m", "bench.trafilatura_alone", str(raw)], cwd=ROOT,
                                      env=dict(os.environ, PYTHONPATH=str(ROOT)))
        if proc.returncode != 0:
            sys.exit(f"trafilatura alone failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        ratios.append(seconds / alone)
        cpu_ratios.append(cpu / proc.cpu_seconds)
        print(f"  pipeline, 2 workers: {seconds:.1f} s ({cpu:.1f} s of CPU), {len(files) / seconds:.1f} pages/s, "
              f"peak {peak / 2**20:.0f} MiB; stages {_fmt(stages)}; {shard_balance(stages, spans)}")
        print(f"  trafilatura alone, 2 processes: {alone:.1f} s ({proc.cpu_seconds:.1f} s of CPU); "
              f"pipeline / trafilatura = {seconds / alone:.2f}x (CPU {cpu / proc.cpu_seconds:.2f}x)")
    if repeat > 1:
        print(f"  median of {repeat}: pipeline / trafilatura = {statistics.median(ratios):.2f}x "
              f"(each: {', '.join(f'{r:.2f}' for r in ratios)}); CPU {statistics.median(cpu_ratios):.2f}x "
              f"(each: {', '.join(f'{r:.2f}' for r in cpu_ratios)})")


def export_mode(files: list[Path], later: list[Path], work: Path) -> None:
    """The documents as one JSONL export, published, then ``later``
    appended to it and the command run again."""
    raw = work / "export" / "raw"
    raw.mkdir(parents=True)

    def append(paths: list[Path]) -> None:
        with open(raw / "feed.jsonl", "a", encoding="utf-8") as fh:
            for f in paths:
                fh.write(json.dumps({"id": f.stem, "text": f.read_text(encoding="utf-8", errors="replace")}) + "\n")

    append(files)
    seconds, peak, stages, _ = run_pipeline(raw, work / "export" / "clean", work)
    print(f"  one JSONL export of the {len(files)} documents: {seconds:.1f} s, {len(files) / seconds:.0f} docs/s, "
          f"peak memory {peak / 2**20:.0f} MiB; stages: {_fmt(stages)}")
    if later:
        append(later)
        more, more_peak, more_stages, _ = run_pipeline(raw, work / "export" / "clean", work)
        print(f"  {len(later)} records appended to the export: {more:.1f} s = {100 * more / seconds:.1f}% of its "
              f"full run, peak memory {more_peak / 2**20:.0f} MiB; stages: {_fmt(more_stages)}")


def _published_status(clean: Path) -> dict:
    counts: dict[str, int] = defaultdict(int)
    for line in (clean / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        counts[json.loads(line)["status"]] += 1
    return dict(counts)


def _fmt(stages: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f} s" for k, v in sorted(stages.items(), key=lambda kv: -kv[1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10000, help="about this many documents")
    ap.add_argument("--html", action="store_true", help="also the HTML corpus")
    ap.add_argument("--html-only", action="store_true", help="the HTML corpus only")
    ap.add_argument("--repeat", type=int, default=1,
                    help="HTML: run the pipeline and trafilatura alone alternately this many times")
    ap.add_argument("--keep", help="work in this folder and keep it")
    ap.add_argument("--incremental", type=float, default=0.01,
                    help="share of new documents added after the full run is published (0: skip)")
    ap.add_argument("--no-loop", action="store_true", help="skip the 30-line loop")
    ap.add_argument("--export", action="store_true",
                    help="also as one JSONL export, then the held-back documents appended to it")
    ap.add_argument("--datatrove-python", help="interpreter of a venv with datatrove (make bench-datatrove-env): "
                    "runs its FineWeb-style pipeline on the same files")
    args = ap.parse_args()
    require_shared()
    from bench.planted import generate
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="throughput-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.html_only:
            html_mode(work, args.repeat)
            return
        # 30% of originals copied 1-4 times (mean 2): documents ~ 1.6 x originals.
        truth = generate(work / "corpus", seed=0, originals=int(args.docs * (1 + args.incremental) / 1.6),
                         copy_share=0.3)
        raw = work / "corpus" / "raw"
        files = sorted(raw.glob("*.txt"))
        # Names are shuffled, so the last files are a random sample: held back for the incremental run.
        later = files[len(files) - round(len(files) * args.incremental / (1 + args.incremental)):] \
            if args.incremental else []
        aside = work / "corpus" / "later"
        aside.mkdir()
        for f in later:
            f.rename(aside / f.name)
        files = files[:len(files) - len(later)]
        megabytes = sum(f.stat().st_size for f in files) / 1e6
        print(f"text corpus: {len(files)} documents ({truth['documents'] - truth['originals']} planted copies "
              f"in all), {megabytes:.1f} MB")
        seconds, peak, stages, spans = run_pipeline(raw, work / "clean", work)
        print(f"  pipeline, 2 workers: {seconds:.1f} s, {len(files) / seconds:.0f} docs/s, "
              f"{megabytes / seconds:.2f} MB/s, peak memory of the process tree {peak / 2**20:.0f} MiB")
        print(f"  stages (summed over tasks): {_fmt(stages)}; {shard_balance(stages, spans)}")
        print(f"  published: {_published_status(work / 'clean')}")
        if later:
            for f in later:
                (aside / f.name).rename(f)
            more, more_peak, more_stages, _ = run_pipeline(raw, work / "clean", work)
            print(f"  incremental: {len(later)} new documents against the {len(files)} published: {more:.1f} s "
                  f"= {100 * more / seconds:.1f}% of the full run, peak memory {more_peak / 2**20:.0f} MiB; "
                  f"stages: {_fmt(more_stages)}")
        if args.export:
            export_mode(files, later, work)
        if not args.no_loop:
            loop = thirty_line_loop(files, work / "loop-out")
            print(f"  30-line loop, 2 processes: {loop:.1f} s, {len(files) / loop:.0f} docs/s; "
                  f"pipeline / loop = {seconds / loop:.2f}x the time")
        if args.datatrove_python:
            dt = run_datatrove(Path(args.datatrove_python), raw, files, work / "datatrove")
            print(f"  datatrove FineWeb-style, 2 tasks: {dt['seconds']:.1f} s, {len(files) / dt['seconds']:.0f} docs/s "
                  f"({dt['kept']} of {dt['documents']} kept); stages {_fmt(dt['stages'])}; "
                  f"pipeline / datatrove = {seconds / dt['seconds']:.2f}x the time")
        else:
            print("  datatrove: skipped (make bench-datatrove-env, then --datatrove-python .venv-datatrove/bin/python)")
        if args.html:
            html_mode(work, args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
