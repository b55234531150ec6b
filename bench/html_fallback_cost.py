"""What the HTML fallback (``--html-fallback``) costs in CPU time.

Every benchmark page is cleaned as HTML twice, with the fallback and
without it, the two alternating page by page in one process, so that the
machine's drift from minute to minute (20% here) falls on both alike; a
comparison of two whole runs cannot see a 5% difference through it.

    python -m bench.html_fallback_cost [--factor 2.0]

Prints the CPU seconds of each, the difference, and on how many pages the
fallback's result was taken.
"""
from __future__ import annotations

import argparse
import time

from bench.shared import warmed_html_pages
from pipeline.clean import EXTRACTION, clean_document
from pipeline.config import CleanConfig
from pipeline.document import Document


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--factor", type=float, default=CleanConfig.html_fallback, help="html_fallback to measure")
    args = ap.parse_args()
    pages = warmed_html_pages()
    off, on = CleanConfig(html_fallback=0), CleanConfig(html_fallback=args.factor)
    seconds = {off: 0.0, on: 0.0}
    taken = 0
    for i, (page_id, html) in enumerate(pages):
        for config in (off, on) if i % 2 else (on, off):
            start = time.process_time()
            doc = clean_document(Document(id=page_id, source=page_id, text=html, kind="html"), config)
            seconds[config] += time.process_time() - start
            taken += config is on and doc.metadata.get(EXTRACTION) == "page"
    print(f"{len(pages)} pages: without the fallback {seconds[off]:.1f} s of CPU, with it ({args.factor}) "
          f"{seconds[on]:.1f} s: {100 * (seconds[on] / seconds[off] - 1):+.1f}%; taken on {taken} pages")


if __name__ == "__main__":
    main()
