"""How often the lexical chrome rules hit real article text, and how much of
the benchmark pages' chrome they name.

    python -m bench.chrome_lexicon [--show 5]

Most chrome categories are trusted rules (``boilerplate.TRUSTED_RULES``): a
line whose wording matches one is removed whatever the line model says,
wherever it stands in the page. So every pattern added to the lexicon is
paid for by the article sentences it matches. This counts, by category:

- article paragraphs: every paragraph of the BBC and Reuters collections
  and every line of five words or more of the benchmark pages that their
  true article body holds (``bench.linedata.label_lines``); each hit is a
  false positive (on the pages, a few are labelling noise: a short line
  whose words the body holds elsewhere);
- chrome lines: the lines of the benchmark pages that the true body does
  not hold, with two words or more: the share the lexicon names (the line
  model and the page-structure rules see the rest).

``--show N`` prints N article paragraphs hit by each category.
"""
from __future__ import annotations

import argparse
from collections import Counter, defaultdict

from bench.shared import require_shared


def _article_paragraphs():
    from bench.planted import bbc_articles, reuters_articles
    for source, articles in (("bbc", bbc_articles()), ("reuters", reuters_articles())):
        for article in articles:
            for paragraph in article.paragraphs:
                yield source, paragraph


def _page_lines():
    """(is article text, line) of every line of the benchmark pages, as text."""
    from bench.linedata import labelled_lines
    for _, _, _, lines, labels, _ in labelled_lines():
        yield from zip(labels, (line.text for line in lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", type=int, default=0, help="article paragraphs to print per category hit")
    args = ap.parse_args()
    require_shared()
    from pipeline.boilerplate import chrome_reason
    from pipeline.normalize import normalize

    hits: Counter = Counter()
    shown: dict[str, list[str]] = defaultdict(list)
    counted: Counter = Counter()

    def article(source: str, text: str) -> None:
        counted[source] += 1
        reason = chrome_reason(text)
        if reason:
            hits[source, reason] += 1
            if len(shown[reason]) < args.show:
                shown[reason].append(f"{source}: {text[:160]}")

    for source, paragraph in _article_paragraphs():
        article(source, normalize(paragraph))
    chrome_named: Counter = Counter()
    chrome_lines = 0
    for is_article, line in _page_lines():
        if is_article:
            if len(line.split()) >= 5:  # (shorter lines are labelled by overlap with too few words to tell)
                article("pages", line)
        elif len(line.split()) >= 2:
            chrome_lines += 1
            chrome_named[chrome_reason(line)] += 1

    print("article paragraphs hit by a chrome category (false positives):")
    print("| source | paragraphs | hit | share |")
    print("|---|---|---|---|")
    for source in ("bbc", "reuters", "pages"):
        n = sum(v for (s, _), v in hits.items() if s == source)
        print(f"| {source} | {counted[source]} | {n} | {n / max(1, counted[source]):.3%} |")
    by_reason: Counter = Counter()
    for (_, reason), v in hits.items():
        by_reason[reason] += v
    print("by category:", ", ".join(f"{r} {v}" for r, v in by_reason.most_common()) or "none")
    named = chrome_lines - chrome_named[None]
    print(f"\nchrome lines of the benchmark pages (2+ words) named by a category: {named} of {chrome_lines} "
          f"({named / max(1, chrome_lines):.1%})")
    print("by category:", ", ".join(f"{r} {v}" for r, v in chrome_named.most_common() if r))
    for reason, lines in shown.items():
        print(f"\n{reason}:")
        for line in lines:
            print("  " + line)


if __name__ == "__main__":
    main()
