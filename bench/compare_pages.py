"""Page-by-page F1 of two settings, to see which pages a change helps or hurts.

    python -m bench.extraction_heldout --all-sites --per-page before.json
    (change something)
    python -m bench.extraction_heldout --all-sites --per-page after.json
    python -m bench.compare_pages before.json after.json [--min 0.001]
"""
from __future__ import annotations

import argparse
import json


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--min", type=float, default=0.001, help="smallest change in F1 to list")
    a = ap.parse_args()
    with open(a.before, encoding="utf-8") as fh:
        before = json.load(fh)
    with open(a.after, encoding="utf-8") as fh:
        after = json.load(fh)
    changes = sorted((after[k] - before[k], k) for k in before.keys() & after.keys()
                     if abs(after[k] - before[k]) >= a.min)
    for delta, page in changes:
        print(f"{delta:+.3f}  {before[page]:.3f} -> {after[page]:.3f}  {page}")
    print(f"{sum(d > 0 for d, _ in changes)} pages better, {sum(d < 0 for d, _ in changes)} worse "
          f"(of {len(before.keys() & after.keys())} scored in both)")


if __name__ == "__main__":
    main()
