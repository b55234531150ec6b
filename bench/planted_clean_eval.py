"""How well the text cleaner finds news stories it has never seen in the
chrome of sites it has never seen.

    python -m bench.planted_clean_eval [--originals 600] [--seed 0] [--training-chrome] [--worst 10]

The extraction benchmark (``bench.extraction_heldout``) scores whole pages
of the held-out sites, most of them not news. Here the articles are news:
BBC stories and Reuters newswire (``bench/planted.py``; neither collection
is among the line model's training pages), each one planted as the body of
a real scraped page of a held-out site (its lines above and below the true
article; ``--training-chrome``: the training sites' pages instead, for
working on the rules without looking at the held-out ones). Each document
is scored with the shared evaluation's bag-of-words precision, recall and
F1 against the planted story (the headline above it is metadata, not body),
cleaned two ways:

- alone: one page of a site, the way the extraction benchmark cleans;
- as a run: all documents together (``clean_documents``, what a shard
  runs: the batch's recurring lines found first), as ``CleanCorpus``
  cleans a batch in which many pages share a site's chrome.

Prints the figures by collection (Reuters stories are short, so chrome
left beside them weighs more), the chrome templates that lose the most F1
in the alone mode, and the worst documents.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.shared import require_shared


def cleaned_stories(originals: int = 600, seed: int = 0, held_out_chrome: bool = True) -> dict:
    """The planted stories cleaned both ways: ``{"truth", "texts", "alone",
    "as_run"}``, the last two mapping each document to (precision, recall,
    F1) against its story."""
    require_shared()
    from prf import prf  # ../shared/eval

    from bench.planted import generate
    from pipeline.clean import clean_document, clean_documents
    from pipeline.config import CleanConfig
    from pipeline.document import Document

    config = CleanConfig()
    with tempfile.TemporaryDirectory(prefix="planted-clean-") as work:
        truth = generate(Path(work) / "corpus", seed=seed, originals=originals, copy_share=0.0,
                         held_out_chrome=held_out_chrome)
        raw = Path(work) / "corpus" / "raw"
        names = sorted(truth["bodies"])
        texts = {name: (raw / f"{name}.txt").read_text(encoding="utf-8") for name in names}

    def scored(docs: list[Document]) -> dict[str, tuple[float, float, float]]:
        return {doc.id: prf(doc.text if doc.status == "kept" else "", truth["bodies"][doc.id]) for doc in docs}

    def documents() -> list[Document]:
        return [Document(id=n, source=n, text=texts[n], kind="text") for n in names]

    alone = scored([clean_document(doc, config) for doc in documents()])
    return {"truth": truth, "texts": texts, "alone": alone, "as_run": scored(clean_documents(documents(), config))}


def mean_figures(figures: dict[str, tuple[float, float, float]], names: list[str]) -> tuple[float, float, float]:
    """Mean precision, recall and F1 of ``names``."""
    return tuple(statistics.mean(figures[n][i] for n in names) for i in range(3))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--originals", type=int, default=600)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--training-chrome", action="store_true",
                    help="chrome of the training sites' pages instead of the held-out sites'")
    ap.add_argument("--worst", type=int, default=10, help="worst documents to list")
    args = ap.parse_args()
    found = cleaned_stories(args.originals, args.seed, not args.training_chrome)
    truth, texts, alone = found["truth"], found["texts"], found["alone"]
    names = sorted(texts)

    chrome = "training" if args.training_chrome else "held-out"
    print(f"{len(names)} stories in the chrome of {truth['templates']} {chrome} pages (seed {args.seed})")
    print("| cleaned | stories | precision | recall | F1 |")
    print("|---|---|---|---|---|")
    for mode, figures in (("alone", alone), ("as a run", found["as_run"])):
        for source in ("bbc", "reuters", None):
            chosen = [n for n in names if source is None or truth["clusters"][n].startswith(source)]
            p, r, f = mean_figures(figures, chosen)
            print(f"| {mode}, {source or 'all'} | {len(chosen)} | {p:.4f} | {r:.4f} | {f:.4f} |")

    by_template: dict[int, list[str]] = defaultdict(list)
    for name in names:
        by_template[truth["template"][name]].append(name)
    lost = sum(1 - alone[n][2] for n in names) or 1.0
    print("\nchrome templates losing the most F1 (alone):")
    for template, members in sorted(by_template.items(), key=lambda kv: -sum(1 - alone[n][2] for n in kv[1]))[:5]:
        share = sum(1 - alone[n][2] for n in members) / lost
        f1 = statistics.mean(alone[n][2] for n in members)
        lines = texts[members[0]].rstrip().split("\n")
        print(f"  {share:5.1%} of the loss, {len(members)} stories, F1 {f1:.3f}: template {template}, "
              f"its page from {lines[0][:40]!r} to {lines[-1][:40]!r}")
    print(f"\nworst {args.worst} (alone):")
    for name in sorted(names, key=lambda n: alone[n][2])[:args.worst]:
        p, r, f = alone[name]
        print(f"  {name} {truth['clusters'][name]}: P {p:.3f} R {r:.3f} F1 {f:.3f}")


if __name__ == "__main__":
    main()
