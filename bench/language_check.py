"""How the manifest's ``language`` (``pipeline.language.detect_language``)
labels real articles, and what it costs.

    python -m bench.language_check

Reads the BBC and Reuters stories (all English) and the true article bodies
of the extraction benchmarks from ../shared; prints the labels given, the
time a text, and, where py3langid is installed (``pip install py3langid``;
not a dependency), how often the label agrees with its on the benchmark
bodies and what py3langid costs a text.
"""
from __future__ import annotations

import time
from collections import Counter

from bench.planted import bbc_articles, reuters_articles
from bench.shared import extraction_pages, require_shared
from pipeline.language import detect_language


def main() -> None:
    require_shared()
    stories = ["\n".join(a.paragraphs) for a in bbc_articles() + reuters_articles()]
    start = time.perf_counter()
    labels = Counter(detect_language(text) for text in stories)
    seconds = time.perf_counter() - start
    print(f"{len(stories)} BBC and Reuters stories: {dict(labels.most_common())}; "
          f"{seconds / len(stories) * 1e3:.3f} ms a text")
    bodies = [gold for _, _, _, _, gold in extraction_pages() if gold.strip()]
    ours = [detect_language(text) for text in bodies]
    print(f"{len(bodies)} benchmark bodies: {dict(Counter(ours).most_common())}")
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        print("py3langid is not installed: no comparison")
        return
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    start = time.perf_counter()
    theirs = [identifier.classify(text)[0] for text in bodies]
    seconds = time.perf_counter() - start
    agree = sum(a == b for a, b in zip(ours, theirs))
    unlabelled = sum(a is None for a in ours)
    print(f"against py3langid ({seconds / len(bodies) * 1e3:.2f} ms a text): {agree} agree, {unlabelled} not "
          f"labelled here, {len(bodies) - agree - unlabelled} labelled otherwise")


if __name__ == "__main__":
    main()
