"""trafilatura's extraction alone, as a careful user would run it on a folder
of HTML pages with 2 processes: the same call the pipeline makes
(``pipeline.extract.extract_html``: text and metadata), the date parser
warmed once before the processes fork (``warm_up``, as the pipeline does),
pages handed out 8 at a time.

    python -m bench.trafilatura_alone DIR

``bench.throughput --html`` times this command from start to end, as it
times the pipeline's.
"""
from __future__ import annotations

import sys
from multiprocessing import get_context
from pathlib import Path

from pipeline.extract import extract_html, warm_up


def _extract(path: str) -> int:
    return len(extract_html(Path(path).read_text(encoding="utf-8", errors="replace"))[0])


def main() -> None:
    files = sorted(str(f) for f in Path(sys.argv[1]).glob("*.html"))
    warm_up()
    with get_context("fork").Pool(2) as pool:
        chars = sum(pool.imap(_extract, files, chunksize=8))
    print(f"{len(files)} pages, {chars} characters extracted")


if __name__ == "__main__":
    main()
