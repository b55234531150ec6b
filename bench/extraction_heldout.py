"""Extraction accuracy on the held-out sites only, through the library.

    python -m bench.extraction_heldout [--mode text|html] [options]

The held-out sites (bench/linedata.py) are the ones the line model never
saw in training, so these are the figures to quote for it. Scores are the
shared evaluation's bag-of-words P/R/F1, averaged per page; a page the
pipeline rejects scores 0, as in ../shared/eval/extraction_eval.py.
"""
from __future__ import annotations

import argparse
import statistics
import time

from bench.linedata import is_held_out
from bench.shared import extraction_pages, require_shared
from pipeline.clean import clean_document
from pipeline.config import CleanConfig
from pipeline.document import Document


def score_pages(mode: str = "text", config: CleanConfig = CleanConfig(), all_sites: bool = False
                ) -> dict[str, tuple[int, float, float, float]]:
    """Per benchmark set: pages, mean precision, recall and F1."""
    require_shared()
    from prf import prf
    from textify import textify
    scores: dict[str, list] = {}
    for set_name, page_id, site, html, gold in extraction_pages():
        if not all_sites and not is_held_out(site):
            continue
        doc = Document(id=page_id, source=page_id, text=textify(html) if mode == "text" else html,
                       kind="text" if mode == "text" else "html")
        doc = clean_document(doc, config)
        scores.setdefault(set_name, []).append(prf(doc.text if doc.status == "kept" else "", gold))
    return {name: (len(rows), *(statistics.mean(x[i] for x in rows) for i in range(3)))
            for name, rows in scores.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["text", "html"], default="text")
    ap.add_argument("--all-sites", action="store_true", help="score every page, training sites included")
    ap.add_argument("--drop-captions", choices=["true", "false"], default="true")
    ap.add_argument("--html-bias", default=CleanConfig.html_bias)
    ap.add_argument("--html-cleaning", default=CleanConfig.html_cleaning)
    ap.add_argument("--line-threshold", type=float)
    ap.add_argument("--smoothing", type=float)
    a = ap.parse_args()
    config = CleanConfig(drop_captions=a.drop_captions == "true", html_bias=a.html_bias, html_cleaning=a.html_cleaning,
                         line_threshold=a.line_threshold, smoothing=a.smoothing)
    t0 = time.time()
    figures = score_pages(a.mode, config, a.all_sites)
    for name, (pages, p, r, f) in figures.items():
        print(f"{name} {a.mode} held-out={not a.all_sites}: pages={pages} P={p:.3f} R={r:.3f} F1={f:.3f}")
    total = sum(v[0] for v in figures.values())
    mean = sum(v[0] * v[3] for v in figures.values()) / max(1, total)
    print(f"all: pages={total} F1={mean:.3f} ({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
