"""Where the shared benchmark data lives, and how to read it without
copying any of it into the repo."""
from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
EVAL = SHARED / "eval"


def require_shared() -> None:
    if not DATA.is_dir():
        sys.exit(f"{DATA} is not present: the benchmarks read the shared data from there")
    if str(EVAL) not in sys.path:
        sys.path.insert(0, str(EVAL))


def extraction_pages(sets=("aeb", "wcxb-dev")):
    """(set, page id, site, html, gold body) for the extraction benchmarks."""
    require_shared()
    from datasets import SETS  # ../shared/eval/datasets.py
    urls = {}
    aeb = json.loads((DATA / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    urls.update({("aeb", k): v.get("url", "") for k, v in aeb.items()})
    for path in (DATA / "wcxb-dev" / "ground-truth").glob("*.json"):
        urls[("wcxb-dev", path.stem)] = json.loads(path.read_text(encoding="utf-8")).get("url", "")
    for name in sets:
        for page_id, html, gold in SETS[name]():
            yield name, page_id, site_of(urls.get((name, page_id), "")), html, gold


def warmed_html_pages() -> list[tuple[str, str]]:
    """(page id, html) of every extraction benchmark page, in a process
    set up as a run's scheduling process is before its shards fork: the
    libraries' first-use work done (``warm_up``), the heap frozen out of
    garbage collection. For CPU timings of the per-page stages."""
    import gc

    from pipeline import compiled, extract
    require_shared()
    extract.warm_up()
    compiled.warm_up()
    pages = [(page_id, html) for _, page_id, _, html, _ in extraction_pages()]
    gc.collect()
    gc.freeze()
    return pages


@contextlib.contextmanager
def planted_raw_folder(docs: int, seed: int, prefix: str) -> Iterator[Path]:
    """The raw folder of a planted corpus of about ``docs`` scraped-text
    documents (bench/planted.py: stories with real chrome, a third of them
    copies), in a temporary folder removed afterwards; its parent's parent
    is free for a clean folder."""
    from bench.planted import generate
    require_shared()
    with tempfile.TemporaryDirectory(prefix=prefix) as work:
        generate(Path(work) / "corpus", seed=seed, originals=int(docs / 1.6), copy_share=0.3)
        yield Path(work) / "corpus" / "raw"


def warm_as_a_run() -> None:
    """The text cleaner's libraries loaded and compiled as a run's
    scheduling process does before its shards fork, and the garbage
    collected."""
    import gc

    from pipeline import compiled
    compiled.warm_up()
    gc.collect()


def site_of(url: str) -> str:
    host = urlparse(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def hashed_matrix(texts, buckets_of, n_buckets: int):
    """Rows of L2-normalised binary bucket indicators, as the shipped models
    score them (pipeline/linemodel.py, pipeline/spam.py)."""
    import numpy as np
    from scipy import sparse
    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        buckets = buckets_of(text)
        rows.extend([r] * len(buckets))
        cols.extend(buckets.tolist())
        vals.extend([1.0 / np.sqrt(len(buckets))] * len(buckets))
    return sparse.csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)), shape=(len(texts), n_buckets))
