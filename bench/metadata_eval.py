"""Title, author and date in the manifest's metadata, against wcxb-dev's own.

    python -m bench.metadata_eval [--mode text|html] [--per-page FILE.json]

wcxb-dev's ground truth gives each page's title, author and publish date
(aeb gives none). Each page goes through the library as in
bench/extraction_heldout.py (text mode: the page rendered as scraped text).
A field counts as found when the page has one and the pipeline gives one,
and as right when they agree: titles and authors by their words (lower-cased;
the pipeline's words at least 80% the true ones, covering at least half of
them: a site name after the headline is not held against it), dates by day.
Printed per field: pages that have it, found, right, and right among found.
"""
from __future__ import annotations

import argparse
import json
import re

from bench.shared import DATA, require_shared
from pipeline.clean import clean_document
from pipeline.config import CleanConfig
from pipeline.document import Document

FIELDS = ("title", "author", "date")
_WORDS = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return set(_WORDS.findall(text.lower()))


def agrees(field: str, found: str, truth: str) -> bool:
    if field == "date":
        return found[:10] == truth[:10]
    ours, theirs = _words(found), _words(truth)
    shared = len(ours & theirs)
    return bool(ours) and shared >= 0.8 * len(ours) and shared >= 0.5 * len(theirs)


def truths() -> dict[str, dict[str, str]]:
    out = {}
    for path in sorted((DATA / "wcxb-dev" / "ground-truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        out[path.stem] = {"title": truth.get("title"), "author": truth.get("author"),
                          "date": truth.get("publish_date")}
    return out


def evaluate(mode: str = "text", per_page: dict | None = None) -> dict[str, dict[str, int]]:
    require_shared()
    from datasets import SETS  # ../shared/eval/datasets.py
    from textify import textify
    expected = truths()
    counts = {field: {"pages": 0, "found": 0, "right": 0} for field in FIELDS}
    for page_id, html, _ in SETS["wcxb-dev"]():
        doc = Document(id=page_id, source=page_id, text=textify(html) if mode == "text" else html,
                       kind="text" if mode == "text" else "html")
        metadata = clean_document(doc, CleanConfig()).metadata
        for field in FIELDS:
            truth, found = expected.get(page_id, {}).get(field), metadata.get(field)
            if not truth:
                continue
            counts[field]["pages"] += 1
            counts[field]["found"] += bool(found)
            right = bool(found) and agrees(field, found, truth)
            counts[field]["right"] += right
            if per_page is not None:
                per_page.setdefault(page_id, {})[field] = [found, truth, right]
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=["text", "html"], default="text")
    ap.add_argument("--per-page", metavar="FILE.json", help="write each page's (found, true, right) per field")
    args = ap.parse_args()
    per_page: dict | None = {} if args.per_page else None
    for field, c in evaluate(args.mode, per_page).items():
        print(f"wcxb-dev {args.mode} {field:6s}: pages {c['pages']}, found {c['found']}, right {c['right']} "
              f"({c['right'] / max(1, c['pages']):.1%} of pages, {c['right'] / max(1, c['found']):.1%} of found)")
    if per_page is not None:
        with open(args.per_page, "w", encoding="utf-8") as fh:
            json.dump(per_page, fh, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
