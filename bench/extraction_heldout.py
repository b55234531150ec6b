"""Extraction accuracy on the held-out sites only, through the library.

    python -m bench.extraction_heldout [--mode text|html] [--all-sites] [--per-page F.json] [options]

The held-out sites (bench/linedata.py) are the ones the line model never
saw in training, so these are the figures to quote for it. Scores are the
shared evaluation's bag-of-words P/R/F1, averaged per page; a page the
pipeline rejects scores 0, as in ../shared/eval/extraction_eval.py.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.linedata import is_held_out
from bench.shared import extraction_pages, require_shared
from pipeline.clean import clean_document
from pipeline.config import CleanConfig
from pipeline.document import Document


def score_pages(mode: str = "text", config: CleanConfig = CleanConfig(), all_sites: bool = False,
                per_page: dict[str, float] | None = None) -> dict[str, tuple[int, float, float, float]]:
    """Per benchmark set: pages, mean precision, recall and F1. With
    ``all_sites``, the training sites are scored too, as sets of their own
    (``"<set> training sites"``). ``per_page`` receives each page's F1."""
    require_shared()
    from prf import prf
    from textify import textify
    scores: dict[str, list] = {}
    for set_name, page_id, site, html, gold in extraction_pages():
        held_out = is_held_out(site)
        if not all_sites and not held_out:
            continue
        doc = Document(id=page_id, source=page_id, text=textify(html) if mode == "text" else html,
                       kind="text" if mode == "text" else "html")
        doc = clean_document(doc, config)
        figures = prf(doc.text if doc.status == "kept" else "", gold)
        scores.setdefault(set_name if held_out else f"{set_name} training sites", []).append(figures)
        if per_page is not None:
            per_page[f"{set_name}/{page_id} {site}"] = figures[2]
    return {name: (len(rows), *(statistics.mean(x[i] for x in rows) for i in range(3)))
            for name, rows in sorted(scores.items())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["text", "html"], default="text")
    ap.add_argument("--all-sites", action="store_true",
                    help="score the training sites' pages too (reported apart: a rule tuned on the pages one "
                         "looked at shows up as a loss on the others)")
    ap.add_argument("--per-page", metavar="FILE.json",
                    help="write each page's F1 there, to compare two settings page by page")
    ap.add_argument("--drop-captions", choices=["true", "false"], default="true")
    ap.add_argument("--html-bias", default=CleanConfig.html_bias)
    ap.add_argument("--html-cleaning", default=CleanConfig.html_cleaning)
    ap.add_argument("--html-fallback", type=float, default=CleanConfig.html_fallback)
    ap.add_argument("--line-threshold", type=float)
    ap.add_argument("--smoothing", type=float)
    ap.add_argument("--max-passes", type=int, default=CleanConfig.max_passes)
    ap.add_argument("--model", metavar="FILE.npz",
                    help="score with this main line model instead of the shipped one (from bench.train_boilerplate --out)")
    ap.add_argument("--neutral-model", metavar="FILE.npz",
                    help="score with this language-neutral line model instead of the shipped one "
                         "(bench.train_boilerplate --neutral-out)")
    a = ap.parse_args()
    from pipeline import linemodel
    if a.model:
        linemodel.MODEL_PATH = Path(a.model)
        linemodel.default_model.cache_clear()
    if a.neutral_model:
        linemodel.NEUTRAL_MODEL_PATH = Path(a.neutral_model)
        linemodel.default_neutral_model.cache_clear()
    config = CleanConfig(drop_captions=a.drop_captions == "true", html_bias=a.html_bias, html_cleaning=a.html_cleaning,
                         html_fallback=a.html_fallback, line_threshold=a.line_threshold, smoothing=a.smoothing, max_passes=a.max_passes)
    t0 = time.time()
    per_page: dict[str, float] = {}
    figures = score_pages(a.mode, config, a.all_sites, per_page)
    for name, (pages, p, r, f) in figures.items():
        part = "" if "training" in name else " held-out"
        print(f"{name}{part} {a.mode}: pages={pages} P={p:.4f} R={r:.4f} F1={f:.4f}")
    if a.per_page:
        with open(a.per_page, "w", encoding="utf-8") as fh:
            json.dump(per_page, fh, indent=0, sort_keys=True)
    held_out = [v for name, v in figures.items() if "training" not in name]
    total = sum(v[0] for v in held_out)
    mean = sum(v[0] * v[3] for v in held_out) / max(1, total)
    print(f"all held-out: pages={total} F1={mean:.4f} ({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
