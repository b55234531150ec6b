"""How fast the text cleaner runs, and where its time goes.

    python -m bench.clean_speed [--sets aeb wcxb-dev] [--repeat 1] [--batch 64]

Every benchmark page rendered as scraped text (as in the extraction
evaluation), cleaned in this process (one core), ``--batch`` pages at a
time as the pipeline does (``clean_texts``). Prints
documents, lines and megabytes per second, then the time of each stage:
the rules (splitting, lexical chrome, spam, structure), line features, the
lexical score, the trees and the smoothing pass.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict

from bench.shared import extraction_pages, require_shared
from pipeline.clean import FINISH_BATCH


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", nargs="+", default=["aeb", "wcxb-dev"])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--batch", type=int, default=FINISH_BATCH,
                    help="texts cleaned together (the pipeline's batch; 1: one at a time)")
    args = ap.parse_args()
    require_shared()
    from textify import textify

    import pipeline.boilerplate as boilerplate
    import pipeline.linefeatures as linefeatures
    import pipeline.linemodel as linemodel
    from pipeline.normalize import normalize

    texts = [normalize(textify(page)) for _, _, _, page, _ in extraction_pages(tuple(args.sets))] * args.repeat
    lines = sum(text.count("\n") + 1 for text in texts)
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    boilerplate.clean_text(texts[0])  # load the models

    spent: dict[str, float] = defaultdict(float)

    def timed(name, fn):
        def wrapper(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.perf_counter() - t0
        return wrapper

    model = linemodel.default_model()
    patches = [(boilerplate, "apply_rules", "rules"), (linefeatures, "pages_features", "features"),
               (model, "lexical_scores", "lexical score"), (model, "predict_matrix", "trees"),
               (linemodel, "smooth", "smoothing"), (boilerplate, "mark_repeats", "repeats")]
    originals = [(obj, attr, getattr(obj, attr)) for obj, attr, _ in patches]
    for obj, attr, name in patches:
        setattr(obj, attr, timed(name, getattr(obj, attr)))
    try:
        t0 = time.perf_counter()
        for start in range(0, len(texts), args.batch):  # as clean_documents does
            boilerplate.clean_texts(texts[start:start + args.batch])
        total = time.perf_counter() - t0
    finally:
        for obj, attr, fn in originals:
            setattr(obj, attr, fn)
    print(f"{len(texts)} documents, {lines} lines, {megabytes:.1f} MB in {total:.2f} s: "
          f"{len(texts) / total:.1f} docs/s, {lines / total:,.0f} lines/s, {megabytes / total:.2f} MB/s (one core)")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:14s} {seconds:6.2f} s  {seconds / total:5.1%}")
    rest = total - sum(spent.values())
    print(f"  {'other':14s} {rest:6.2f} s  {rest / total:5.1%}")


if __name__ == "__main__":
    main()
