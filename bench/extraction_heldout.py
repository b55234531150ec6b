"""Extraction accuracy on the held-out sites only, through the library.

    python -m bench.extraction_heldout [--mode text|html] [--variant ...]

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
    require_shared()
    from prf import prf
    from textify import textify
    config = CleanConfig(drop_captions=a.drop_captions == "true", html_bias=a.html_bias, html_cleaning=a.html_cleaning,
                         line_threshold=a.line_threshold, smoothing=a.smoothing)
    scores: dict[str, list] = {}
    t0 = time.time()
    for set_name, page_id, site, html, gold in extraction_pages():
        if not a.all_sites and not is_held_out(site):
            continue
        doc = Document(id=page_id, source=page_id, text=textify(html) if a.mode == "text" else html,
                       kind="text" if a.mode == "text" else "html")
        doc = clean_document(doc, config)
        scores.setdefault(set_name, []).append(prf(doc.text if doc.status == "kept" else "", gold))
    for name, rows in scores.items():
        p, r, f = (statistics.mean(x[i] for x in rows) for i in range(3))
        print(f"{name} {a.mode} held-out={not a.all_sites}: pages={len(rows)} P={p:.3f} R={r:.3f} F1={f:.3f}")
    rows = [x for v in scores.values() for x in v]
    print(f"all: pages={len(rows)} F1={statistics.mean(x[2] for x in rows):.3f} ({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
