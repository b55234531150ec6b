"""trafilatura's extraction alone, as a careful user would run it on a folder
of HTML pages with 2 processes: trafilatura's own call for what the pipeline
takes from a page (``trafilatura.bare_extraction`` with the pipeline's
options, ``pipeline.extract.trafilatura_options``: text and metadata; the
pipeline's call skips the metadata searches it does not read, this one does
not), the date parser warmed once before the processes fork (``warm_up``, as
the pipeline does), pages handed out 8 at a time.

    python -m bench.trafilatura_alone DIR

``bench.throughput --html`` times this command from start to end, as it
times the pipeline's.
"""
from __future__ import annotations

import sys
from multiprocessing import get_context
from pathlib import Path

import trafilatura

from pipeline.extract import trafilatura_options, warm_up

_OPTIONS = trafilatura_options()


def extract(html: str):
    """trafilatura's result for one page (None where it finds nothing)."""
    return trafilatura.bare_extraction(html, **_OPTIONS)


def _extract(path: str) -> int:
    result = extract(Path(path).read_text(encoding="utf-8", errors="replace"))
    return len(result.text or "") if result is not None else 0


def main() -> None:
    files = sorted(str(f) for f in Path(sys.argv[1]).glob("*.html"))
    warm_up()
    with get_context("fork").Pool(2) as pool:
        chars = sum(pool.imap(_extract, files, chunksize=8))
    print(f"{len(files)} pages, {chars} characters extracted")


if __name__ == "__main__":
    main()
