"""How well the spam rules catch comment and SMS spam, and how rarely they
hit article sentences.

    python -m bench.spam_eval [--held-out]

``--held-out``: only what ``bench/train_spam.py`` holds out of training
(youtube-spam's last two files, half of sms-spam, the held-out sites'
pages), for the shipped model's held-out figures without retraining.

- youtube-spam: comments labelled spam/ham (HTML in comments is unescaped
  and stripped of tags, as the pipeline's normaliser would see it);
- sms-spam: messages labelled spam/ham;
- article sentences: lines of the news pages (aeb, wcxb-dev) that the true
  article body contains, with five words or more: every hit is a false
  positive on real article text;
- spam in context: three held-out YouTube spam comments planted as
  paragraphs into each held-out news page (bench/linedata.py), run through
  the text cleaner: the share removed, and removed with reason ``spam``.
  This is the figure that counts in the pipeline, where the line model
  and the spam verdict are combined.
"""
from __future__ import annotations

import csv
import html
import re
import zlib

from bench.shared import DATA, extraction_pages, require_shared
from pipeline.normalize import normalize
from pipeline.spam import is_spam

_TAG = re.compile(r"<[^>]+>")


def youtube(with_file: bool = False):
    for path in sorted((DATA / "youtube-spam").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                text = normalize(_TAG.sub(" ", html.unescape(row["CONTENT"])))
                label = row["CLASS"].strip() == "1"
                yield (text, label, path.name) if with_file else (text, label)


def sms():
    with open(DATA / "sms-spam" / "SMSSpamCollection.tsv", encoding="utf-8") as fh:
        for line in fh:
            label, _, text = line.rstrip("\n").partition("\t")
            if label in ("spam", "ham"):
                yield normalize(text), label == "spam"


def sms_held_out(text: str) -> bool:
    """Whether a message is in the half of sms-spam that ``bench/train_spam.py``
    holds out of training (by a hash of the message)."""
    return not zlib.crc32(text.encode()) % 2


def article_lines(held_out: bool = False):
    from bench.linedata import is_held_out, labelled_lines
    for _, _, site, lines, labels, _ in labelled_lines():
        if held_out and not is_held_out(site):
            continue
        for line, label in zip(lines, labels):
            if label and len(line.text.split()) >= 5:
                yield line.text


def planted_in_pages(per_page: int = 3, seed: int = 0) -> tuple[int, float, float]:
    import random
    from bench.linedata import is_held_out
    from bench.train_spam import YOUTUBE_HELD_OUT
    from pipeline.boilerplate import clean_text
    from textify import textify
    spam = [t for t, y, f in youtube(with_file=True) if y and f in YOUTUBE_HELD_OUT and t.strip()]
    rng = random.Random(seed)
    planted = removed = as_spam = 0
    for _, _, site, page, _ in extraction_pages():
        if not is_held_out(site):
            continue
        lines = normalize(textify(page)).split("\n")
        at = rng.randrange(len(lines) // 3, 2 * len(lines) // 3 + 1)
        comments = rng.sample(spam, per_page)
        result = clean_text("\n".join(lines[:at] + [x for c in comments for x in ("", c)] + [""] + lines[at:]))
        reasons = {line: reason for reason, line, _ in result.removed}
        for comment in comments:
            comment = comment.strip()
            planted += 1
            removed += comment not in result.text
            as_spam += reasons.get(comment) == "spam"
    return planted, removed / planted, as_spam / planted


def report(name, items):
    tp = fp = fn = tn = 0
    for text, spam in items:
        hit = is_spam(text)
        tp += hit and spam
        fp += hit and not spam
        fn += spam and not hit
        tn += not spam and not hit
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    print(f"{name:14s} spam={tp + fn:5d} ham={fp + tn:5d}  precision={precision:.3f} recall={recall:.3f} "
          f"ham flagged={fp / max(1, fp + tn):.4f}")


def main() -> None:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--held-out", action="store_true", help="only the parts held out of the spam model's training")
    args = ap.parse_args()
    require_shared()
    if args.held_out:
        from bench.train_spam import YOUTUBE_HELD_OUT
        report("youtube-spam", ((t, y) for t, y, f in youtube(with_file=True) if f in YOUTUBE_HELD_OUT))
        report("sms-spam", ((t, y) for t, y in sms() if sms_held_out(t)))
    else:
        report("youtube-spam", youtube())
        report("sms-spam", sms())
    lines = list(article_lines(args.held_out))
    flagged = [line for line in lines if is_spam(line)]
    print(f"article lines  n={len(lines)} flagged={len(flagged)} false-positive rate={len(flagged) / len(lines):.4%}")
    for line in flagged[:15]:
        print("   FP:", line[:140])
    planted, removed, as_spam = planted_in_pages()
    print(f"spam comments planted in held-out news pages: {planted}, removed {removed:.3f}, "
          f"removed as spam {as_spam:.3f}")


if __name__ == "__main__":
    main()
