"""What the pipeline's own work adds to trafilatura's, page by page.

Every benchmark page is given to trafilatura alone (``extract.extract_html``,
as ``bench.trafilatura_alone`` calls it) and to the pipeline's per-document
stages (``clean.clean_documents``: extraction, normalisation, the light
pass, the fallback), the two alternating in one process and taking turns
at going first, so that the machine's drift (20% between whole runs here)
falls on both alike. What a whole run adds on top (start-up, warm-ups,
deduplication, publishing, a process per shard) is in ``bench.throughput
--html``.

    python -m bench.html_overhead [--html-fallback 2.0]

Prints the CPU seconds of each and their ratio.
"""
from __future__ import annotations

import argparse
import time

from bench.shared import warmed_html_pages
from pipeline import extract
from pipeline.clean import clean_documents
from pipeline.config import CleanConfig
from pipeline.document import Document


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--html-fallback", type=float, default=CleanConfig.html_fallback)
    args = ap.parse_args()
    pages = warmed_html_pages()
    config = CleanConfig(html_fallback=args.html_fallback)
    alone = pipeline = 0.0

    def trafilatura_alone(html: str) -> float:
        start = time.process_time()
        extract.extract_html(html)
        return time.process_time() - start

    def through_pipeline(page_id: str, html: str) -> float:
        start = time.process_time()
        clean_documents([Document(id=page_id, source=page_id, text=html, kind="html")], config)
        return time.process_time() - start

    for i, (page_id, html) in enumerate(pages):
        if i % 2:
            alone += trafilatura_alone(html)
            pipeline += through_pipeline(page_id, html)
        else:
            pipeline += through_pipeline(page_id, html)
            alone += trafilatura_alone(html)
    print(f"{len(pages)} pages: trafilatura alone {alone:.2f} s of CPU, through the pipeline's stages "
          f"{pipeline:.2f} s (html_fallback {args.html_fallback}): {pipeline / alone:.3f}x")


if __name__ == "__main__":
    main()
