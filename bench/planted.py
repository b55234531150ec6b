"""Planted near-duplicate corpora from real articles, as scraped text.

    python -m bench.planted OUT_DIR [--seed 0] [--originals 1500] [--copies 0.3]

Originals are BBC news articles and Reuters newswire stories
(``../shared/data/bbc-news``, ``reuters-21578``), made distinct first: of any
two whose bodies share much text (5-gram Jaccard >= 0.4 or containment >=
0.6; the collections hold re-sent and corrected stories), only one is used,
so every pair of different originals is truly a different story. Reuters
brings the hard negatives of the same template (earnings, dividends:
"Shr 12 cts vs 10 cts...") and both bring many stories on one topic.

Each original gets 0-4 copies, each changed by one to three of:
  exact       the same body
  edited      a few words replaced, dropped or added; a sentence dropped
  truncated   the first 70-90% of the text (an abridged copy)
  rewrapped   paragraphs hard-wrapped at 60-76 columns
  quotes      straight quotes made curly, or curly made straight
  mojibake    UTF-8 read as Windows-1252
  entities    HTML entities left in (&amp; &#8217; &quot;)
  dateline    a wire dateline before the first paragraph
  headline    another headline (upper case, "UPDATE 1-" prefix)

Asked for more originals than there are distinct stories (about 12,000),
the rest are spliced from thirds of three stories (``spliced``).

Every document is wrapped in the chrome of a real scraped page: the lines
above and below the true article body of a shared benchmark page (aeb,
wcxb-dev; by default only the sites the line model never saw). A few dozen
chrome templates are shared by all documents, so many different stories
sit under identical long chrome (the other hard negative), and copies of
one story sit under different chrome.

Writes ``OUT_DIR/raw/<name>.txt`` and ``OUT_DIR/truth.json``
(``{"clusters": {name: cluster}, "bodies": {name: planted body}, ...}``).
"""
from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xxhash

from bench.shared import DATA, extraction_pages, require_shared

COPY_KINDS = ("exact", "edited", "truncated", "rewrapped", "quotes", "mojibake", "entities", "dateline", "headline")
MIN_WORDS = 60


@dataclass
class Article:
    key: str  # bbc/business/001 or reuters/1234
    title: str
    paragraphs: list[str]
    group: str  # category or topic: stories that look alike


# ---------------------------------------------------------------- sources


def bbc_articles() -> list[Article]:
    out = []
    for path in sorted((DATA / "bbc-news").glob("*/*.txt")):
        raw = path.read_bytes().decode("utf-8", errors="replace")
        title, _, body = raw.strip().partition("\n")
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
        out.append(Article(f"bbc/{path.parent.name}/{path.stem}", title.strip(), paragraphs, f"bbc-{path.parent.name}"))
    return out


_REUTERS = re.compile(r"<REUTERS.*?NEWID=\"(\d+)\">(.*?)</REUTERS>", re.S)


def reuters_articles() -> list[Article]:
    out = []
    for path in sorted((DATA / "reuters-21578").glob("reut2-*.sgm.gz")):
        text = gzip.open(path).read().decode("latin-1")
        for new_id, item in _REUTERS.findall(text):
            title = re.search(r"<TITLE>(.*?)</TITLE>", item, re.S)
            body = re.search(r"<BODY>(.*?)</BODY>", item, re.S)
            if not title or not body:
                continue
            block = re.search(r"<TOPICS>(.*?)</TOPICS>", item, re.S)
            topics = re.findall(r"<D>(.*?)</D>", block.group(1)) if block else []
            body_text = html.unescape(body.group(1)).replace("\x03", "")
            body_text = re.sub(r"\s*Reuter\s*$", "", body_text.strip(), flags=re.I)
            # The wire wraps lines at ~70 columns and indents paragraphs.
            paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s{2,}|\n\s*\n", body_text) if p.strip()]
            out.append(Article(f"reuters/{new_id}", " ".join(html.unescape(title.group(1)).split()), paragraphs,
                               f"reuters-{topics[0] if topics else 'none'}"))
    return out


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _shingles(text: str, size: int = 5) -> set[int]:
    w = _words(text)
    return {xxhash.xxh32_intdigest(" ".join(w[i:i + size]).encode()) for i in range(max(1, len(w) - size + 1))}


def distinct(articles: list[Article]) -> list[Article]:
    """Articles of which no two share much text (first one wins)."""
    from datasketch import MinHash, MinHashLSH
    # A low LSH threshold: a short story inside a long one has a low Jaccard.
    lsh = MinHashLSH(threshold=0.15, num_perm=128)
    kept, shingles = [], {}
    for a in articles:
        s = _shingles(" ".join(a.paragraphs))
        m = MinHash(num_perm=128)
        m.update_batch([str(x).encode() for x in s])
        clash = False
        for other in lsh.query(m):
            t = shingles[other]
            inter = len(s & t)
            if inter / len(s | t) >= 0.4 or inter / max(1, min(len(s), len(t))) >= 0.6:
                clash = True
                break
        if not clash:
            lsh.insert(a.key, m)
            shingles[a.key] = s
            kept.append(a)
    return kept


def spliced(pool: list[Article], count: int, rng: random.Random) -> list[Article]:
    """More originals than the collections hold (the 100k throughput corpus):
    each is the first third of one story, the middle of a second and the end
    of a third, so two of them share at most a third of their text (below
    what the pipeline calls a copy)."""
    long_enough = [a for a in pool if len(a.paragraphs) >= 3]  # so the three thirds are different paragraphs
    out = []
    for i in range(count):
        paragraphs: list[str] = []
        parts = rng.sample(long_enough, 3)
        for k, article in enumerate(parts):
            n = len(article.paragraphs)
            lo = k * n // 3
            paragraphs += article.paragraphs[lo:max(lo + 1, (k + 1) * n // 3)]
        out.append(Article(f"spliced/{i}", parts[0].title, paragraphs, "spliced"))
    return out


def chrome_templates(held_out_only: bool = True) -> list[tuple[list[str], list[str]]]:
    """(lines above, lines below) the true article of real scraped pages."""
    from textify import textify

    from bench.linedata import is_held_out, label_lines
    from pipeline.boilerplate import split_lines
    from pipeline.normalize import normalize
    out = []
    for _, _, site, page, gold in extraction_pages():
        if held_out_only and not is_held_out(site):
            continue
        lines = [line.text for line in split_lines(normalize(textify(page)))]
        labels = label_lines(lines, gold)
        body = np.flatnonzero(labels)
        if len(body) == 0:
            continue
        above, below = lines[:body[0]], lines[body[-1] + 1:]
        if len(above) + len(below) >= 5:
            out.append((above[-40:], below[:80]))
    return out


# ---------------------------------------------------------------- copies


_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def mojibake(text: str) -> str:
    return "".join(chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in text.encode("utf-8"))


def curly(text: str) -> str:
    text = re.sub(r'"(\w)', "\u201c\\1", text)
    text = text.replace('"', "\u201d")
    return re.sub(r"(\w)'(\w)", "\\1\u2019\\2", text)


def straight(text: str) -> str:
    return text.translate(str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"}))


def edit_words(paragraphs: list[str], rng: random.Random, share: float = 0.03) -> list[str]:
    out = []
    vocabulary = ["also", "now", "recently", "reportedly", "the", "new", "said", "officials", "further"]
    for p in paragraphs:
        words = p.split(" ")
        edited = []
        for w in words:
            r = rng.random()
            if r < share / 3:
                continue  # dropped
            if r < 2 * share / 3:
                edited.append(rng.choice(vocabulary))  # replaced
            else:
                edited.append(w)
            if rng.random() < share / 3:
                edited.append(rng.choice(vocabulary))  # added
        out.append(" ".join(edited))
    if len(out) > 3 and rng.random() < 0.5:
        del out[rng.randrange(1, len(out))]  # a sentence or paragraph dropped
    return out


def truncate(paragraphs: list[str], rng: random.Random) -> list[str]:
    total = sum(len(p.split()) for p in paragraphs)
    goal = rng.uniform(0.7, 0.9) * total
    out, n = [], 0
    for p in paragraphs:
        if n >= goal:
            break
        out.append(p)
        n += len(p.split())
    return out or paragraphs[:1]


def wrap(paragraph: str, width: int) -> str:
    lines, current = [], ""
    for word in paragraph.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return "\n".join(lines)


DATELINES = ("LONDON (Reuters) - ", "NEW YORK, March 3 (Reuters) - ", "WASHINGTON (AP) — ", "PARIS (AFP) - ")


def make_copy(article: Article, rng: random.Random) -> tuple[str, list[str], list[str]]:
    """(title, body paragraphs as text, kinds applied)."""
    kinds = rng.sample(COPY_KINDS, rng.choice((1, 1, 2, 2, 3)))
    title, paragraphs = article.title, list(article.paragraphs)
    if "edited" in kinds:
        paragraphs = edit_words(paragraphs, rng)
    if "truncated" in kinds:
        paragraphs = truncate(paragraphs, rng)
    if "dateline" in kinds:
        paragraphs[0] = rng.choice(DATELINES) + paragraphs[0]
    if "headline" in kinds:
        title = rng.choice((title.upper(), f"UPDATE 1-{title}", f"{title} - report"))
    if "quotes" in kinds:
        paragraphs = [curly(p) if rng.random() < 0.5 else straight(p) for p in paragraphs]
    if "entities" in kinds:
        paragraphs = [p.replace("&", "&amp;").replace("\u2019", "&#8217;").replace('"', "&quot;")
                      for p in paragraphs]
    if "rewrapped" in kinds:
        width = rng.randrange(60, 77)
        paragraphs = [wrap(p, width) for p in paragraphs]
    if "mojibake" in kinds:
        paragraphs = [mojibake(curly(p)) for p in paragraphs]
        title = mojibake(title)
    return title, paragraphs, kinds


def scraped(title: str, paragraphs: list[str], chrome: tuple[list[str], list[str]]) -> str:
    above, below = chrome
    return "\n".join(above) + "\n\n" + title + "\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n".join(below) + "\n"


# ---------------------------------------------------------------- corpus


def generate(out_dir: str | Path, seed: int = 0, originals: int = 1500, copy_share: float = 0.3,
             templates: int = 40, held_out_chrome: bool = True, reuters_share: float = 0.5) -> dict:
    """Write a planted corpus; returns the truth record."""
    require_shared()
    rng = random.Random(seed)
    out = Path(out_dir)
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    bbc = [a for a in bbc_articles() if sum(len(p.split()) for p in a.paragraphs) >= MIN_WORDS]
    reuters = [a for a in reuters_articles() if sum(len(p.split()) for p in a.paragraphs) >= MIN_WORDS]
    rng.shuffle(bbc)
    rng.shuffle(reuters)
    n_reuters = int(originals * reuters_share)
    pool = distinct(reuters[:n_reuters * 2])[:n_reuters] + distinct(bbc)[:originals - n_reuters]
    pool = distinct(pool)
    if originals > len(pool):
        pool += spliced(pool, originals - len(pool), rng)
    chrome = chrome_templates(held_out_chrome)
    rng.shuffle(chrome)
    chrome = chrome[:templates]

    docs: list[tuple[str, str, str, str, list[str]]] = []  # (cluster, title, body, kinds)
    for article in pool:
        docs.append((article.key, article.title, "\n\n".join(article.paragraphs), ["original"]))
        if rng.random() < copy_share:
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
                title, paragraphs, kinds = make_copy(article, rng)
                docs.append((article.key, title, "\n\n".join(paragraphs), kinds))
    rng.shuffle(docs)
    clusters, bodies, kinds_of, groups = {}, {}, {}, {a.key: a.group for a in pool}
    template_of = {}
    width = len(str(len(docs)))
    for i, (cluster, title, body, kinds) in enumerate(docs):
        name = f"doc{i:0{width}d}"
        template = rng.choice(range(len(chrome)))  # (draws as rng.choice(chrome) did)
        text = scraped(title, body.split("\n\n"), chrome[template])
        (raw / f"{name}.txt").write_text(text, encoding="utf-8")
        clusters[name], bodies[name], kinds_of[name], template_of[name] = cluster, body, kinds, template
    truth = {"seed": seed, "originals": len(pool), "documents": len(docs), "templates": len(chrome),
             "clusters": clusters, "kinds": kinds_of, "groups": groups, "bodies": bodies,
             "template": template_of}
    (out / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--originals", type=int, default=1500)
    ap.add_argument("--copies", type=float, default=0.3, help="share of originals that get copies")
    ap.add_argument("--templates", type=int, default=40, help="chrome templates shared by all documents")
    ap.add_argument("--all-chrome", action="store_true", help="chrome from every benchmark site, not only held-out")
    args = ap.parse_args()
    truth = generate(args.out_dir, args.seed, args.originals, args.copies, args.templates, not args.all_chrome)
    copies = truth["documents"] - truth["originals"]
    print(f"wrote {truth['documents']} documents ({truth['originals']} originals, {copies} planted copies, "
          f"{truth['templates']} chrome templates) to {args.out_dir}")


if __name__ == "__main__":
    main()
