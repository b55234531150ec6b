"""One crawl's WARC file, cleaned whole by one worker or in parts by both.

    python -m bench.warc_parts [--keep DIR]

Writes the 890 benchmark pages into one WARC file twice: gzipped record by
record (as crawlers write ``.warc.gz``; planned in parts cut between
records) and gzipped as one stream (which cannot be entered at a record, so
one shard reads it whole). Runs the whole pipeline (``--workers 2``) on each
and prints the wall time, the shards and the published counts; the two
clean folders must publish the same records.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import shutil
import tempfile
from pathlib import Path

from bench.shared import extraction_pages, require_shared
from bench.throughput import run_pipeline


def write_crawl(path: Path, pages: list[tuple[str, str]], per_record: bool) -> None:
    """``pages`` (url, html) as a crawler's WARC: its warcinfo, then a
    request and a response record a page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=per_record)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "bench.warc_parts"}))
    for url, html in pages:
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "bench.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")),
                                                      http_headers=headers))
    data = buffer.getvalue()
    path.write_bytes(data if per_record else gzip.compress(data))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", metavar="DIR", help="keep the WARC files and clean folders here")
    args = ap.parse_args()
    require_shared()
    pages = [(f"https://bench.example/{set_name}/{page_id}", html)
             for set_name, page_id, _, html, _ in extraction_pages()]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="warc-parts-"))
    work.mkdir(parents=True, exist_ok=True)
    published = {}
    try:
        for name, per_record in (("record by record", True), ("one gzip stream", False)):
            raw, clean = work / f"raw-{per_record}", work / f"clean-{per_record}"
            shutil.rmtree(raw, ignore_errors=True)
            shutil.rmtree(clean, ignore_errors=True)
            raw.mkdir()
            write_crawl(raw / "crawl.warc.gz", pages, per_record)
            seconds, peak, stages, _ = run_pipeline(raw, clean, work)
            plan = json.loads(next((clean / ".state" / "batches").glob("*/plan.json")).read_text()) \
                if (clean / ".state" / "batches").is_dir() else None
            records = [json.loads(line) for line in (clean / "manifest.jsonl").open()]
            published[per_record] = sorted((r["id"], r["status"], r.get("duplicate_of")) for r in records)
            counts = {s: sum(r["status"] == s for r in records) for s in ("kept", "duplicate", "rejected")}
            shards = len(plan["shards"]) if plan else "?"
            print(f"{len(pages)} pages in one WARC file ({(raw / 'crawl.warc.gz').stat().st_size / 1e6:.1f} MB), "
                  f"gzipped {name}: {seconds:.1f} s, {len(pages) / seconds:.0f} pages/s, {shards} shards, "
                  f"CleanShard {stages.get('CleanShard', 0):.1f} worker-s, peak {peak / 2**20:.0f} MiB; {counts}")
        print("the same records published:", published[True] == published[False])
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
