"""News stories with no chrome around them, cleaned one by one: what the
cleaner takes from text that is all article.

    python -m bench.articles_alone [--sample 0] [--seed 0] [--examples 3]

Scraped text is not always wrapped in a site's chrome: JSONL exports and
feeds often hold the story alone, and then every line the cleaner removes
is a loss. Each BBC news story and Reuters newswire story
(``../shared/data/bbc-news``, ``reuters-21578``) is written as its headline,
a blank line and its paragraphs, and cleaned alone (``clean_document``).
Printed per collection:

- the documents kept and rejected, by reason (a wire story under
  ``min_words`` is rightly ``too_short``);
- body words kept: the share of the story's words (as a multiset) that the
  clean text still holds, averaged over the documents, and the documents
  that keep less than 80% of them;
- paragraphs removed by reason, with a few of the paragraphs each rule
  (not the line model) removed, to read.

``--sample N`` cleans N stories of each collection (picked with ``--seed``)
instead of all of them.
"""
from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter

from bench.planted import bbc_articles, reuters_articles
from bench.shared import require_shared

_TOKEN = re.compile(r"\w+")
LOSS = 0.8  # a document keeping less than this share of its body's words is counted as damaged


def body_recall(body: str, kept: str) -> float:
    """The share of ``body``'s words (lower-cased, as a multiset) that ``kept`` holds."""
    want = Counter(_TOKEN.findall(body.lower()))
    have = Counter(_TOKEN.findall(kept.lower()))
    total = sum(want.values())
    return sum(min(n, have[w]) for w, n in want.items()) / total if total else 1.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=int, default=0, help="stories of each collection (0: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--examples", type=int, default=3, help="paragraphs to show per removal reason")
    args = ap.parse_args()
    require_shared()
    from pipeline.clean import clean_document
    from pipeline.document import Document

    for name, articles in (("bbc-news", bbc_articles()), ("reuters-21578", reuters_articles())):
        if args.sample:
            articles = random.Random(args.seed).sample(articles, min(args.sample, len(articles)))
        started = time.perf_counter()
        outcome: Counter = Counter()
        removed: Counter = Counter()
        examples: dict[str, list[str]] = {}
        recalls: list[float] = []
        paragraphs = 0
        for article in articles:
            body = "\n\n".join(article.paragraphs)
            doc = clean_document(Document(id=article.key, source=article.key,
                                          text=f"{article.title}\n\n{body}", kind="text"))
            outcome[doc.status if doc.status == "kept" else doc.reason] += 1
            recalls.append(body_recall(body, doc.text if doc.status == "kept" else ""))
            paragraphs += len(article.paragraphs)
            own = set(article.paragraphs)
            for reason, line, _ in doc.removed:
                if line in own:
                    removed[reason] += 1
                    if reason != "model" and len(examples.setdefault(reason, [])) < args.examples:
                        examples[reason].append(f"{article.key}: {line[:150]}")
        damaged = sum(r < LOSS for r in recalls)
        print(f"{name}: {len(articles)} stories, {paragraphs} paragraphs, {time.perf_counter() - started:.0f} s")
        print(f"  outcome: {dict(outcome.most_common())}")
        print(f"  body words kept: {sum(recalls) / len(recalls):.4f} on average; "
              f"{damaged} stories ({damaged / len(articles):.2%}) keep less than {LOSS:.0%}")
        print(f"  paragraphs removed: {sum(removed.values())} ({sum(removed.values()) / paragraphs:.2%}): "
              f"{dict(removed.most_common())}")
        for reason, lines in sorted(examples.items()):
            for line in lines:
                print(f"    {reason:>12}  {line}")


if __name__ == "__main__":
    main()
