"""Line-level training data for the boilerplate classifier.

Each benchmark page is rendered as scraped text (the shared eval's
textify), normalised and split into lines exactly as the pipeline does,
and every line is labelled by how much of it the true article body
contains: lines of three or more words by the share of their word
trigrams found in the body, shorter lines by whether they occur in the
body as a phrase.
"""
from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np

from bench.shared import extraction_pages, require_shared
from pipeline.boilerplate import split_lines
from pipeline.linefeatures import line_features
from pipeline.normalize import normalize

LABEL_COVERAGE = 0.5
HELD_OUT_SHARE = 5  # one site in five is held out

_FOLD = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-"})


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).translate(_FOLD).lower())


@dataclass
class Page:
    set: str
    id: str
    site: str
    lines: list[str]
    features: np.ndarray
    labels: np.ndarray
    gold: str

    @property
    def held_out(self) -> bool:
        return is_held_out(self.site)


def is_held_out(site: str) -> bool:
    return zlib.crc32(site.encode()) % HELD_OUT_SHARE == 0


def label_lines(lines: list[str], gold: str) -> np.ndarray:
    gold_tokens = tokens(gold)
    trigrams = set(zip(gold_tokens, gold_tokens[1:], gold_tokens[2:]))
    joined = " " + " ".join(gold_tokens) + " "
    labels = np.zeros(len(lines), dtype=np.int8)
    for i, line in enumerate(lines):
        t = tokens(line)
        if not t:
            continue
        if len(t) >= 3:
            grams = list(zip(t, t[1:], t[2:]))
            labels[i] = sum(g in trigrams for g in grams) / len(grams) >= LABEL_COVERAGE
        else:
            labels[i] = f" {' '.join(t)} " in joined
    return labels


def cropped(page: Page, rng: np.random.Generator) -> Page:
    """The page as a leaner scraper would have saved it: only a few of the
    lines before the article's first line and after its last one. Scraped
    text in the wild (like the seed articles) often ends right after the
    article, and a model trained only on whole pages learns that the last
    lines of a text are never article text."""
    content = np.flatnonzero(page.labels)
    if not len(content):
        return page
    first, last = int(content[0]), int(content[-1])
    head = int(rng.integers(0, min(first, 6) + 1))
    tail = int(rng.integers(0, min(len(page.lines) - 1 - last, 4) + 1))
    lines = page.lines[first - head:last + 1 + tail]
    split = split_lines("\n".join(lines))
    return Page(page.set, page.id + "~cropped", page.site, [line.text for line in split], line_features(split),
                label_lines([line.text for line in split], page.gold), page.gold)


def labelled_lines(sets=("aeb", "wcxb-dev")):
    """(set, page id, site, lines, labels, gold) of each benchmark page
    rendered as scraped text: its ``split_lines`` and each line's
    ``label_lines`` label (1: in the true article body)."""
    require_shared()
    from textify import textify  # ../shared/eval/textify.py
    for set_name, page_id, site, html, gold in extraction_pages(sets):
        lines = split_lines(normalize(textify(html)))
        yield set_name, page_id, site, lines, label_lines([line.text for line in lines], gold), gold


def load_pages(sets=("aeb", "wcxb-dev")) -> list[Page]:
    return [Page(set_name, page_id, site, [line.text for line in lines], line_features(lines), labels, gold)
            for set_name, page_id, site, lines, labels, gold in labelled_lines(sets)]
