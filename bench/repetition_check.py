"""How close real articles come to the repetition gate
(``pipeline.clean.is_repetitive``): every text it would reject is an
article lost.

    python -m bench.repetition_check

Reads the BBC and Reuters stories and the true article bodies of the
extraction benchmarks from ../shared; prints the texts with the largest
repetition of their word 5-grams and the fewest distinct words, then
how many the gate rejects.
"""
from __future__ import annotations

from bench.planted import bbc_articles, reuters_articles
from bench.shared import extraction_pages, require_shared
from pipeline.clean import REPETITIVE_MIN_WORDS, is_repetitive


def shares(text: str) -> tuple[float, float] | None:
    """(how often its word 5-grams occur on average, distinct words /
    words), or None under ``REPETITIVE_MIN_WORDS``."""
    words = [w.casefold() for w in text.split()]
    if len(words) < REPETITIVE_MIN_WORDS:
        return None
    grams = set(zip(words, words[1:], words[2:], words[3:], words[4:]))
    return (len(words) - 4) / len(grams), len(set(text.split())) / len(words)


def main() -> None:
    require_shared()
    texts = [(a.key, "\n".join([a.title, *a.paragraphs])) for a in bbc_articles() + reuters_articles()]
    texts += [(f"{set_name}/{page_id}", gold) for set_name, page_id, _, _, gold in extraction_pages()]
    rows = [(name, s) for name, text in texts if (s := shares(text)) is not None]
    print("5-grams repeated most (times each on average):")
    for name, (repeats, distinct) in sorted(rows, key=lambda r: -r[1][0])[:5]:
        print(f"  {name}: {repeats:.2f} ({distinct:.3f} of its words distinct)")
    print("fewest distinct words:")
    for name, (repeats, distinct) in sorted(rows, key=lambda r: r[1][1])[:5]:
        print(f"  {name}: {distinct:.3f} distinct (5-grams {repeats:.2f} times each)")
    rejected = [name for name, text in texts if is_repetitive(text)]
    print(f"{len(texts)} articles ({len(rows)} of {REPETITIVE_MIN_WORDS} words or more): "
          f"{len(rejected)} rejected as repetitive {rejected[:10]}")


if __name__ == "__main__":
    main()
