"""What the pipeline's own work adds to trafilatura's, page by page.

Every benchmark page is given to trafilatura alone (its own call, as
``bench.trafilatura_alone`` makes it), to the pipeline's extraction call
(``extract.extract_html``: the same, without the metadata searches whose
results the pipeline drops) and to the pipeline's per-document stages
(``clean.clean_documents``: extraction, normalisation, the light pass, the
fallback), the three in one process and taking turns at going first, so
that the machine's drift (20% between whole runs here) falls on all alike.
What a whole run adds on top (start-up, warm-ups, deduplication,
publishing, a process per shard) is in ``bench.throughput --html``.

    python -m bench.html_overhead [--html-fallback 2.0]

Prints the CPU seconds of each and the pipeline's against the other two.
"""
from __future__ import annotations

import argparse
import time

from bench import trafilatura_alone
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
    timers = {
        "trafilatura alone": lambda page_id, html: trafilatura_alone.extract(html),
        "the pipeline's extraction call": lambda page_id, html: extract.extract_html(html),
        "the pipeline's stages": lambda page_id, html: clean_documents(
            [Document(id=page_id, source=page_id, text=html, kind="html")], config),
    }
    seconds = dict.fromkeys(timers, 0.0)
    names = list(timers)
    for i, (page_id, html) in enumerate(pages):
        for name in names[i % 3:] + names[:i % 3]:
            start = time.process_time()
            timers[name](page_id, html)
            seconds[name] += time.process_time() - start
    pipeline = seconds["the pipeline's stages"]
    print(f"{len(pages)} pages, CPU seconds (html_fallback {args.html_fallback}):")
    for name, value in seconds.items():
        ratio = f"   pipeline / this = {pipeline / value:.3f}x" if name != "the pipeline's stages" else ""
        print(f"  {name:32s} {value:6.2f} s{ratio}")


if __name__ == "__main__":
    main()
