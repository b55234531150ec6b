"""How much HTML mode would gain from falling back to the text-mode cleaner
where trafilatura misses most of an article (a lead, not built).

Every benchmark page is cleaned twice: as HTML (trafilatura, then the light
pass) and as scraped text (the page rendered by ../shared/eval's renderer,
then the full text-mode cleaner). Printed, per set and for held-out and
training sites apart: the F1 of HTML mode, of text mode, of the better of
the two per page (a bound no rule reaches), and of rules that take the
text-mode result when it has more than K times the words of the HTML one,
with the share of pages such a rule would need to clean twice.

    python -m bench.html_text_fallback [--save rows.json]

The training-site figures flatter text mode (its line model saw those
pages); the held-out ones are what a decision should rest on.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

from bench.linedata import is_held_out
from bench.shared import extraction_pages, require_shared
from pipeline.clean import clean_document
from pipeline.document import Document, count_words

RATIOS = (1.2, 1.5, 2.0, 3.0)


def page_rows() -> list[dict]:
    from prf import prf  # ../shared/eval
    from textify import textify
    rows = []
    for set_name, page_id, site, html, gold in extraction_pages():
        as_html = clean_document(Document(id=page_id, source=page_id, text=html, kind="html"))
        rendered = textify(html)
        as_text = clean_document(Document(id=page_id, source=page_id, text=rendered, kind="text"))
        html_text = as_html.text if as_html.status == "kept" else ""
        text_text = as_text.text if as_text.status == "kept" else ""
        rows.append({"set": set_name, "site": site, "held_out": is_held_out(site),
                     "html_words": count_words(html_text), "text_words": count_words(text_text),
                     "rendered_words": count_words(rendered),
                     "html_f1": prf(html_text, gold)[2], "text_f1": prf(text_text, gold)[2]})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--save", metavar="ROWS.json", help="write the per-page figures there")
    args = ap.parse_args()
    require_shared()
    t0 = time.time()
    rows = page_rows()
    if args.save:
        with open(args.save, "w", encoding="utf-8") as fh:
            json.dump(rows, fh)
    rules = {"HTML mode": lambda r: r["html_f1"], "text mode": lambda r: r["text_f1"],
             "better of the two (bound)": lambda r: max(r["html_f1"], r["text_f1"])}
    for k in RATIOS:
        rules[f"text if its words > {k} x HTML's"] = (
            lambda r, k=k: r["text_f1"] if r["text_words"] > k * r["html_words"] else r["html_f1"])
    for set_name in ("aeb", "wcxb-dev"):
        for held_out in (True, False):
            part = [r for r in rows if r["set"] == set_name and r["held_out"] == held_out]
            print(f"{set_name} {'held-out' if held_out else 'training'} sites ({len(part)} pages):")
            for name, rule in rules.items():
                print(f"  {name:34} F1 {statistics.mean(map(rule, part)):.4f}")
    for k in RATIOS:
        share = sum(r["rendered_words"] > k * r["html_words"] for r in rows) / len(rows)
        print(f"pages a rule with K = {k} must also clean as text (rendered words > K x HTML's): {share:.1%}")
    print(f"({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
